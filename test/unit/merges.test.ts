import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { RepoHistory } from '../../src/core/history/service';
import { parseOutcomes } from '../../src/core/outcomes/parse';

// The merge rule (README, Links): one rule for the gate, `commits`, the reports and the views; a merge that brings
// the base branch into a branch is never unlinked work, whatever its first-parent diff holds.

const YAML = `version: 1
outcomes:
  - id: checkout
    title: Raise checkout conversion
    areas: [src/checkout/]
  - id: search
    title: Faster search
    areas: [src/search/]
`;

/** main: a linked root, then an unlinked commit; feature: a linked commit, main merged in, another linked commit. */
function fixture(): { repo: TempRepo; merge: string } {
  const repo = new TempRepo();
  repo.write('outcomes.yaml', YAML).write('src/checkout/cart.ts').commit('Checkout cart\n');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('src/search/index.ts').commit('Search index\n');
  repo.git('checkout', '-q', 'main');
  repo.write('lib/util.ts').commit('Shared util\n');                                   // unlinked, on main
  repo.git('checkout', '-q', 'feature');
  repo.git('merge', '-q', '--no-ff', 'main', '-m', 'Merge branch \'main\' into feature'); // first-parent diff: lib/util.ts
  const merge = repo.git('rev-parse', 'HEAD').trim();
  repo.write('src/search/rank.ts').commit('Search ranking\n');
  return { repo, merge };
}

describe('one rule for merges (the gate, commits, report, the views)', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = () => { const f = fixture(); repos.push(f.repo); return f; };

  it('the gate passes on a branch that merged main in; the merge is ignored with its evidence', () => {
    const { repo, merge } = make();
    const gate = cli(['commits', '--range', 'main..feature', '--unlinked', '--repo', repo.dir]);
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
    assert.equal(gate.stdout, '');
    const gh = cli(['commits', '--range', 'main..feature', '--format', 'github', '--repo', repo.dir]);
    assert.equal(gh.code, 0, gh.stderr);
    assert.doesNotMatch(gh.stdout, /::warning/);
    const all = cli(['commits', '--range', 'main..feature', '--repo', repo.dir]);
    assert.equal(all.code, 0, all.stderr);
    const line = all.stdout.split('\n').find(l => l.startsWith(merge.slice(0, 10)))!;
    assert.match(line, / ignored {2}Merge branch 'main' into feature {2}\(merge: its work is in the commits it brings\)$/);
    const rows = JSON.parse(cli(['commits', '--range', 'main..feature', '--json', '--repo', repo.dir]).stdout) as { sha: string; status: string; links: unknown[] }[];
    assert.deepEqual(rows.find(r => r.sha === merge), { ...rows.find(r => r.sha === merge), status: 'ignored', links: [] });
  });

  it('commits --unlinked, report and the history service count the same unlinked commits', async () => {
    const { repo } = make();
    for (const range of [undefined, 'main..feature']) {
      const r = range ? ['--range', range] : [];
      const listed = cli(['commits', '--unlinked', ...r, '--repo', repo.dir]);
      const report = cli(['report', ...(range ? r : ['--all']), '--format', 'json', '--no-lines', '--repo', repo.dir]);
      assert.equal(report.code, 0, report.stderr);
      const count = listed.stdout.split('\n').filter(Boolean).length;
      assert.equal(count, (JSON.parse(report.stdout) as { counts: { unlinked: number } }).counts.unlinked, `${range ?? 'whole history'}: ${listed.stdout}`);
      assert.equal(count, range ? 0 : 1, listed.stdout);
      assert.equal(listed.code, count ? 1 : 0);
    }
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-merges-'));
    try {
      const s = new RepoHistory(repo.dir, { cacheDir }, parseOutcomes(YAML).map!, 5000);
      await s.refresh();
      assert.equal(s.summary().history?.unlinked, 1);
      assert.deepEqual(s.commits({ kind: 'unlinked' }, 0, 10).rows.map(x => x.subject), ['Shared util']);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
