import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { compilePatterns, matchMask, PathMatcher } from '../../src/core/patterns/matcher';
import { GitRepo } from '../../src/core/git/repo';
import { Linker, repoMatchOptions } from '../../src/core/links/link';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { patternDiagnostics } from '../../src/core/outcomes/patternCheck';
import { RepoHistory } from '../../src/core/history/service';
import { cli } from './helpers/cli';

// git is the reference: for each generated pattern list, `git ls-files -c -i --exclude-from=FILE` lists the
// tracked files the list matches; our compiled matcher must say exactly the same for every tracked file.
const SEGMENTS = ['a', 'b', 'src', 'x y', 'ü', '#hash', '!bang', '[id]', '-dash', 'a.ts', 'b.js', 'c.md', '.hidden', 'foo bar.txt', 'é.ts', 'ab', 'A'];
const PATTERN_SEGMENTS = ['a', 'b', 'src', '*', '**', '?', '*.ts', 'x y', 'ü', '\\#hash', '\\!bang', '[id]', '\\[id\\]', '-dash', '[ab]', '[!a]*', 'a*', '*.md', '.hidden', 'foo*', '?b', 'A', '[a-c]*', '*.[tj]s'];

/** The answer Linker.classify computes: directories decided once, top-down, then the file. */
function viaDirs(m: PathMatcher, f: string): boolean {
  const parts = f.split('/');
  let parent = false;
  for (let i = 1; i < parts.length; i++) parent = m.matchesDir(parts.slice(0, i).join('/'), parent);
  return m.matchesFile(f, parent);
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

describe('patterns have exactly .gitignore semantics (compared with git)', function () {
  const rnd = rng(20261126);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  let repo: TempRepo;
  let files: string[];

  before(() => {
    repo = new TempRepo();
    const set = new Set<string>();
    while (set.size < 90) set.add(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(SEGMENTS)).join('/'));
    files = [...set].filter(f => ![...set].some(g => g.startsWith(f + '/'))); // a path cannot be a file and a folder
    for (const f of files) repo.write(f, 'x\n');
    repo.commit('files\n');
    files = repo.git('ls-files', '-z').split('\0').filter(Boolean);
  });
  after(() => repo.rm());

  /** The tracked files git itself says a list matches (`git ls-files -i --exclude-from`). */
  const matchedByGit = (patterns: string[]) => {
    const listFile = path.join(repo.dir, '.git', 'patterns');
    fs.writeFileSync(listFile, patterns.join('\n') + '\n');
    return new Set(repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean));
  };

  /**
   * Every file through the three routes (matches, matchMask, directory first) against git's answer; a
   * disagreement is recorded per route. Returns how many files `matches` matched.
   */
  const compare = (patterns: string[], m: PathMatcher, mask: Uint8Array, byGit: Set<string>, disagreements: string[]) => {
    let matched = 0;
    for (const [i, f] of files.entries()) {
      const ours = m.matches(f);
      if (ours) matched++;
      if ((mask[i] === 1) !== byGit.has(f)) disagreements.push(`${JSON.stringify(patterns)} ${JSON.stringify(f)}: git ${byGit.has(f)}, matchMask ${!byGit.has(f)}`);
      if (ours !== byGit.has(f)) disagreements.push(`${JSON.stringify(patterns)} ${JSON.stringify(f)}: git ${byGit.has(f)}, ours ${ours}`);
      if (viaDirs(m, f) !== byGit.has(f)) disagreements.push(`${JSON.stringify(patterns)} ${JSON.stringify(f)}: git ${byGit.has(f)}, by directory ${!byGit.has(f)}`);
    }
    return matched;
  };

  const makePattern = () => {
    let p = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(PATTERN_SEGMENTS)).join('/');
    if (rnd() < 0.3) p = '/' + p;
    if (rnd() < 0.3) p += '/';
    if (rnd() < 0.25) p = '!' + p;
    return p;
  };

  it('agrees with git on at least 2,000 (pattern list, path) cases', () => {
    let cases = 0, matched = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 60; i++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 4) }, makePattern);
      const byGit = matchedByGit(patterns);
      const m = compilePatterns(patterns);
      const mask = matchMask(m, files);
      cases += files.length;
      matched += compare(patterns, m, mask, byGit, disagreements);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(cases >= 2000, `${cases} cases`);
    assert.ok(matched > cases / 20 && matched < cases * 0.95, `the generator exercises both answers (${matched} of ${cases} matched)`);
  });

  it('agrees with git on plain-path lists (the fast path) in at least 2,000 more cases', () => {
    const LITERAL = ['a', 'b', 'src', 'x y', 'ü', 'a.ts', 'c.md', '.hidden', 'ab', 'A', '-dash', 'foo bar.txt'];
    let cases = 0, matched = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 60; i++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
        let p = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(LITERAL)).join('/');
        if (rnd() < 0.3) p = '/' + p;
        if (rnd() < 0.4) p += '/';
        return p;
      });
      const byGit = matchedByGit(patterns);
      const m = compilePatterns(patterns);
      const mask = matchMask(m, [...files].reverse()).reverse(); // any order gives the same answers
      cases += files.length;
      matched += compare(patterns, m, mask, byGit, disagreements);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(cases >= 2000, `${cases} cases`);
    assert.ok(matched > cases / 50, `the generator exercises matches (${matched} of ${cases})`);
  });

  /** Random glob lists (`negate`: the chance of a `!` on each line after the first) compared with git's answers. */
  function globFuzz(glob: string[], rounds: number, negate: number) {
    let cases = 0, matched = 0, lists = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const patterns = Array.from({ length: (negate ? 2 : 1) + Math.floor(rnd() * 4) }, (_, k) => {
        let p = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(glob)).join('/');
        if (rnd() < 0.3) p = '/' + p;
        if (rnd() < 0.3) p += '/';
        if (negate && k > 0 && rnd() < negate) p = '!' + p;
        return p;
      });
      const m = compilePatterns(patterns);
      // A list of plain paths, or a first segment `#hash` (a comment), takes other routes; so does one with no negation here.
      if (m.kind !== 'glob' || (negate && !patterns.some(p => p.startsWith('!')))) continue;
      lists++;
      const byGit = matchedByGit(patterns);
      const mask = matchMask(m, files);
      cases += files.length;
      matched += compare(patterns, m, mask, byGit, disagreements);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(matched > cases / 20 && matched < cases * 0.95, `the generator exercises both answers (${matched} of ${cases} matched)`);
    return { lists, cases };
  }

  it('agrees with git on simple-glob lists (one regular expression) in at least 2,000 more cases', () => {
    const { lists, cases } = globFuzz(['a', 'b', 'src', '*', '**', '***', '?', '*.ts', 'x y', 'ü', 'a*', '*.md', '.hidden', 'foo*', '?b', 'A', '-dash', '**.ts', 'a**', '#hash', '*.j?', 'é.ts'], 80, 0);
    assert.ok(lists >= 40 && cases >= 2000, `${lists} lists, ${cases} cases`);
  });

  it('agrees with git on simple-glob lists with negations (last match wins, one expression per line) in at least 2,000 more cases', () => {
    const { lists, cases } = globFuzz(['a', 'b', 'src', '*', '**', '?', '*.ts', 'x y', 'ü', 'a*', '*.md', '.hidden', '?b', 'A', 'a**', '#hash', '*.j?', 'legacy'], 90, 0.45);
    assert.ok(lists >= 30 && cases >= 2000, `${lists} lists, ${cases} cases`);
  });

  it('agrees with git on its corners, with and without negations, in at least 2,000 more cases', () => {
    // A `**` right after literal characters (git's prefix quirk), escaped and doubled slashes, mixed with negations
    // and other lists: `ignore` alone read these differently from git.
    const CORNER = ['a**', 'A**', 'b**', 'a', 'b', 'src', '**', '*', 'x y', 'ü**', 'a.ts', 'ab', '*.ts', '?', 'b*', '[ab]', '[!a]*', '\\#hash', 'a?'];
    let cases = 0, matched = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 120; i++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
        const segs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(CORNER));
        let p = segs.reduce((acc, seg) => acc + (rnd() < 0.15 ? '\\/' : rnd() < 0.1 ? '//' : '/') + seg);
        if (rnd() < 0.3) p = '/' + p;
        if (rnd() < 0.2) p += '/';
        if (rnd() < 0.35) p = '!' + p;
        return p;
      });
      if (rnd() < 0.3) patterns.push('!nomatch');
      const byGit = matchedByGit(patterns);
      const m = compilePatterns(patterns);
      const mask = matchMask(m, files);
      cases += files.length;
      matched += compare(patterns, m, mask, byGit, disagreements);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(cases >= 5000, `${cases} cases`);
    assert.ok(matched > cases / 50, `the generator exercises matches (${matched} of ${cases})`);
  });

  it('the cases a differential run against git found', () => {
    const r = new TempRepo();
    try {
      for (const f of ['ab', 'a_b', 'a/b', 'a/x/b', 'A/x/y', 'Ab/q', 'b/f', '#!/x', 'q\\/f', 'x/ab/y']) r.write(f, 'x\n');
      r.commit('files\n');
      const all = r.git('ls-files', '-z').split('\0').filter(Boolean);
      const git = (ps: string[]) => {
        const listFile = path.join(r.dir, '.git', 'patterns');
        fs.writeFileSync(listFile, ps.join('\n') + '\n');
        return r.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
      };
      for (const ps of [['a**/b'], ['a**/b', '!nomatch'], ['A**//**'], ['b', '!b\\/**'], ['b/', '!b\\/**'], ['x//y'], ['\\/a'], ['/\\/a'], ['\\/a/'], ['a\\/b'], ['b/*', '!\\/b/f'],
        // and the ones the property test (properties.test.ts) found
        ['a\\/'], ['a\\'], ['q\\\\/'], ['q\\/'], ['\\#[//!]'], ['[//!]', '\\#[//!]'], ['a**/ '], ['a**/ ', 'a'], ['b/ ', 'a**/\\ ']]) {
        const m = compilePatterns(ps);
        assert.deepEqual(all.filter(f => m.matches(f)), git(ps), JSON.stringify(ps));
      }
      assert.deepEqual(git(['a**/b', '!nomatch']), ['a/b', 'a/x/b', 'ab'], 'what git says, for the record');
      // a leading escaped slash is a slash the path would begin with (the property test found it)
      assert.deepEqual(git(['\\/a']), [], 'for the record');
    } finally {
      r.rm();
    }
  });

  it('a submodule (gitlink) is matched as a folder, as git matches it', async () => {
    const sub = new TempRepo('ol-sub-');
    const r = new TempRepo();
    try {
      sub.write('f').commit('sub\n');
      r.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: deps\n    title: Deps\n    areas: [vendor/dep/]\n').write('vendor/other.js');
      r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/dep');
      r.commit('submodule\n');
      const files = await new GitRepo(r.dir).trackedFiles();
      assert.ok(files.gitlinks.has('vendor/dep'), 'ls-files says vendor/dep is a gitlink');
      const listFile = path.join(r.dir, '.git', 'patterns');
      fs.writeFileSync(listFile, 'vendor/dep/\n');
      assert.deepEqual(r.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean), ['vendor/dep'], 'git matches it');
      const m = compilePatterns(['vendor/dep/']);
      assert.deepEqual(files.filter((_, i) => matchMask(m, files)[i]), ['vendor/dep']);
      const map = parseOutcomes(fs.readFileSync(path.join(r.dir, 'outcomes.yaml'))).map!;
      assert.deepEqual(new Linker(map).classifyAll(files).filter(f => f.status === 'linked').map(f => f.path), ['vendor/dep']);
      assert.deepEqual((await patternDiagnostics(map, files)).map(d => d.message), [], 'no "matches no tracked file" warning');
    } finally {
      r.rm();
      sub.rm();
    }
  });

  it('the Linker decides directories as matchMask does (one walk), and both agree with git, in at least 2,000 cases', () => {
    // Areas and ignore each get their own list, so that both of the Linker's answers (outcomes, ignored) are checked.
    const linkerFor = (areas: string[], ignored: string[]) =>
      new Linker(parseOutcomes(`version: 1\nignore: ${JSON.stringify(ignored)}\noutcomes:\n  - id: o\n    title: O\n    areas: ${JSON.stringify(areas)}\n`).map!);
    let cases = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 30; i++) {
      const areas = Array.from({ length: 1 + Math.floor(rnd() * 4) }, makePattern);
      const ignored = Array.from({ length: 1 + Math.floor(rnd() * 3) }, makePattern);
      const inAreas = matchedByGit(areas), isIgnored = matchedByGit(ignored);
      const all = linkerFor(areas, ignored).classifyAll(files);
      const one = linkerFor(areas, ignored);
      const mask = matchMask(compilePatterns(areas), files);
      for (const [k, f] of files.entries()) {
        const want = { outcomes: inAreas.has(f) ? ['o'] : [], ignored: isIgnored.has(f) };
        for (const [route, got] of [['classifyAll', all[k]], ['classify', one.classify(f)]] as const) {
          if (got.outcomes.length !== want.outcomes.length || got.ignored !== want.ignored) disagreements.push(`${route} ${JSON.stringify({ areas, ignored, f })}: git ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
        }
        if ((mask[k] === 1) !== inAreas.has(f)) disagreements.push(`matchMask ${JSON.stringify({ areas, f })}`);
        cases++;
      }
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(cases >= 2000, `${cases} cases`);
  });

  it('a file under an excluded folder cannot be re-included, in every route (git\'s rule); a path that is not the repository\'s matches nothing', () => {
    const r = new TempRepo();
    try {
      const paths = ['services/a.ts', 'services/legacy/keep.ts', 'services/legacy/x/y.ts', 'vendor/keep.js', 'vendor/x.js', 'docs/a.md', 'README.md'];
      for (const f of paths) r.write(f, 'x\n');
      r.commit('files\n');
      const git = (ps: string[]) => {
        const listFile = path.join(r.dir, '.git', 'patterns');
        fs.writeFileSync(listFile, ps.join('\n') + '\n');
        return r.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean).sort();
      };
      const lists = [['services/', '!services/legacy/keep.ts'], ['services/', '!services/legacy/'], ['services/**', '!services/legacy/'], ['services/*', '!services/legacy/'],
        ['vendor/', '!vendor/keep.js'], ['vendor/*', '!vendor/keep.js'], ['/services/legacy/', '!keep.ts'], ['legacy/', '!legacy/keep.ts', '!x/'],
        // and plain paths, which the Linker merges into one lookup per directory
        ['services/legacy/', 'README.md'], ['legacy', 'docs/', 'keep.js'], ['x/']];
      for (const list of lists) {
        const want = git(list);
        const map = parseOutcomes(`version: 1\nignore: ${JSON.stringify(list)}\noutcomes:\n  - id: o\n    title: O\n    areas: ${JSON.stringify(list)}\n`).map!;
        const all = new Linker(map).classifyAll(paths);
        const one = new Linker(map);
        assert.deepEqual(paths.filter((_, i) => all[i].outcomes.length).sort(), want, `classifyAll areas ${JSON.stringify(list)}`);
        assert.deepEqual(paths.filter((_, i) => all[i].ignored).sort(), want, `classifyAll ignore ${JSON.stringify(list)}`);
        assert.deepEqual(paths.filter(f => one.classify(f).outcomes.length).sort(), want, `classify ${JSON.stringify(list)}`);
        assert.deepEqual(paths.filter((_, i) => matchMask(compilePatterns(list), paths)[i]).sort(), want, `matchMask ${JSON.stringify(list)}`);
      }
      assert.deepEqual(git(['services/', '!services/legacy/keep.ts']), ['services/a.ts', 'services/legacy/keep.ts', 'services/legacy/x/y.ts'], 'what git says, for the record');
      // git lists no empty or absolute path; every route says such a path matches nothing (the Linker's once did).
      const odd = ['', '/services/a.ts', '/README.md'];
      for (const list of [['services/'], ['README.md'], ['*.md'], ['services/**', '!x']]) {
        const map = parseOutcomes(`version: 1\nignore: ${JSON.stringify(list)}\noutcomes:\n  - id: o\n    title: O\n    areas: ${JSON.stringify(list)}\n`).map!;
        assert.deepEqual(new Linker(map).classifyAll(odd).map(f => f.status), ['unlinked', 'unlinked', 'unlinked'], JSON.stringify(list));
        assert.deepEqual(odd.map(f => new Linker(map).classify(f).status), ['unlinked', 'unlinked', 'unlinked'], JSON.stringify(list));
        assert.deepEqual([...matchMask(compilePatterns(list), odd)], [0, 0, 0], JSON.stringify(list));
        assert.deepEqual(odd.map(f => compilePatterns(list).matches(f)), [false, false, false], JSON.stringify(list));
      }
    } finally {
      r.rm();
    }
  });

  it('a glob of many stars cannot stall the matcher on a long name (git itself takes exponential time there)', () => {
    // Before, this took longer than the age of the universe: every star retried every split of the name.
    const name = `${'a'.repeat(200)}b`;
    for (const list of [['*a*a*a*a*a*a*a*a*a*a*a*a'], ['x/*a*a*a*a*a*a*a*a*a*a*a*a/'], ['*a*a*a*a*a*a*a*a*a*a*a*a', '!x']]) {
      const m = compilePatterns(list);
      assert.equal(m.matches(name), false, JSON.stringify(list));
      assert.equal(m.matches(`${'a'.repeat(200)}a`), list.length === 2 || !list[0].startsWith('x/'), JSON.stringify(list));
    }
    assert.equal(compilePatterns(['*ab?cd*']).matches('abxxabycd'), true, 'a chunk followed by ? is not taken leftmost');
  });

  it('compiles each kind of list with the right matcher', () => {
    assert.equal(compilePatterns(['services/', 'README.md']).kind, 'literal');
    assert.equal(compilePatterns(['docs/*.md', '**/*.rbi', 'services/']).kind, 'glob');
    assert.equal(compilePatterns(['src/**', '!src/legacy/**']).kind, 'glob', 'negation');
    assert.equal(compilePatterns(['services/', '!services/legacy/']).kind, 'glob', 'plain paths with a negation');
    assert.equal(compilePatterns(['src/**', '!src/[ab].ts']).kind, 'general', 'a negation with a character class');
    assert.equal(compilePatterns(['*.[tj]s']).kind, 'general', 'character class');
    assert.equal(compilePatterns(['\\#x*']).kind, 'general', 'escape');
    assert.equal(compilePatterns(['a* ']).kind, 'glob', 'trailing spaces are trimmed first, as git trims them');
    assert.equal(compilePatterns(['a*\\ ']).kind, 'general', 'an escaped trailing space');
  });

  it('handles the rules DESIGN.md names', () => {
    const m = (ps: string[], p: string) => compilePatterns(ps).matches(p);
    assert.equal(m(['services/checkout/'], 'services/checkout/a/b.ts'), true, 'trailing / matches everything under');
    assert.equal(m(['checkout/'], 'services/checkout/a.ts'), true, 'unanchored directory');
    assert.equal(m(['/checkout/'], 'services/checkout/a.ts'), false, 'leading / anchors');
    assert.equal(m(['a/b'], 'x/a/b'), false, 'a middle slash anchors');
    assert.equal(m(['services/**/*.ts'], 'services/p/q/r.ts'), true);
    assert.equal(m(['services/payments/**/*.ts', '!services/payments/legacy/**'], 'services/payments/legacy/x.ts'), false, 'negation');
    // git's rule, surprising but exact: a negated directory pattern does not un-match files a file pattern matched
    assert.equal(m(['services/payments/**/*.ts', '!services/payments/legacy/'], 'services/payments/legacy/x.ts'), true, '!dir/ vs file patterns');
    assert.equal(m(['services/', '!services/legacy/'], 'services/legacy/x.ts'), true, 'no re-inclusion under an excluded directory');
    assert.equal(m(['vendor/', '!vendor/keep.js'], 'vendor/keep.js'), true, 'a file cannot be re-included when its directory is excluded');
    assert.equal(m(['*.LOCK'], 'yarn.lock'), false, 'case-sensitive like git on Linux');
    assert.equal(m(['?'], 'ü'), false, '? matches one byte, as in git');
    assert.equal(m([], 'a'), false);
  });
});

describe('pattern warnings and their fixes, checked with git', function () {
  let repo: TempRepo;
  let files: string[];
  before(() => {
    repo = new TempRepo();
    for (const f of ['dir/a.txt', 'dir/sub/b.txt', 'dir/sub/e.ts', 'dir/sub/deep/c.txt', 'dir/other/d.txt', 'top.txt', 'src/x.ts', 'src/legacy/y.ts']) repo.write(f, 'x\n');
    repo.commit('files\n');
    files = repo.git('ls-files', '-z').split('\0').filter(Boolean);
  });
  after(() => repo.rm());

  const byGit = (patterns: string[]) => {
    const listFile = path.join(repo.dir, '.git', 'patterns');
    fs.writeFileSync(listFile, patterns.join('\n') + '\n');
    return repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
  };
  const warnings = async (areas: string[]) => {
    const map = parseOutcomes(`version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: ${JSON.stringify(areas)}\n`).map!;
    return patternDiagnostics(map, files);
  };
  /** The list as the hint says to write it: "write `X` instead" (of the negation), "write `A` in its place, then `B`, `C`". */
  const applyHint = (list: string[], message: string): string[] => {
    const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map(m => m[1]);
    const above = list.slice(0, -1);
    let m = /write (`[^`]+`) instead$/.exec(message);
    if (m) return [...above, ...ticks(m[1])];
    m = /and (`[^`]+`) excludes the folder `[^`]+`: write (`[^`]+`) in its place, then (.*)$/.exec(message);
    if (m) return [...above.map(p => (p === ticks(m![1])[0] ? ticks(m![2])[0] : p)), ...ticks(m[3])];
    throw new Error(`no fix in: ${message}`);
  };

  for (const list of [['dir/', '!dir/sub/'], ['dir/', '!dir/sub/**'], ['dir/', '!dir/sub/deep/'], ['dir/', '!dir/sub/*.ts'], ['/dir', '!dir/sub/'], ['dir/', '!dir/a.txt'], ['dir/**', '!dir/sub/'], ['dir/**', '!dir/sub/**'], ['dir/**/*.txt', '!dir/sub/'], ['src/**/*.ts', '!src/legacy/'], ['**/sub/', '!dir/sub/**']]) {
    it(`the fix a no-effect warning gives for ${JSON.stringify(list)} works in git`, async () => {
      const wanted = byGit(list.slice(0, -1)).filter(f => !byGit([list[list.length - 1].slice(1)]).includes(f));
      assert.notDeepEqual(byGit(list), wanted, 'git: the negation does nothing as written');
      const [w] = (await warnings(list)).filter(d => d.code === 'negation-no-effect');
      assert.ok(w, 'a no-effect warning');
      const fixed = applyHint(list, w.message);
      assert.deepEqual(byGit(fixed), wanted, `git with the fix ${JSON.stringify(fixed)} (${w.message})`);
      // (but for the one that says so where the list, as meant, claims no file at all)
      assert.deepEqual((await warnings(fixed)).filter(d => !(d.code === 'negation-takes-all' && !wanted.length)).map(d => d.message), [], 'and the fixed list gets no warning');
    });
  }

  it('`dir/` then `!dir/sub/` is told to write `dir/*` and `!dir/sub/`, not `!dir/sub/**` (which git ignores too)', async () => {
    const [w] = await warnings(['dir/', '!dir/sub/']);
    assert.match(w.message, /`dir\/` excludes the folder `dir\/`: write `dir\/\*` in its place, then `!dir\/sub\/`$/);
    assert.deepEqual(byGit(['dir/', '!dir/sub/**']), byGit(['dir/']), 'git: !dir/sub/** re-includes nothing under an excluded dir/');
  });

  it('warns exactly where git\'s counts for each prefix of the list say (shadowed, matches nothing, no effect), in 40 lists', async () => {
    // The check adds a positive pattern's own matches to the prefix's instead of matching the prefix again: git's
    // count of every prefix is the definition it must agree with.
    const rnd = rng(17);
    const POOL = ['dir/', 'dir/sub/', 'dir/**', '*.txt', 'sub/', 'dir/sub/*.ts', '/top.txt', 'src/', 'src/**/*.ts', 'nothing/', 'deep/', '*', 'dir/*', '#c'];
    let lists = 0, warned = 0;
    for (let n = 0; n < 40; n++) {
      const list = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => (rnd() < 0.35 ? '!' : '') + POOL[Math.floor(rnd() * POOL.length)]).filter(p => p !== '!#c');
      const expected: string[] = [];
      let before = 0;
      list.forEach((p, i) => {
        if (p.startsWith('#')) return expected.push(`${i} comment-pattern`);
        const after = byGit(list.slice(0, i + 1).filter(q => !q.startsWith('#'))).length;
        if (p.startsWith('!')) { if (after === before && before > 0) expected.push(`${i} negation-no-effect`); }
        else if (!byGit([p]).length) { expected.push(`${i} pattern-matches-nothing`); return; }
        else if (after === before) expected.push(`${i} pattern-shadowed`);
        before = after;
      });
      // entry i of `areas: [...]` (line 5) starts after the entries before it and their commas
      const column = (i: number) => 13 + (i && JSON.stringify(list.slice(0, i)).length - 1);
      const got = (await warnings(list)).map(d => `${list.findIndex((_, i) => d.column === column(i))} ${d.code}`);
      assert.deepEqual(got, expected, JSON.stringify(list));
      lists++;
      warned += expected.length;
    }
    assert.ok(lists === 40 && warned > 20, `${warned} warnings in ${lists} lists`);
  });

  it('stops checking, and says so, when a list is too long to check (30,000 negations)', async function () {
    // About 25 s on an idle 2-core machine (parsing 30,000 lines); room for a loaded one.
    this.timeout(300_000);
    const list = ['dir/', ...Array.from({ length: 30_000 }, (_, i) => `!p${i}/`)];
    const got = await warnings(list);
    const stop = got.filter(d => d.code === 'patterns-not-checked');
    assert.equal(stop.length, 1, 'one warning says where the check stopped');
    assert.match(stop[0].message, /and the patterns after it are not checked .*: 30001 patterns over 8 tracked file\(s\) are too many to check/);
    assert.ok(got.length < 30_000, `${got.length} warnings`);
  });

  it('a negation with no path under the excluded folder gets the reason, without a fix', async () => {
    const [w] = await warnings(['dir/', '!sub/']);
    assert.match(w.message, /has no effect; git cannot re-include anything in a folder that is excluded, and `dir\/` is excluded above$/);
  });
});

describe('on a case-insensitive repository (core.ignorecase=true, macOS and Windows), patterns match as git matches them there', function () {
  this.timeout(120_000);
  const rnd = rng(20261207);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  // Both cases of the same names, non-ASCII letters (git folds ASCII only) and bracket expressions with upper-case members.
  const SEGS = ['src', 'Src', 'SRC', 'a.ts', 'A.TS', 'b.Js', 'Docs', 'docs', 'ü', 'Ü', 'x_y', 'X-Y', 'readme.MD', 'Q'];
  const PATS = ['src', 'SRC', 'Src*', '*.TS', '*.ts', '*.js', 'DOCS', 'docs', '[A-Z]*', '[a-c]*', '[Z-a]', '[!S]*', '[Q]', '\\A.ts', 'Ü', 'ü', '*', '**',
    'README.md', 'x[_-]Y', '?.ts', '[A-z]_y'];
  let repo: TempRepo;
  let files: string[];

  before(() => {
    repo = new TempRepo();
    const set = new Set<string>();
    while (set.size < 80) set.add(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(SEGS)).join('/'));
    files = [...set].filter(f => ![...set].some(g => g.startsWith(f + '/')));
    for (const f of files) repo.write(f, 'x\n');
    repo.commit('files\n');
    files = repo.git('ls-files', '-z').split('\0').filter(Boolean);
    repo.git('config', 'core.ignorecase', 'true');
  });
  after(() => repo.rm());

  /** git's answer where the repository says core.ignorecase=true. */
  const byGit = (patterns: string[]) => {
    const listFile = path.join(repo.dir, '.git', 'patterns');
    fs.writeFileSync(listFile, patterns.join('\n') + '\n');
    return new Set(repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean));
  };
  const makePattern = () => {
    let p = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(PATS)).join('/');
    if (rnd() < 0.3) p = '/' + p;
    if (rnd() < 0.3) p += '/';
    if (rnd() < 0.2) p = '!' + p;
    return p;
  };

  it('agrees with git on at least 3,000 (pattern list, path) cases, in every route and in the Linker', async () => {
    const options = await repoMatchOptions(new GitRepo(repo.dir));
    assert.deepEqual(options, { ignoreCase: true }, 'read from the repository\'s config');
    let cases = 0, matched = 0, differs = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 60; i++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 3) }, makePattern);
      const git = byGit(patterns);
      const m = compilePatterns(patterns, options);
      const mask = matchMask(m, files);
      const linker = new Linker(parseOutcomes(`version: 1\nignore: ${JSON.stringify(patterns)}\noutcomes:\n  - id: o\n    title: O\n    areas: ${JSON.stringify(patterns)}\n`).map!, options);
      const all = linker.classifyAll(files);
      const sensitive = compilePatterns(patterns);
      for (const [k, f] of files.entries()) {
        const want = git.has(f);
        const got = { matches: m.matches(f), matchMask: mask[k] === 1, byDirectory: viaDirs(m, f), classifyAll: all[k].outcomes.length === 1, ignored: all[k].ignored, classify: linker.classify(f).outcomes.length === 1 };
        for (const [route, answer] of Object.entries(got)) if (answer !== want) disagreements.push(`${route} ${JSON.stringify(patterns)} ${JSON.stringify(f)}: git ${want}`);
        if (want) matched++;
        if (sensitive.matches(f) !== want) differs++;
        cases++;
      }
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(cases >= 3000, `${cases} cases`);
    assert.ok(matched > cases / 20 && matched < cases * 0.95, `both answers (${matched} of ${cases})`);
    assert.ok(differs > cases / 50, `the case matters in ${differs} cases (case-sensitive matching gets them wrong)`);
  });

  it('plain paths (the Linker\'s merged lookup) and the cases git folds and does not fold', () => {
    const list = ['DOCS/', 'A.TS', '/Src/a.ts'];
    const map = parseOutcomes(`version: 1\noutcomes:\n  - id: o\n    title: O\n    areas: ${JSON.stringify(list)}\n  - id: p\n    title: P\n    areas: [readme.md]\n`).map!;
    const linker = new Linker(map, { ignoreCase: true });
    const git = byGit(list);
    for (const f of files) assert.equal(linker.classify(f).outcomes.includes('o'), git.has(f), f);
    assert.equal(compilePatterns(['Ü'], { ignoreCase: true }).matches('ü'), false, 'git folds ASCII letters only');
    // git's quirks, kept: an escaped letter and a lone member of a bracket expression are compared as written, so an
    // upper-case one never matches (the path's letter is lowered); a range matches either case.
    for (const ps of [['[S]*'], ['[!S]*'], ['\\Src'], ['[A-Z]rc'], ['[Z-a]'], ['*.TS'], ['src/', '!SRC/']]) {
      assert.deepEqual(files.filter(f => compilePatterns(ps, { ignoreCase: true }).matches(f)), [...byGit(ps)], JSON.stringify(ps));
    }
    assert.equal(byGit(['[S]*']).size, 0, 'what git says, for the record');
    assert.equal(compilePatterns(['[[:upper:]].ts'], { ignoreCase: true }).matches('a.ts'), compilePatterns(['[[:alpha:]].ts']).matches('a.ts'), '[:upper:] is any letter');
    assert.equal(compilePatterns(['*.LOCK']).matches('yarn.lock'), false, 'without the setting, case-sensitive (git on Linux)');
  });

  it('the CLI and the history service read core.ignorecase: areas, ignore and check follow it', async () => {
    const r = new TempRepo();
    try {
      r.write('outcomes.yaml', 'version: 1\nignore: ["*.LOCK"]\noutcomes:\n  - id: docs\n    title: Docs\n    areas: [docs/]\n')
        .write('Docs/guide.md').write('yarn.lock').write('src/a.ts').commit('start\n');
      const files = () => JSON.parse(cli(['files', '--json', '--repo', r.dir]).stdout) as { path: string; outcomes: string[]; ignored: boolean }[];
      const warnings = () => cli(['check', '--repo', r.dir]).stderr.split('\n').filter(l => / warning: /.test(l));
      // Linux creates repositories case-sensitive: the patterns are too.
      assert.deepEqual(files().map(f => `${f.path}:${f.outcomes.join(',')}:${f.ignored}`), ['Docs/guide.md::false', 'outcomes.yaml::true', 'src/a.ts::false', 'yarn.lock::false']);
      assert.equal(warnings().length, 2, 'docs/ and *.LOCK match no tracked file');
      r.git('config', 'core.ignorecase', 'true');
      assert.deepEqual(files().map(f => `${f.path}:${f.outcomes.join(',')}:${f.ignored}`), ['Docs/guide.md:docs:false', 'outcomes.yaml::true', 'src/a.ts::false', 'yarn.lock::true']);
      assert.deepEqual(warnings(), []);
      const unlinked = JSON.parse(cli(['commits', '--json', '--repo', r.dir]).stdout) as { links: { outcome: string }[] }[];
      assert.deepEqual(unlinked[0].links.map(l => l.outcome), ['docs'], 'the commit changed Docs/guide.md');
      // The history service (every view of the extension) reads it at each refresh.
      const map = parseOutcomes(fs.readFileSync(path.join(r.dir, 'outcomes.yaml'))).map!;
      const s = new RepoHistory(r.dir, {}, map, 5000);
      await s.refresh();
      assert.deepEqual(s.summary().files?.byOutcome, { docs: 1 });
      assert.deepEqual(s.summary().files?.byArea, { docs: [1] });
      assert.deepEqual(s.summary().history?.byOutcome, { docs: 1 });
      r.git('config', 'core.ignorecase', 'false');
      await s.refresh(true);
      assert.deepEqual(s.summary().files?.byOutcome, {}, 'a change of the setting links again');
      assert.deepEqual(s.summary().history?.byOutcome, {});
    } finally {
      r.rm();
    }
  });
});
