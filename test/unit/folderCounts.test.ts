import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { areaAdds, areaAttribution } from '../../src/core/patterns/areaAdds';
import { FolderCounts, folderChildren } from '../../src/core/links/folderCounts';
import { comparePaths } from '../../src/core/util/sortedPaths';

/** Every folder of every file, counted one by one: the plain definition. */
function naive(files: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of files) for (let i = f.indexOf('/'); i !== -1; i = f.indexOf('/', i + 1)) m.set(f.slice(0, i), (m.get(f.slice(0, i)) ?? 0) + 1);
  return m;
}

const sorted = (m: Map<string, number>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('folder counts for the Unlinked Work view', () => {
  // a deterministic tree: folders that share prefixes (`a`, `a-b`, `ab`), deep ones, root files
  const files: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const depth = i % 5;
    const parts = Array.from({ length: depth }, (_, d) => ['a', 'a-b', 'ab', 'src', 'x y'][(i >> d) % 5]);
    files.push([...parts, `f${i}.ts`].join('/'));
  }
  const gitOrder = [...new Set(files)].sort();

  it('equals counting every folder of every file, in git order and in any order', () => {
    const expected = sorted(naive(gitOrder));
    for (const order of [gitOrder, [...gitOrder].reverse(), gitOrder.filter((_, i) => i % 2).concat(gitOrder.filter((_, i) => !(i % 2)))]) {
      const c = new FolderCounts();
      for (const f of order) c.add(f);
      assert.deepEqual(sorted(c.counts()), expected);
    }
    assert.ok(expected.length > 20 && expected.some(([d]) => d.split('/').length === 4), 'the fixture has many and deep folders');
  });

  it('gives the counts so far at any point, and more files add to them', () => {
    const c = new FolderCounts();
    gitOrder.slice(0, 1000).forEach(f => c.add(f));
    assert.deepEqual(sorted(c.counts()), sorted(naive(gitOrder.slice(0, 1000))));
    gitOrder.slice(1000).forEach(f => c.add(f));
    assert.deepEqual(sorted(c.counts()), sorted(naive(gitOrder)));
  });

  it('gives each folder\'s rows: the folders one level below, most files first, then its own files in git\'s order', () => {
    const list = [...gitOrder, 'a/é.ts', 'a/z\u{1F600}.ts', 'a/\uFFFD.ts', 'ab/c/d/e.ts'].sort(comparePaths);
    const counts = new FolderCounts();
    for (const f of list) counts.add(f);
    const c = counts.counts();
    // the plain definition: look at every path
    const plain = (folder: string) => {
      const prefix = folder ? folder + '/' : '';
      const folders = new Set<string>();
      const files: string[] = [];
      for (const f of list) {
        if (!f.startsWith(prefix)) continue;
        const slash = f.indexOf('/', prefix.length);
        if (slash === -1) files.push(f);
        else folders.add(f.slice(0, slash));
      }
      return { folders: [...folders].sort((a, b) => c.get(b)! - c.get(a)! || (a < b ? -1 : 1)), files };
    };
    for (const folder of ['', ...c.keys()]) assert.deepEqual(folderChildren(list, c, folder), plain(folder), `folder ${JSON.stringify(folder)}`);
    assert.deepEqual(folderChildren(list, c, 'a').files.slice(-3), ['a/é.ts', 'a/\uFFFD.ts', 'a/z\u{1F600}.ts'].sort(comparePaths));
    assert.ok(folderChildren(list, c, '').files.length > 100 && folderChildren(list, c, '').folders.length === 5, 'root files and the five top folders');
  });
});

describe('what each area adds to its outcome after the negations (the Outcomes view, the CodeLens, files --json)', function () {
  this.timeout(120_000);
  const repo = new TempRepo();
  const tree = ['README.md', 'packages/a/x.ts', 'packages/a/doc.md', 'packages/b/y.ts', 'packages/b/.github/ci.yml', 'docs/guide.md', 'docs/old/n.md', 'src/z.ts'];
  for (const f of tree) repo.write(f);
  repo.commit('Start\n');
  after(() => repo.rm());
  const tracked = repo.git('ls-files', '-z').split('\0').filter(Boolean);
  /** git's own answer: the tracked files a list matches, read as one .gitignore file. */
  const byGit = (list: string[]) => {
    const listFile = path.join(repo.dir, '.git', 'patterns');
    fs.writeFileSync(listFile, list.join('\n') + '\n');
    return repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
  };

  const LISTS = [
    ['packages/', '!**/.github/**', '*.md', '!/docs/old/'],
    ['*', '!**/.github/**', '!*/'],
    ['packages/', '!**/.github/**', '!*/'],
    ['**/*.md', 'packages/', '!packages/a/', 'docs/'],
    ['/packages/a/*', '/packages/*', 'packages/', '!/packages/', '!/packages/b/.github/'],
  ];
  for (const list of LISTS) {
    it(`${JSON.stringify(list)}: a file the list matches is added by the first line that matches it on its own, as git reads both`, () => {
      const whole = new Set(byGit(list));
      const by = areaAttribution(list, tracked);
      const expected = tracked.map(f => (whole.has(f) ? list.findIndex(p => !p.startsWith('!') && byGit([p]).includes(f)) : -1));
      assert.deepEqual([...by], expected);
      const adds = areaAdds(list, tracked);
      assert.equal(adds.reduce((a, b) => a + b, 0), whole.size, 'the lines\' counts add up to the outcome\'s files');
      list.forEach((p, i) => { if (p.startsWith('!')) assert.equal(adds[i], 0, p); });
    });
  }

  it('files --json gives each file, for each of its outcomes, the line areaAttribution gives, with every list above in one map', () => {
    const lists = [...LISTS, ['docs/']];
    const yaml = ['version: 1', 'outcomes:'];
    const lineOf: number[][] = [];
    lists.forEach((list, n) => {
      yaml.push(`  - id: o${n}`, `    title: O${n}`, '    areas:');
      lineOf.push(list.map(p => (yaml.push(`      - ${JSON.stringify(p)}`), yaml.length)));
    });
    repo.write('outcomes.yaml', yaml.join('\n') + '\n');
    const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; outcomes: string[]; areas: { outcome: string; pattern: string; line: number }[] }[];
    // (outcomes.yaml is left untracked: the other tests read this repository's files as git's index has them)
    const withYaml = tracked;
    assert.deepEqual(files.map(f => f.path), withYaml);
    const expected = withYaml.map(f => lists.flatMap((list, n) => {
      const i = areaAttribution(list, withYaml)[withYaml.indexOf(f)];
      return i < 0 ? [] : [`o${n} ${list[i]}:${lineOf[n][i]}`];
    }));
    assert.deepEqual(files.map(f => f.areas.map(a => `${a.outcome} ${a.pattern}:${a.line}`)), expected);
    assert.deepEqual(files.map(f => f.outcomes), expected.map(e => e.map(a => a.split(' ')[0])), 'an area for each outcome of the file, in the map\'s order');
    assert.ok(expected.filter(e => e.length > 1).length >= 3, 'files in several outcomes at once');
    fs.rmSync(path.join(repo.dir, 'outcomes.yaml'));
  });

  it('files --json: files that share their folders\' answer can still be added by different lines of a list (plain paths only)', () => {
    const own = new TempRepo();
    try {
      for (const f of ['packages/p.ts', 'packages/b/y.ts', 'packages/b/c/z.ts', 'packages/a/x.ts']) own.write(f);
      // packages/b and packages/b/c add nothing to what packages says (o0 already), so their files share one answer;
      // `c/` and `b/`, lines before `packages/`, are what add them.
      own.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: o0\n    title: O0\n    areas: ["c/", "b/", "packages/"]\n  - id: o1\n    title: O1\n    areas: ["packages/a/"]\n').commit('Start\n');
      const files = JSON.parse(cli(['files', '--json', '--repo', own.dir]).stdout) as { path: string; areas: { outcome: string; pattern: string; line: number }[] }[];
      assert.deepEqual(files.map(f => `${f.path} ${f.areas.map(a => `${a.outcome}:${a.pattern}`).join(' ')}`), [
        'outcomes.yaml ', 'packages/a/x.ts o0:packages/ o1:packages/a/', 'packages/b/c/z.ts o0:c/', 'packages/b/y.ts o0:b/', 'packages/p.ts o0:packages/']);
    } finally {
      own.rm();
    }
  });

  it('a folder narrowed before a catch-all "!*/" adds nothing: the count says so, where the pattern alone matches four files', () => {
    assert.deepEqual(areaAdds(['packages/', '!**/.github/**', '!*/'], tracked), [0, 0, 0]);
    assert.equal(byGit(['packages/']).length, 4);
    assert.deepEqual(areaAdds(['packages/', '!**/.github/**', '*.md', '!/docs/old/'], tracked), [4, 0, 3, 0], 'packages/ takes its .github too: a folder stands for all of it');
  });
});
