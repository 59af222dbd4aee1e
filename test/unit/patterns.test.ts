import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { compilePatterns, matchMask, PathMatcher } from '../../src/core/patterns/matcher';

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

  it('agrees with git on simple-glob lists (one regular expression) in at least 2,000 more cases', () => {
    const GLOB = ['a', 'b', 'src', '*', '**', '***', '?', '*.ts', 'x y', 'ü', 'a*', '*.md', '.hidden', 'foo*', '?b', 'A', '-dash', '**.ts', 'a**', '#hash', '*.j?', 'é.ts'];
    let cases = 0, matched = 0, lists = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 80; i++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
        let p = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(GLOB)).join('/');
        if (rnd() < 0.3) p = '/' + p;
        if (rnd() < 0.3) p += '/';
        return p;
      });
      const m = compilePatterns(patterns);
      if (m.kind !== 'glob') continue; // a list of plain paths, or a first segment `#hash` (a comment): other routes
      lists++;
      const byGit = matchedByGit(patterns);
      const mask = matchMask(m, files);
      cases += files.length;
      matched += compare(patterns, m, mask, byGit, disagreements);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    assert.ok(lists >= 40 && cases >= 2000, `${lists} lists, ${cases} cases`);
    assert.ok(matched > cases / 20 && matched < cases * 0.95, `the generator exercises both answers (${matched} of ${cases} matched)`);
  });

  it('compiles each kind of list with the right matcher', () => {
    assert.equal(compilePatterns(['services/', 'README.md']).kind, 'literal');
    assert.equal(compilePatterns(['docs/*.md', '**/*.rbi', 'services/']).kind, 'glob');
    assert.equal(compilePatterns(['src/**', '!src/legacy/**']).kind, 'general', 'negation');
    assert.equal(compilePatterns(['*.[tj]s']).kind, 'general', 'character class');
    assert.equal(compilePatterns(['\\#x*']).kind, 'general', 'escape');
    assert.equal(compilePatterns(['a* ']).kind, 'general', 'trailing space');
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
