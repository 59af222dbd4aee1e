import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { parseOutcomes } from '../../src/core/outcomes/parse';

// `outcome-lens init --from codeowners`, checked file by file: for every tracked file, the outcome `files --json`
// gives after the import must be the one of the owner GitHub picks. GitHub's picks come from the reference below,
// written here from GitHub's documentation (about-code-owners) and independent of the product's translation.

/**
 * GitHub's CODEOWNERS matching, as documented: the last matching line wins; a line with no owner clears ownership;
 * a pattern without a slash (or with only a trailing one) matches at any depth, one with a slash elsewhere is
 * anchored at the root; a trailing `/` means everything under a folder; `dir/*` means the files directly in dir;
 * `*` and `?` do not match `/`, `**` matches across folders; otherwise a pattern matches the path or anything
 * under it. Lines GitHub cannot read (`!`, `[ ]`, owners that are none) are skipped.
 */
function githubOwners(codeowners: string, file: string): string[] | undefined {
  let owners: string[] | undefined;
  for (const raw of codeowners.split('\n')) {
    const line = raw.replace(/\s#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...who] = line.split(/\s+/);
    if (pattern.startsWith('!') || /[[\]]/.test(pattern) || who.some(w => !/^@\S+$|^\S+@\S+$/.test(w))) continue;
    if (referenceRegex(pattern).test(file)) owners = who;
  }
  return owners;
}

function referenceRegex(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const segs = p.split('/');
  let re = anchored ? '^' : '^(?:.*/)?';
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (s === '**') { re += last ? '.+' : '(?:[^/]+/)*'; return; }
    re += s.split('').map(c => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|\\]/g, '\\$&'))).join('');
    if (!last) re += '/';
  });
  const loneStarLast = segs.length > 1 && segs[segs.length - 1] === '*' || (pattern.startsWith('/') && p === '*');
  if (dirOnly) re += '/.+';
  else if (!loneStarLast && segs[segs.length - 1] !== '**') re += '(?:/.+)?';
  return new RegExp(re + '$');
}

/** Three real-world shapes (and a fourth of corners), each with a tree of files that tells the rules apart. */
const SHAPES: { name: string; codeowners: string; where?: string; files: string[] }[] = [
  {
    // A runtime's: anchored paths and globs per team, several owners per line, `dir/*` for direct children only,
    // and a later broad rule (`/deps`) taking back what an earlier narrow one (`/deps/cares`) gave.
    name: 'anchored team paths with overrides (a runtime project)',
    codeowners: `# Project codeowners

# streams
/lib/_stream* @acme/streams
/lib/internal/streams/* @acme/streams
/lib/stream.js @acme/streams

# net
/deps/cares @acme/net
/lib/net.js @acme/net
/src/tcp_wrap.* @acme/net

# tls
/lib/internal/tls/* @acme/crypto @acme/net
/lib/tls.js @acme/crypto @acme/net

# gyp
*.gyp @acme/gyp
/tools/gyp/**/* @acme/gyp

# V8
/deps/v8/* @acme/v8

# Actions
/.github/workflows/* @acme/actions
/.github/workflows/release.yml @acme/releasers

# Dependency updates
/deps @acme/security
/tools/dep_updaters/* @acme/security
`,
    files: [
      'lib/_stream_readable.js', 'lib/internal/streams/pipeline.js', 'lib/internal/streams/utils/deep.js', 'lib/stream.js', 'lib/stream/promises.js',
      'deps/cares/ares.c', 'deps/cares/include/ares.h', 'deps/v8/BUILD.gn', 'deps/v8/src/api.cc', 'deps/zlib/zlib.h', 'lib/net.js',
      'src/tcp_wrap.cc', 'src/tcp_wrap.h', 'src/node.cc', 'lib/internal/tls/secure.js', 'lib/internal/tls/sub/x.js', 'lib/tls.js', 'node.gyp',
      'tools/v8_gypfiles/v8.gyp', 'tools/gyp/pylib/gyp/input.py', 'tools/gyp/README.md', '.github/workflows/test.yml', '.github/workflows/release.yml',
      '.github/workflows/scripts/run.sh', '.github/CODEOWNERS', 'tools/dep_updaters/update-v8.sh', 'tools/dep_updaters/lib/util.sh', 'README.md',
    ],
  },
  {
    // A website's: a default owner for everything, then names that match at any depth (docs, package.json,
    // LICENSE), inline comments, a line with two owners.
    name: 'a default owner, then unanchored names at any depth (a website)',
    codeowners: `# Website Development
* @site/web

# Infrastructure
.github @site/infra
.nvmrc @site/infra
pnpm-lock.yaml @site/infra   # the lock file is the infra team's

# Package Ecosystem
package.json @site/web
turbo.json @site/web @site/infra

# Critical Documents
LICENSE @site/tsc
docs @site/web @site/infra
apps/site/pages/en/blog/release @site/releasers
`,
    files: [
      '.github/workflows/ci.yml', '.github/CODEOWNERS', '.nvmrc', 'pnpm-lock.yaml', 'package.json', 'apps/site/package.json', 'packages/ui/package.json',
      'turbo.json', 'LICENSE', 'packages/ui/LICENSE', 'docs/guide.md', 'apps/docs/index.md', 'apps/site/pages/en/blog/release/v20.md',
      'apps/site/pages/en/blog/other.md', 'apps/site/pages/en/blog/release-notes.md', 'apps/site/next.config.mjs', 'README.md',
    ],
  },
  {
    // GitHub's own example file: extensions, an e-mail owner, anchored and unanchored folders, `docs/*`, `**/logs`,
    // a rule with no owner, and lines GitHub skips (`!`, `[ ]`).
    name: 'the documented example (extensions, docs/*, apps/, **/logs, a rule with no owner)',
    where: 'docs/CODEOWNERS',
    codeowners: `# These owners will be the default owners for everything in the repo.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
!/apps/github/keep.js @nobody
[ab].md @someone
`,
    files: [
      'index.js', 'lib/util.js', 'main.go', 'notes.txt', 'build/logs/a.log', 'build/logs/deep/b.log', 'build/out.bin', 'docs/getting-started.md',
      'docs/build-app/troubleshooting.md', 'docs/CODEOWNERS', 'apps/web/index.js', 'apps/github/app.js', 'apps/github/keep.js', 'tools/apps/x.sh',
      'scripts/deploy.sh', 'src/logs/x.log', 'logs', 'a.md', 'README.md', 'src/server.go',
    ],
  },
  {
    // GitHub's documented example file as published (about-code-owners), every rule of it with comments of our own: it
    // repeats `/apps/ @octocat`, and its `/apps/github` rules take the folder back, first for no one, then for @doctocat.
    name: 'GitHub\'s documented example file, every rule of it',
    codeowners: `# default owners
*       @global-owner1 @global-owner2

# JavaScript
*.js    @js-owner #This is an inline comment.

# an e-mail owner
*.go docs@example.com

# a team
*.txt @octo-org/octocats

/build/logs/ @doctocat

# direct children only
docs/*  docs@example.com

apps/ @octocat

/docs/ @doctocat

/scripts/ @doctocat @octocat

**/logs @octocat

# no owner for /apps/github
/apps/ @octocat
/apps/github

# then @doctocat for it
/apps/ @octocat
/apps/github @doctocat
`,
    files: [
      'index.js', 'lib/util.js', 'main.go', 'notes.txt', 'build/logs/a.log', 'build/logs/deep/b.log', 'build/out.bin', 'docs/getting-started.md',
      'docs/build-app/troubleshooting.md', 'apps/web/index.js', 'apps/github/app.js', 'apps/github/sub/x.txt', 'tools/apps/x.sh', 'scripts/deploy.sh',
      'scripts/logs/run.log', 'deeply/nested/logs/z.log', 'src/logs', 'apps/web/logs/debug.log', 'README.md', 'src/server.go',
    ],
  },
  {
    // Folder rules that end in `**/` or are `*/` alone: as .gitignore reads them (GitHub's rules, bar three exceptions),
    // the folders below, so their files are one level down at least; the files directly in `src` are not `/src/**/`'s.
    name: 'folder rules ending in **/ and */ (foo/**/, **/, */)',
    codeowners: `**/ @folders
/src/**/ @deep
tools/**/ @tools
/lib/*/ @lib
`,
    files: ['README.md', 'top.ts', 'src/a.ts', 'src/sub/b.ts', 'src/sub/deeper/c.ts', 'lib/x.ts', 'lib/inner/y.ts', 'tools/t.sh', 'tools/more/u.sh',
      'pkg/tools/v.sh', 'pkg/tools/w/x.sh'],
  },
  {
    // `*/` after a default owner: the files in any folder, not those at the root.
    name: 'a default owner, then */ for every folder',
    codeowners: `* @all
*/ @nested
/docs/ @docs
`,
    files: ['README.md', 'top.ts', 'docs/a.md', 'docs/deep/b.md', 'x/y.ts', 'x/z/w.ts'],
  },
  {
    // A Next.js app: route folders with brackets. GitHub does not read `[ ]` in CODEOWNERS (the line is an error, and
    // skipped), so those files keep the owner of the rules before.
    name: 'Next.js route folders: a rule with [ ] is skipped, as GitHub skips it',
    codeowners: `* @web
/app/ @app
app/[locale]/ @i18n
/app/[locale]/checkout/** @payments
`,
    files: ['package.json', 'app/layout.tsx', 'app/[locale]/page.tsx', 'app/[locale]/checkout/page.tsx', 'app/l/page.tsx'],
  },
  {
    // A default owner written in two letter cases (one owner to GitHub), files at the root, `*/` (the files in any
    // folder, none at the root), `**/` below a folder, and later folder rules that take a folder's part back.
    name: 'owners in two letter cases, root files, */ and **/ after a default owner',
    codeowners: `* @Acme/Web
*.md @acme/web @docs
/packages/*/ @pkg
/packages/a/ @ACME/WEB
/tools/**/ @tools
/tools/keep.sh
`,
    files: ['README.md', 'package.json', 'index.ts', 'packages/top.ts', 'packages/a/x.ts', 'packages/b/y.ts', 'packages/b/deep/z.md', 'tools/t.sh',
      'tools/keep.sh', 'tools/sub/u.sh', 'tools/sub/v/w.sh', 'docs/guide.md', 'docs/img/p.png', 'x/y.ts'],
  },
  {
    // `*/` alone and `**/` alone after a default owner: every file in a folder is theirs, the root files stay the default's.
    name: 'a default owner, then **/ and */ alone',
    codeowners: `* @root
**/ @anyfolder
/lib/ @lib
*/ @nested
`,
    files: ['README.md', 'setup.py', 'lib/a.py', 'lib/sub/b.py', 'src/c.py', 'src/d/e.py'],
  },
  {
    // The corners: a later `dir/*` that does not reach into an earlier rule's sub-folder, `**` in the middle,
    // `?`, a `**` inside a name, and a file and a folder of the same name.
    name: 'corners: dir/* after a deeper rule, ** in the middle, ?, foo**',
    codeowners: `/a/sub/ @x
a/* @y
src/**/test/ @qa
/v?.txt @v
/gen** @gen
/same @s
`,
    files: ['a/f.ts', 'a/sub/g.ts', 'a/sub/deeper/h.ts', 'a/other/i.ts', 'src/test/t.ts', 'src/x/y/test/u.ts', 'src/testing/z.ts', 'v1.txt', 'v10.txt',
      'gen', 'generated/x.ts', 'same/file.ts', 'samex/f.ts'],
  },
];

describe('init --from codeowners: GitHub\'s meaning kept, file by file', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });

  for (const shape of SHAPES) {
    it(shape.name, () => {
      const repo = new TempRepo();
      repos.push(repo);
      const where = shape.where ?? '.github/CODEOWNERS';
      for (const f of shape.files) if (f !== where) repo.write(f);
      repo.write(where, shape.codeowners).commit('Start\n');
      const r = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^${where.replace(/[./]/g, '\\$&')}: \\d+ rules?, \\d+ owners?: one outcome each\n`));
      assert.match(r.stdout, /wrote .*outcomes\.yaml: \d+ outcomes?\n/);
      // As a new user runs it: check before outcomes.yaml is committed, then again once it is tracked.
      const fresh = cli(['check', '--repo', repo.dir]);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.deepEqual(fresh.stderr.split('\n').filter(l => / warning: /.test(l)), [], 'not yet committed: ' + fresh.stderr);
      repo.git('add', 'outcomes.yaml');
      const map = parseOutcomes(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'))).map!;
      // GitHub compares owners without letter case: `@Acme/Web` and `@acme/web` are one owner, one outcome.
      const idOf = new Map(map.outcomes.map(o => [o.owner!.toLowerCase(), o.id]));
      assert.equal(idOf.size, map.outcomes.length, 'one outcome per owner, whatever its letter case');
      assert.doesNotMatch(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'), 'utf8'), /"!\*\/"/, 'no catch-all "!*/" that would cancel a folder written later');
      const files = cli(['files', '--json', '--repo', repo.dir]);
      assert.equal(files.code, 0, files.stderr);
      const got = JSON.parse(files.stdout) as { path: string; outcomes: string[]; ignored: boolean }[];
      assert.equal(got.length, new Set([...shape.files, where]).size + 1, 'every tracked file, and outcomes.yaml');
      const wrong: string[] = [];
      for (const f of got) {
        const want = f.path === 'outcomes.yaml' ? [] : [...new Set((githubOwners(shape.codeowners, f.path) ?? []).map(o => idOf.get(o.toLowerCase())!))].sort();
        if (JSON.stringify([...f.outcomes].sort()) !== JSON.stringify(want)) wrong.push(`${f.path}: got ${JSON.stringify(f.outcomes)}, GitHub gives ${JSON.stringify(want)}`);
      }
      assert.deepEqual(wrong, [], 'each file has the outcome of the owner GitHub picks');
      assert.deepEqual(got.find(f => f.path === 'outcomes.yaml'), { path: 'outcomes.yaml', outcomes: [], ignored: true, areas: [] }, 'outcomes.yaml itself needs no outcome');
      // The file it wrote is clean: no "has no effect" or "shadowed" line (each line it writes does something).
      const check = cli(['check', '--repo', repo.dir]);
      assert.equal(check.code, 0, check.stderr);
      assert.deepEqual(check.stderr.split('\n').filter(l => / warning: /.test(l)), [], check.stderr);
    });
  }

  it('GitHub\'s documented example on a tree that has no file for some of its rules: check names the stale rules, and nothing is shadowed', () => {
    // A log folder only under apps/: `**/logs` is written as `**/logs` (a file named logs) and `**/logs/**`, which
    // `**/apps/**` above it already covers. Before, that second line was written and `check` called it shadowed.
    const doc = SHAPES.find(x => x.name.startsWith('GitHub\'s documented example file'))!;
    const repo = new TempRepo();
    repos.push(repo);
    const files = ['apps/github/x.js', 'apps/web/logs/q', 'build/out.bin', 'docs/a.txt', 'docs/getting-started.md', 'index.js', 'lib/util.js', 'main.go', 'src/logs', 'tools/apps/x.sh'];
    for (const f of files) repo.write(f);
    repo.write('.github/CODEOWNERS', doc.codeowners).commit('Start\n');
    assert.equal(cli(['init', '--from', 'codeowners', '--repo', repo.dir]).code, 0);
    repo.git('add', 'outcomes.yaml');
    const map = parseOutcomes(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'))).map!;
    const idOf = new Map(map.outcomes.map(o => [o.owner!, o.id]));
    const got = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[] }[];
    for (const f of got) {
      const want = f.path === 'outcomes.yaml' ? [] : (githubOwners(doc.codeowners, f.path) ?? []).map(o => idOf.get(o)!).sort();
      assert.deepEqual([...f.outcomes].sort(), want, f.path);
    }
    const warnings = cli(['check', '--repo', repo.dir]).stderr.split('\n').filter(l => / warning: /.test(l)).map(l => l.replace(/^outcomes\.yaml:\d+:\d+: warning: /, ''));
    assert.deepEqual(warnings, [
      '"/build/logs/" in the areas of "doctocat" matches no tracked file',
      '"/scripts/" in the areas of "doctocat" matches no tracked file',
      '"/scripts/**" in the areas of "octocat" matches no tracked file',
    ]);
  });

  it('the reference itself reads GitHub\'s documented examples as documented', () => {
    const doc = SHAPES[2].codeowners;
    assert.deepEqual(githubOwners(doc, 'docs/getting-started.md'), ['@doctocat'], '/docs/ comes after docs/*');
    assert.deepEqual(githubOwners('docs/* docs@example.com\n', 'docs/build-app/troubleshooting.md'), undefined, 'docs/* is not recursive');
    assert.deepEqual(githubOwners('docs/* docs@example.com\n', 'docs/getting-started.md'), ['docs@example.com']);
    assert.deepEqual(githubOwners(doc, 'apps/github/app.js'), [], 'a rule with no owner clears ownership');
    assert.deepEqual(githubOwners(doc, 'tools/apps/x.sh'), ['@octocat'], 'apps/ anywhere');
    assert.deepEqual(githubOwners(doc, 'src/logs/x.log'), ['@octocat'], '**/logs');
    assert.deepEqual(githubOwners(doc, 'a.md'), ['@global-owner1', '@global-owner2'], '[ab].md is skipped');
  });

  it('the reference reads folder rules as git does (GitHub: .gitignore\'s rules but for `!`, `[ ]` and `\\#`), `foo/**/` and `*/` included', () => {
    const repo = new TempRepo();
    repos.push(repo);
    const files = ['top.ts', 'foo/a.ts', 'foo/sub/b.ts', 'foo/sub/deep/c.ts', 'x/foo/d.ts', 'x/foo/e/f.ts', 'bar/g.ts', 'bar/logs', 'bar/logs/h.log'];
    for (const f of files) if (f !== 'bar/logs') repo.write(f);
    repo.write('baz/logs').commit('files\n');
    const tracked = repo.git('ls-files', '-z').split('\0').filter(Boolean);
    for (const rule of ['foo/**/', '/foo/**/', '**/', '*/', '/*/', 'foo/', 'foo/*/', '**/foo/**/', 'foo/**', 'logs', '**/logs', 'logs/']) {
      const listFile = path.join(repo.dir, '.git', 'patterns');
      fs.writeFileSync(listFile, rule + '\n');
      const git = repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
      assert.deepEqual(tracked.filter(f => githubOwners(`${rule} @o\n`, f)), git, rule);
    }
  });

  it('a rule with [ ] says how to write its folder by hand, and that pattern is the folder in git', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('app/[locale]/page.tsx').write('app/l/page.tsx').write('.github/CODEOWNERS', '* @web\napp/[locale]/ @i18n\n').commit('Start\n');
    const r = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find(l => l.startsWith('line 2: skipped'));
    assert.equal(line, 'line 2: skipped "app/[locale]/ @i18n": GitHub does not support `[ ]` in CODEOWNERS (it marks the line as an error), so it skips the line; '
      + 'if the brackets are part of a name, write "app/\\\\[locale\\\\]/" in an outcome\'s areas by hand');
    const hinted = JSON.parse(/write ("[^"]+")/.exec(line!)![1]) as string;
    const listFile = path.join(repo.dir, '.git', 'patterns');
    fs.writeFileSync(listFile, hinted + '\n');
    assert.deepEqual(repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean), ['app/[locale]/page.tsx']);
  });

  it('says what it translated and what GitHub skips', () => {
    const repo = new TempRepo();
    repos.push(repo);
    for (const f of SHAPES[2].files) repo.write(f);
    repo.write('docs/CODEOWNERS', SHAPES[2].codeowners).commit('Start\n');
    const r = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
    const lines = r.stdout.split('\n');
    assert.ok(lines.includes('docs/CODEOWNERS: 12 rules, 7 owners: one outcome each'), r.stdout);
    assert.ok(lines.includes('line 14: skipped "!/apps/github/keep.js @nobody": GitHub does not support `!` in CODEOWNERS, so it skips the line'), r.stdout);
    assert.ok(lines.includes('line 15: skipped "[ab].md @someone": GitHub does not support `[ ]` in CODEOWNERS (it marks the line as an error), so it skips the line; '
      + 'if the brackets are part of a name, write "\\\\[ab\\\\].md" in an outcome\'s areas by hand'), r.stdout);
    assert.ok(!lines.some(l => l.startsWith('line 7:')), 'docs/* gives its owner nothing /docs/ does not take back: not written');
    assert.ok(lines.includes('3 times a rule gave its owner no tracked file the owner\'s other rules did not, so it is not written there'), r.stdout);
    assert.ok(lines.includes('line 3: "*.js" takes its files back from @global-owner1, @global-owner2 ("!*.js")'), r.stdout);
    assert.ok(lines.some(l => l.startsWith('line 13: "/apps/github" takes its files back from @octocat')), r.stdout);
    const yaml = fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'), 'utf8');
    assert.match(yaml, /- id: global-owner1\n {4}title: "Work owned by @global-owner1"\n {4}description: "These owners will be the default owners for everything in the repo\."\n {4}owner: "@global-owner1"/);
    assert.match(yaml, /owner: "@js-owner"/);
    assert.match(yaml, /description: "This is an inline comment\."/);
    assert.match(yaml, /- id: docs\n {4}title: "Work owned by docs@example\.com"/);
    // refuses to write over it without --force
    const again = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /outcomes\.yaml exists; --force writes over it/);
    assert.equal(cli(['init', '--from', 'codeowners', '--force', '--repo', repo.dir]).code, 0);
  });

  it('dir/* is written as the files directly in it; an owner whose files later rules all take owns nothing', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('tools/a.sh').write('tools/sub/b.sh').write('deps/v8/x.cc').write('CODEOWNERS', '/tools/* @tooling\n/deps/v8/* @v8\n/deps @security\n').commit('Start\n');
    const r = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(1, 3), [
      'line 1: "/tools/*" written as "/tools/*" (GitHub: only the files directly in it, not those in its folders)',
      '@v8: later rules give each of its files to other owners (or to none), so it owns no file and gets no outcome',
    ]);
    repo.git('add', 'outcomes.yaml');
    const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[] }[];
    assert.deepEqual(files.map(f => `${f.path}:${f.outcomes.join(',')}`), ['CODEOWNERS:', 'deps/v8/x.cc:security', 'outcomes.yaml:', 'tools/a.sh:tooling', 'tools/sub/b.sh:']);
  });

  it('an import of `* @team` narrowed by hand to a folder ("*" to "packages/") claims that folder\'s files, less what other owners have', () => {
    const repo = new TempRepo();
    repos.push(repo);
    const tree = ['README.md', 'package.json', 'packages/a/x.ts', 'packages/a/.github/ci.yml', 'packages/b/y.ts', 'packages/b/z/w.ts', 'packages/c/q.ts',
      'docs/guide.md', 'scripts/run.sh', '.github/workflows/ci.yml'];
    for (const f of tree) repo.write(f);
    repo.write('.github/CODEOWNERS', '* @team\n.github/ @maintainers\n/packages/c/ @c-team\n/docs/ @docs\n').commit('Start\n');
    assert.equal(cli(['init', '--from', 'codeowners', '--repo', repo.dir]).code, 0);
    const yamlPath = path.join(repo.dir, 'outcomes.yaml');
    const written = fs.readFileSync(yamlPath, 'utf8');
    assert.match(written, /^ {6}- "\*" {2}# \.github\/CODEOWNERS:1$/m, 'the default rule is written as it is');
    assert.doesNotMatch(written, /"!\*\/"/);
    // The lead narrows the default owner's "*" to the folder the team works in, and commits it.
    fs.writeFileSync(yamlPath, written.replace(/^( {6}- )"\*"( {2}# \.github\/CODEOWNERS:1)$/m, '$1"packages/"$2'));
    repo.commit('Narrow the team to packages/\n');
    const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[]; areas: { outcome: string; pattern: string; line: number }[] }[];
    const team = files.filter(f => f.outcomes.includes('team')).map(f => f.path);
    assert.deepEqual(team, ['packages/a/x.ts', 'packages/b/y.ts', 'packages/b/z/w.ts'], 'packages/, less .github (the maintainers\') and packages/c (c-team\'s)');
    // Which line adds each file, as files --json gives it: counted per line, the numbers of the Outcomes view and the
    // CodeLens. The lines the import put first for the folders it takes out bring packages/a and packages/ back.
    const lineOf = (pattern: string) => written.split('\n').findIndex(l => l.startsWith(`      - ${JSON.stringify(pattern)}`)) + 1;
    assert.deepEqual(files.flatMap(f => f.areas.filter(a => a.outcome === 'team').map(a => `${f.path} ${a.pattern}:${a.line}`)),
      [`packages/a/x.ts /packages/a/*:${lineOf('/packages/a/*')}`, `packages/b/y.ts /packages/*:${lineOf('/packages/*')}`, `packages/b/z/w.ts /packages/*:${lineOf('/packages/*')}`]);
    const check = cli(['check', '--repo', repo.dir]);
    assert.equal(check.code, 0, check.stderr);
    assert.doesNotMatch(check.stderr, /takes away every file/);
  });

  it('check warns, at the negation, where a negation takes away every file the other patterns of an outcome match', () => {
    const repo = new TempRepo();
    repos.push(repo);
    for (const f of ['packages/a/x.ts', 'packages/b/y.ts', 'packages/b/.github/ci.yml', 'README.md']) repo.write(f);
    // What an import ended with before: a catch-all "!*/" after a "*" that a lead narrowed to a folder.
    repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: team\n    title: Team\n    areas:\n      - "packages/"\n      - "!**/.github/**"\n      - "!*/"\n').commit('Start\n');
    const check = cli(['check', '--repo', repo.dir]);
    assert.equal(check.code, 0, check.stderr);
    assert.ok(check.stderr.split('\n').includes('outcomes.yaml:8:9: warning: "!*/" in the areas of "team" takes away every file the patterns above it match (3), so the outcome claims '
      + 'no file; `packages/` matches a folder, which stands for its files, and `!*/` takes the folder: write `**/packages/**` to match its files one by one, or delete `!*/`'), check.stderr);
    // The fix it gives works.
    fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), 'version: 1\noutcomes:\n  - id: team\n    title: Team\n    areas:\n      - "**/packages/**"\n      - "!**/.github/**"\n      - "!*/"\n');
    repo.commit('Fix\n');
    const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[] }[];
    assert.deepEqual(files.filter(f => f.outcomes.includes('team')).map(f => f.path), ['packages/a/x.ts', 'packages/b/y.ts']);
    assert.doesNotMatch(cli(['check', '--repo', repo.dir]).stderr, /takes away every file/);
  });

  it('--from codeowners with no CODEOWNERS file, and a bad --from, are usage errors', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('src/a.ts').commit('Start\n');
    const r = cli(['init', '--from', 'codeowners', '--repo', repo.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no CODEOWNERS file: GitHub reads \.github\/CODEOWNERS, CODEOWNERS or docs\/CODEOWNERS/);
    assert.equal(cli(['init', '--from', 'owners', '--repo', repo.dir]).code, 2);
    assert.equal(fs.existsSync(path.join(repo.dir, 'outcomes.yaml')), false);
  });
});

describe('init --from folders', function () {
  this.timeout(60_000);
  it('a folder whose name has a backslash or a glob character gets an area that matches it, as git reads it', () => {
    const repo = new TempRepo();
    try {
      repo.write('a\\b/x.ts').write('c[1]*/y.ts').write('a/b/z.ts').commit('Start\n');
      assert.equal(cli(['init', '--repo', repo.dir]).code, 0);
      repo.git('add', 'outcomes.yaml');
      const map = parseOutcomes(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'))).map!;
      const areas = Object.fromEntries(map.outcomes.map(o => [o.title, o.areas.map(a => a.pattern)]));
      assert.deepEqual(areas, { 'Work in a/': ['/a/'], 'Work in a\\b/': ['/a\\\\b/'], 'Work in c[1]*/': ['/c\\[1\\]\\*/'] });
      const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[] }[];
      const idOf = Object.fromEntries(map.outcomes.map(o => [o.title, o.id]));
      assert.deepEqual(files.filter(f => f.path !== 'outcomes.yaml').map(f => `${f.path}:${f.outcomes.join(',')}`),
        [`a/b/z.ts:${idOf['Work in a/']}`, `a\\b/x.ts:${idOf['Work in a\\b/']}`, `c[1]*/y.ts:${idOf['Work in c[1]*/']}`]);
      for (const o of map.outcomes) {
        const listFile = path.join(repo.dir, '.git', 'patterns');
        fs.writeFileSync(listFile, o.areas[0].pattern + '\n');
        const git = repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
        assert.deepEqual(git, files.filter(f => f.outcomes.includes(o.id)).map(f => f.path), `git reads ${o.areas[0].pattern} the same`);
      }
      assert.deepEqual(cli(['check', '--repo', repo.dir]).stderr.split('\n').filter(l => / warning: /.test(l)), []);
    } finally {
      repo.rm();
    }
  });

  it('one outcome per top-level folder; vendored folders, lock files and outcomes.yaml ignored', () => {
    const repo = new TempRepo();
    try {
      repo.write('services/checkout/pay.ts').write('services/search/q.ts').write('web/app.tsx').write('vendor/lib.js').write('.github/ci.yml')
        .write('package-lock.json', '{}\n').write('README.md').write('CODEOWNERS', '* @team\n').commit('Start\n');
      const r = cli(['init', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `2 top-level folders: one outcome each (left out: .github, vendor)\nwrote ${path.join(repo.dir, 'outcomes.yaml')}: 2 outcomes\n`
        + 'CODEOWNERS exists: `outcome-lens init --from codeowners --force` makes one outcome per owner instead\n');
      repo.git('add', 'outcomes.yaml');
      const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[]; ignored: boolean }[];
      assert.deepEqual(files.map(f => `${f.path}:${f.outcomes.join(',')}:${f.ignored}`), [
        '.github/ci.yml::false', 'CODEOWNERS::false', 'README.md::false', 'outcomes.yaml::true', 'package-lock.json::true',
        'services/checkout/pay.ts:services:false', 'services/search/q.ts:services:false', 'vendor/lib.js::true', 'web/app.tsx:web:false',
      ]);
    } finally {
      repo.rm();
    }
  });
});
