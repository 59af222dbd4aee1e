import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo, movedWithFolder } from '../../src/core/git/repo';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { CommitLink, Linker } from '../../src/core/links/link';
import { linkHistory } from '../../src/core/usecases/linkHistory';
import { RepoHistory } from '../../src/core/history/service';
import * as os from 'node:os';

// The rename rule (README, "Renames and moves"): a commit's changed files are judged where they live at the tip read,
// following the renames git detects (exact ones, and the files that moved with their folder); a file deleted since is
// judged by its path at the time.

const YAML = `version: 1
ignore: [outcomes.yaml]
outcomes:
  - id: packages
    title: Work in packages
    areas: [packages/]
  - id: app
    title: The app
    areas: [app/]
  - id: lib
    title: The library
    areas: [lib/]
`;

const NO_CACHE = ['--no-cache'];

/** `git mv`, into a folder made first when it is a new one (git mv makes none). */
function mv(repo: TempRepo, from: string, to: string): void {
  fs.mkdirSync(path.dirname(path.join(repo.dir, to)), { recursive: true });
  repo.git('mv', from, to);
}

/** The history linked as the CLI and the views link it, by subject. */
async function linked(repo: TempRepo, range?: string): Promise<Record<string, CommitLink>> {
  const g = new GitRepo(repo.dir);
  const { map } = parseOutcomes(YAML);
  const linker = new Linker(map!);
  const out: Record<string, CommitLink> = {};
  await linkHistory(g, linker, range ? { range } : {}, part => { for (const l of part) out[l.commit.subject] = l; });
  return out;
}

const json = (repo: TempRepo) => {
  const r = cli(['commits', '--json', '--repo', repo.dir, ...NO_CACHE]);
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries((JSON.parse(r.stdout) as { subject: string; status: string; links: { outcome: string; via: string }[] }[]).map(c => [c.subject, c]));
};

describe('renames and moves followed', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = () => { const r = new TempRepo(); repos.push(r); r.write('outcomes.yaml', YAML).commit('outcomes.yaml\n'); return r; };

  /** A package made and changed in plugins/node/x, moved to packages/x (package.json edited in the move), changed again. */
  const folderMove = () => {
    const repo = make();
    repo.write('plugins/node/x/src/index.ts', 'export const a = 1;\n').write('plugins/node/x/package.json', '{"name": "x", "directory": "plugins/node/x"}\n')
      .write('plugins/node/x/README.md', '# x\n').commit('Before: add x\n');
    repo.write('plugins/node/x/src/index.ts', 'export const a = 2;\n').commit('Before: change index\n');
    repo.write('plugins/node/x/package.json', '{"name": "x", "version": "2", "directory": "plugins/node/x"}\n').commit('Before: bump x\n');
    mv(repo, 'plugins/node/x', 'packages/x');
    // The move also edits package.json: not an exact rename, but a file that moved with its folder.
    repo.write('packages/x/package.json', '{"name": "x", "version": "2", "directory": "packages/x"}\n').commit('Move plugins/node/* to packages/*\n');
    repo.write('packages/x/src/index.ts', 'export const a = 3;\n').commit('After: change index\n');
    return repo;
  };

  it('a folder move (git mv plugins/node/x packages/x): the work before and after it links to the owner of packages/, with "renamed from"', async () => {
    const repo = folderMove();
    const c = await linked(repo);
    for (const s of ['Before: add x', 'Before: change index', 'Before: bump x', 'Move plugins/node/* to packages/*', 'After: change index']) {
      assert.deepEqual([c[s].status, c[s].outcomes], ['linked', ['packages']], s);
    }
    assert.deepEqual(c['Move plugins/node/* to packages/*'].commit.renames?.slice().sort(), [
      'packages/x/README.md', 'packages/x/package.json', 'packages/x/src/index.ts',
      'plugins/node/x/README.md', 'plugins/node/x/package.json', 'plugins/node/x/src/index.ts'].sort(), 'each pair: old path, new path');
    const before = c['Before: change index'].links[0];
    assert.deepEqual(before, { outcome: 'packages', via: 'area', evidence: 'packages/x/src/index.ts (renamed from plugins/node/x/src/index.ts)', renamedFrom: 'plugins/node/x/src/index.ts' });
    assert.equal(c['Before: bump x'].links[0].evidence, 'packages/x/package.json (renamed from plugins/node/x/package.json)', 'moved with its folder');
    assert.deepEqual(c['After: change index'].links[0], { outcome: 'packages', via: 'area', evidence: 'packages/x/src/index.ts' });

    // The CLI says the same, and the evidence in its text.
    const j = json(repo);
    assert.deepEqual(j['Before: change index'].links, [{ outcome: 'packages', via: 'area' }]);
    assert.equal(j['Before: change index'].status, 'linked');
    const text = cli(['commits', '--repo', repo.dir, ...NO_CACHE]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Before: change index {2}-> packages\(area, renamed from plugins\/node\/x\/src\/index\.ts\)\n/);
    assert.match(text.stdout, /After: change index {2}-> packages\(area\)\n/);
    const gate = cli(['commits', '--unlinked', '--repo', repo.dir, ...NO_CACHE]);
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
    const report = JSON.parse(cli(['report', '--all', '--json', '--no-lines', '--repo', repo.dir, ...NO_CACHE]).stdout) as { alignment: number | null };
    assert.equal(report.alignment, 1, 'every commit that needs an outcome has one');

    // Read at the tip of a range before the move, the files are where they were then.
    const old = await linked(repo, 'HEAD~2');
    assert.deepEqual([old['Before: change index'].status, old['Before: change index'].today], ['unlinked', undefined]);
  });

  it('the history service agrees: in the window (the walk), and outside it (the current line follows its file as blame does)', async () => {
    const repo = folderMove();
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-renames-'));
    try {
      const { map } = parseOutcomes(YAML);
      const wide = new RepoHistory(repo.dir, { cacheDir }, map!, 5000);
      await wide.refresh();
      assert.deepEqual([wide.summary().history?.unlinked, wide.summary().history?.byOutcome.packages], [0, 5]);
      const rows = wide.commits({ kind: 'outcome', id: 'packages' }, 0, 10).rows;
      assert.equal(rows.find(r => r.subject === 'Before: change index')?.links[0].evidence, 'packages/x/src/index.ts (renamed from plugins/node/x/src/index.ts)');
      const line = await wide.lineCommit('packages/x/README.md', 1);
      assert.ok(line.kind === 'commit');
      assert.deepEqual([line.row.subject, line.row.status, line.row.links[0].evidence], ['Before: add x', 'linked', 'packages/x/README.md (renamed from plugins/node/x/README.md)']);
      // A one-day window holds none of these commits of 2024: the line's commit is read from git, its file followed by blame.
      const narrow = new RepoHistory(repo.dir, { cacheDir: fs.mkdtempSync(path.join(cacheDir, 'n-')) }, map!, 1);
      await narrow.refresh();
      assert.equal(narrow.summary().history?.commits, 0);
      const old = await narrow.lineCommit('packages/x/README.md', 1);
      assert.ok(old.kind === 'commit');
      assert.deepEqual([old.row.subject, old.row.status, old.row.links[0].evidence], ['Before: add x', 'linked', 'packages/x/README.md (renamed from plugins/node/x/README.md)']);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('a new commit that moves a folder re-links the window\'s older commits (the increment reads again)', async () => {
    const repo = make();
    repo.write('plugins/y/a.ts', 'a\n').commit('Add y\n');
    const { map } = parseOutcomes(YAML);
    const s = new RepoHistory(repo.dir, {}, map!, 5000);
    await s.refresh();
    assert.deepEqual(s.commits({ kind: 'unlinked' }, 0, 10).rows.map(r => r.subject), ['Add y']);
    repo.write('lib/z.ts').commit('A commit that renames nothing\n');
    await s.refresh();
    assert.deepEqual([s.summary().history?.commits, s.summary().history?.unlinked], [3, 1], 'an increment: the same judgement');
    mv(repo, 'plugins/y', 'packages/y');
    repo.commit('Move y\n');
    await s.refresh();
    assert.deepEqual([s.summary().history?.commits, s.summary().history?.unlinked, s.summary().history?.byOutcome.packages], [4, 0, 2]);
    const add = s.commits({ kind: 'outcome', id: 'packages' }, 0, 10).rows.find(r => r.subject === 'Add y')!;
    assert.equal(add.links[0].evidence, 'packages/y/a.ts (renamed from plugins/y/a.ts)');
  });

  it('a file renamed, then deleted: judged by its path at the time', async () => {
    const repo = make();
    repo.write('lib/r.ts').commit('Add r\n');
    mv(repo, 'lib/r.ts', 'packages/r.ts');
    repo.commit('Move r\n');
    repo.git('rm', '-q', 'packages/r.ts');
    repo.commit('Delete r\n');
    const c = await linked(repo);
    assert.deepEqual(c['Add r'].outcomes, ['lib'], 'packages/r.ts no longer exists: lib/r.ts is the path at the time');
    assert.equal(c['Add r'].links[0].evidence, 'lib/r.ts');
    assert.deepEqual(c['Move r'].outcomes, ['packages']);
    assert.deepEqual(c['Delete r'].outcomes, ['packages']);
    assert.deepEqual(c['Delete r'].commit.renames, ['packages/r.ts', 'packages/r.ts'], 'a deletion: a pair of the same path');
  });

  it('a path re-used after a rename keeps its own history; an older file of a re-used name does not inherit a newer one\'s place', async () => {
    const repo = make();
    repo.write('src/a.ts', 'old a\n').commit('Old a\n');
    mv(repo, 'src/a.ts', 'app/a.ts');
    repo.commit('Move a to app\n');
    repo.write('src/a.ts', 'a new file, same name\n').commit('New a\n');
    repo.write('src/a.ts', 'a new file, changed\n').commit('Change new a\n');
    // A name deleted, re-used by another file, which then moves: the first file stays where it was.
    repo.write('src/b.ts', 'first b\n').commit('First b\n');
    repo.git('rm', '-q', 'src/b.ts');
    repo.commit('Delete first b\n');
    repo.write('src/b.ts', 'second b\n').commit('Second b\n');
    mv(repo, 'src/b.ts', 'app/b.ts');
    repo.commit('Move second b to app\n');
    const c = await linked(repo);
    assert.deepEqual([c['Old a'].status, c['Old a'].outcomes, c['Old a'].links[0].evidence], ['linked', ['app'], 'app/a.ts (renamed from src/a.ts)']);
    assert.deepEqual([c['New a'].status, c['Change new a'].status], ['unlinked', 'unlinked'], 'today\'s src/a.ts is another file');
    assert.deepEqual([c['Second b'].status, c['Second b'].outcomes], ['linked', ['app']]);
    assert.deepEqual([c['First b'].status, c['Delete first b'].status], ['unlinked', 'unlinked'], 'the first src/b.ts was deleted: its own path');
    const j = json(repo);
    assert.deepEqual([j['Old a'].status, j['New a'].status, j['First b'].status, j['Second b'].status], ['linked', 'unlinked', 'unlinked', 'linked']);
  });

  it('a rename inside a merge\'s first-parent diff is followed for the commits before it', async () => {
    const repo = make();
    repo.write('web/w.ts', 'w\n').commit('Add w\n');
    repo.git('checkout', '-q', '-b', 'feature');
    mv(repo, 'web/w.ts', 'app/w.ts');
    repo.commit('Move w to app\n');
    repo.git('checkout', '-q', 'main');
    // Newer than the move, on main: only the merge's first-parent diff (web/w.ts -> app/w.ts) says where it went.
    repo.write('web/w.ts', 'w changed on main\n').commit('Change w on main\n');
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature');
    const c = await linked(repo);
    assert.deepEqual(c['Merge feature'].commit.renames, ['web/w.ts', 'app/w.ts']);
    assert.deepEqual([c['Change w on main'].status, c['Change w on main'].links[0].evidence], ['linked', 'app/w.ts (renamed from web/w.ts)']);
    assert.deepEqual(c['Add w'].outcomes, ['app']);
    const j = json(repo);
    assert.deepEqual([j['Change w on main'].status, j['Add w'].status, j['Merge feature'].status], ['linked', 'linked', 'ignored']);
  });

  it('suggest counts the work done before a move for the folder it moved to', () => {
    const repo = make();
    for (let i = 0; i < 3; i++) repo.write('libs/y/a.ts', `v${i}\n`).write('app/z.ts', `v${i}\n`).commit(`Work ${i}\n`);
    mv(repo, 'libs/y', 'shared/y');
    repo.commit('Move libs/y to shared/y\n');
    const r = cli(['suggest', '--json', '--since', '2020-01-01', '--repo', repo.dir, ...NO_CACHE]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { folder: string; outcome: string | null; together: number; commits: number }[];
    assert.deepEqual(rows.map(x => [x.folder, x.outcome, x.together, x.commits]), [['shared/', 'app', 3, 4]]);
  });

  it('movedWithFolder: a deleted file follows its folder where the commit added the same path under the new folder', () => {
    const r = movedWithFolder([
      'a/x/one.ts', 'b/x/one.ts', // a/ -> b/
      'a/x/two.ts', 'a/x/two.ts', // deleted, b/x/two.ts added: moved with its folder
      'a/y.ts', 'a/y.ts', //         deleted, b/y.ts not added: a deletion
      'c/p.ts', 'd/p.ts', 'c/q.ts', 'd/q.ts', 'c/s.ts', 'e/s.ts', // c/ went to d/ (twice) and to e/ (an identical file, once)
      'c/r.ts', 'c/r.ts', //         deleted, d/r.ts and e/r.ts added: where most of c/ went
    ], ['b/x/two.ts', 'd/r.ts', 'e/r.ts']);
    assert.deepEqual(r, ['a/x/one.ts', 'b/x/one.ts', 'a/x/two.ts', 'b/x/two.ts', 'a/y.ts', 'a/y.ts', 'c/p.ts', 'd/p.ts', 'c/q.ts', 'd/q.ts', 'c/s.ts', 'e/s.ts', 'c/r.ts', 'd/r.ts']);
  });
});
