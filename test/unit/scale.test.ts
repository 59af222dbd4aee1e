import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { GitRepo } from '../../src/core/git/repo';
import { CommitCache } from '../../src/core/git/cache';
import { readHistory } from '../../src/core/git/history';
import { valuesFor } from '../../src/core/message/trailers';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { compilePatterns } from '../../src/core/patterns/matcher';
import { Linker } from '../../src/core/links/link';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** A tracked-file list made with real git, fast: one blob, many index entries (no files written). */
function indexOnly(repo: TempRepo, paths: string[]): void {
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: 'x\n', encoding: 'utf8' }).trim();
  execFileSync('git', ['update-index', '--add', '-z', '--index-info'], { cwd: repo.dir, input: paths.map(p => `100644 ${blob}\t${p}\0`).join('') });
}

describe('streaming the tracked files (files --json on large repositories)', function () {
  let repo: TempRepo;
  let expected: string[];

  before(() => {
    repo = new TempRepo();
    // Enough paths to fill the pipe many times, with multi-byte names so that a pipe-full ends inside a character.
    const paths: string[] = [];
    for (let i = 0; i < 6000; i++) paths.push(`dir${i % 37}/sub ${i % 5}/ünïcødé-日本-${i}.ts`);
    paths.push('root.md', 'a "quoted" name.txt', 'back\\slash.txt', 'tab\there.txt', '-leading-dash.ts');
    indexOnly(repo, paths);
    expected = repo.git('-c', 'core.quotepath=off', 'ls-files', '-z').split('\0').filter(Boolean);
  });
  after(() => repo.rm());

  it('lists every path once, in git\'s order, whatever its bytes', async () => {
    assert.deepEqual([...await new GitRepo(repo.dir).trackedFiles()], expected);
  });

  it('files --json prints what JSON.stringify of the answers would, and files --unlinked the unlinked ones', () => {
    fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), 'version: 1\nignore: ["*.md"]\noutcomes:\n  - id: one\n    title: One\n    areas: [dir1/, "sub 3/"]\n');
    const linker = new Linker(parseOutcomes(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'))).map!);
    // Each claimed file's adding area: the first of the two lines that matches it on its own (both on line 6).
    const dir1 = compilePatterns(['dir1/']);
    const want = expected.map(p => {
      const f = linker.file(p);
      return { path: f.path, outcomes: f.outcomes, ignored: f.ignored, areas: f.outcomes.map(outcome => ({ outcome, pattern: dir1.matches(p) ? 'dir1/' : 'sub 3/', line: 6 })) };
    });
    const json = execFileSync('node', [CLI, 'files', '--json', '--repo', repo.dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(json, JSON.stringify(want) + '\n');
    const r = spawnSync('node', [CLI, 'files', '--unlinked', '--repo', repo.dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 1, 'unlinked files found: exit 1');
    // Text output writes control characters as JSON does: the tab in `tab\there.txt` cannot pass for the separator.
    const unlinked = want.filter(f => !f.outcomes.length && !f.ignored).map(f => `${f.path.replace(/\t/g, '\\t')}\t(unlinked)`);
    assert.ok(unlinked.length > 100 && unlinked.length < want.length - 100, 'the map exercises both answers');
    assert.equal(r.stdout, unlinked.join('\n') + '\n');
  });
});

describe('Linker.classifyAll', () => {
  const files = [
    'a.ts', 'README.md', 'vendor/x.js', 'vendor/sub/y.js', 'src/vendor/z.js', 'src/a.ts', 'src/a/b.ts', 'src/a/b/c.ts', 'src/ab.ts',
    'services/checkout/pay.ts', 'services/checkout/legacy/old.ts', 'services/checkoutx/a.ts', 'services/search/q.go',
    'docs/checkout.md', 'x/y/z/w/v.ts', 'x/y/z.ts', 'x/yy/z.ts', 'gen/a.pb.go', 'lib/gen/b.go', 'Makefile', 'src/Makefile',
  ];
  const maps = {
    'plain paths (one merged lookup)': 'version: 1\nignore: [vendor/, gen/, /docs/]\noutcomes:\n  - {id: a, title: A, areas: [services/checkout/, Makefile, src/a]}\n  - {id: b, title: B, areas: [services/, x/y/z/]}\n',
    'globs and negations (the general matcher)': 'version: 1\nignore: ["*.md", "**/gen/**"]\noutcomes:\n  - {id: a, title: A, areas: ["services/checkout/**", "!services/checkout/legacy/**", "src/*.ts"]}\n  - {id: b, title: B, areas: ["x/**/z*", "**/Makefile"]}\n',
  };
  for (const [name, yaml] of Object.entries(maps)) {
    it(`gives each file what its outcomes' patterns say, in any order and any slice: ${name}`, () => {
      const map = parseOutcomes(yaml).map!;
      assert.ok(map, 'the map parses');
      const expect = (p: string) => {
        const outcomes = map.outcomes.filter(o => compilePatterns(o.areas.map(a => a.pattern)).matches(p)).map(o => o.id);
        return { path: p, outcomes, ignored: compilePatterns(map.ignore.map(i => i.pattern)).matches(p) };
      };
      const sorted = [...files].sort();
      const shuffled = [...files].reverse();
      for (const list of [sorted, shuffled]) {
        const got = new Linker(map).classifyAll(list).map(f => ({ path: f.path, outcomes: f.outcomes, ignored: f.ignored }));
        assert.deepEqual(got, list.map(expect));
        const part = new Linker(map).classifyAll(list, 3, 9).map(f => f.path);
        assert.deepEqual(part, list.slice(3, 9));
      }
      const all = new Linker(map).classifyAll(sorted);
      assert.ok(all.some(f => f.status === 'linked') && all.some(f => f.status === 'ignored') && all.some(f => f.status === 'unlinked'), 'all three answers occur');
    });
  }
});

describe('the history cache (CLI cache folder, extension storage)', function () {
  let repo: TempRepo;
  let cacheDir: string;
  const N = 2600; // more than two lines of the cache file (1,000 commits each)

  before(() => {
    repo = new TempRepo();
    // git fast-import makes thousands of real commits in well under a second, with fixed dates.
    let stream = '';
    for (let i = 0; i < N; i++) {
      const msg = i % 3 === 0 ? `change ${i}\n\nOutcome: a\n` : `change ${i}\n`;
      stream += `commit refs/heads/main\nmark :${i + 1}\nauthor Dev ${i % 7} <d${i % 7}@example.com> ${1704067200 + i * 3600} +0000\ncommitter Dev <d@example.com> ${1704067200 + i * 3600} +0000\n`;
      stream += `data ${Buffer.byteLength(msg)}\n${msg}${i ? `from :${i}\n` : ''}M 644 inline ${i % 2 ? 'src' : 'docs'}/f${i % 50}.ts\ndata ${String(i).length + 1}\n${i}\n\n`;
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream });
    repo.git('reset', '-q', '--hard', 'main');
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-hist-'));
  });
  after(() => { repo?.rm(); if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true }); });

  it('git\'s commits come a pipe-full at a time, in git\'s order, before git has written them all', async () => {
    const parts: string[][] = [];
    const n = await new GitRepo(repo.dir).log({}, part => parts.push(part.map(c => c.sha)));
    // About 500 KB of output: more than a pipe holds (64 KB), so git cannot have written it in one go.
    assert.ok(parts.length > 1, `${parts.length} parts`);
    assert.equal(n, N);
    assert.deepEqual(parts.flat(), repo.git('rev-list', 'HEAD').trim().split('\n'));
  });

  it('reads from git once, then only new commits; cached commits come back equal, in git\'s order', async () => {
    const git = new GitRepo(repo.dir);
    const seen: number[] = [];
    const first = await readHistory(git, {}, { cacheDir, onCommits: c => seen.push(c.length) });
    assert.equal(first.fromGit, N);
    assert.equal(seen.reduce((a, b) => a + b, 0), N, 'every commit went through onCommits');
    const lines = fs.readFileSync(CommitCache.fileFor(cacheDir, repo.dir), 'utf8').trim().split('\n');
    assert.ok(lines.length >= 4, `header, parts and order: ${lines.length} lines`);

    const parts: string[][] = [];
    const second = await readHistory(git, {}, { cacheDir, onCommits: c => parts.push(c.map(x => x.sha)) });
    assert.equal(second.fromGit, 0);
    assert.deepEqual(second.commits, first.commits, 'the same facts, in the same order');
    assert.deepEqual(parts.flat(), repo.git('rev-list', 'HEAD').trim().split('\n'), 'cached commits arrive newest first, in parts');
    assert.ok(parts.length > 1 && parts.every(p => p.length <= 2000));

    const window = await readHistory(git, { since: '2024-04-01T00:00:00Z' }, { cacheDir });
    assert.equal(window.fromGit, 0, 'a window of cached commits needs no git log');
    assert.deepEqual(window.commits.map(c => c.sha), repo.git('rev-list', '--since=2024-04-01T00:00:00Z', 'HEAD').trim().split('\n'));

    const added = repo.write('src/new.ts').commit('new\n\nOutcome: a\n');
    const order: string[] = [];
    const third = await readHistory(git, {}, { cacheDir, newestFirst: true, onCommits: c => order.push(...c.map(x => x.sha)) });
    assert.equal(third.commits[0].sha, added);
    assert.deepEqual(valuesFor(third.commits[0].trailers, 'outcome'), ['a']);
    assert.equal(order[0], added, 'the newest commits come first, straight from git (a view\'s first rows)');
    assert.equal(new Set(order).size, N + 1, 'each commit is handed over once');
    assert.deepEqual(order, repo.git('rev-list', 'HEAD').trim().split('\n'));
    const fourth = await readHistory(git, {}, { cacheDir });
    assert.equal(fourth.fromGit, 0, 'the cache holds the new commit too');
    assert.deepEqual(fourth.commits.map(c => c.sha), order);
  });

  it('treats a cut-short or foreign cache file as empty', async () => {
    const git = new GitRepo(repo.dir);
    const file = CommitCache.fileFor(cacheDir, repo.dir);
    await readHistory(git, {}, { cacheDir });
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const r = await readHistory(git, {}, { cacheDir });
    assert.equal(r.fromGit, r.count, 'a damaged file is not trusted');
    assert.equal(r.commits.length, N + 1);
    fs.writeFileSync(file, '{"format":3}\n');
    assert.equal((await readHistory(git, {}, { cacheDir })).fromGit, N + 1, 'an older format is not read');
  });

  it('a deepened shallow clone is read again, not answered from the shallow history\'s cache', async () => {
    const shallow = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '3', `file://${repo.dir}`, shallow]);
      const git = new GitRepo(shallow);
      assert.equal((await readHistory(git, {}, { cacheDir })).count, 3);
      execFileSync('git', ['fetch', '-q', '--unshallow'], { cwd: shallow });
      const deep = await readHistory(git, {}, { cacheDir });
      assert.equal(deep.count, Number(repo.git('rev-list', '--count', 'HEAD').trim()), 'the whole history once deepened');
    } finally {
      fs.rmSync(shallow, { recursive: true, force: true });
    }
  });

  it('reads names again when .mailmap changes what git prints', async () => {
    const git = new GitRepo(repo.dir);
    await readHistory(git, {}, { cacheDir });
    repo.write('.mailmap', 'Grace <grace@example.com> <d3@example.com>\n');
    const r = await readHistory(git, {}, { cacheDir });
    assert.equal(r.fromGit, r.count, 'a new .mailmap: nothing cached is trusted');
    assert.ok(r.commits.some(c => c.author === 'Grace'), 'the mapped name');
    fs.rmSync(path.join(repo.dir, '.mailmap'));
  });
});
