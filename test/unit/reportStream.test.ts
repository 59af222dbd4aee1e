import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo } from '../../src/core/git/repo';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { CommitLink, Linker } from '../../src/core/links/link';
import { allocate, AllocationBuilder, UNLINKED_LIST_MAX } from '../../src/core/links/allocation';
import { periodEffort, PeriodEffortBuilder } from '../../src/core/keyresults/status';
import { configureGit } from '../../src/core/git/runner';
import { linkHistory } from '../../src/core/usecases/linkHistory';

/**
 * A report made a part at a time (the CLI's report streams a whole history through AllocationBuilder and
 * PeriodEffortBuilder) is the report made from every commit at once, whatever the parts.
 */
describe('a report made a part at a time', function () {
  this.timeout(120_000);
  const repo = new TempRepo();
  const YAML = 'version: 1\noutcomes:\n'
    + '  - {id: a, title: A, areas: [a/], start: 2024-03-01, due: 2024-09-30, budget: 40%}\n'
    + '  - {id: b, title: B, areas: [b/]}\n';
  const links: CommitLink[] = [];
  let map = parseOutcomes(YAML).map!;

  before(async () => {
    configureGit({ trusted: () => true });
    repo.write('outcomes.yaml', YAML).commit('root\n', { date: '2024-01-01T00:00:00Z' });
    // 100 commits over 190 days: linked to a, b or both, unlinked (several at the same instant), and a merge.
    for (let i = 0; i < 100; i++) {
      const day = new Date(Date.UTC(2024, 0, 2) + Math.floor(i / 8) * 15 * 86400_000).toISOString();
      const f = i % 4 === 0 ? [`a/f${i}.ts`] : i % 4 === 1 ? [`b/g${i}.ts`] : i % 4 === 2 ? [`a/h${i}.ts`, `b/h${i}.ts`] : [`docs/d${i}.md`];
      for (const p of f) repo.write(p, `${i}\n`.repeat(i % 7 + 1));
      repo.commit(`c${i}\n`, { date: day });
    }
    repo.git('checkout', '-q', '-b', 'side', 'HEAD~5');
    repo.write('docs/side.md', 'side\n').commit('side\n', { date: '2024-10-20T00:00:00Z' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    map = parseOutcomes(YAML).map!;
    await linkHistory(new GitRepo(repo.dir), new Linker(map), {}, part => { links.push(...part); });
  });
  after(() => repo.rm());

  const inParts = (size: number, make: () => { add(l: readonly CommitLink[]): void }) => {
    const b = make();
    for (let i = 0; i < links.length; i += size) b.add(links.slice(i, i + size));
    return b;
  };

  for (const size of [1, 7, 1000]) {
    it(`parts of ${size}: the same allocation as all the commits at once, chosen bucket, axis and the unlinked list included`, () => {
      assert.ok(links.some(l => l.commit.parents.length > 1) && links.filter(l => l.status === 'unlinked').length > UNLINKED_LIST_MAX);
      for (const [bucket, window] of [['auto', {}], ['week', { since: '2024-02-01T00:00:00Z' }], ['auto', { until: '2025-01-01T00:00:00Z', now: '2025-06-01T00:00:00Z' }]] as const) {
        const ids = map.outcomes.map(o => o.id);
        const whole = allocate(links, ids, bucket, window);
        const parts = (inParts(size, () => new AllocationBuilder(ids, bucket, window)) as AllocationBuilder).finish();
        assert.deepEqual(parts, whole, `${bucket} ${JSON.stringify(window)}`);
      }
      const now = new Date('2024-08-01T00:00:00Z');
      assert.deepEqual((inParts(size, () => new PeriodEffortBuilder(map.outcomes, now)) as PeriodEffortBuilder).finish(), periodEffort(links, map.outcomes, now));
    });
  }

  it('lists the newest unlinked commits, newest first, those of the same instant in git\'s order', () => {
    const a = allocate(links, map.outcomes.map(o => o.id), 'auto');
    const unlinked = links.filter(l => l.status === 'unlinked' && l.commit.parents.length <= 1);
    const expected = [...unlinked].sort((x, y) => Date.parse(y.commit.date) - Date.parse(x.commit.date)).slice(0, UNLINKED_LIST_MAX).map(l => l.commit.sha);
    assert.deepEqual(a.unlinkedCommits.recent.map(c => c.sha), expected);
    assert.equal(a.unlinkedCommits.total, unlinked.length);
    assert.ok(new Set(a.unlinkedCommits.recent.map(c => c.date)).size < UNLINKED_LIST_MAX, 'the fixture has commits of the same instant in the list');
  });

  it('the CLI\'s report --measure lines is the same with the line counts all cached, some cached, or none', () => {
    const cacheDir = `${repo.dir}-cache`;
    const env = { OUTCOME_LENS_CACHE_DIR: cacheDir };
    const strip = (s: string) => s.replace(/"generatedAt": "[^"]*"/, '"generatedAt": ""');
    const run = (...extra: string[]) => {
      const r = cli(['report', '--measure', 'lines', '--format', 'json', '--repo', repo.dir, ...extra], { env });
      assert.equal(r.code, 0, r.stderr);
      return strip(r.stdout);
    };
    const none = run('--all', '--no-cache');
    const window = run('--since', '2024-08-01T00:00:00Z');
    assert.notEqual(window, none);
    assert.equal(run('--all'), none, 'some counts cached (the window\'s), the rest read from git');
    assert.equal(run('--all'), none, 'all cached');
    assert.ok(JSON.parse(none).outcomes.some((o: { lines: number | null }) => o.lines! > 0));
  });
});
