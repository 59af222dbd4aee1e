import vscode = require('vscode');
import fs = require('node:fs');
import path = require('node:path');
import { FIRST_ROWS, GitRepo } from '../core/git/repo';
import { parseOutcomes } from '../core/outcomes/parse';
import { Diagnostic, OutcomeMap } from '../core/outcomes/model';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { CommitLink, LinkedCommit, Linker } from '../core/links/link';
import { LatestWins } from '../core/util/throttle';
import { compilePatterns, filesMatching } from '../core/patterns/matcher';
import { patternDiagnostics } from '../core/outcomes/patternCheck';
import { Log } from './log';
import { lowerBound } from '../core/util/sortedPaths';
import { FolderCounts } from '../core/links/folderCounts';
import { breathe } from '../core/util/breathe';
import { HistoryWorker, ListListener } from '../core/worker/client';
import { CommitRows, CommitStore, NO_COMMITS, range, RowList } from '../core/worker/store';

/** While history streams in, the views are told of new commits at most this often. */
const PUBLISH_MS = 250;

/** A progress bar on both Outcome Lens views while git is read; the views' title has a Cancel button meanwhile. */
async function progress<T>(title: string, work: (report: (fraction: number) => void) => Promise<T>): Promise<T> {
  void vscode.commands.executeCommand('setContext', 'outcomeLens.loading', true);
  try {
    return await vscode.window.withProgress({ location: { viewId: 'outcomeLens.unlinked' }, title }, p =>
      vscode.window.withProgress({ location: { viewId: 'outcomeLens.outcomes' }, title }, () =>
        work(f => p.report({ increment: f * 100 }))));
  } finally {
    void vscode.commands.executeCommand('setContext', 'outcomeLens.loading', false);
  }
}

/** Unlinked tracked files, in git's order, and per folder how many of them are under it. */
export interface UnlinkedFiles {
  files: string[];
  counts: Map<string, number>;
  /** Still being found: what is known so far. */
  partial?: boolean;
}
const NO_UNLINKED: UnlinkedFiles = { files: [], counts: new Map() };
/** Files classified between two yields: a few milliseconds of work. */
const UNLINKED_STEP = 1000;

/** The window's commits (newest first), by outcome, and the unlinked and invalid ones: lists of the same store. */
export interface CommitIndex {
  all: CommitRows;
  byOutcome: Map<string, CommitRows>;
  unlinked: CommitRows;
  invalid: CommitRows;
}

const EMPTY_INDEX: CommitIndex = { all: NO_COMMITS, byOutcome: new Map(), unlinked: NO_COMMITS, invalid: NO_COMMITS };

/**
 * Builds a CommitIndex as a list arrives, from the store's columns (no commit is decoded). The lists only grow, so
 * a snapshot for the views costs nothing: an index rebuilt or copied from 100k commits at each publish held the host.
 */
class IndexBuilder {
  private readonly all = new RowList();
  private readonly byOutcome = new Map<string, RowList>();
  private readonly unlinked = new RowList();
  private readonly invalid = new RowList();
  constructor(readonly store: CommitStore) {}

  add(rows: Iterable<number>): void {
    this.store.scan(rows, (row, status, invalid, outcomes) => {
      this.all.push(row);
      for (const id of outcomes) {
        let list = this.byOutcome.get(id);
        if (!list) this.byOutcome.set(id, list = new RowList());
        list.push(row);
      }
      if (status === 'unlinked') this.unlinked.push(row);
      if (invalid) this.invalid.push(row);
    });
  }

  snapshot(): CommitIndex {
    const s = this.store;
    return { all: this.all.snapshot(s), byOutcome: new Map([...this.byOutcome].map(([id, l]) => [id, l.snapshot(s)])), unlinked: this.unlinked.snapshot(s), invalid: this.invalid.snapshot(s) };
  }
}

/**
 * One repository's state: its outcomes.yaml (the last good map is kept, marked stale, while the file has
 * errors), and, only once a view or command asks, its tracked files and recent history from git.
 */
export class RepoIndex implements vscode.Disposable {
  readonly outcomesUri: vscode.Uri;
  map?: OutcomeMap;
  linker?: Linker;
  stale = false;
  exists = false;
  diagnostics: Diagnostic[] = [];
  files?: string[];
  /** The window's commits with their links, newest first, decoded as the views ask (undefined: not read or not linked yet). */
  get commits(): CommitRows | undefined {
    return this.shown?.all;
  }
  /** The next read lists the history again even if HEAD and notes did not move (invalidateHistory). */
  private forceHistory = false;
  loading = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly gitRefresh: LatestWins;
  private git?: GitRepo;
  private listening?: { dispose(): void };

  constructor(readonly root: string, private readonly trusted: () => boolean, private readonly log: Log, private readonly windowDays: () => number,
    private readonly worker: HistoryWorker, private readonly cacheDir?: string) {
    this.outcomesUri = vscode.Uri.file(path.join(root, OUTCOMES_FILE));
    this.gitRefresh = new LatestWins(signal => this.loadGit(signal), e => this.log.error(`refresh of ${root} failed`, e));
  }

  get name(): string {
    return path.basename(this.root);
  }

  /** Reads outcomes.yaml from disk (no git). Cheap; called at start and whenever the file changes. */
  readOutcomes(text?: string): void {
    let content: string | Uint8Array | undefined = text;
    if (content === undefined) {
      try {
        content = fs.readFileSync(this.outcomesUri.fsPath);
      } catch {
        content = undefined;
      }
    }
    // The same text again (a save, a watcher event, a document opened): nothing to parse, relink or redraw.
    const key = content === undefined ? undefined : typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
    if (key === this.lastContent && this.exists === (content !== undefined) && (key !== undefined || !this.map)) return;
    this.lastContent = key;
    this.exists = content !== undefined;
    if (content === undefined) {
      this.map = undefined; this.linker = undefined; this.diagnostics = []; this.stale = false;
    } else {
      const r = parseOutcomes(content);
      this.diagnostics = r.diagnostics;
      if (r.map) {
        this.map = r.map; this.linker = new Linker(r.map); this.stale = false;
        // The worker links the history it holds again, without git; the views get the new list when it is complete.
        if (this.listening) this.worker.setOutcomes(this.root, r.map);
      } else {
        this.stale = !!this.map;
      }
    }
    this.emitter.fire();
  }

  private lastContent?: string;

  /** Starts (or restarts, latest wins) reading files and history from git. Never in Restricted Mode. */
  refreshGit(): Promise<void> {
    if (!this.trusted()) return Promise.resolve();
    return this.gitRefresh.request();
  }

  /** What the worker reads: the repository, its history window, trailer key and outcomes map. */
  private historyRequest() {
    return {
      root: this.root, since: new Date(Date.now() - this.windowDays() * 86400_000).toISOString(), trailer: this.map?.trailer ?? 'Outcome',
      cacheDir: this.cacheDir, outcomes: this.map,
    };
  }

  /**
   * Has the worker get the first read ready from what the last session saved, with no git process, so that a view
   * shows its first rows as soon as it asks. Only for a trusted workspace whose outcomes.yaml has a valid map.
   */
  prepareHistory(): void {
    if (this.trusted() && this.map && this.cacheDir && !this.files && !this.loading) this.worker.prepare(this.historyRequest());
  }

  /** Reads git once if nothing was read yet; views call it when they are first shown. */
  ensureGit(): Promise<void> {
    if (this.files || this.loading || !this.trusted()) return Promise.resolve();
    return this.refreshGit();
  }

  repo(): GitRepo {
    if (!this.trusted()) throw new Error('git is not run in Restricted Mode');
    this.git ??= new GitRepo(this.root);
    return this.git;
  }

  /** When the last read from git started, showed files, showed first commits and ended (performance.now()), and what it read. */
  lastLoad?: { started: number; tips?: number; files?: number; firstCommits?: number; done?: number; fromGit: number; commits: number };
  /** The running read's progress bar. */
  private report?: (fraction: number) => void;

  /**
   * Reads the tracked files and the history window, through the history worker: git, the cache and linking run
   * in its thread, and this one only adds the parts it is sent to the views' lists (the list listener below).
   */
  private async loadGit(signal: AbortSignal): Promise<void> {
    this.loading = true;
    this.emitter.fire();
    const t0 = Date.now();
    const load: NonNullable<RepoIndex['lastLoad']> = this.lastLoad = { started: performance.now(), fromGit: 0, commits: 0 };
    try {
      // A new index for a repository the worker already read (a folder removed and added again) asks for the list.
      const first = !this.listening;
      this.listening ??= this.worker.listen(this.root, this.lists);
      const force = this.forceHistory;
      this.forceHistory = false;
      const request = { ...this.historyRequest(), force: force || first };
      const r = await progress('Reading commits', report => {
        this.report = report;
        return this.worker.load(request, {
          tips: () => { load.tips = performance.now(); },
          files: files => {
            if (signal.aborted) return;
            this.files = files;
            load.files = performance.now();
            this.unlinkedFiles(); // starts finding them now, not when a view next asks
            this.emitter.fire();
          },
        }, signal);
      }).finally(() => { this.report = undefined; });
      if (signal.aborted) return;
      if (!r.unchanged) {
        const list = this.incoming?.gen === r.gen ? this.incoming : undefined;
        if (list) this.incoming = undefined;
        if (!r.linked) this.show(undefined); // outcomes.yaml came (or changed) during the read: a relink follows
        else if (!list) this.show(EMPTY_INDEX);
        else if (r.order) {
          // Cached and new commits arrived in two runs: the index again, in git's order (newest first).
          const index = new IndexBuilder(list.index.store);
          index.add(r.order);
          this.show(index.snapshot());
        } else this.show(list.index.snapshot());
      }
      Object.assign(load, { done: performance.now(), fromGit: r.fromGit, commits: r.commits });
      this.log.info(`${this.name}: ${this.files?.length ?? 0} files, ${r.commits} commits in ${this.windowDays()} days (${r.fromGit} read from git) in ${Date.now() - t0} ms`);
    } finally {
      this.loading = false;
      this.emitter.fire();
    }
  }

  /** The list of links being received: a read's is shown as it grows (every PUBLISH_MS), a relink's once complete. */
  private incoming?: { gen: number; index: IndexBuilder; published: number; unreported: number };

  private readonly lists: ListListener = {
    links: (gen, kind, block, fraction) => {
      let list = this.incoming;
      if (list && gen < list.gen) return; // a stopped relink's last part
      if (!list || list.gen !== gen) list = this.incoming = { gen, index: new IndexBuilder(new CommitStore()), published: -Infinity, unreported: 0 };
      const store = list.index.store;
      const first = store.length;
      store.add(block);
      list.index.add(range(first, store.length));
      if (kind !== 'load') return;
      list.unreported += fraction;
      // Every listener (trees, CodeLens, context keys, the progress bar) redoes its work per change: a few a second.
      // The first rows are shown as they come: git's newest commits arrive a pipe-full at a time, a few commits each,
      // and the first of them may all be linked (in a bench round the first commits were shown at 899 ms, the first
      // unlinked one a throttle period later, at 1,149 ms). Later parts are shown PUBLISH_MS after the last showing
      // at the latest, even if no other part comes (nothing comes while the rest of the window is listed).
      const wait = store.length <= FIRST_ROWS ? 0 : PUBLISH_MS - (performance.now() - list.published);
      if (wait <= 0) this.publish(list);
      else if (this.held?.list !== list) {
        clearTimeout(this.held?.timer);
        this.held = { list, timer: setTimeout(() => { if (this.incoming === list) this.publish(list); }, wait) };
      }
    },
    listEnd: (gen, kind) => {
      const list = this.incoming;
      if (kind !== 'relink' || list?.gen !== gen) return;
      this.incoming = undefined;
      this.show(list.index.snapshot());
    },
  };

  /** A read's list with parts not shown yet, and when they will be. */
  private held?: { list: NonNullable<RepoIndex['incoming']>; timer: NodeJS.Timeout };

  private publish(list: NonNullable<RepoIndex['incoming']>): void {
    clearTimeout(this.held?.timer);
    this.held = undefined;
    const now = list.published = performance.now();
    this.report?.(list.unreported);
    list.unreported = 0;
    this.show(list.index.snapshot());
    if (this.lastLoad) this.lastLoad.firstCommits ??= now;
  }

  private shown?: CommitIndex;

  private show(index: CommitIndex | undefined): void {
    this.shown = index;
    this.emitter.fire();
  }

  /** The commit `sha` of the window, if read. */
  commit(sha: string): LinkedCommit | undefined {
    const c = this.commits;
    const row = c ? c.store.rowOf(sha) : -1;
    return row >= 0 ? c!.store.at(row) : undefined;
  }

  /** The window's commits with all their facts, linked (a report counts changed paths): from the worker's copy. */
  async fullCommits(): Promise<CommitLink[]> {
    const linker = this.linker;
    if (!linker || !this.listening) return [];
    const raw = await this.worker.full(this.root);
    return raw.map(c => linker.commit(c));
  }

  private patternCache?: { map?: OutcomeMap; files?: readonly string[]; diagnostics?: Diagnostic[] };

  /**
   * Patterns that match nothing, are shadowed or do nothing, once per outcomes.yaml and file list. Counting on
   * 50k files takes a second or two, so it runs in steps, after a read from git: undefined until ready, then the
   * index fires.
   */
  patternDiagnostics(): Diagnostic[] | undefined {
    const { map, files } = this;
    if (!map || !files) return [];
    // Not while git is being read: the views' first rows come first (the index fires again when the read ends).
    if (this.loading && this.patternCache?.files !== files) return undefined;
    if (this.patternCache?.map !== map || this.patternCache.files !== files) {
      const entry: NonNullable<RepoIndex['patternCache']> = this.patternCache = { map, files };
      void patternDiagnostics(map, files, breathe).then(d => {
        if (this.patternCache !== entry) return;
        entry.diagnostics = d;
        this.emitter.fire();
      }, e => this.log.error('pattern check failed', e));
    }
    return this.patternCache.diagnostics;
  }

  private unlinkedCache?: { files: readonly string[]; linker: Linker; result?: UnlinkedFiles };

  /**
   * Tracked files that no outcome's areas match and that ignore does not list, with how many are under each
   * folder: once per file list and outcomes.yaml, in steps (classifying 50k files held the host for a few
   * hundred ms in one go). undefined until the first step is done, then the index fires with each update.
   */
  unlinkedFiles(): UnlinkedFiles | undefined {
    const { files, linker } = this;
    if (!files || !linker) return NO_UNLINKED;
    if (this.unlinkedCache?.files !== files || this.unlinkedCache.linker !== linker) {
      const entry: NonNullable<RepoIndex['unlinkedCache']> = this.unlinkedCache = { files, linker };
      void (async () => {
        const unlinked: string[] = [];
        const folders = new FolderCounts();
        // The view shows what is known after the first step, then at most every PUBLISH_MS, as history does.
        let published = -Infinity;
        for (let i = 0; i < files.length; i += UNLINKED_STEP) {
          if (i) await breathe();
          if (this.unlinkedCache !== entry) return; // a newer file list or outcomes.yaml
          for (const f of linker.classifyAll(files, i, Math.min(files.length, i + UNLINKED_STEP))) {
            if (f.status !== 'unlinked') continue;
            unlinked.push(f.path);
            folders.add(f.path);
          }
          const done = i + UNLINKED_STEP >= files.length;
          if (!done && performance.now() - published >= PUBLISH_MS) {
            published = performance.now();
            entry.result = { files: unlinked.slice(), counts: folders.counts(), partial: true };
            this.emitter.fire();
          }
        }
        entry.result = { files: unlinked, counts: folders.counts() };
        this.emitter.fire();
      })().catch(e => this.log.error('unlinked files failed', e));
    }
    return this.unlinkedCache.result;
  }

  /** The window's commits by outcome, and the unlinked and invalid ones: the trees, the CodeLens and the status bar all ask. */
  commitIndex(): CommitIndex {
    return this.shown ?? EMPTY_INDEX;
  }

  /**
   * Whether `rel` is a tracked file, or a folder holding tracked files. git lists files sorted by their bytes, so
   * a binary search answers without building anything: sets of 50k paths and their folders held the host for
   * ~150 ms the moment the file list arrived, when the explorer asks for every visible row's decoration.
   */
  tracked(rel: string): 'file' | 'folder' | undefined {
    const files = this.files ?? [];
    const at = lowerBound(files, rel);
    if (files[at] === rel) return 'file';
    const under = rel + '/';
    const first = files[at] === undefined || files[at].startsWith(under) ? at : lowerBound(files, under);
    return files[first]?.startsWith(under) ? 'folder' : undefined;
  }

  private matchCache?: { files: readonly string[]; byPatterns: Map<string, string[]> };

  /**
   * The tracked files a pattern list matches, computed once per list until the file list changes: the tree's
   * area rows and their children, the CodeLens and the pattern hover all ask for the same answers.
   */
  filesMatching(patterns: readonly string[]): string[] {
    const files = this.files ?? [];
    if (this.matchCache?.files !== files) this.matchCache = { files, byPatterns: new Map() };
    const key = patterns.join('\n'); // a pattern is one line, so this key is unambiguous
    let hit = this.matchCache.byPatterns.get(key);
    if (!hit) {
      hit = filesMatching(compilePatterns(patterns), files);
      this.matchCache.byPatterns.set(key, hit);
    }
    return hit;
  }

  /** Stops a running read (the views' Cancel button). What was read so far stays shown. */
  cancel(): void {
    this.gitRefresh.cancel();
  }

  /** Forgets the history so that the next refresh reads it again (HEAD or refs moved, trailer key changed). */
  invalidateHistory(): void {
    this.forceHistory = true;
  }

  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const rel = path.relative(this.root, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const p = rel.split(path.sep).join('/');
    return p === '.git' || p.startsWith('.git/') ? undefined : p;
  }

  dispose(): void {
    clearTimeout(this.held?.timer);
    this.gitRefresh.dispose();
    this.listening?.dispose();
    this.emitter.dispose();
  }
}

