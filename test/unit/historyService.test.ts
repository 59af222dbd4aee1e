import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { makeUnsafe } from './helpers/faults';
import { RepoHistory } from '../../src/core/history/service';
import { configureGit } from '../../src/core/git/runner';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { readHistory } from '../../src/core/git/history';
import { GitRepo } from '../../src/core/git/repo';

const yaml = (trailer = 'Outcome') => `version: 1
trailer: ${trailer}
ignore: [vendor/]
outcomes:
  - id: a
    title: A
    areas: [a/]
  - id: b
    title: B
`;
const map = (trailer?: string) => parseOutcomes(yaml(trailer)).map!;
/** The fixture's commits are from 2024: a window that reaches them. */
const DAYS = 5000;

describe('the history service (what every view asks)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let cacheDir: string;
  const log: string[] = [];

  beforeEach(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', yaml()).write('README.md').commit('root\n'); // unlinked: README.md (outcomes.yaml needs no outcome)
    repo.write('a/x.ts').commit('area a\n');                               // a via area
    repo.write('docs/t.md').commit('trailer\n\nOutcome: b\n');            // b via trailer
    repo.write('docs/u.md').commit('tag trailer\n\nTag: b\n');            // unlinked unless the key is Tag
    repo.write('vendor/v.js').commit('vendor\n');                          // ignored
    repo.write('docs/v.md').commit('ghost\n\nOutcome: nope\n');           // unlinked, invalid
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-svc-'));
    log.length = 0;
    configureGit({ log: line => log.push(line) });
  });
  afterEach(() => {
    configureGit({ log: () => undefined });
    repo.rm();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const service = (m = map()) => new RepoHistory(repo.dir, { cacheDir }, m, DAYS);

  it('answers counts, lists, groups and one commit after a read', async () => {
    const s = service();
    assert.equal(s.summary().history, undefined, 'nothing before the first read');
    await s.refresh();
    const sum = s.summary();
    assert.equal(sum.error, undefined);
    assert.deepEqual({ ...sum.history, since: undefined, snapshot: undefined }, { complete: true, since: undefined, snapshot: undefined, windowDays: DAYS, commits: 6, unlinked: 3, invalid: 1, viaTrailer: 1, viaNote: 0, byOutcome: { a: 1, b: 1 } });
    assert.deepEqual(sum.files, { tracked: 7, unlinked: 4, byOutcome: { a: 1 }, byArea: { a: [1], b: [] } });
    assert.deepEqual(s.commits({ kind: 'unlinked' }, 0, 10).rows.map(r => r.subject), ['ghost', 'tag trailer', 'root']);
    assert.deepEqual(s.commits({ kind: 'outcome', id: 'b' }, 0, 10).rows.map(r => [r.subject, r.links[0].via]), [['trailer', 'trailer']]);
    assert.deepEqual(s.groups('author'), [{ key: 'Test Author', count: 3 }]);
    const one = await s.commit(s.commits({ kind: 'invalid' }, 0, 1).rows[0].sha);
    assert.equal(one?.message, 'ghost\n\nOutcome: nope\n');
    assert.deepEqual(one?.invalid, ['nope']);
    assert.deepEqual(s.unlinkedFolder(''), { folders: [{ path: 'docs', count: 3 }], files: ['README.md'] });
    assert.equal(s.tracked('a'), 'folder');
    assert.equal(s.tracked('a/x.ts'), 'file');
    assert.equal(s.tracked('nope.ts'), 'untracked');
  });

  it('a new commit is read on its own and added; no count goes below what it was meanwhile', async () => {
    const s = service();
    await s.refresh();
    const before = s.summary().history!;
    repo.write('docs/w.md').commit('another unlinked\n');
    log.length = 0;
    const seen: number[] = [];
    let done = false;
    const refreshing = s.refresh().finally(() => { done = true; });
    while (!done) {
      seen.push(s.summary().history!.unlinked, s.summary().history!.commits);
      await new Promise(r => setImmediate(r));
    }
    await refreshing;
    const after = s.summary().history!;
    assert.equal(after.commits, before.commits + 1);
    assert.equal(after.unlinked, before.unlinked + 1);
    assert.ok(seen.length > 2, `sampled ${seen.length} times during the update`);
    assert.ok(seen.every(n => n >= before.unlinked), `never below before: ${seen}`);
    const reads = log.filter(l => /^> git (log|rev-list)/.test(l));
    assert.equal(reads.length, 1, `one git log, of the new commit only: ${reads.join('\n')}`);
    assert.match(reads[0], /\.\.[0-9a-f]{40}/, 'a range from the last HEAD');
    assert.ok(log.some(l => /1 new commit\(s\) read from git, 7 in 5000 days/.test(l)), log.join('\n'));
    assert.equal(s.commits({ kind: 'unlinked' }, 0, 1).rows[0].subject, 'another unlinked', 'newest first');
  });

  it('a HEAD that moved back (a reset) is read again, through the cache', async () => {
    const s = service();
    await s.refresh();
    repo.git('reset', '-q', '--hard', 'HEAD~2');
    log.length = 0;
    await s.refresh();
    assert.equal(s.summary().history!.commits, 4);
    assert.equal(s.summary().history!.invalid, 0);
    assert.ok(log.some(l => /4 commits in 5000 days \(\d+ read from git\)/.test(l)), log.join('\n'));
  });

  it('a new outcomes.yaml relinks without git, a new trailer key with that key\'s values', async () => {
    const s = service();
    await s.refresh();
    log.length = 0;
    await s.configure({ map: map('Tag') });
    assert.deepEqual(log.filter(l => l.startsWith('> git')), [], 'no git to relink');
    const b = s.commits({ kind: 'outcome', id: 'b' }, 0, 10).rows;
    assert.deepEqual(b.map(r => [r.subject, r.links.map(l => `${l.via} ${l.evidence}`)]), [['tag trailer', ['trailer Tag: b']]]);
    assert.ok(s.commits({ kind: 'unlinked' }, 0, 10).rows.some(r => r.subject === 'trailer'), '"Outcome: b" is no link under the key Tag');
  });

  it('the pattern warnings asked while a new outcomes.yaml is being relinked are about that outcomes.yaml', async () => {
    const s = service();
    await s.refresh();
    assert.deepEqual((await s.patternDiagnostics())?.map(d => d.code), []);
    // Asked as the editor asks: right after the new map is sent, before its relink has run.
    void s.configure({ map: parseOutcomes(yaml().replace('areas: [a/]', 'areas: [a/, no-such-folder/]')).map! });
    const got = await s.patternDiagnostics();
    assert.deepEqual(got?.map(d => [d.code, d.message.includes('no-such-folder/')]), [['pattern-matches-nothing', true]]);
  });

  it('a note links an old commit: only the notes are read again', async () => {
    const s = service();
    await s.refresh();
    const root = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: a', root);
    log.length = 0;
    await s.refresh();
    const row = (await s.commit(root))!;
    assert.deepEqual(row.links.map(l => [l.outcome, l.via]), [['a', 'note']]);
    assert.equal(s.summary().history!.unlinked, 2);
    assert.ok(!log.some(l => /^> git (log|rev-list)/.test(l) && !/--notes/.test(l)), `no commit read again: ${log.join('\n')}`);
    assert.ok(log.some(l => /0 new commit\(s\) read from git, 6 in 5000 days, notes re-read/.test(l)), log.join('\n'));
  });

  it('tag writes the note through git and answers after the views\' lists have moved: added, fixed, removed', async () => {
    const s = service();
    await s.refresh();
    const ghost = (await s.commits({ kind: 'invalid' }, 0, 10)).rows[0];
    const root = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
    assert.equal(s.summary().history!.unlinked, 3);
    const r = await s.tag([root, root], ['a']);
    assert.deepEqual(r, [{ sha: root, before: [], after: ['a'], changed: true, merge: false, inMessage: [] }], 'each commit once');
    assert.equal(repo.git('notes', '--ref=outcomes', 'show', root), 'Outcome: a\n', 'the note git holds');
    // answered after the read: no refresh needed by the caller
    assert.equal(s.summary().history!.unlinked, 2);
    const inA = (await s.commits({ kind: 'outcome', id: 'a' }, 0, 10)).rows.find(x => x.sha === root)!;
    assert.deepEqual(inA.links.map(l => l.via), ['note']);
    assert.deepEqual(inA.noteIds, ['a']);
    await assert.rejects(s.tag([root], ['nope']), /outcomes\.yaml defines no outcome "nope"/);
    // an invalid link in a note: replaced (the right id added, the wrong one taken out)
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: nope2', repo.git('rev-parse', 'HEAD~2').trim());
    await s.refresh();
    assert.equal(s.summary().history!.invalid, 2);
    const bad = (await s.commits({ kind: 'invalid' }, 0, 10)).rows.find(x => x.noteIds?.includes('nope2'))!;
    await s.tag([bad.sha], ['b']);
    await s.tag([bad.sha], ['nope2'], true);
    assert.equal(s.summary().history!.invalid, 1, 'only the message trailer\'s invalid id is left');
    assert.equal((await s.commits({ kind: 'invalid' }, 0, 10)).rows[0].sha, ghost.sha);
    await s.tag([root], ['a'], true);
    assert.equal(s.summary().history!.unlinked, 2, 'root unlinked again, the vendored one still ignored');
  });

  it('suggests an outcome for an unlinked folder and for its unlinked commits, from the commits already read', async () => {
    repo.write('a/y.ts').write('libs/m.ts').commit('with a\n');
    repo.write('a/z.ts').write('libs/m.ts', '2\n').commit('with a again\n');
    repo.write('libs/m.ts', '3\n').commit('libs alone\n');
    const s = service();
    await s.refresh();
    log.length = 0;
    assert.deepEqual(s.folderSuggestions(['libs']).map(x => [x.folder, x.outcome, x.evidence]), [['libs/', 'a', 'changed with a/ in 2 of 3 commits']]);
    assert.deepEqual(s.folderSuggestions(['docs/']).map(x => x.outcome), [undefined]);
    const alone = (await s.commits({ kind: 'unlinked' }, 0, 10)).rows.find(r => r.subject === 'libs alone')!;
    assert.deepEqual(alone.suggestion, { outcome: 'a', evidence: 'libs/ changed with a/ in 2 of 3 commits' });
    assert.deepEqual(log, [], 'no git');
  });

  it('a new commit, and a commit leaving the window, change the suggestions by themselves: the same as a fresh read', async () => {
    const first = Date.UTC(2025, 0, 1);
    repo.write('a/y.ts').write('libs/m.ts').commit('with a\n', { date: new Date(first).toISOString() });
    repo.write('libs/m.ts', '2\n').commit('alone\n', { date: new Date(first + 60_000).toISOString() });
    repo.write('libs/u/n.ts').commit('alone too\n', { date: new Date(first + 120_000).toISOString() });
    // A window whose start passes the first of those commits two seconds from now.
    const days = (Date.now() + 2000 - first) / 86400_000;
    const s = new RepoHistory(repo.dir, { cacheDir }, map(), days);
    await s.refresh();
    const folders = ['libs', 'libs/u', 'docs'];
    const counts = (h: RepoHistory) => h.folderSuggestions(folders).map(x => [x.folder, x.commits, x.all.map(o => `${o.outcome} ${o.together}`)]);
    assert.deepEqual(counts(s), [['libs/', 3, ['a 1']], ['libs/u/', 1, []], ['docs/', 0, []]]);
    // git reads --since in whole seconds: a commit leaves the window once the start is a second past it.
    const leaves = first + days * 86400_000 + 1000;
    while (Date.now() <= leaves) await new Promise(r => setTimeout(r, 50));
    repo.write('a/z.ts').write('libs/u/n.ts', '2\n').commit('with a again\n', { date: new Date().toISOString() });
    log.length = 0;
    await s.refresh();
    assert.ok(log.some(l => /1 new commit\(s\) read from git, 3 in/.test(l)), log.join('\n'));
    assert.deepEqual(counts(s), [['libs/', 3, ['a 1']], ['libs/u/', 2, ['a 1']], ['docs/', 0, []]]);
    const fresh = new RepoHistory(repo.dir, { cacheDir }, map(), days);
    await fresh.refresh();
    assert.deepEqual(s.folderSuggestions(folders), fresh.folderSuggestions(folders));
    const { snapshot: _a, since: _b, ...kept } = s.summary().history!;
    const { snapshot: _c, since: _d, ...read } = fresh.summary().history!;
    assert.deepEqual(kept, read);
    for (const which of [{ kind: 'unlinked' }, { kind: 'invalid' }, { kind: 'outcome', id: 'a' }] as const) assert.deepEqual(s.commits(which, 0, 10), fresh.commits(which, 0, 10));
  });

  it('files added and removed by commits change the counts as a fresh read gives them', async () => {
    const m = parseOutcomes(yaml().replace('areas: [a/]', 'areas: [a/, "**/*.md", "!docs/x/"]')).map!;
    const s = new RepoHistory(repo.dir, { cacheDir }, m, DAYS);
    await s.refresh();
    const files = (h: RepoHistory) => ({ ...h.summary().files, folders: h.unlinkedFolder(''), docs: h.unlinkedFolder('docs') });
    assert.deepEqual(s.summary().files!.byArea, { a: [1, 4, 0], b: [] }, 'README.md and the three docs');
    repo.write('docs/x/n.md').write('docs/y.md').write('a/q.ts').write('zz/late.ts').write('0first.ts').commit('more\n');
    repo.git('rm', '-q', 'docs/t.md', 'a/x.ts');
    repo.commit('fewer\n');
    await s.refresh();
    const fresh = new RepoHistory(repo.dir, { cacheDir }, m, DAYS);
    await fresh.refresh();
    assert.deepEqual(files(s), files(fresh));
    assert.deepEqual(s.summary().files!.byArea, { a: [1, 5, 0], b: [] });
  });

  it('a git failure is an error state, never an empty history; the last good answer stays', async () => {
    const s = service();
    await s.refresh();
    const good = s.summary().history!;
    const PATH = process.env.PATH;
    process.env.PATH = makeUnsafe(repo.dir);
    try {
      await s.refresh(true);
    } finally {
      process.env.PATH = PATH;
    }
    const sum = s.summary();
    assert.equal(sum.error?.kind, 'unsafe');
    assert.match(sum.error!.message, /dubious ownership.*safe\.directory/);
    assert.deepEqual(sum.history, good, 'the last complete answer, not 0 commits');
    assert.ok(log.some(l => /failed \(128\): fatal: detected dubious ownership/.test(l)), `the log has git's stderr: ${log.join('\n')}`);
  });

  it('a first read that fails has no history to show, only the error', async () => {
    fs.writeFileSync(path.join(repo.dir, '.git', 'HEAD'), 'garbage\n');
    const s = service();
    await s.refresh();
    assert.equal(s.summary().error?.kind, 'notRepository');
    assert.equal(s.summary().history, undefined);
  });

  it('an unborn HEAD is an empty, complete history', async () => {
    const fresh = new TempRepo();
    try {
      fresh.write('outcomes.yaml', yaml());
      const s = new RepoHistory(fresh.dir, { cacheDir }, map(), DAYS);
      await s.refresh();
      assert.equal(s.summary().error, undefined);
      assert.deepEqual(s.summary().history?.commits, 0);
      assert.equal(s.summary().history?.complete, true);
    } finally {
      fresh.rm();
    }
  });

  it('a shorter window drops old commits without git; the window in the answer is the one read', async () => {
    const s = service();
    await s.refresh();
    await s.configure({ windowDays: 1 });
    assert.equal(s.summary().history!.windowDays, DAYS, 'still the answer for the old window');
    await s.refresh();
    assert.equal(s.summary().history!.windowDays, 1);
    assert.equal(s.summary().history!.commits, 0, 'the 2024 commits are outside one day');
  });

  it('a window with no commit says when HEAD\'s newest commit was (as the CLI does); a window with commits does not', async () => {
    const s = service();
    await s.configure({ windowDays: 1 });
    await s.refresh();
    const h = s.summary().history!;
    assert.equal(h.commits, 0);
    assert.equal(Date.parse(h.newest ?? ''), Date.parse('2024-01-01T05:00:00Z'), `newest: ${h.newest}`);
    await s.configure({ map: map('Tag') });
    assert.equal(Date.parse(s.summary().history!.newest ?? ''), Date.parse('2024-01-01T05:00:00Z'), 'kept through a relink');
    await s.configure({ windowDays: DAYS });
    await s.refresh();
    assert.equal(s.summary().history!.commits, 6);
    assert.equal(s.summary().history!.newest, undefined);
  });

  it('Cancel stops the running read and the one queued behind it', async () => {
    const s = service();
    const first = s.refresh();
    const queued = s.refresh(true);
    s.cancel();
    await Promise.all([first, queued]);
    assert.equal(log.filter(l => / commits in 5000 days /.test(l)).length, 0, `no read finished: ${log.join('\n')}`);
    assert.equal(s.summary().error, undefined, 'cancelling is no failure');
    await s.refresh();
    assert.equal(s.summary().history?.complete, true, 'the next refresh reads');
  });

  it('a new window asked for while a refresh is queued is read by the next refresh', async () => {
    const s = service();
    await s.refresh();
    const running = s.refresh(true);
    void s.refresh(); // queued behind it
    void s.configure({ windowDays: 1 });
    await running;
    await s.refresh();
    assert.equal(s.summary().history!.windowDays, 1);
  });

  it('the history of the HEAD it was given, whatever HEAD is now (a commit made during a read is read once)', async () => {
    const s = service();
    await s.refresh();
    const head = repo.git('rev-parse', 'HEAD').trim();
    repo.write('docs/x.md').commit('during the read\n');
    const r = await readHistory(new GitRepo(repo.dir), {}, { tips: { head } });
    assert.equal(r.commits.length, 6, 'the pinned HEAD\'s six commits, not the seventh');
    await s.refresh();
    assert.equal(s.summary().history!.commits, 7);
    assert.equal(s.commits({ kind: 'unlinked' }, 0, 20).rows.filter(x => x.subject === 'during the read').length, 1);
  });

  const view = (lines: boolean) => ({ days: DAYS, bucket: 'month' as const, measure: 'commits' as const, lines, defaulted: false, driftThreshold: 0.1, repoName: 'r' });

  it('after a failure the dashboard\'s report says so instead of drawing the last answer', async () => {
    const s = service();
    await s.refresh();
    fs.writeFileSync(path.join(repo.dir, '.git', 'HEAD'), 'garbage\n');
    await s.refresh(true);
    await assert.rejects(s.report(view(false)), /cannot read a repository/);
  });

  it('the dashboard\'s report, with changed lines, is the CLI\'s report of the same window', async () => {
    const s = service();
    await s.refresh();
    const r = (await s.report(view(true)))!;
    assert.equal(r.commits, 6);
    assert.equal(r.outcomes.find(o => o.id === 'a')!.commits, 1);
    assert.equal(r.outcomes.find(o => o.id === 'a')!.lines, 1);
    assert.equal(r.linesPending, 0);
    const c = cli(['report', '--format', 'json', '--since', r.window.since!, '--bucket', 'month', '--repo', repo.dir]);
    assert.equal(c.code, 0, c.stderr);
    const j = JSON.parse(c.stdout);
    // (the command line reads a date to the second)
    assert.equal(j.since, r.since!.replace(/\.\d+Z$/, 'Z'));
    const strip = (x: typeof r) => ({ ...x, generatedAt: '', repository: '', since: '', window: { ...x.window, since: '', days: null, defaulted: false } });
    assert.deepEqual(strip(j), strip(r));
  });
});
