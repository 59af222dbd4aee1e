import * as assert from 'node:assert/strict';
import { TempRepo, TWO_OUTCOMES_YAML } from './helpers/repo';
import { cli } from './helpers/cli';

// `outcome-lens suggest` on a repository whose co-change counts are worked out by hand below.

// The two outcomes of src/checkout/ and src/search/, with vendor/ ignored.
const YAML = TWO_OUTCOMES_YAML.replace('version: 1\n', 'version: 1\nignore: [vendor/]\n');

describe('suggest: where an unlinked folder\'s work belongs, from co-change', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  before(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', YAML).write('README.md').commit('Start\n');
    // libs/: changed with checkout's areas in c2, c3, c6 (3), with search's in c4 and the branch commit (2),
    // alone in c5: 6 commits. The merge repeats the branch commit's diff and is not counted.
    repo.write('src/checkout/a.ts').write('libs/money.ts').commit('c2\n');
    repo.write('src/checkout/b.ts').write('libs/money.ts', '2\n').commit('c3\n');
    repo.write('src/search/q.ts').write('libs/money.ts', '3\n').commit('c4\n');
    repo.write('libs/money.ts', '4\n').commit('c5\n');
    repo.write('src/checkout/a.ts', '2\n').write('libs/fmt.ts').commit('c6\n');
    // tools/: with search in c7, c8 (2), with checkout in c9 (1): 3 commits.
    repo.write('tools/build.sh').write('src/search/q.ts', '2\n').commit('c7\n');
    repo.write('tools/build.sh', '2\n').write('src/search/r.ts').commit('c8\n');
    repo.write('tools/lint.sh').write('src/checkout/c.ts').commit('c9\n');
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('libs/branch.ts').write('src/search/s.ts').commit('on a branch\n');
    repo.git('checkout', '-q', 'main');
    repo.write('README.md', 'main moved on\n').commit('c10\n');
    repo.git('-c', 'user.name=Test Author', 'merge', '-q', '--no-ff', '--no-edit', 'topic');
    // docs/: alone (1). src/other/: an unlinked folder inside a linked one, with search once (1).
    // vendor/ is ignored: no folder to suggest for.
    repo.write('docs/guide.md').commit('c11\n');
    repo.write('src/other/x.ts').write('src/search/q.ts', '3\n').commit('c12\n');
    repo.write('vendor/lib.js').write('src/checkout/a.ts', '3\n').commit('c13\n');
    // scripts/: with checkout in 2 of 9 commits: support enough, but under a quarter of its commits (no suggestion).
    repo.write('scripts/a.sh').write('src/checkout/d.ts').commit('c14\n');
    repo.write('scripts/a.sh', '2\n').write('src/checkout/d.ts', '2\n').commit('c15\n');
    for (let n = 3; n <= 9; n++) repo.write('scripts/a.sh', `${n}\n`).commit(`c${13 + n}\n`);
  });
  after(() => repo.rm());

  const run = (...args: string[]) => cli(['suggest', '--repo', repo.dir, '--since', '2020-01-01', '--no-cache', ...args]);

  it('--json: per unlinked folder the best outcome, its support, and every outcome that changed with it', () => {
    const r = run('--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      { folder: 'docs/', files: 1, commits: 1, outcome: null, together: 0, evidence: null, all: [], tied: [] },
      {
        folder: 'libs/', files: 3, commits: 6, outcome: 'checkout', together: 3, evidence: 'changed with src/checkout/ in 3 of 6 commits',
        all: [{ outcome: 'checkout', together: 3 }, { outcome: 'search', together: 2 }], tied: [],
      },
      { folder: 'scripts/', files: 1, commits: 9, outcome: null, together: 0, evidence: null, all: [{ outcome: 'checkout', together: 2 }], tied: [] },
      { folder: 'src/other/', files: 1, commits: 1, outcome: null, together: 0, evidence: null, all: [{ outcome: 'search', together: 1 }], tied: [] },
      {
        folder: 'tools/', files: 2, commits: 3, outcome: 'search', together: 2, evidence: 'changed with src/search/ in 2 of 3 commits',
        all: [{ outcome: 'search', together: 2 }, { outcome: 'checkout', together: 1 }], tied: [],
      },
    ]);
  });

  it('text, and --min-support raises the bar', () => {
    const r = run('--min-support', '3');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      'docs/ (1 unlinked file): no suggestion: changed in 1 commit, never with an outcome\'s areas',
      'libs/ (3 unlinked files): → checkout · changed with src/checkout/ in 3 of 6 commits',
      'scripts/ (1 unlinked file): no suggestion: changed in 9 commits, with checkout\'s areas in 2 (fewer than --min-support 3)',
      'src/other/ (1 unlinked file): no suggestion: changed in 1 commit, with search\'s areas in 1 (fewer than --min-support 3)',
      'tools/ (2 unlinked files): no suggestion: changed in 3 commits, with search\'s areas in 2 (fewer than --min-support 3)',
      '',
    ].join('\n'));
    assert.match(run().stdout, /^scripts\/ \(1 unlinked file\): no suggestion: changed in 9 commits, with checkout's areas in 2 \(under 25% of its commits\)$/m);
    assert.equal(run('--min-support', '0').code, 2);
    assert.equal(run('--min-support', 'many').code, 2);
  });

  it('a window with no commit says so, and suggests nothing', () => {
    const r = cli(['suggest', '--repo', repo.dir, '--since', '2030-01-01', '--no-cache']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /no commits since 2030-01-01T00:00:00Z; the newest is 2024-01-01T/);
    assert.match(r.stdout, /^docs\/ \(1 unlinked file\): no suggestion: not changed in the window\n/);
  });
});

describe('suggest: a folder\'s commits as git counts them, and ties said', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const del = (repo: TempRepo, file: string) => { repo.git('rm', '-q', '--', file); return repo; };
  const suggestJson = (repo: TempRepo) => {
    const r = cli(['suggest', '--repo', repo.dir, '--since', '2020-01-01', '--no-cache', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { folder: string; commits: number; outcome: string | null; together: number; evidence: string | null; all: { outcome: string; together: number }[]; tied: string[] }[];
  };

  it('counts the commits that changed the folder\'s since-deleted files, linked, ignored or unlinked (as git log -- DIR does)', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', `version: 1
ignore: ["*.lock"]
outcomes:
  - id: checkout
    title: Checkout
    areas: [src/checkout/, "**/checkout-*.ts"]
  - id: search
    title: Search
    areas: [src/search/]
`).commit('Start\n');
    repo.write('libs/money.ts').write('src/checkout/a.ts').commit('c1\n');
    repo.write('libs/old.ts').write('src/checkout/b.ts').commit('c2\n');
    del(repo, 'libs/old.ts').write('src/checkout/a.ts', '2\n').commit('c3: an unlinked file deleted\n');
    // A file checkout's areas claimed, and a file ignore covered: both deleted since, so libs/ holds neither now.
    repo.write('libs/checkout-glue.ts').commit('c4\n');
    del(repo, 'libs/checkout-glue.ts').write('src/search/q.ts').commit('c5: a linked file deleted\n');
    repo.write('libs/yarn.lock').write('src/search/q.ts', '2\n').commit('c6\n');
    del(repo, 'libs/yarn.lock').commit('c7: an ignored file deleted\n');
    repo.write('src/search/r.ts').commit('c8: not in libs/\n');
    const libs = suggestJson(repo).find(s => s.folder === 'libs/')!;
    assert.equal(libs.commits, Number(repo.git('rev-list', '--count', '--no-merges', 'HEAD', '--', 'libs/').trim()), 'git log -- libs/');
    assert.equal(libs.commits, 7);
    assert.deepEqual(libs.all, [{ outcome: 'checkout', together: 5 }, { outcome: 'search', together: 2 }]);
    assert.equal(libs.evidence, 'changed with checkout\'s areas (most often src/checkout/, in 3) in 5 of 7 commits');
  });

  it('a tie between outcomes is said, and suggests neither, whatever their order in outcomes.yaml', () => {
    for (const order of [['checkout', 'search'], ['search', 'checkout']]) {
      const repo = new TempRepo();
      repos.push(repo);
      repo.write('outcomes.yaml', `version: 1\noutcomes:\n${order.map(id => `  - id: ${id}\n    title: ${id}\n    areas: [src/${id}/]\n`).join('')}`).commit('Start\n');
      // tools/: with checkout in 2 commits, with search in 2, alone in 1.
      repo.write('tools/a.sh').write('src/checkout/a.ts').commit('c1\n');
      repo.write('tools/a.sh', '2\n').write('src/search/q.ts').commit('c2\n');
      repo.write('tools/a.sh', '3\n').write('src/checkout/a.ts', '2\n').commit('c3\n');
      repo.write('tools/a.sh', '4\n').write('src/search/q.ts', '2\n').commit('c4\n');
      repo.write('tools/a.sh', '5\n').commit('c5\n');
      const [tools] = suggestJson(repo);
      assert.deepEqual({ ...tools, all: undefined }, { folder: 'tools/', files: 1, commits: 5, outcome: null, together: 0, evidence: null, all: undefined, tied: order });
      assert.deepEqual(tools.all, order.map(outcome => ({ outcome, together: 2 })));
      const text = cli(['suggest', '--repo', repo.dir, '--since', '2020-01-01', '--no-cache']);
      assert.equal(text.stdout, `tools/ (1 unlinked file): no suggestion: changed in 5 commits, with ${order[0]}'s and ${order[1]}'s areas in 2 each (a tie: no one outcome changed with it most)\n`);
      // Below the bar, the bar is the reason given.
      const high = cli(['suggest', '--repo', repo.dir, '--since', '2020-01-01', '--no-cache', '--min-support', '3']);
      assert.match(high.stdout, /in 2 each \(fewer than --min-support 3\)\n$/);
    }
  });
});
