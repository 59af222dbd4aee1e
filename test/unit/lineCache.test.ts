import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo, LineStat } from '../../src/core/git/repo';
import { LineCache } from '../../src/core/git/lineCache';
import { configureGit } from '../../src/core/git/runner';
import { linkHistory } from '../../src/core/usecases/linkHistory';
import { CommitLink } from '../../src/core/links/link';
import { LineCounts } from '../../src/core/usecases/report';
import { Linker } from '../../src/core/links/link';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { RepoHistory } from '../../src/core/history/service';

/** The whole history, linked, read from git. */
async function history(g: GitRepo): Promise<CommitLink[]> {
  const links: CommitLink[] = [];
  await linkHistory(g, new Linker(parseOutcomes(YAML).map!), {}, part => { links.push(...part); });
  return links;
}

const YAML = 'version: 1\noutcomes:\n  - {id: a, title: A, areas: [a/]}\n';

/** Each commit's counts as `git log --numstat` prints them, the reference. */
function gitNumstat(repo: TempRepo): Map<string, LineStat> {
  const out = repo.git('log', '-z', '--numstat', '--no-renames', '--diff-merges=first-parent', '--root', '--format=%x00%H');
  const m = new Map<string, LineStat>();
  let cur: LineStat | undefined;
  for (const tok of out.split('\0')) {
    const id = /^[0-9a-f]{40}$/.exec(tok);
    if (id) { m.set(tok, cur = { lines: 0, binaryFiles: 0, files: [] }); continue; }
    const e = /^\n?(-|\d+)\t(-|\d+)\t(.*)$/s.exec(tok);
    if (!cur || !e) continue;
    const n = e[1] === '-' ? null : Number(e[1]) + Number(e[2]);
    if (n === null) cur.binaryFiles++; else cur.lines += n;
    cur.files.push([e[3], n]);
  }
  return m;
}

describe('changed-line counts kept on disk beside the commit cache', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let cacheDir: string;
  const logged: string[] = [];
  /** The numstat git processes started since the last call, and the commit ids each was given. */
  const numstatRuns = () => logged.splice(0).filter(l => l.includes('--numstat'));

  beforeEach(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', YAML).commit('root\n');
    for (let i = 0; i < 12; i++) repo.write(`a/f${i}.ts`, 'x\n'.repeat(i + 1)).write(`b/g${i % 3}.ts`, `${i}\n`).commit(`c${i}\n`);
    repo.write('a/img.bin', Buffer.from([0, 1, 2, 0, 255]) as unknown as string).commit('binary\n');
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-lines-'));
    configureGit({ trusted: () => true, log: l => logged.push(l) });
    logged.length = 0;
  });
  afterEach(() => {
    configureGit({ log: () => undefined });
    repo.rm();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  async function counts(): Promise<{ counts: LineCounts; shas: string[] }> {
    const g = new GitRepo(repo.dir);
    const links = await history(g);
    const c = new LineCounts(cacheDir);
    await c.read(g, links);
    return { counts: c, shas: links.map(l => l.commit.sha) };
  }

  it('a second run reads no counts from git, a new commit reads only that commit, and the numbers are git log --numstat\'s', async () => {
    const cold = await counts();
    assert.ok(numstatRuns().length >= 1, 'the first run reads the counts from git');
    assert.deepEqual(new Map([...cold.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));

    const warm = await counts();
    assert.deepEqual(numstatRuns(), [], 'a warm run asks git for no line counts');
    assert.deepEqual(new Map([...warm.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()), 'the same numbers from the cache');

    const fresh = repo.write('a/new.ts', '1\n2\n3\n').write('b/g0.ts', 'changed\n').commit('new\n');
    const next = await counts();
    const runs = numstatRuns();
    assert.equal(runs.length, 1, 'one git process for the new commit');
    assert.deepEqual(next.counts.stats.get(fresh), { lines: 5, binaryFiles: 0, files: [['a/new.ts', 3], ['b/g0.ts', 2]] });
    assert.deepEqual(new Map([...next.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
    // The new commit was appended: the file holds every commit once.
    const lines = fs.readFileSync(LineCache.fileFor(cacheDir, repo.dir), 'utf8').trimEnd().split('\n');
    const kept = lines.slice(1).flatMap(l => (JSON.parse(l) as { commits: [string][] }).commits.map(c => c[0]));
    assert.deepEqual([...kept].sort(), [...gitNumstat(repo).keys()].sort());
  });

  it('a file cut short anywhere in its last line (a crash mid-write) still reads, and the next run makes it whole again', async () => {
    await counts();
    repo.write('a/late.ts', 'l\n').commit('late\n');
    await counts();
    numstatRuns();
    const file = LineCache.fileFor(cacheDir, repo.dir);
    const whole = fs.readFileSync(file, 'utf8');
    const lastStart = whole.lastIndexOf('\n', whole.length - 2) + 1;
    const reference = gitNumstat(repo);
    for (let cut = lastStart + 1; cut < whole.length - 1; cut += Math.max(1, Math.floor((whole.length - lastStart) / 7))) {
      fs.writeFileSync(file, whole.slice(0, cut));
      const got = await counts();
      assert.deepEqual(new Map([...got.counts.stats].sort()), new Map([...reference].sort()), `cut at ${cut}`);
      assert.equal(numstatRuns().length, 1, 'only the lost line\'s commit is read again');
      // Appended after a newline: every line of the file parses again, and a third run reads nothing from git.
      for (const l of fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(1)) {
        if (l === whole.slice(lastStart, cut)) continue; // the cut piece itself stays, skipped by every reader
        JSON.parse(l);
      }
      await counts();
      assert.deepEqual(numstatRuns(), [], `cut at ${cut}: whole again`);
    }
  });

  it('a line longer than a read of the file (a commit of thousands of files) reads whole, and so do the lines around it', async () => {
    await counts();
    numstatRuns();
    const file = LineCache.fileFor(cacheDir, repo.dir);
    const [header, ...rest] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    // 80,000 paths of 40 bytes: about 4 MB in one line, read 1 MB at a time.
    const paths = Array.from({ length: 80_000 }, (_, i) => `vendor/generated/${String(i).padStart(8, '0')}/file.ts`);
    const big = JSON.stringify({ paths, commits: [['f'.repeat(40), paths.flatMap((_, i) => [i, i % 5 === 0 ? -1 : i % 7])]] });
    fs.writeFileSync(file, [header, big, ...rest].join('\n') + '\n');
    const c = await LineCache.open(cacheDir, new GitRepo(repo.dir));
    const s = c.get('f'.repeat(40))!;
    assert.equal(s.files.length, 80_000);
    assert.deepEqual(s.files[79_999], [paths[79_999], 79_999 % 7]);
    assert.deepEqual(s.files[5], [paths[5], null]);
    assert.equal(s.binaryFiles, 16_000);
    const after = await counts();
    assert.deepEqual(numstatRuns(), [], 'the lines after it are read too');
    assert.deepEqual(new Map([...after.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
  });

  it('a folder where the file should be: read as no cache, the counts from git, the report made', async () => {
    fs.mkdirSync(LineCache.fileFor(cacheDir, repo.dir), { recursive: true });
    const c = await LineCache.open(cacheDir, new GitRepo(repo.dir));
    assert.equal(c.size, 0);
    const got = await counts();
    assert.deepEqual(new Map([...got.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
    const r = cli(['report', '--all', '--measure', 'lines', '--format', 'json', '--repo', repo.dir], { env: { OUTCOME_LENS_CACHE_DIR: cacheDir } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).outcomes.find((o: { id: string }) => o.id === 'a').lines > 0);
  });

  it('two writers appending at once lose nothing either of them wrote', async () => {
    await counts();
    for (let i = 0; i < 3; i++) repo.write(`a/n${i}.ts`, 'n\n').commit(`n${i}\n`);
    // Both opened before either appends: each appends the same new commits in its own write.
    const g = new GitRepo(repo.dir);
    const links = await history(g);
    await Promise.all([new LineCounts(cacheDir).read(g, links), new LineCounts(cacheDir).read(g, links)]);
    numstatRuns();
    const after = await counts();
    assert.deepEqual(numstatRuns(), [], 'everything is kept');
    assert.deepEqual(new Map([...after.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
  });

  it('a change of what marks a file binary (.gitattributes) starts the file afresh; another format is never misread', async () => {
    await counts();
    repo.write('.gitattributes', '*.ts -diff\n');
    const after = await counts();
    assert.ok(numstatRuns().length >= 1, 'read again');
    assert.deepEqual(new Map([...after.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
    assert.ok([...after.counts.stats.values()].some(s => s.binaryFiles > 0 && s.files.some(([p]) => p.endsWith('.ts'))));
    const file = LineCache.fileFor(cacheDir, repo.dir);
    fs.writeFileSync(file, '{"format":0,"key":"x"}\n{"paths":["a/f0.ts"],"commits":[["' + [...after.counts.stats.keys()][0] + '",[0,999]]]}\n');
    const again = await counts();
    assert.ok(numstatRuns().length >= 1, 'an old format is read again from git');
    assert.deepEqual(new Map([...again.counts.stats].sort()), new Map([...gitNumstat(repo)].sort()));
  });

  it('the dashboard\'s lines measure after a window reload (a new history service) asks git for no line counts', async () => {
    const view = { days: 3650, bucket: 'month' as const, measure: 'lines' as const, lines: true, defaulted: false, driftThreshold: 0.1, repoName: 'r' };
    const first = new RepoHistory(repo.dir, { cacheDir }, parseOutcomes(YAML).map!, 3650);
    await first.refresh();
    const a = (await first.report(view))!;
    assert.ok(numstatRuns().length >= 1, 'the first session reads the counts from git');
    const reloaded = new RepoHistory(repo.dir, { cacheDir }, parseOutcomes(YAML).map!, 3650);
    await reloaded.refresh();
    const b = (await reloaded.report(view))!;
    assert.deepEqual(numstatRuns(), [], 'the reloaded window reads them from the cache');
    const same = (r: typeof a) => ({ ...r, generatedAt: '', since: '', window: { ...r.window, since: '' } });
    assert.deepEqual(same(b), same(a));
    assert.ok(b.outcomes.find(o => o.id === 'a')!.lines! > 0);
  });

  it('the CLI\'s report --measure lines asks git for no line counts on a warm cache, with the same report', () => {
    const env = { OUTCOME_LENS_CACHE_DIR: cacheDir, OUTCOME_LENS_TRACE: '1' };
    const args = ['report', '--all', '--measure', 'lines', '--format', 'json', '--repo', repo.dir];
    const first = cli(args, { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /--numstat/);
    const second = cli(args, { env });
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /--numstat/);
    const strip = (s: string) => s.replace(/"generatedAt": "[^"]*"/, '');
    assert.equal(strip(second.stdout), strip(first.stdout));
    const none = cli([...args, '--no-cache'], { env });
    assert.match(none.stderr, /--numstat/, '--no-cache reads the counts from git');
    assert.equal(strip(none.stdout), strip(first.stdout));
  });
});
