import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { GitRepo, gitProcesses } from '../../src/core/git/repo';
import { saveFiles } from '../../src/core/git/cache';
import { indexStamp } from '../../src/core/git/refFiles';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { LinkedCommit, linkedFacts, Linker } from '../../src/core/links/link';
import { linkHistory } from '../../src/core/links/history';
import { bucketStart } from '../../src/core/links/allocation';
import { decodeRow, encodeBlock } from '../../src/core/worker/block';
import { CommitRows, CommitStore, groupRows, range, RowList } from '../../src/core/worker/store';
import { HistoryService } from '../../src/core/worker/service';
import { HistoryWorker } from '../../src/core/worker/client';
import type { FromWorker, LoadRequest } from '../../src/core/worker/protocol';

const YAML = `version: 1
ignore: [vendor/]
outcomes:
  - id: checkout
    title: Checkout
    areas: [services/checkout/]
  - id: search
    title: Search
    areas: [services/search/]
`;
/** The same map with search's area moved: a relink changes links without git. */
const YAML2 = YAML.replace('areas: [services/search/]', 'areas: [web/]');
const SINCE = '2023-01-01T00:00:00.000Z';
/** What the host sends the worker: the maps it parsed. */
const MAP = parseOutcomes(YAML).map!;
const MAP2 = parseOutcomes(YAML2).map!;
const key = (l: LinkedCommit) => `${l.commit.sha} ${l.status} ${l.outcomes.join(',')} ${l.invalid.join(',')}`;

describe('history worker', function () {
  let repo: TempRepo;
  let expected: LinkedCommit[];

  before(async () => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', YAML).write('README.md').commit('Initial commit\n');
    repo.write('services/checkout/pay.ts').commit('Add pay\n\nWith a body: "quotes", \\ and ünïcödé ✓\n', { author: 'Zoë <zoe@example.com>' });
    repo.write('web/a.ts').commit('Web\n\nOutcome: search, nope\n');
    repo.write('vendor/lib.js').commit('Bump vendor\n');
    repo.write('services/search/s.ts').commit('Search\n', { date: '2024-02-15T10:00:00Z' });
    expected = (await linkHistory(new GitRepo(repo.dir), new Linker(MAP), { since: SINCE })).map(linkedFacts);
    assert.equal(expected.length, 5);
  });
  after(() => repo.rm());

  describe('blocks and the store', () => {
    it('decode each commit as it was linked, and answer columns without decoding', () => {
      const store = new CommitStore();
      store.add(encodeBlock(expected.slice(0, 2)));
      store.add(encodeBlock([]));
      store.add(encodeBlock(expected.slice(2)));
      assert.equal(store.length, 5);
      for (let i = 0; i < 5; i++) assert.deepEqual(store.at(i), expected[i]);
      const b = encodeBlock(expected);
      assert.deepEqual(decodeRow(b, 1), expected[1], 'UTF-8, quotes and backslashes survive');
      for (let i = 0; i < 5; i++) assert.equal(store.rowOf(expected[i].commit.sha), i);
      assert.equal(store.rowOf('0'.repeat(40)), -1);
      assert.equal(store.rowOf(expected[0].commit.sha.slice(0, 39)), -1, 'a prefix is not an id');
      const cols: string[] = [];
      store.scan(range(0, 5), (row, status, invalid, outcomes) => cols.push(`${row} ${status} ${invalid} ${outcomes.join(',')}`));
      assert.deepEqual(cols, expected.map((l, i) => `${i} ${l.status} ${l.invalid.length > 0} ${l.outcomes.join(',')}`));
      assert.deepEqual([0, 1, 2, 3, 4].map(i => store.groupKey(i, 'author')), expected.map(l => l.commit.author));
      assert.deepEqual([0, 1, 2, 3, 4].map(i => store.groupKey(i, 'week')), expected.map(l => bucketStart(l.commit.date, 'week')));
    });

    it('a snapshot keeps its length while the list grows; lists iterate and slice', () => {
      const store = new CommitStore();
      store.add(encodeBlock(expected));
      const list = new RowList();
      for (let i = 0; i < 300; i++) list.push(i % 5); // past the first capacity: the array is replaced
      const before = list.snapshot(store);
      for (let i = 0; i < 300; i++) list.push(4 - (i % 5));
      const after = list.snapshot(store);
      assert.equal(before.origin, after.origin, 'snapshots of one list: the later one starts with the earlier one\'s rows');
      assert.notEqual(CommitRows.of(store, [0]).origin, after.origin);
      assert.equal(before.length, 300);
      assert.equal(after.length, 600);
      assert.equal(before.at(299).commit.sha, expected[299 % 5].commit.sha);
      assert.equal(after.at(300).commit.sha, expected[4].commit.sha);
      assert.deepEqual([...CommitRows.of(store, [3, 1])].map(key), [key(expected[3]), key(expected[1])]);
      assert.deepEqual(after.slice(598).map(key), [key(expected[1]), key(expected[0])]);
    });

    it('groups a growing list by adding only its new rows, and regroups a list in another order', () => {
      const store = new CommitStore();
      store.add(encodeBlock(expected));
      const list = new RowList();
      const byAuthor = (row: number) => store.groupKey(row, 'author');
      const asText = (g: Map<string, CommitRows>) => [...g].map(([k, rows]) => `${k}: ${[...rows].map(c => c.commit.subject).join(', ')}`).sort();
      list.push(0); list.push(1);
      const first = groupRows(undefined, list.snapshot(store), byAuthor);
      let asked = 0;
      list.push(2); list.push(3); list.push(4);
      const grown = groupRows(first, list.snapshot(store), row => { asked++; return byAuthor(row); });
      assert.equal(asked, 3, 'only the three new rows');
      const all = groupRows(undefined, list.snapshot(store), byAuthor);
      assert.deepEqual(asText(grown.groups), asText(all.groups));
      assert.deepEqual(asText(all.groups), ['Test Author: Search, Bump vendor, Web, Initial commit', 'Zoë: Add pay']);
      assert.equal(first.groups.get('Test Author')!.length, 2, 'an earlier answer is not changed by a later one');
      assert.equal(first.groups.get('Zoë'), undefined);
      const reordered = CommitRows.of(store, [4, 3, 2, 1, 0]);
      assert.deepEqual(asText(groupRows(grown, reordered, byAuthor).groups), ['Test Author: Initial commit, Web, Bump vendor, Search', 'Zoë: Add pay']);
    });
  });

  describe('the service (the worker\'s work, called directly)', () => {
    let cacheDir: string;
    let posted: FromWorker[];
    let service: HistoryService;
    let nextId = 1;
    const load = (extra: Partial<LoadRequest> = {}) => {
      const id = nextId++;
      posted = [];
      service.handle({ t: 'load', id, root: repo.dir, since: SINCE, trailer: 'Outcome', cacheDir, outcomes: MAP, force: false, ...extra });
      return until(() => posted.find(m => (m.t === 'end' || m.t === 'error') && m.id === id));
    };
    /** The list a stream of blocks makes, in git's order when the end gives one. */
    const listOf = (msgs: FromWorker[], order?: Int32Array) => {
      const store = new CommitStore();
      for (const m of msgs) if (m.t === 'links') store.add(m.block);
      const rows = order ? [...order] : [...range(0, store.length)];
      return rows.map(r => key(store.at(r)));
    };

    before(() => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-worker-cache-'));
      service = new HistoryService(m => posted.push(m));
    });
    after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

    it('reads tips, files and the window, and posts the linked commits in git\'s order', async () => {
      const end = await load();
      assert.equal(end.t, 'end');
      if (end.t !== 'end') return;
      assert.deepEqual({ ...end.result, order: undefined, gen: undefined }, { unchanged: false, linked: true, commits: 5, fromGit: 5, order: undefined, gen: undefined });
      assert.ok(posted.some(m => m.t === 'tips'));
      const files = posted.find(m => m.t === 'files');
      assert.deepEqual(files?.t === 'files' && files.files, ['README.md', 'outcomes.yaml', 'services/checkout/pay.ts', 'services/search/s.ts', 'vendor/lib.js', 'web/a.ts']);
      assert.ok(posted.every(m => m.t !== 'links' || (m.gen === end.result.gen && m.kind === 'load')));
      assert.deepEqual(listOf(posted, end.result.order), expected.map(key));
      assert.ok(end.git >= 3, `git processes are counted (${end.git})`);
    });

    it('the same HEAD again: nothing listed; forced: listed again from the cache, none from git', async () => {
      const same = await load();
      assert.ok(same.t === 'end' && same.result.unchanged);
      assert.ok(!posted.some(m => m.t === 'links'));
      const forced = await load({ force: true });
      assert.ok(forced.t === 'end' && !forced.result.unchanged);
      if (forced.t !== 'end') return;
      assert.equal(forced.result.fromGit, 0);
      assert.deepEqual(listOf(posted, forced.result.order), expected.map(key));
    });

    /**
     * A new worker session (a new HistoryService) reading the window with the cache folder the earlier ones filled.
     * `before`: what happens after the service starts and before the view asks (a 'prepare', say); `after`: once it ends.
     */
    const session = async (since = SINCE, quickTips?: ConstructorParameters<typeof HistoryService>[1],
      before?: (s: HistoryService) => void, after?: () => void) => {
      const msgs: FromWorker[] = [];
      const s = new HistoryService(m => msgs.push(m), quickTips);
      const base = gitProcesses.started;
      before?.(s);
      s.handle({ t: 'load', id: 1, root: repo.dir, since, trailer: 'Outcome', cacheDir, outcomes: MAP, force: true });
      const end = await until(() => msgs.find(m => m.t === 'end' || m.t === 'error'));
      after?.();
      assert.ok(end.t === 'end', end.t === 'error' ? end.message : '');
      const first = msgs.findIndex(m => m.t === 'links');
      const firstLinks = msgs[first];
      assert.ok(firstLinks?.t === 'links');
      const final = msgs.filter(m => m.t !== 'links' || m.gen === end.result.gen);
      return { list: listOf(final, end.result.order), result: end.result, firstLinks: firstLinks.block.n, gens: new Set(msgs.map(m => m.t === 'links' && m.gen)).size - 1,
        beforeTips: first < msgs.findIndex(m => m.t === 'tips'), gitBeforeFirstLinks: firstLinks.git - base,
        files: msgs.flatMap(m => (m.t === 'files' ? [m.files] : [])), filesBeforeTips: msgs.findIndex(m => m.t === 'files') < msgs.findIndex(m => m.t === 'tips') };
    };
    it('a new session shows the last one\'s newest commits at once, without git log, when HEAD has not moved', async () => {
      const saved = await session();
      assert.deepEqual(saved.list, expected.map(key));
      assert.equal(saved.firstLinks, 5, 'the first part is all five, the saved newest commits');
      assert.ok(saved.beforeTips, 'before git\'s tips');
      assert.equal(saved.gitBeforeFirstLinks, 0, 'before any git process');
      assert.equal(saved.result.fromGit, 0);

      const later = await session('2023-06-01T00:00:00.000Z');
      assert.ok(later.beforeTips && later.gitBeforeFirstLinks === 0, 'a window that starts later, but before them: still the saved ones');
      const dropping = await session('2024-01-01T02:30:00.000Z');
      assert.equal(dropping.gitBeforeFirstLinks, 3, 'a window that drops some of them: git log -n (with ls-files and show-ref), not the saved ones');
      assert.equal(dropping.list.length, 2);
      const earlier = await session('2022-01-01T00:00:00.000Z');
      assert.equal(earlier.gitBeforeFirstLinks, 3, 'a window that starts earlier may hold more than the ones saved: git log -n');

      const added = repo.write('services/search/t.ts').commit('Later\n', { date: '2024-03-01T10:00:00Z' });
      try {
        const moved = await session();
        assert.equal(moved.gitBeforeFirstLinks, 3, 'HEAD moved: git log -n lists the newest');
        assert.equal(moved.list.length, 6);
        assert.ok(moved.list[0].startsWith(added));
        const again = await session();
        assert.ok(again.beforeTips && again.firstLinks === 6, 'the read at the new HEAD saved its newest');
        // The repository's files said one HEAD and git another (HEAD moved in between): the early list is dropped.
        repo.git('reset', '-q', '--hard', 'HEAD~1');
        const raced = await session(SINCE, () => ({ head: added }));
        assert.ok(raced.beforeTips && raced.firstLinks === 6 && raced.gens === 2, 'the early list, then a new one');
        assert.deepEqual(raced.list, expected.map(key), 'git\'s answer is the list the read ends with');
        assert.equal((await session()).list.length, 5);
      } finally {
        repo.git('reset', '-q', '--hard', expected[0].commit.sha); // the five commits, for the next tests
      }
    });

    it('a new session shows the last one\'s tracked files at once while the index is the same; git\'s list follows only if it differs', async () => {
      const files = repo.git('ls-files', '-z').split('\0').filter(Boolean);
      assert.deepEqual((await session()).files, [files], 'the saved list, once: git\'s is the same');
      const stamp = indexStamp(repo.dir)!;
      assert.ok(stamp);
      await saveFiles(cacheDir, repo.dir, stamp, ['forged.ts']); // what a saved list that git contradicts looks like
      assert.deepEqual((await session()).files, [['forged.ts'], files], 'the saved list, then git\'s');
      assert.deepEqual((await session()).files, [files], 'git\'s list was saved');
      repo.write('zz new.ts');
      repo.git('add', 'zz new.ts');
      try {
        assert.notEqual(indexStamp(repo.dir), stamp, 'a new index file');
        const grown = await session();
        assert.equal(grown.files.length, 1, 'another index: only git\'s list');
        assert.deepEqual(grown.files[0], [...files, 'zz new.ts']);
      } finally {
        repo.git('rm', '-q', '--cached', 'zz new.ts');
        fs.rmSync(path.join(repo.dir, 'zz new.ts'));
      }
    });

    it('a prepared first read posts what it read and linked before the view asked, if the read asks for the same', async () => {
      await session(); // saves the newest commits and the file list of this HEAD and index
      const savedFiles = fs.readdirSync(cacheDir).filter(f => f.endsWith('.newest.json') || f.endsWith('.files')).map(f => path.join(cacheDir, f));
      const kept = savedFiles.map(f => [f, fs.readFileSync(f)] as const);
      const run = (prepareMap: typeof MAP) => session(SINCE, undefined, s => {
        s.handle({ t: 'prepare', root: repo.dir, since: SINCE, trailer: 'Outcome', cacheDir, outcomes: prepareMap });
        for (const f of savedFiles) fs.rmSync(f); // from here on only what was prepared can be shown early
      }, () => { for (const [f, data] of kept) fs.writeFileSync(f, data); });
      const prepared = await run(MAP);
      assert.ok(prepared.beforeTips && prepared.gitBeforeFirstLinks === 0 && prepared.filesBeforeTips, 'the prepared commits and files, before any git process');
      assert.deepEqual(prepared.list, expected.map(key));
      const other = await run(MAP2);
      assert.equal(other.gitBeforeFirstLinks, 3, 'prepared with another map: not used; git log -n, ls-files and show-ref before the first commits');
      assert.deepEqual(other.list, expected.map(key), 'linked with the read\'s own map');
    });

    it('damaged saved files are not used: git answers, and the read saves good ones again', async () => {
      await session(); // saves the newest commits and the file list of this HEAD and index
      const saved = (suffix: string) => path.join(cacheDir, fs.readdirSync(cacheDir).find(f => f.endsWith(suffix))!);
      const newest = JSON.parse(fs.readFileSync(saved('.newest.json'), 'utf8'));
      delete newest.commits[0].files;
      fs.writeFileSync(saved('.newest.json'), JSON.stringify(newest));
      fs.writeFileSync(saved('.files'), fs.readFileSync(saved('.files'), 'utf8').slice(0, -3));
      const damaged = await session();
      assert.equal(damaged.gitBeforeFirstLinks, 3, 'git log -n, not the damaged saved ones');
      assert.deepEqual(damaged.list, expected.map(key));
      assert.deepEqual(damaged.files, [repo.git('ls-files', '-z').split('\0').filter(Boolean)], 'one list, git\'s');
      const again = await session();
      assert.ok(again.beforeTips && again.gitBeforeFirstLinks === 0, 'saved again');
    });

    it('a new outcomes.yaml relinks without git, as one new list', async () => {
      posted = [];
      service.handle({ t: 'outcomes', root: repo.dir, outcomes: MAP2 });
      const end = await until(() => posted.find(m => m.t === 'listEnd'));
      assert.ok(end.t === 'listEnd' && end.kind === 'relink');
      const want = (await linkHistory(new GitRepo(repo.dir), new Linker(MAP2), { since: SINCE })).map(l => key(linkedFacts(l)));
      assert.notDeepEqual(want, expected.map(key), 'the new map links differently');
      assert.deepEqual(listOf(posted), want);
      assert.ok(posted.every(m => m.git === posted[0].git), 'no git process');
      service.handle({ t: 'outcomes', root: repo.dir, outcomes: MAP }); // back, for the next tests
      await until(() => posted.filter(m => m.t === 'listEnd').length === 2 || undefined);
    });

    it('without outcomes.yaml the window is read but not linked; a cancelled read fails and lists nothing more', async () => {
      const unlinked = await new Promise<FromWorker>(resolve => {
        const s = new HistoryService(m => { if (m.t === 'end' || m.t === 'error') resolve(m); });
        s.handle({ t: 'load', id: 1, root: repo.dir, since: SINCE, trailer: 'Outcome', force: false });
      });
      assert.ok(unlinked.t === 'end' && !unlinked.result.linked && unlinked.result.commits === 5);
      const s = new HistoryService(m => posted.push(m));
      posted = [];
      s.handle({ t: 'load', id: 7, root: repo.dir, since: SINCE, trailer: 'Outcome', outcomes: MAP, force: false });
      s.handle({ t: 'cancel', id: 7 });
      const end = await until(() => posted.find(m => m.t === 'end' || m.t === 'error'));
      assert.equal(end.t, 'error');
      assert.ok(end.t === 'error' && /cancel|abort/i.test(end.message), end.t === 'error' ? end.message : '');
    });
  });

  describe('the client, with a real worker thread', () => {
    let worker: HistoryWorker;
    const git = { started: 0 };
    let bootstrap: string;

    before(() => {
      // The thread runs the TypeScript entry through the same on-the-fly transpiler as these tests.
      bootstrap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-worker-')), 'boot.js');
      fs.writeFileSync(bootstrap, `require(${JSON.stringify(path.resolve(__dirname, 'register.js'))});\nrequire(${JSON.stringify(path.resolve(__dirname, '../../src/worker.ts'))});\n`);
      worker = new HistoryWorker(bootstrap, git);
    });
    after(() => { worker.dispose(); fs.rmSync(path.dirname(bootstrap), { recursive: true, force: true }); });

    it('loads through the thread: tips, files, the list, the result, and the git processes counted here', async () => {
      const store = new CommitStore();
      let ended = false;
      const sub = worker.listen(repo.dir, { links: (_g, _k, block) => store.add(block), listEnd: () => { ended = true; } });
      const seen: string[] = [];
      const r = await worker.load({ root: repo.dir, since: SINCE, trailer: 'Outcome', outcomes: MAP, force: false }, { tips: () => seen.push('tips'), files: f => seen.push(`files ${f.length}`) });
      sub.dispose();
      assert.deepEqual(seen.sort(), ['files 6', 'tips'], 'each once (in either order: the file list does not wait for the tips)');
      assert.ok(!r.unchanged && r.linked && r.commits === 5);
      assert.deepEqual((r.order ? [...r.order] : [...range(0, store.length)]).map(i => key(store.at(i))), expected.map(key));
      assert.ok(!ended, 'a read ends with its result, not a listEnd');
      assert.ok(git.started >= 3, `git processes of the thread are added to the host's count (${git.started})`);
      const full = await worker.full(repo.dir);
      assert.deepEqual(full.map(c => c.sha), expected.map(l => l.commit.sha));
      assert.deepEqual(full[3].files, ['services/checkout/pay.ts'], 'the full commits keep their changed paths');
    });

    it('a cancelled read rejects; a stopped worker rejects what is pending and starts again on the next request', async () => {
      const ac = new AbortController();
      const p = worker.load({ root: repo.dir, since: SINCE, trailer: 'Outcome', outcomes: MAP, force: true }, {}, ac.signal);
      ac.abort();
      await assert.rejects(p, /cancel|abort/i);
      const pending = worker.load({ root: repo.dir, since: SINCE, trailer: 'Outcome', outcomes: MAP, force: true }, {});
      worker.dispose();
      await assert.rejects(pending, /stopped/);
      const again = await worker.load({ root: repo.dir, since: SINCE, trailer: 'Outcome', outcomes: MAP, force: false }, {});
      assert.equal(again.commits, 5);
    });
  });
});

/** Polls `fn` until it returns something (the service posts from promises). */
async function until<T>(fn: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 5));
  }
}
