import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo, parseCatFileBatch } from '../../src/core/git/repo';
import { configureGit } from '../../src/core/git/runner';
import { keyResultHistory, readOutcomesVersions, trendInWindow } from '../../src/core/outcomes/keyResultHistory';
import { RepoHistory } from '../../src/core/history/service';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import type { ReportJson } from '../../src/core/report/model';

const yaml = (conv: string, nps: string, extra = '') => `version: 1
outcomes:
  - id: checkout
    title: Checkout
    areas: [src/]${extra}
    metrics:
      - name: Conversion
        baseline: 3.1%
        target: 4%
        current: ${conv}
      - name: NPS
        current: ${nps}
`;

/**
 * outcomes.yaml created, then changed three times with new values, once with errors and once without touching a key
 * result; commits that do not touch it in between. Dates fixed.
 */
function fixture() {
  const r = new TempRepo();
  const at = (d: string) => ({ date: `${d}T10:00:00Z` });
  const sha = {
    created: r.write('outcomes.yaml', yaml('3.1%', 'on track')).commit('outcomes\n', at('2024-01-05')),
    code: r.write('src/a.ts').commit('code\n', at('2024-01-10')),
    second: r.write('outcomes.yaml', yaml('3.4%', 'on track')).commit('conversion 3.4\n', at('2024-02-01')),
    broken: r.write('outcomes.yaml', yaml('3.5%', 'on track').replace('version: 1', 'version: 2')).commit('oops\n', at('2024-02-15')),
    third: r.write('outcomes.yaml', yaml('3.8%', 'at risk')).commit('conversion 3.8\n', at('2024-03-01')),
    areas: r.write('outcomes.yaml', yaml('3.8%', 'at risk', '\n    tickets: [PAY-]')).commit('tickets\n', at('2024-03-05')),
    code2: r.write('src/b.ts').commit('more code\n', at('2024-03-10')),
  };
  return { r, sha };
}

describe('key results over time (outcomes.yaml in git)', function () {
  this.timeout(60_000);
  let r: TempRepo;
  let sha: ReturnType<typeof fixture>['sha'];
  before(() => ({ r, sha } = fixture()));
  after(() => r.rm());

  it('each key result\'s current at the commits that changed outcomes.yaml: values and dates from the fixture', async () => {
    const versions = await readOutcomesVersions(new GitRepo(r.dir));
    assert.deepEqual(versions.map(v => v.sha), [sha.areas, sha.third, sha.broken, sha.second, sha.created], 'newest first, the commits that touch it only');
    const h = keyResultHistory(versions);
    assert.equal(h.versions, 5);
    assert.deepEqual(h.unreadable, [{ sha: sha.broken, date: '2024-02-15T10:00:00+00:00', reason: 'errors' }], 'the version with errors is named, and left out');
    const conv = h.series.find(s => s.name === 'Conversion')!;
    assert.deepEqual(conv.points.map(p => [p.sha, p.date, p.text, p.value, p.unit]), [
      [sha.created, '2024-01-05T10:00:00+00:00', '3.1%', 3.1, '%'],
      [sha.second, '2024-02-01T10:00:00+00:00', '3.4%', 3.4, '%'],
      [sha.third, '2024-03-01T10:00:00+00:00', '3.8%', 3.8, '%'],
    ], 'a point where the value changed; the tickets-only change adds none');
    const nps = h.series.find(s => s.name === 'NPS')!;
    assert.deepEqual(nps.points.map(p => [p.date.slice(0, 10), p.text, p.value]), [['2024-01-05', 'on track', null], ['2024-03-01', 'at risk', null]], 'text values are events, not numbers');
    assert.equal(nps.outcome, 'checkout');
  });

  it('after a rebase: the trend is in git\'s order, ends on the value HEAD has, and the window starts from what was committed before it', async () => {
    const rb = new TempRepo();
    try {
      // A rebased commit keeps its author date: 3.9% was written on Jan 10 but committed on top of 3.7% (Jan 20), on Jan 25.
      const commit = (value: string, authored: string, committed: string) => {
        rb.write('outcomes.yaml', yaml(value, 'on track'));
        rb.git('add', '-A');
        execFileSync('git', ['commit', '-q', '--no-verify', '-m', `conversion ${value}`], {
          cwd: rb.dir, env: { ...rb.env(), GIT_AUTHOR_DATE: `${authored}T10:00:00Z`, GIT_COMMITTER_DATE: `${committed}T10:00:00Z` },
        });
        return rb.git('rev-parse', 'HEAD').trim();
      };
      const first = commit('3.6%', '2024-01-01', '2024-01-01');
      const second = commit('3.7%', '2024-01-20', '2024-01-20');
      const rebased = commit('3.9%', '2024-01-10', '2024-01-25');
      const h = keyResultHistory(await readOutcomesVersions(new GitRepo(rb.dir)));
      const conv = h.series.find(x => x.name === 'Conversion')!;
      assert.deepEqual(conv.points.map(p => [p.sha, p.text, p.date.slice(0, 10)]), [[first, '3.6%', '2024-01-01'], [second, '3.7%', '2024-01-20'], [rebased, '3.9%', '2024-01-25']],
        'git\'s order, dated when committed: the last point is HEAD\'s 3.9%');
      const t = trendInWindow(conv, '2024-01-22T00:00:00Z');
      assert.deepEqual([t.atStart?.text, t.points.map(p => p.text)], ['3.7%', ['3.9%']], 'the value committed last before the window starts');
    } finally {
      rb.rm();
    }
  });

  it('a window shows the value it began with and the changes in it', async () => {
    const h = keyResultHistory(await readOutcomesVersions(new GitRepo(r.dir)));
    const conv = h.series.find(s => s.name === 'Conversion');
    const t = trendInWindow(conv, '2024-02-10T00:00:00Z', '2024-03-31T23:59:59Z');
    assert.equal(t.atStart?.text, '3.4%');
    assert.deepEqual(t.points.map(p => p.text), ['3.8%']);
    assert.deepEqual(trendInWindow(conv, '2023-01-01T00:00:00Z').atStart, null);
    assert.deepEqual(trendInWindow(undefined, '2024-01-01T00:00:00Z'), { atStart: null, points: [] });
  });

  it('reads the file\'s versions with two git processes, whatever their number', async () => {
    const log: string[] = [];
    configureGit({ log: l => log.push(l) });
    try {
      await readOutcomesVersions(new GitRepo(r.dir));
    } finally {
      configureGit({ log: () => undefined });
    }
    const started = log.filter(l => l.startsWith('> git'));
    assert.equal(started.length, 2, started.join('\n'));
    assert.match(started[0], /^> git log -z .*--format=%H%x00%aI%x00%cI --end-of-options HEAD -- outcomes\.yaml/);
    assert.match(started[1], /^> git cat-file --batch/);
  });

  it('cat-file --batch output: blobs by their size, missing names as null', () => {
    const out = Buffer.concat([Buffer.from('abc123 blob 5\nhe\nlo\n'), Buffer.from('deadbeef:outcomes.yaml missing\n'), Buffer.from('0f0f blob 0\n\n')]);
    assert.deepEqual(parseCatFileBatch(out, 3).map(b => b?.toString()), ['he\nlo', undefined, ''].map(x => (x === undefined ? undefined : x)));
  });

  it('a version whose blob git does not have (a partial clone) costs only its own point, and is named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kr-missing-'));
    try {
      fs.cpSync(r.dir, dir, { recursive: true });
      const blob = r.git('rev-parse', `${sha.second}:outcomes.yaml`).trim();
      fs.rmSync(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const h = keyResultHistory(await readOutcomesVersions(new GitRepo(dir)));
      assert.deepEqual(h.unreadable.map(u => [u.sha, u.reason]), [[sha.second, 'absent'], [sha.broken, 'errors']]);
      assert.deepEqual(h.series.find(s => s.name === 'Conversion')!.points.map(p => p.text), ['3.1%', '3.8%'], 'the other versions stand');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the report shows each key result\'s trend in the window, in every format', () => {
    const args = ['report', '--since', '2024-02-10', '--until', '2024-03-31', '--no-lines', '--no-cache', '--repo', r.dir];
    const j: ReportJson = JSON.parse(cli([...args, '--format', 'json']).stdout);
    const conv = j.keyResults.find(k => k.name === 'Conversion')!;
    assert.deepEqual([conv.atStart?.text, conv.atStart?.date], ['3.4%', '2024-02-01T10:00:00+00:00']);
    assert.deepEqual(conv.history.map(p => [p.text, p.date, p.sha]), [['3.8%', '2024-03-01T10:00:00+00:00', sha.third]]);
    assert.deepEqual(j.keyResultVersions, { versions: 5, unreadable: [{ sha: sha.broken, date: '2024-02-15T10:00:00+00:00', reason: 'errors' }] });
    const html = cli([...args, '--format', 'html']).stdout;
    assert.match(html, /<table class="kr-trend" id="kr-0-trend">.*?<tr><th scope="row">2024-02-01 \(before the window\)<\/th><td>3\.4%<\/td>.*?<tr><th scope="row">2024-03-01<\/th><td>3\.8%<\/td>/s);
    assert.match(html, /<tr class="text-event"><th scope="row">2024-03-01<\/th><td>at risk<\/td>/);
    assert.match(html, /<svg class="chart kr-chart" id="kr-0-chart"/);
    assert.match(html, /<path class="trend" d="M56\.0 [\d.]+H[\d.]+V[\d.]+H[\d.]+"\/>/, 'a step line from the window\'s start');
    assert.match(html, /1 version\(s\) of outcomes\.yaml could not be read and are left out of the key results&#39; trends: [0-9a-f]{10} \(errors\)\./);
    const md = cli([...args, '--format', 'md']).stdout;
    assert.ok(md.includes('| checkout | Conversion | 3\\.1% | 3\\.8% | 4% | 3\\.4% (before 2024-02-10) → 3\\.8% (2024-03-01) |'), md);
    const csv = cli([...args, '--format', 'csv']).stdout;
    assert.ok(csv.includes(`"Conversion","checkout","2024-03-01T10:00:00+00:00","3.8%","3.8","${sha.third}"`), csv);
  });

  describe('in the history service: read once, then only what a new HEAD adds', () => {
    let cacheDir: string;
    const log: string[] = [];
    beforeEach(() => { cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kr-')); log.length = 0; configureGit({ log: l => log.push(l) }); });
    afterEach(() => { configureGit({ log: () => undefined }); fs.rmSync(cacheDir, { recursive: true, force: true }); });

    it('a second question runs no git; a new commit costs the versions it added', async () => {
      const copy = new TempRepo();
      try {
        fs.rmSync(copy.dir, { recursive: true, force: true });
        r.git('clone', '-q', r.dir, copy.dir);
        for (const [k, v] of [['user.name', 'Test Author'], ['user.email', 'test@example.com'], ['commit.gpgsign', 'false']]) copy.git('config', k, v);
        const s = new RepoHistory(copy.dir, { cacheDir }, parseOutcomes(fs.readFileSync(path.join(copy.dir, 'outcomes.yaml'))).map, 5000);
        // the dashboard's report, as the extension asks for it (its key results from outcomes.yaml's versions)
        const report = async () => (await s.report({ days: 5000, bucket: 'month', measure: 'commits', lines: false, defaulted: true, driftThreshold: 0.1, repoName: 'r' }))!;
        const conversion = (r: ReportJson) => r.keyResults.find(x => x.name === 'Conversion')!.history.map(p => p.text);
        await s.refresh();
        log.length = 0;
        const first = await report();
        assert.equal(conversion(first).length, 3);
        assert.equal(log.filter(l => l.startsWith('> git')).length, 2, log.join('\n'));
        log.length = 0;
        await report();
        assert.deepEqual(log.filter(l => l.startsWith('> git')), [], 'answered from memory');
        copy.write('outcomes.yaml', yaml('3.9%', 'at risk')).commit('conversion 3.9\n', { date: '2024-03-20T10:00:00+00:00' });
        await s.refresh();
        log.length = 0;
        const after = await report();
        const git = log.filter(l => l.startsWith('> git'));
        assert.ok(git.some(l => /--end-of-options [0-9a-f]{40}\.\.[0-9a-f]{40} -- outcomes\.yaml/.test(l)), `only the new commits: ${git.join('\n')}`);
        assert.deepEqual(conversion(after), ['3.1%', '3.4%', '3.8%', '3.9%']);
        assert.equal(after.keyResultVersions.versions, 6);
      } finally {
        copy.rm();
      }
    });
  });
});
