import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo } from '../../src/core/git/repo';
import { diffOutcomes, DiffSideError } from '../../src/core/usecases/diffOutcomes';
import { OutcomesDiff } from '../../src/core/links/outcomesDiff';
import { renderOutcomesDiffMd, renderOutcomesDiffText } from '../../src/core/report/outcomesDiff';
import { RepoActions } from '../../src/core/history/actions';

// `outcome-lens diff`: what a change to outcomes.yaml means, on pairs of real commits, the files that change hands
// checked against git's own matching (`git ls-files -c -i --exclude-from`), and the command as a process.

const yaml = (outcomes: string, extra = '') => `version: 1\n${extra}outcomes:\n${outcomes}`;

describe('diff: what a change to outcomes.yaml means', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = (files: string[]) => {
    const repo = new TempRepo('ol-diff-');
    repos.push(repo);
    for (const f of files) repo.write(f);
    return repo;
  };
  /** Commits `before` then `after` as outcomes.yaml and diffs the two commits. */
  const pair = async (files: string[], before: string | undefined, after: string): Promise<{ repo: TempRepo; d: OutcomesDiff; a: string; b: string }> => {
    const repo = make(files);
    if (before !== undefined) repo.write('outcomes.yaml', before);
    const a = repo.commit('Before\n');
    repo.write('outcomes.yaml', after);
    const b = repo.commit('After\n');
    return { repo, a, b, d: await diffOutcomes(new GitRepo(repo.dir), { spec: `${a}..${b}` }) };
  };

  it('a new id with the same title, or the same areas, is a rename; a different outcome is a removal plus an addition', async () => {
    const { d } = await pair(['src/checkout/a.ts', 'src/search/s.ts', 'src/old/o.ts', 'src/new/n.ts'],
      yaml('  - id: checkout\n    title: Raise checkout conversion\n    areas: [src/checkout/]\n'
        + '  - id: search\n    title: Find things\n    areas: [src/search/]\n'
        + '  - id: old\n    title: Old work\n    areas: [src/old/]\n'),
      yaml('  - id: checkout-conversion\n    title: "Raise  checkout conversion"\n    areas: [src/checkout/, src/new/]\n'
        + '  - id: findability\n    title: Findability\n    areas: [src/search/]\n'
        + '  - id: new\n    title: New work\n    areas: [src/new/]\n'));
    assert.deepEqual(d.renamed, [
      { from: 'checkout', to: 'checkout-conversion', title: 'Raise  checkout conversion', by: ['title'] },
      { from: 'search', to: 'findability', title: 'Findability', by: ['areas'] },
    ]);
    assert.deepEqual(d.removed, [{ id: 'old', title: 'Old work' }]);
    assert.deepEqual(d.added, [{ id: 'new', title: 'New work' }]);
    assert.deepEqual(d.retitled, [], 'a renamed outcome is not also retitled');
    // The renamed outcome's own changes are said under its new id; a rename alone moves no file.
    assert.deepEqual(d.changed, [{ id: 'checkout-conversion', title: 'Raise  checkout conversion', fields: [{ field: 'areas', before: ['src/checkout/'], after: ['src/checkout/', 'src/new/'] }] }]);
    assert.deepEqual(d.files.moves.map(m => [m.from, m.to, m.count]), [[[], ['checkout-conversion', 'new'], 1], [['old'], [], 1]]);
    assert.equal(d.files.becomeUnlinked.count, 1);
    assert.deepEqual(d.files.becomeUnlinked.examples, ['src/old/o.ts']);
    assert.deepEqual(d.files.becomeLinked.examples, ['src/new/n.ts']);
    assert.ok(!d.files.perOutcome.some(r => r.id === 'findability'), 'the same files under a new id did not change hands');
  });

  it('retitled, owner, status, link, tickets and key results (added, removed, baseline and target moved)', async () => {
    const { d } = await pair(['src/a.ts'],
      yaml('  - id: a\n    title: Alpha\n    owner: "@one"\n    status: proposed\n    tickets: [AL-]\n    areas: [src/]\n    metrics:\n'
        + '      - name: Speed\n        baseline: 10s\n        target: 5s\n      - name: Gone\n        target: 1\n'),
      yaml('  - id: a\n    title: Alpha, faster\n    owner: "@two"\n    status: active\n    link: https://okr.example.com/1\n    tickets: [AL-, ALP-]\n    areas: [src/]\n    metrics:\n'
        + '      - name: Speed\n        baseline: 12s\n        target: 4s\n        current: 9s\n      - name: New\n        target: 3\n'));
    assert.deepEqual(d.retitled, [{ id: 'a', before: 'Alpha', after: 'Alpha, faster' }]);
    assert.deepEqual(d.changed[0].fields.map(f => f.field).sort(), ['link', 'owner', 'status', 'tickets']);
    assert.deepEqual(d.changed[0].fields.find(f => f.field === 'owner'), { field: 'owner', before: '@one', after: '@two' });
    assert.deepEqual(d.keyResults.map(k => [k.name, k.change]), [['Speed', 'changed'], ['Gone', 'removed'], ['New', 'added']]);
    assert.deepEqual(d.keyResults[0].fields, [
      { field: 'baseline', before: '10s', after: '12s' }, { field: 'target', before: '5s', after: '4s' }, { field: 'current', before: undefined, after: '9s' },
    ]);
    assert.equal(d.files.changeHands, 0);
    const md = renderOutcomesDiffMd(d);
    assert.match(md, /\| retitled \| `a` \| Alpha → Alpha, faster \|/);
    assert.match(md, /owner: \\@one → \\@two/, 'a mention is not live in a pull-request comment');
    assert.match(md, /tickets: \+`ALP-`/);
  });

  it('budgets moved, and the total before and after, flagged over 100%', async () => {
    const { d } = await pair(['a/x', 'b/y', 'c/z'],
      yaml('  - id: a\n    title: A\n    budget: 60%\n    areas: [a/]\n  - id: b\n    title: B\n    budget: 30%\n    areas: [b/]\n'),
      yaml('  - id: a\n    title: A\n    budget: 60%\n    areas: [a/]\n  - id: b\n    title: B\n    budget: 20%\n    areas: [b/]\n  - id: c\n    title: C\n    budget: 30%\n    areas: [c/]\n'));
    assert.deepEqual(d.budgets.rows, [{ id: 'b', title: 'B', before: 0.3, after: 0.2 }, { id: 'c', title: 'C', before: null, after: 0.3 }]);
    assert.equal(d.budgets.totalBefore, 0.9);
    assert.equal(d.budgets.totalAfter, 1.1);
    assert.equal(d.budgets.overBefore, false);
    assert.equal(d.budgets.overAfter, true);
    const md = renderOutcomesDiffMd(d);
    assert.match(md, /\| \*\*Total\*\* \| 90% \| \*\*110%\*\* ⚠️ over 100% \|/);
    assert.match(md, /budgets total 90% → 110% \\\(over 100%\\\)/);
  });

  it('an area move: the files that change hands, counted as git matches the patterns on each side', async () => {
    const files = ['services/search/index.ts', 'services/search/rank/score.ts', 'services/search/README.md', 'services/checkout/pay.ts',
      'services/checkout/legacy/old.ts', 'lib/util.ts', 'lib/gen/types.ts', 'docs/guide.md', 'tools/build.sh', 'yarn.lock'];
    type Side = { areas: Record<string, string[]>; ignore: string[] };
    const sideYaml = (s: Side) => yaml(Object.entries(s.areas).map(([id, areas]) => `  - id: ${id}\n    title: ${id}\n    areas: ${JSON.stringify(areas)}\n`).join(''),
      `ignore: ${JSON.stringify(s.ignore)}\n`);
    const before: Side = { areas: { checkout: ['services/'], platform: ['lib/**/*.ts', '!lib/gen/'] }, ignore: ['*.lock'] };
    const after: Side = {
      areas: { checkout: ['services/checkout/', '!services/checkout/legacy/'], search: ['services/search/**/*.ts'], platform: ['lib/', 'tools/'] },
      ignore: ['*.lock', 'docs/'],
    };
    const { repo, d, a, b } = await pair(files, sideYaml(before), sideYaml(after));
    // git's answer: per side, per outcome, the tracked files `git ls-files -c -i --exclude-from` lists for its areas.
    const gitSets = (sha: string, side: Side) => {
      repo.git('checkout', '-q', sha);
      const list = (patterns: string[]) => {
        const f = path.join(repo.dir, '..', `${path.basename(repo.dir)}-patterns`);
        fs.writeFileSync(f, patterns.join('\n') + '\n');
        const out = repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${f}`);
        fs.rmSync(f);
        return new Set(out.split('\0').filter(Boolean));
      };
      return { sets: new Map(Object.entries(side.areas).map(([id, p]) => [id, list(p)])), ignore: list(side.ignore) };
    };
    const gb = gitSets(a, before), ga = gitSets(b, after);
    repo.git('checkout', '-q', 'main');
    const owners = (g: typeof gb, f: string) => [...g.sets].filter(([, s]) => s.has(f)).map(([id]) => id).sort();
    let hands = 0;
    const unlinked: string[] = [], linked: string[] = [], ignored: string[] = [];
    const perOutcome = new Map<string, { gained: number; lost: number }>();
    for (const f of files) {
      const from = owners(gb, f), to = owners(ga, f);
      if (JSON.stringify(from) !== JSON.stringify(to)) hands++;
      if (!to.length && !ga.ignore.has(f) && (from.length || gb.ignore.has(f))) unlinked.push(f);
      const wasUnlinked = !from.length && !gb.ignore.has(f);
      if (wasUnlinked && to.length) linked.push(f);
      if (wasUnlinked && !to.length && ga.ignore.has(f)) ignored.push(f);
      for (const id of to) if (!from.includes(id)) { const r = perOutcome.get(id) ?? { gained: 0, lost: 0 }; r.gained++; perOutcome.set(id, r); }
      for (const id of from) if (!to.includes(id)) { const r = perOutcome.get(id) ?? { gained: 0, lost: 0 }; r.lost++; perOutcome.set(id, r); }
    }
    assert.equal(d.files.common, files.length + 1, 'outcomes.yaml is tracked on both sides too');
    assert.equal(d.files.changeHands, hands);
    assert.deepEqual(d.files.becomeUnlinked.examples, unlinked);
    // A file the ignore list takes now needs no outcome: settled, not said to be linked.
    assert.deepEqual([d.files.becomeLinked.examples, d.files.becomeIgnored.examples], [linked, ignored]);
    assert.deepEqual(ignored, ['docs/guide.md']);
    for (const r of d.files.perOutcome) {
      assert.equal(r.before, gb.sets.get(r.id)?.size ?? 0, `${r.id} before`);
      assert.equal(r.after, ga.sets.get(r.id)?.size ?? 0, `${r.id} after`);
      assert.deepEqual({ gained: r.gained, lost: r.lost }, perOutcome.get(r.id) ?? { gained: 0, lost: 0 }, r.id);
    }
    assert.deepEqual(d.files.perOutcome.map(r => r.id).sort(), [...perOutcome.keys()].sort());
    // The move a reviewer reads: search's TypeScript leaves checkout for search.
    const move = d.files.moves.find(m => m.to.includes('search'))!;
    assert.deepEqual([move.from, move.to, move.count, move.examples], [['checkout'], ['search'], 2, ['services/search/index.ts', 'services/search/rank/score.ts']]);
    assert.deepEqual(d.settings, [{ field: 'ignore', before: ['*.lock'], after: ['*.lock', 'docs/'] }]);
  });

  it('the settle rules are settings a reviewer sees: ignoreAuthors and ignoreSubjects added or removed', async () => {
    const o = '  - id: a\n    title: A\n    areas: [src/]\n';
    const { d } = await pair(['src/a.ts'], yaml(o, 'ignoreSubjects: ["chore(deps):"]\n'), yaml(o, 'ignoreAuthors: ["renovate[bot]"]\n'));
    assert.deepEqual(d.settings, [
      { field: 'ignoreAuthors', before: [], after: ['renovate[bot]'] },
      { field: 'ignoreSubjects', before: ['chore(deps):'], after: [] },
    ]);
    assert.match(renderOutcomesDiffText(d), /^settings {3}ignoreAuthors: \+renovate\[bot\]$/m);
  });

  it('no outcomes.yaml on one side: every outcome added; the working tree with unsaved text; a side with errors located', async () => {
    const { repo, d, a, b } = await pair(['src/a.ts'], undefined, yaml('  - id: a\n    title: A\n    areas: [src/]\n'));
    assert.equal(d.from.outcomesFile, false);
    assert.deepEqual(d.added, [{ id: 'a', title: 'A' }]);
    assert.deepEqual(d.files.becomeLinked.examples, ['src/a.ts']);
    const git = new GitRepo(repo.dir);
    const tree = await diffOutcomes(git, { spec: b, text: yaml('  - id: a\n    title: A, as typed\n    areas: [src/]\n') });
    assert.deepEqual([tree.to.label, tree.to.commit, tree.retitled], ['working tree', null, [{ id: 'a', before: 'A', after: 'A, as typed' }]]);
    await assert.rejects(diffOutcomes(git, { spec: a, text: 'version: 1\noutcomes:\n  - id: Bad Id\n    title: x\n' }), (e: unknown) => {
      assert.ok(e instanceof DiffSideError);
      assert.equal(e.file, 'outcomes.yaml');
      assert.ok(e.diagnostics.some(x => x.severity === 'error' && x.line === 3));
      return true;
    });
    assert.equal(renderOutcomesDiffMd(await diffOutcomes(git, { spec: `${b}..${b}` })).includes('No change to the outcomes.'), true);
    // The extension's worker answers with the errors located, one line each, rather than failing.
    const actions = new RepoActions(git);
    assert.deepEqual(await actions.diffOutcomes(b, 'version: 1\noutcomes:\n  - id: a\n    title: A\n    status: sleeping\n'),
      { errors: ['outcomes.yaml:5:13: error: unknown status "sleeping"; use one of proposed, active, achieved, dropped'] });
    assert.deepEqual(((await actions.diffOutcomes('HEAD')) as { diff: OutcomesDiff }).diff.to.label, 'working tree');
    assert.deepEqual(await actions.branches(), ['main']);
  });

  it('escapes what outcomes.yaml says wherever the Markdown shows it', async () => {
    const { d } = await pair(['a.ts'], yaml('  - id: a\n    title: A\n    areas: [a.ts]\n'),
      yaml('  - id: a\n    title: "<img src=x onerror=alert(1)> [Sign in](https://evil.example) @org/team"\n    owner: "<b>x</b>"\n    areas: [a.ts]\n'));
    const md = renderOutcomesDiffMd(d);
    assert.ok(!md.includes('<img'), md);
    assert.ok(!md.includes('<b>'), md);
    assert.ok(!md.includes('[Sign in](https'), md);
    assert.match(md, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
  });
});

describe('diff: the command line', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  before(() => {
    repo = new TempRepo('ol-diffcli-');
    repo.write('src/a/x.ts').write('src/b/y.ts').write('outcomes.yaml', yaml('  - id: a\n    title: A\n    budget: 50%\n    areas: [src/]\n'));
    repo.commit('Start\n');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('outcomes.yaml', yaml('  - id: a\n    title: A\n    budget: 50%\n    areas: [src/a/]\n  - id: b\n    title: B\n    budget: 60%\n    areas: [src/b/]\n'));
    repo.commit('Split b from a\n');
  });
  after(() => repo.rm());
  const run = (...args: string[]) => cli(['diff', ...args, '--repo', repo.dir]);

  it('json: its keys; the default compares the merge base with main to the working tree', () => {
    const r = run('--json');
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as OutcomesDiff;
    assert.deepEqual(Object.keys(d), ['schemaVersion', 'from', 'to', 'settings', 'added', 'removed', 'renamed', 'retitled', 'changed', 'keyResults', 'budgets', 'files']);
    assert.deepEqual(Object.keys(d.files), ['trackedBefore', 'trackedAfter', 'common', 'changeHands', 'moves', 'becomeUnlinked', 'becomeLinked', 'becomeIgnored', 'perOutcome']);
    assert.equal(d.from.label, 'merge base with main');
    assert.equal(d.from.commit, repo.git('rev-parse', 'main').trim());
    assert.deepEqual([d.to.label, d.to.commit], ['working tree', null]);
    assert.deepEqual(d.added, [{ id: 'b', title: 'B' }]);
    assert.deepEqual(d.files.moves.map(m => [m.from, m.to, m.count]), [[['a'], ['b'], 1]]);
    assert.equal(d.budgets.overAfter, true);
    assert.equal(run('main..feature', '--format', 'json').stdout, r.stdout.replace('"merge base with main"', '"main"').replace('"working tree"', '"feature"')
      .replace('"commit": null', `"commit": "${repo.git('rev-parse', 'feature').trim()}"`));
  });

  it('text and md; report --range includes the diff only when the range changes outcomes.yaml', () => {
    const text = run('main..feature');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^added +b: B$/m);
    assert.match(text.stdout, /budget +total: 50% -> 110% +OVER 100%/);
    const md = run('main..feature', '--format', 'md');
    assert.match(md.stdout, /^## Outcome Lens: changes to outcomes\.yaml$/m);
    assert.match(md.stdout, /\| `a` \| `b` \| 1 \| `src\/b\/y\.ts` \|/);
    const pr = cli(['report', '--range', 'main..feature', '--format', 'md', '--repo', repo.dir, '--no-cache']);
    assert.equal(pr.code, 0, pr.stderr);
    assert.match(pr.stdout, /^## Outcome Lens: main\.\.feature$/m);
    assert.match(pr.stdout, /^### Outcome Lens: changes to outcomes\.yaml$/m);
    assert.match(pr.stdout, /\| `a` \| `b` \| 1 \|/);
    repo.write('src/a/z.ts').commit('More a\n');
    const plain = cli(['report', '--range', 'feature~1..feature', '--format', 'md', '--repo', repo.dir, '--no-cache']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /changes to outcomes\.yaml/);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
  });

  it('an unknown revision is named (exit 2); a side that does not parse is located at that side (exit 1)', () => {
    const bad = run('nosuch..feature');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /nosuch/);
    assert.equal(bad.stdout, '');
    repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    status: sleeping\n').commit('Break it\n');
    const broken = run('main..feature');
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^feature:outcomes\.yaml:5:\d+: error: /m);
    assert.equal(run('main').code, 1, 'the working tree has the same errors');
    assert.match(run('main').stderr, /^outcomes\.yaml:5:\d+: error: /m);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const usage = run('a..b', 'c..d');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^outcome-lens diff: takes one A\.\.B/);
  });
});
