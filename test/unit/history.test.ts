import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { GitRepo } from '../../src/core/git/repo';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { Linker, MERGE_EVIDENCE } from '../../src/core/links/link';
import { readHistory } from '../../src/core/git/history';
import type { HistoryQuery } from '../../src/core/git/repo';
import type { CommitLink } from '../../src/core/links/link';

/** The history a query selects, linked with its notes: what the CLI prints. */
async function linkHistory(g: GitRepo, linker: Linker, q: HistoryQuery, o: { signal?: AbortSignal; onPart?: () => void } = {}): Promise<CommitLink[]> {
  const notes = await g.notes();
  const out: CommitLink[] = [];
  await readHistory(g, q, { signal: o.signal, onCommits: part => { o.onPart?.(); for (const c of part) out.push(linker.commit(c, notes.get(c.sha))); } });
  return out;
}
import { allocate, bucketStart, IGNORED, UNLINKED } from '../../src/core/links/allocation';
import { metricProgress, parseMetricValue } from '../../src/core/outcomes/metricValue';

const YAML = `version: 1
ignore:
  - vendor/
  - "*.lock"
outcomes:
  - id: checkout
    title: Checkout
    areas: [services/checkout/]
    tickets: [PAY-]
  - id: search
    title: Search
    areas: [services/search/]
  - id: growth
    title: Growth
    tickets: [GRO-]
`;

describe('history and links on a real repository', function () {
  let repo: TempRepo;
  const sha: Record<string, string> = {};
  let linker: Linker;

  before(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', YAML).write('README.md');
    sha.root = repo.commit('Initial commit\n');                                                    // README + outcomes.yaml: unlinked
    sha.area = repo.write('services/checkout/pay.ts').commit('Add pay\n');                        // area -> checkout
    sha.trailer = repo.write('docs/x.md').commit('Docs\n\nOutcome: search, nope\n');             // trailer search, invalid nope
    sha.ticket = repo.write('web/a.ts').commit('Fix PAY-12 and xGRO-3 and GRO-7\n');              // tickets PAY-12 (checkout), GRO-7 (growth), not xGRO-3
    sha.ignored = repo.write('vendor/lib.js').write('yarn.lock').commit('Bump vendor\n');         // only ignored files
    sha.both = repo.write('services/checkout/b.ts').write('services/search/c.ts').commit('Both\n'); // area -> checkout + search
    sha.rename = (repo.git('mv', 'web/a.ts', 'services/search/a.ts'), repo.commit('Move\n'));     // rename: search (and ticket's web/a.ts is search's today)
    sha.empty = repo.write('tools/t.sh').commit('', { allowEmpty: true });                         // empty message, unlinked
    repo.git('checkout', '-q', '-b', 'feature');
    sha.feature = repo.write('services/search/f.ts').commit('Feature\n\nOutcome: search\n');
    repo.git('checkout', '-q', 'main');
    sha.mainSide = repo.write('libs/u.ts').commit('Util\n');
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature');
    sha.merge = repo.git('rev-parse', 'HEAD').trim();
    sha.noted = repo.write('libs/v.ts').commit('Old work\n');
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: growth, ghost', sha.noted);
    sha.emptyCommit = repo.commit('Nothing\n', { allowEmpty: true });
    linker = new Linker(parseOutcomes(YAML).map!);
  });
  after(() => repo.rm());

  const byName = async () => {
    const links = await linkHistory(new GitRepo(repo.dir), linker, {});
    const inv = Object.fromEntries(Object.entries(sha).map(([k, v]) => [v, k]));
    return Object.fromEntries(links.map(l => [inv[l.commit.sha], l]));
  };

  it('reads every commit reachable from HEAD, newest first, as git log does', async () => {
    const links = await linkHistory(new GitRepo(repo.dir), linker, {});
    assert.deepEqual(links.map(l => l.commit.sha), repo.git('log', '--format=%H').trim().split('\n'));
    assert.equal(links.length, 13);
  });

  it('links by area, trailer, note and ticket, strongest first, with evidence', async () => {
    const c = await byName();
    assert.deepEqual(c.area.links, [{ outcome: 'checkout', via: 'area', evidence: 'services/checkout/pay.ts' }]);
    assert.deepEqual(c.trailer.links.map(l => [l.outcome, l.via]), [['search', 'trailer']]);
    assert.deepEqual(c.trailer.invalid, ['nope']);
    assert.deepEqual(c.ticket.links.map(l => [l.outcome, l.via, l.evidence]), [['checkout', 'ticket', 'PAY-12'], ['growth', 'ticket', 'GRO-7']]);
    assert.deepEqual(c.noted.links.map(l => [l.outcome, l.via]), [['growth', 'note']]);
    assert.deepEqual(c.noted.invalid, ['ghost']);
    assert.deepEqual(c.both.outcomes, ['checkout', 'search']);
    assert.deepEqual(c.feature.links.map(l => [l.outcome, l.via]), [['search', 'trailer'], ['search', 'area']]);
  });

  it('sets status: linked, unlinked, ignored', async () => {
    const c = await byName();
    assert.equal(c.root.status, 'unlinked');
    assert.equal(c.ignored.status, 'ignored');
    assert.equal(c.empty.status, 'unlinked');
    assert.equal(c.empty.commit.subject, '');
    assert.equal(c.mainSide.status, 'unlinked');
    assert.equal(c.emptyCommit.status, 'ignored', 'a commit that changed nothing has no work to link');
    assert.equal(c.noted.status, 'linked');
  });

  it('lists the root commit\'s files, a rename\'s new path (the old one in renames), and a merge\'s first-parent diff (not judged: the merge rule)', async () => {
    const c = await byName();
    assert.deepEqual(c.root.commit.files.sort(), ['README.md', 'outcomes.yaml']);
    assert.deepEqual(c.rename.commit.files, ['services/search/a.ts']);
    assert.deepEqual(c.rename.commit.renames, ['web/a.ts', 'services/search/a.ts']);
    assert.deepEqual(c.rename.outcomes, ['search']);
    assert.deepEqual(c.merge.commit.files, ['services/search/f.ts']);
    assert.equal(c.merge.commit.parents.length, 2);
    assert.deepEqual([c.merge.outcomes, c.merge.status, c.merge.ignoredBy], [[], 'ignored', MERGE_EVIDENCE], 'its work is feature\'s');
  });

  it('honours --max-count, --since/--until and ranges', async () => {
    const g = new GitRepo(repo.dir);
    assert.equal((await linkHistory(g, linker, { maxCount: 3 })).length, 3);
    const ranged = await linkHistory(g, linker, { range: `${sha.area}..${sha.both}` });
    assert.deepEqual(ranged.map(l => l.commit.sha), [sha.both, sha.ignored, sha.ticket, sha.trailer]);
    const since = await linkHistory(g, linker, { since: '2024-01-01T05:30:00Z' });
    assert.ok(since.length > 0 && since.length < 13);
    await assert.rejects(g.revList({ range: '--output=/tmp/x' }), /not start with '-'/);
    await assert.rejects(linkHistory(g, linker, { range: '--output=/tmp/x' }), /not start with '-'/);
  });

  it('reads notes whichever way the notes ref is stored (loose or packed), and with a detached HEAD', async () => {
    const r = new TempRepo();
    try {
      const a = r.write('libs/a.ts').commit('Old work\n');
      const noted = async () => (await linkHistory(new GitRepo(r.dir), linker, {}))[0].links.map(l => [l.outcome, l.via]);
      assert.deepEqual(await noted(), [], 'no notes ref');
      r.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: growth', a);
      assert.deepEqual(await noted(), [['growth', 'note']], 'loose');
      r.git('pack-refs', '--all');
      assert.deepEqual(await noted(), [['growth', 'note']], 'packed');
      r.git('checkout', '-q', '--detach');
      assert.deepEqual(await noted(), [['growth', 'note']], 'detached HEAD');
    } finally {
      r.rm();
    }
  });

  it('cancels', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(linkHistory(new GitRepo(repo.dir), linker, {}, { signal: ac.signal }), /cancelled/);
  });

  it('fails with the error of a caller that throws, and stops git', async () => {
    await assert.rejects(linkHistory(new GitRepo(repo.dir), linker, {}, { onPart: () => { throw new Error('the view failed'); } }), /the view failed/);
  });

  it('allocation: merges left out, split weights, unlinked and ignored, alignment share (by hand)', async () => {
    const links = await linkHistory(new GitRepo(repo.dir), linker, {});
    const a = allocate(links, ['checkout', 'search', 'growth'], 'month');
    // 12 non-merge commits. linked: area(checkout 1), trailer(search 1), ticket(checkout 1/2, growth 1/2),
    // both(checkout 1/2, search 1/2), rename(search 1), feature(search 1), noted(growth 1) = 7 commits;
    // unlinked: root, empty, mainSide = 3; ignored: vendor bump, empty commit = 2.
    const row = (k: string) => a.rows.find(r => r.key === k)!;
    assert.equal(a.commits, 12);
    assert.equal(row('checkout').commits, 2);
    assert.equal(row('search').commits, 3.5);
    assert.equal(row('growth').commits, 1.5);
    assert.equal(row(UNLINKED).commits, 3);
    assert.equal(row(IGNORED).commits, 2);
    assert.equal(a.rows.reduce((s, r) => s + r.share, 0).toFixed(10), (1).toFixed(10));
    assert.equal(a.alignment, 7 / 10);
    assert.deepEqual(row('checkout').byVia, { trailer: 0, note: 0, ticket: 0.5, area: 1.5 });
    assert.deepEqual(row('growth').byVia, { trailer: 0, note: 1, ticket: 0.5, area: 0 });
    assert.deepEqual(a.buckets.map(b => b.start), ['2024-01-01']);
    assert.deepEqual(a.topUnlinkedAuthors, [{ author: 'Test Author', commits: 3 }]);
  });

  it('allocation of an empty window', () => {
    const a = allocate([], ['x'], 'week');
    assert.equal(a.commits, 0);
    assert.equal(a.alignment, null);
    assert.deepEqual(a.buckets, []);
  });

  it('buckets weeks from Monday and months from the 1st, in UTC', () => {
    assert.equal(bucketStart('2024-01-03T10:00:00+02:00', 'week'), '2024-01-01');
    assert.equal(bucketStart('2024-01-07T23:59:00Z', 'week'), '2024-01-01');
    assert.equal(bucketStart('2024-01-08T00:00:00Z', 'week'), '2024-01-08');
    assert.equal(bucketStart('2024-02-29T12:00:00Z', 'month'), '2024-02-01');
  });
});

describe('Linker.file', () => {
  const linker = new Linker(parseOutcomes(YAML).map!);
  it('links a file to every outcome whose areas match, whatever ignore says', () => {
    assert.deepEqual(linker.file('services/checkout/a.ts'), { path: 'services/checkout/a.ts', outcomes: ['checkout'], ignored: false, status: 'linked' });
    assert.deepEqual(linker.file('vendor/x.js'), { path: 'vendor/x.js', outcomes: [], ignored: true, status: 'ignored' });
    assert.deepEqual(linker.file('libs/x.ts'), { path: 'libs/x.ts', outcomes: [], ignored: false, status: 'unlinked' });
    assert.equal(linker.file('services/checkout/yarn.lock').status, 'linked', 'an outcome\'s explicit claim wins over ignore');
    assert.equal(linker.file('services/checkout/yarn.lock').ignored, true);
  });
});

describe('allocation by changed lines (numstat), checked by hand', function () {
  let repo: TempRepo;
  const sha: Record<string, string> = {};
  const yaml = 'version: 1\nignore: [vendor/]\noutcomes:\n  - {id: a, title: A, areas: [a/]}\n  - {id: b, title: B, areas: [b/]}\n';
  before(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', yaml).write('README.md', '1\n2\n3\n4\n5\n');
    sha.root = repo.commit('root\n');                                                          // unlinked: README.md's 5 lines
    sha.a = repo.write('a/x.ts', '1\n2\n3\n').commit('a\n');                                  // a: 3 lines
    sha.both = repo.write('a/y.ts', '1\n').write('b/y.ts', '1\n2\n3\n').commit('both\n');    // a 1/2, b 1/2 of 4 lines
    repo.write('a/img.bin', Buffer.from([0, 1, 2, 3, 0, 255]) as unknown as string);
    sha.bin = repo.commit('binary\n');                                                        // a: 0 lines, 1 binary file
    sha.vendor = repo.write('vendor/v.js', '1\n2\n').commit('vendor\n');                     // ignored: 2 lines, for nobody
    sha.mixed = repo.write('a/z.ts', '1\n2\n').write('vendor/w.js', '1\n2\n3\n4\n5\n').commit('mixed\n'); // a: 2 lines (vendor's 5 for nobody)
    repo.git('checkout', '-q', '-b', 'side');
    sha.side = repo.write('c/z.ts', '1\n2\n3\n4\n').commit('side\n');                       // unlinked: 4 lines
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', 'side', '-m', 'merge');                               // left out
  });
  after(() => repo.rm());

  it('counts added + deleted lines, binary files as files, splits weights, leaves merges out', async () => {
    const g = new GitRepo(repo.dir);
    const linker = new Linker(parseOutcomes(yaml).map!);
    const links = await linkHistory(g, linker, {});
    const { stats: lines, unknown } = await g.numstat(links.map(l => l.commit.sha));
    assert.deepEqual(unknown, []);
    assert.deepEqual(lines.get(sha.bin), { lines: 0, binaryFiles: 1, files: [['a/img.bin', null]] });
    assert.deepEqual(lines.get(sha.both), { lines: 4, binaryFiles: 0, files: [['a/y.ts', 1], ['b/y.ts', 3]] });
    const a = allocate(links, ['a', 'b'], 'month', {}, { stats: lines, ignored: p => linker.file(p).status === 'ignored' });
    const row = (k: string) => a.rows.find(r => r.key === k)!;
    assert.equal(a.commits, 7);
    assert.equal(row('a').lines, 3 + 2 + 0 + 2, 'a: its own 3, half of both\'s 4, the binary commit\'s 0, mixed\'s 2');
    assert.equal(row('b').lines, 2);
    assert.equal(row('a').binaryFiles, 1);
    assert.equal(row(UNLINKED).lines, 5 + 4);
    assert.equal(row(IGNORED).lines, 0, 'lines of ignored files count for nobody (DESIGN.md)');
    assert.equal(a.lineAlignment, 9 / (9 + 9));
    assert.equal(a.rows.reduce((s, r) => s + (r.lineShare ?? 0), 0).toFixed(10), (1).toFixed(10));
    assert.equal(a.linesPending, 0);
    assert.deepEqual(row('a').linesByVia, { trailer: 0, note: 0, ticket: 0, area: 7 });
  });

  it('a missing blob costs only the line counts of the commits that need it, and they are named', async () => {
    // A copy of the repository without one blob, as a mirror without its largest files (the objects are loose).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-partial-'));
    try {
      fs.cpSync(repo.dir, dir, { recursive: true });
      const blob = repo.git('rev-parse', `${sha.a}:a/x.ts`).trim();
      fs.rmSync(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const g = new GitRepo(dir);
      const links = await linkHistory(g, new Linker(parseOutcomes(yaml).map!), {});
      const { stats, unknown } = await g.numstat(links.filter(l => l.commit.parents.length <= 1).map(l => l.commit.sha));
      // The blob "1\n2\n3\n" is a/x.ts in `a` and b/y.ts in `both`: the two commits that need it.
      assert.deepEqual([...unknown].sort(), [sha.a, sha.both].sort());
      assert.equal(stats.get(sha.bin)?.binaryFiles, 1, 'the others stand');
      assert.equal(stats.get(sha.vendor)?.lines, 2);
      const a = allocate(links, ['a', 'b'], 'month', {}, { stats, unknown: new Set(unknown) });
      assert.deepEqual([...a.linesUnknown].sort(), [sha.a, sha.both].sort());
      assert.equal(a.linesPending, 0);
      assert.equal(a.commits, 7, 'every commit still counts');
      assert.equal(a.rows.find(r => r.key === 'a')!.commits, 3.5);
      assert.equal(a.rows.find(r => r.key === 'a')!.lines, 0 + 2 + 5, 'the binary commit\'s and mixed\'s lines (no ignore rule given here)');
      assert.equal(a.rows.find(r => r.key === UNLINKED)!.lines, 5 + 5 + 4, 'root\'s README.md and outcomes.yaml (no ignore rule given here), side\'s 4');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a shallow clone\'s boundary commit (its whole tree listed as changed) is left out of the line figures, and named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-shallow-'));
    try {
      repo.git('clone', '-q', '--depth', '2', `file://${repo.dir}`, dir);
      const g = new GitRepo(dir);
      const boundary = await g.shallowBoundary();
      assert.ok(boundary.size > 0, 'a shallow clone has boundary commits');
      const linker = new Linker(parseOutcomes(yaml).map!);
      const links = await linkHistory(g, linker, {});
      const { stats } = await g.numstat(links.filter(l => l.commit.parents.length <= 1).map(l => l.commit.sha));
      const a = allocate(links, ['a', 'b'], 'month', {}, { stats, boundary, ignored: p => linker.file(p).status === 'ignored' });
      // (as sets: git keeps the boundary sorted by commit id)
      assert.deepEqual([...a.shallowBoundary].sort(), [...boundary].sort());
      assert.equal(a.linesPending, 0);
      const shown = links.filter(l => l.commit.parents.length <= 1 && !boundary.has(l.commit.sha));
      assert.equal(a.rows.reduce((n, r) => n + (r.lines ?? 0), 0), shown.reduce((n, l) => n + stats.get(l.commit.sha)!.files.filter(([p]) => linker.file(p).status !== 'ignored').reduce((k, [, x]) => k + (x ?? 0), 0), 0));
      assert.deepEqual(await new GitRepo(repo.dir).shallowBoundary(), new Set(), 'a full clone has none');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows commit counts before the lines arrive', async () => {
    const links = await linkHistory(new GitRepo(repo.dir), new Linker(parseOutcomes(yaml).map!), {});
    const a = allocate(links, ['a', 'b'], 'week');
    assert.equal(a.rows.find(r => r.key === 'a')!.commits, 3.5);
    assert.equal(a.rows.find(r => r.key === 'a')!.lines, null);
    assert.equal(a.lineAlignment, null);
    assert.equal(a.linesPending, 7);
  });

  it('an ignored-only window has no alignment share', async () => {
    const links = await linkHistory(new GitRepo(repo.dir), new Linker(parseOutcomes(yaml).map!), { range: `${sha.bin}..${sha.vendor}` });
    const a = allocate(links, ['a', 'b'], 'week');
    assert.equal(a.commits, 1);
    assert.equal(a.alignment, null);
  });
});

describe('key-result progress', () => {
  it('reads numbers with units and computes progress towards the target', () => {
    assert.deepEqual(parseMetricValue('3.4%'), { value: 3.4, unit: '%' });
    assert.deepEqual(parseMetricValue('1.2k'), { value: 1200, unit: '' });
    assert.deepEqual(parseMetricValue('250 ms'), { value: 250, unit: 'ms' });
    assert.equal(parseMetricValue('soon'), undefined);
    assert.equal(metricProgress({ baseline: '3.1%', current: '3.4%', target: '4%' })!.toFixed(4), (0.3 / 0.9).toFixed(4));
    assert.equal(metricProgress({ baseline: '400ms', current: '300ms', target: '200ms' }), 0.5, 'lower is better works too');
    assert.equal(metricProgress({ baseline: '3%', current: '300ms', target: '4%' }), undefined, 'units differ');
    assert.equal(metricProgress({ baseline: 'low', current: 'mid', target: 'high' }), undefined);
  });
});

describe('GitRepo.tips', () => {
  it('tells HEAD and the notes tip apart, with and without notes, and in a repository with no commit', async () => {
    const r = new TempRepo();
    try {
      assert.deepEqual(await new GitRepo(r.dir).tips(), {});
      const head = r.write('a').commit('a\n');
      assert.deepEqual(await new GitRepo(r.dir).tips(), { head });
      r.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: x', head);
      const notes = r.git('rev-parse', 'refs/notes/outcomes').trim();
      assert.deepEqual(await new GitRepo(r.dir).tips(), { head, notes });
      assert.notEqual(head, notes);
    } finally {
      r.rm();
    }
  });
});
