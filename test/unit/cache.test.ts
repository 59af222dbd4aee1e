import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cliAsync } from './helpers/cli';
import { GitRepo, RawCommit } from '../../src/core/git/repo';
import { CommitCache } from '../../src/core/git/cache';
import { COMMIT } from '../../src/core/git/formats';
import { readHistory } from '../../src/core/git/history';

/** `n` commits made by fast-import in well under a second, one hour apart from 2024-01-01, each changing two files. */
function bigRepo(n: number): TempRepo {
  const repo = new TempRepo('ol-cache-');
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const msg = i % 3 === 0 ? `change ${i}\n\nOutcome: a\n` : `change ${i}\n`;
    const when = 1704067200 + i * 3600;
    parts.push(`commit refs/heads/main\nmark :${i + 1}\nauthor Dev ${i % 7} <d${i % 7}@example.com> ${when} +0000\ncommitter Dev <d@example.com> ${when} +0000\n`
      + `data ${Buffer.byteLength(msg)}\n${msg}${i ? `from :${i}\n` : ''}M 644 inline src/m${i % 40}/f${i % 500}.ts\ndata ${String(i).length + 1}\n${i}\n`
      + `M 644 inline docs/d${i % 90}.md\ndata ${String(i).length + 1}\n${i}\n\n`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: parts.join('') });
  repo.git('reset', '-q', '--hard', 'main');
  repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n');
  return repo;
}

/** A commit on top of HEAD, dated after every commit of bigRepo (so that the cached history simply continues). */
function commitAfter(repo: TempRepo, file: string, message: string, hoursAfter = 0): string {
  repo.write(file, `${file} ${Date.now()}\n`);
  return repo.commit(message, { date: new Date(Date.UTC(2030, 0, 1) + hoursAfter * 3600_000).toISOString() });
}

/** What git itself says: every commit of HEAD's history, in git's order, read without any cache. */
async function truth(repo: TempRepo): Promise<RawCommit[]> {
  return (await readHistory(new GitRepo(repo.dir), {})).commits;
}

const shas = (cs: RawCommit[]) => cs.map(c => c.sha);

describe('the history cache: appends, crashes, old files and two writers', function () {
  this.timeout(600_000);
  let repo: TempRepo;
  let cacheDir: string;
  const N = 3000;

  beforeEach(() => {
    repo = bigRepo(N);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-cache-dir-'));
  });
  afterEach(() => {
    repo.rm();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a new commit is appended: the file before it is left byte for byte, git reads that commit only', async () => {
    const git = new GitRepo(repo.dir);
    const first = await readHistory(git, {}, { cacheDir });
    assert.equal(first.fromGit, N);
    const file = CommitCache.fileFor(cacheDir, repo.dir);
    const before = fs.readFileSync(file);
    const added = commitAfter(repo, 'src/new.ts', 'new\n\nOutcome: a\n');
    const second = await readHistory(git, {}, { cacheDir });
    assert.equal(second.fromGit, 1);
    assert.equal(second.commits[0].sha, added);
    assert.deepEqual(second.commits, await truth(repo));
    const after = fs.readFileSync(file);
    assert.ok(after.length > before.length && after.subarray(0, before.length).equals(before), 'appended, not rewritten');
    const third = await readHistory(git, {}, { cacheDir });
    assert.equal(third.fromGit, 0);
    assert.deepEqual(third.commits, second.commits, 'the appended commit reads back as git printed it');
    // A window of the newest commits comes from the newest lines, in git's order.
    const since = '2024-04-01T00:00:00Z';
    const window = await readHistory(git, { since }, { cacheDir });
    assert.equal(window.fromGit, 0);
    assert.deepEqual(shas(window.commits), repo.git('rev-list', `--since=${since}`, 'HEAD').trim().split('\n'));
  });

  it('a merge of an older branch, a HEAD moved back and a commit older than the tip: git\'s order, every time', async () => {
    const git = new GitRepo(repo.dir);
    await readHistory(git, {}, { cacheDir });
    // A branch from 100 commits back, merged: its commit is older than much of main's history.
    repo.git('branch', 'old', 'HEAD~100');
    repo.git('checkout', '-q', 'old');
    repo.write('src/side.ts').commit('side\n', { date: '2024-01-02T00:00:00Z' });
    repo.git('checkout', '-q', 'main');
    execFileSync('git', ['merge', '-q', '--no-ff', '-m', 'merge old', 'old'], { cwd: repo.dir, env: repo.env('2030-02-01T00:00:00Z') });
    let r = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(r.commits, await truth(repo));
    assert.equal(r.fromGit, 2, 'the merge and its branch');
    assert.equal((await readHistory(git, {}, { cacheDir })).fromGit, 0);
    // Back before the merge, then a commit dated before the cached tip.
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    r = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(r.commits, await truth(repo));
    assert.equal(r.fromGit, 0);
    repo.write('src/skew.ts').commit('skewed clock\n', { date: '2024-01-01T00:00:00Z' });
    r = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(r.commits, await truth(repo));
    assert.equal(r.fromGit, 1);
  });

  it('HEAD moved elsewhere: the history read again in git\'s order from the cached lines, also with a trailer key of 40 hex digits', async () => {
    const git = new GitRepo(repo.dir);
    // A second trailer whose key looks like a commit id, where the cached line's rows start with theirs.
    commitAfter(repo, 'src/hex.ts', `hex\n\nOutcome: a\n${'ab'.repeat(20)}: looks like an id\n`);
    await readHistory(git, {}, { cacheDir });
    repo.git('checkout', '-q', '-b', 'elsewhere', 'HEAD~10');
    commitAfter(repo, 'src/else.ts', 'elsewhere\n', 5);
    let r = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(r.commits, await truth(repo));
    assert.equal(r.fromGit, 1, 'the new commit only: the rest in git\'s order from the cached lines');
    repo.git('checkout', '-q', 'main');
    r = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(r.commits, await truth(repo));
    assert.equal(r.fromGit, 10, 'the file held elsewhere\'s history: main\'s ten commits since are read again');
    assert.ok(r.commits.some(c => c.trailers.some(([k]) => k === 'ab'.repeat(20))));
    assert.equal((await readHistory(git, {}, { cacheDir })).fromGit, 0);
  });

  it('survives a crash mid-write: kill -9 while the first run writes the file, then exact answers', async () => {
    const env = { OUTCOME_LENS_CACHE_DIR: cacheDir };
    const expected = (await cliAsync(['commits', '--json', '--no-cache', '--repo', repo.dir])).stdout;
    assert.ok(expected.length > 1000);
    let killed = false;
    for (let attempt = 0; attempt < 5 && !killed; attempt++) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'commits', '--json', '--repo', repo.dir], { env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_code, signal) => resolve(signal)));
      let done = false;
      void exited.then(() => { done = true; });
      // Killed once the file being written has lines of commits in it (polling: no timed guess).
      while (!done) {
        const growing = fs.existsSync(cacheDir) && fs.readdirSync(cacheDir).some(f => f.endsWith('.tmp') && fs.statSync(path.join(cacheDir, f)).size > 10_000);
        if (growing) { child.kill('SIGKILL'); break; }
        await new Promise(r => setImmediate(r));
      }
      killed = (await exited) === 'SIGKILL';
    }
    assert.ok(killed, 'a run was killed while it wrote the cache');
    const after = await cliAsync(['commits', '--json', '--repo', repo.dir], { env });
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, expected);
    const again = await cliAsync(['commits', '--json', '--repo', repo.dir], { env: { ...env, OUTCOME_LENS_TRACE: '1' } });
    assert.equal(again.stdout, expected);
    assert.match(again.stderr, /commits \(0 read from git\)/);
  });

  it('survives an append cut short (what kill -9 during an append leaves): the part is dropped, cut off, and read again', async () => {
    const git = new GitRepo(repo.dir);
    await readHistory(git, {}, { cacheDir });
    const file = CommitCache.fileFor(cacheDir, repo.dir);
    const size = fs.statSync(file).size;
    commitAfter(repo, 'src/one.ts', 'one\n');
    await readHistory(git, {}, { cacheDir });
    const full = fs.statSync(file).size;
    for (const cut of [size + 1, Math.floor((size + full) / 2), full - 1]) {
      fs.truncateSync(file, cut);
      const r = await readHistory(git, {}, { cacheDir });
      assert.deepEqual(r.commits, await truth(repo), `cut at ${cut}`);
      assert.equal(r.fromGit, 1, 'only the commit whose lines were cut short is read again');
      assert.equal(fs.statSync(file).size, full, 'the cut lines were replaced by whole ones');
    }
    commitAfter(repo, 'src/two.ts', 'two\n', 1);
    const r = await readHistory(git, {}, { cacheDir });
    assert.equal(r.fromGit, 1);
    assert.deepEqual(r.commits, await truth(repo));
  });

  it('a cache file of the previous format (7) is rebuilt, never misread', async () => {
    const git = new GitRepo(repo.dir);
    const commits = await truth(repo);
    // Format 7's layout, written by hand: a header, parts of commits with paths numbered across the file, the order.
    // Its rows are wrong on purpose (another subject, other files): reading them would show.
    const paths = ['wrong/path.ts'];
    const rows = commits.map(c => { const row = COMMIT.toRow({ ...c, subject: 'misread' }); row.push([0]); return row; });
    const lines = [
      JSON.stringify({ format: 7, fields: COMMIT.format, depends: 'none' }),
      JSON.stringify({ paths, commits: rows }),
      JSON.stringify({ order: { head: commits[0].sha, indices: commits.map((_, i) => i) } }),
    ];
    const file = CommitCache.fileFor(cacheDir, repo.dir);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const r = await readHistory(git, {}, { cacheDir });
    assert.equal(r.fromGit, N);
    assert.deepEqual(r.commits, commits);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]).format, 9, 'rebuilt in the current format');
    const again = await readHistory(git, {}, { cacheDir });
    assert.equal(again.fromGit, 0);
    assert.deepEqual(again.commits, commits);
  });

  it('two processes writing at once: both answers right, and the cache afterwards', async () => {
    const env = { OUTCOME_LENS_CACHE_DIR: cacheDir };
    const run = () => cliAsync(['commits', '--json', '--repo', repo.dir], { env });
    const expect = async () => (await cliAsync(['commits', '--json', '--no-cache', '--repo', repo.dir])).stdout;
    // Both write the first file.
    let want = await expect();
    let [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.stdout, want);
    assert.equal(b.stdout, want);
    // Both append the same new commits.
    commitAfter(repo, 'src/x.ts', 'x\n');
    commitAfter(repo, 'src/y.ts', 'y\n', 1);
    want = await expect();
    [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.stdout, want);
    assert.equal(b.stdout, want);
    // And in-process, many at once: each answer is git's, and the file is whole afterwards.
    const git = new GitRepo(repo.dir);
    commitAfter(repo, 'src/z.ts', 'z\n', 2);
    const all = await Promise.all(Array.from({ length: 4 }, () => readHistory(git, {}, { cacheDir })));
    const right = await truth(repo);
    for (const r of all) assert.deepEqual(r.commits, right);
    const after = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(after.commits, right);
    assert.ok(after.fromGit <= 1, `the cache is right afterwards: ${after.fromGit} read from git`);
    assert.equal((await readHistory(git, {}, { cacheDir })).fromGit, 0);
  });

  it('a window read first is kept as part of the history: later windows and the whole history read from it in git\'s order', async () => {
    const git = new GitRepo(repo.dir);
    const since = '2024-04-01T00:00:00Z';
    const rev = (...a: string[]) => repo.git('rev-list', ...a).trim().split('\n');
    const first = await readHistory(git, { since }, { cacheDir });
    assert.deepEqual(shas(first.commits), rev(`--since=${since}`, 'HEAD'));
    assert.equal((await readHistory(git, { since }, { cacheDir })).fromGit, 0);
    // A longer window (the dashboard's): its older commits are read from git once, then kept.
    const longer = '2024-03-01T00:00:00Z';
    const wide = await readHistory(git, { since: longer }, { cacheDir });
    assert.equal(wide.fromGit, wide.count - first.count);
    assert.deepEqual(shas(wide.commits), rev(`--since=${longer}`, 'HEAD'));
    assert.equal((await readHistory(git, { since: longer }, { cacheDir })).fromGit, 0);
    commitAfter(repo, 'src/w.ts', 'w\n');
    const next = await readHistory(git, { since }, { cacheDir });
    assert.equal(next.fromGit, 1);
    assert.deepEqual(shas(next.commits), rev(`--since=${since}`, 'HEAD'));
    const all = await readHistory(git, {}, { cacheDir });
    assert.deepEqual(all.commits, await truth(repo));
    assert.equal(all.fromGit, all.count - wide.count - 1, 'only the commits before the longer window (and not the new one)');
    assert.equal((await readHistory(git, {}, { cacheDir })).fromGit, 0);
  });

  it('a range is read from git, a cache or not; one commit named as the range is the history of that commit', async () => {
    const git = new GitRepo(repo.dir);
    await readHistory(git, {}, { cacheDir });
    const gate = await readHistory(git, { range: 'HEAD~50..HEAD' }, { cacheDir });
    assert.equal(gate.count, 50);
    assert.deepEqual(shas(gate.commits), repo.git('rev-list', 'HEAD~50..HEAD').trim().split('\n'));
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    const next = execFileSync('git', ['commit-tree', tree, '-p', 'HEAD', '-m', 'next'], { cwd: repo.dir, env: repo.env('2031-01-01T00:00:00Z'), encoding: 'utf8' }).trim();
    const one = await readHistory(git, { range: next }, { cacheDir });
    assert.equal(one.fromGit, 1);
    assert.deepEqual(shas(one.commits), repo.git('rev-list', next).trim().split('\n'));
  });
});
