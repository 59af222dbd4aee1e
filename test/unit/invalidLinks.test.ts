import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { unknownTrailerIds } from '../../src/core/message/unknownIds';
import { nearestKey } from '../../src/core/outcomes/parse';

// Invalid links a note settles (DESIGN.md, "Invalid links"): a typo in a trailer, then a note that names the right
// outcome; `check`, `commits --json` and the hook, run as processes on real repositories.

const YAML = `version: 1
outcomes:
  - id: search-latency
    title: Search latency
    areas: [src/search/]
  - id: checkout
    title: Checkout
    areas: [src/checkout/]
`;

describe('invalid links: a typo in a trailer, settled by a note', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  /** outcomes.yaml, then a commit whose trailer names `serch-latency` (a typo). */
  const make = () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', YAML).write('src/search/a.ts').write('src/checkout/a.ts').commit('Start\n\nOutcome: search-latency\n');
    const typo = repo.write('docs/notes.md').commit('Tune the index\n\nOutcome: serch-latency\n');
    return { repo, typo };
  };
  const commitsJson = (repo: TempRepo) => {
    const r = cli(['commits', '--json', '--repo', repo.dir, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { sha: string; links: { outcome: string; via: string }[]; status: string; invalid: string[] }[];
  };

  it('without a note: the commit is an invalid link, and check names it and exits 1', () => {
    const { repo, typo } = make();
    const c = commitsJson(repo).find(x => x.sha === typo)!;
    assert.deepEqual(c.invalid, ['serch-latency']);
    assert.equal(c.status, 'unlinked');
    const r = cli(['check', '--repo', repo.dir, '--no-cache']);
    assert.equal(r.code, 1, 'an unsettled invalid link fails CI');
    assert.equal(r.stdout, 'outcomes.yaml: 0 error(s), 0 warning(s), 1 commit(s) with invalid links\n');
    assert.match(r.stderr, new RegExp(`^${typo.slice(0, 12)}: error: invalid link: "serch-latency" is not an outcome id in outcomes.yaml$`, 'm'));
    const json = cli(['check', '--format', 'json', '--repo', repo.dir, '--no-cache']);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout).invalidLinks, [{ sha: typo, ids: ['serch-latency'] }]);
  });

  it('with a note that names search-latency (what Replace with… writes): linked via note, not invalid, check exits 0', () => {
    const { repo, typo } = make();
    const tag = cli(['tag', typo, '--outcome', 'search-latency', '--repo', repo.dir]);
    assert.equal(tag.code, 0, tag.stderr);
    const c = commitsJson(repo).find(x => x.sha === typo)!;
    assert.deepEqual(c.links, [{ outcome: 'search-latency', via: 'note' }]);
    assert.deepEqual(c.invalid, [], 'the note settles the trailer\'s unknown id');
    assert.equal(c.status, 'linked');
    const r = cli(['check', '--repo', repo.dir, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'outcomes.yaml: 0 error(s), 0 warning(s), 0 commit(s) with invalid links\n');
    assert.equal(r.stderr, '');
  });

  it('a note that names only unknown ids settles nothing: its ids and the trailer\'s stay invalid', () => {
    const { repo, typo } = make();
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: serch', typo);
    const c = commitsJson(repo).find(x => x.sha === typo)!;
    assert.deepEqual(c.invalid, ['serch-latency', 'serch']);
    assert.equal(cli(['check', '--repo', repo.dir, '--no-cache']).code, 1);
  });

  it('the hook says on stderr that the trailer names an unknown id, with the nearest one, and the commit is made', () => {
    const { repo } = make();
    const installed = cli(['hook', 'install', '--repo', repo.dir]);
    assert.equal(installed.code, 0, installed.stderr);
    repo.write('src/search/index.ts');
    repo.git('add', '-A');
    const r = spawnSync('git', ['commit', '-q', '-m', 'Faster index\n\nOutcome: serch-latency, checkout'], { cwd: repo.dir, env: { ...repo.env(), GIT_EDITOR: ':' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'outcome-lens: warning: Outcome: "serch-latency" is not an outcome id in outcomes.yaml; did you mean "search-latency"? '
      + '(the commit is made; `outcome-lens tag COMMIT --outcome ID` links it afterwards)\n');
    assert.equal(repo.git('log', '-1', '--format=%s'), 'Faster index\n', 'the hook never blocks');
    // a known id: nothing said
    repo.write('src/search/more.ts');
    repo.git('add', '-A');
    const ok = spawnSync('git', ['commit', '-q', '-m', 'More\n\nOutcome: search-latency'], { cwd: repo.dir, env: { ...repo.env(), GIT_EDITOR: ':' }, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stderr, '');
  });

  it('unknownTrailerIds: where each unknown id is in the message (the commit box\'s diagnostic), with the nearest id', () => {
    const m = 'Subject\n\nBody text. Outcome: nope\n\nOutcome: serch-latency, checkout,chekout\nSigned-off-by: A <a@b>\n';
    const known = ['search-latency', 'checkout'];
    const found = unknownTrailerIds(m, 'outcome', known);
    assert.deepEqual(found.map(u => [u.id, m.slice(u.start, u.end), nearestKey(u.id, known)]), [
      ['serch-latency', 'serch-latency', 'search-latency'],
      ['chekout', 'chekout', 'checkout'],
    ]);
    assert.deepEqual(unknownTrailerIds('Subject\n\nOutcome: zzzzzz, checkout\n', 'Outcome', ['checkout']).map(u => [u.id, nearestKey(u.id, ['checkout'])]), [['zzzzzz', undefined]]);
  });
});
