import { randomBytes } from 'node:crypto';
import { GitRepo } from '../git/repo';
import { GitError } from '../git/runner';
import { Linker, repoMatchOptions } from '../links/link';
import { MatchOptions } from '../patterns/matcher';
import { Diagnostic, OutcomeMap } from '../outcomes/model';
import { FolderSuggestion } from '../links/suggest';
import { ReportJson } from '../report/model';
import { CreatedOutcomes, CreateRefused } from '../usecases/outcomesFile';
import { TagOutcome } from '../usecases/tag';
import { CommitList, CommitRow, FolderRows, GroupBy, HistoryError, LineAnswer, mapKey, Summary } from './protocol';
import { asError, HistoryWindow } from './window';
import { TrackedFiles } from './trackedFiles';
import { Reports, ReportView } from './reports';
import { RepoActions } from './actions';

/**
 * One repository's history, for every view of the extension (DESIGN.md, "One history service"): the worker's facade
 * over parts that each own one concern and when it is read again: the history window (HistoryWindow), the tracked
 * files (TrackedFiles), the reports (Reports, with their line counts and key results) and the commands' actions
 * (RepoActions). It alone reads git for the views. Work that changes the answers runs one at a time, in order; until
 * a new answer is complete, the last complete one is what every question gets.
 */
export class RepoHistory {
  private readonly repo: GitRepo;
  /** Tells this service's answers from those of one before it (a worker that started again). */
  private readonly id = randomBytes(4).toString('hex');
  private linker?: Linker;
  private mapJson = 'null';
  private map?: OutcomeMap;
  /** How the repository's git compares paths (core.ignorecase), read at each refresh: the linker matches the same way. */
  private matchOptions: MatchOptions = {};
  private windowDays: number;
  private readonly window: HistoryWindow;
  private readonly files: TrackedFiles;
  private readonly reports: Reports;
  private readonly actions: RepoActions;
  private error?: HistoryError;
  private reading = false;
  private gen = 0;
  /** Work that changes the answers (refreshes, relinks, reads for other windows) runs one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private queuedRefresh?: Promise<void>;
  private forceNext = false;
  private running?: AbortController;
  /** The newest outcomes.yaml asked for; a relink of an older one that has not started yet is skipped. */
  private wantedMap?: { map: OutcomeMap | undefined };

  constructor(readonly root: string, config: { cacheDir?: string }, map: OutcomeMap | undefined,
    windowDays: number, private readonly changed: () => void = () => undefined) {
    this.repo = new GitRepo(root);
    this.windowDays = windowDays;
    const name = root.split(/[\\/]/).pop() ?? root;
    this.window = new HistoryWindow(this.repo, name, config.cacheDir, () => this.bump());
    this.files = new TrackedFiles(this.repo);
    this.reports = new Reports(this.repo, name, config.cacheDir, this.window);
    this.actions = new RepoActions(this.repo);
    this.setMap(map);
  }

  private setMap(map: OutcomeMap | undefined): boolean {
    const json = JSON.stringify(map ?? null);
    if (json === this.mapJson) return false;
    this.mapJson = json;
    this.map = map;
    this.linker = map ? new Linker(map, this.matchOptions) : undefined;
    return true;
  }

  private bump(): void {
    this.gen++;
    this.changed();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A new outcomes.yaml (relinks what was read, without git) or window (read at the next refresh). */
  configure(c: { map?: OutcomeMap; windowDays?: number }): Promise<void> {
    if (c.windowDays !== undefined && c.windowDays !== this.windowDays) {
      this.windowDays = c.windowDays;
      this.queuedRefresh = undefined; // a refresh queued before this must not stand for one after it
    }
    if (!('map' in c)) return Promise.resolve();
    const wanted = this.wantedMap = { map: c.map };
    return this.configured = this.enqueue(async () => {
      if (this.wantedMap !== wanted) return; // a newer outcomes.yaml is queued: relink once, with that one
      if (this.setMap(wanted.map)) await this.relink();
    });
  }

  /** The last outcomes.yaml given, linked: what an answer about the patterns must wait for. */
  private configured?: Promise<void>;

  /** Reads what changed in git since the last refresh; one runs at a time and at most one waits (latest wins). */
  refresh(force = false): Promise<void> {
    this.forceNext ||= force;
    if (this.queuedRefresh) return this.queuedRefresh;
    const p = this.queuedRefresh = this.enqueue(async () => {
      if (this.queuedRefresh !== p) return; // cancelled, or stood in for by a later one
      this.queuedRefresh = undefined;
      const f = this.forceNext;
      this.forceNext = false;
      await this.doRefresh(f);
    });
    return p;
  }

  /** Stops the running read and the one queued (the views' Cancel): what was read so far stays, marked incomplete. */
  cancel(): void {
    this.queuedRefresh = undefined;
    this.running?.abort();
  }

  private async doRefresh(force: boolean): Promise<void> {
    const ac = this.running = new AbortController();
    this.reading = true;
    this.bump();
    try {
      const [tips, options] = await Promise.all([this.repo.tips(ac.signal), repoMatchOptions(this.repo, ac.signal)]);
      if (!!options.ignoreCase !== !!this.matchOptions.ignoreCase) {
        // core.ignorecase changed (or was read for the first time): what was linked is linked again, the new way.
        this.matchOptions = options;
        this.linker = this.map ? new Linker(this.map, options) : undefined;
        await this.relink();
      }
      const linker = this.linker;
      const files = this.files.refresh(linker, () => this.linker, ac.signal);
      // Both parts end before the refresh does, whichever fails: a late file list must not land after a relink.
      const [history, listing] = await Promise.allSettled([linker ? this.window.refresh(tips, linker, this.windowDays, ac.signal, force) : undefined, files]);
      if (history.status === 'rejected') throw history.reason;
      if (listing.status === 'rejected') throw listing.reason;
      this.error = undefined;
    } catch (e) {
      ac.abort();
      const err = asError(e);
      if (err.kind !== 'cancelled') this.error = { kind: err.kind, message: err.message };
    } finally {
      this.reading = false;
      this.running = undefined;
      this.bump();
    }
  }

  /** The same commits and files, linked with a new outcomes.yaml: no git. */
  private async relink(): Promise<void> {
    const linker = this.linker;
    if (linker) {
      await this.window.relink(linker);
      await this.files.relink(linker);
    }
    this.bump();
  }

  /** Throws the last refresh's failure: an answer about git must not be made from a history git could not give. */
  private checkError(): void {
    if (this.error) throw new GitError(this.error.message, this.error.kind);
  }

  // --- the questions the views ask ---

  summary(): Summary {
    return {
      service: this.id, gen: this.gen, map: mapKey(this.linker?.map), reading: this.reading, readSoFar: this.window.readSoFar, error: this.error,
      history: this.window.summary(), files: this.files.summary(),
    };
  }

  /**
   * Rows `offset` .. `offset + limit` of a list, newest first, and how long the list is; an unlinked row carries
   * the outcome its files suggest.
   */
  commits(which: CommitList, offset: number, limit: number): { total: number; rows: CommitRow[] } {
    const list = this.window.list(which);
    const rows = list.slice(offset, offset + limit);
    const linker = this.files.linker;
    const outermost = this.files.outermost();
    const suggested = linker && outermost ? this.window.commitSuggestions(rows.filter(l => l.status === 'unlinked'), linker, outermost) : new Map();
    const trailer = this.linker?.map.trailer;
    return { total: list.length, rows: rows.map(l => ({ ...this.window.row(l, trailer), ...(suggested.has(l.commit.sha) ? { suggestion: suggested.get(l.commit.sha) } : {}) })) };
  }

  /** For each folder, the outcome whose areas its unlinked files changed with most often in the window (no git). */
  folderSuggestions(folders: string[], minSupport = 2): FolderSuggestion[] {
    const linker = this.files.linker;
    return linker ? this.window.folderSuggestions(linker, folders, minSupport) : [];
  }

  /** Unlinked commits by author (most first) or by week (newest first). */
  groups(by: GroupBy): { key: string; count: number }[] {
    return this.window.groups(by);
  }

  /**
   * One commit with its message: from the window, or read from git (an older commit the current line names; `today`:
   * where some of its files live today, when the caller knows, as blame does for the line's file).
   */
  async commit(sha: string, today?: ReadonlyMap<string, string>): Promise<CommitRow | undefined> {
    const trailer = this.linker?.map.trailer;
    const hit = this.window.find(sha);
    if (hit) return this.window.row(hit, trailer, true);
    const linker = this.linker;
    if (!linker) return undefined;
    const [raw] = await this.repo.readCommits([sha]);
    return raw && this.window.row(linker.commit(raw, this.window.notes.get(sha), today), trailer, true);
  }

  /** A commit's changed files (against its first parent) and its parents, for Open Changes. */
  async commitFiles(sha: string): Promise<{ files: string[]; parents: string[] } | undefined> {
    const hit = this.window.find(sha)?.commit ?? (await this.repo.readCommits([sha]))[0];
    return hit && { files: hit.files, parents: hit.parents };
  }

  /** The commit that last changed a line of a file, as the current-line annotation shows it. */
  async lineCommit(rel: string, line: number, contents?: string): Promise<LineAnswer> {
    const at = await this.repo.blameLineAt(rel, line, contents);
    if (!at) return { kind: 'untracked' };
    const sha = at.sha;
    if (/^0+$/.test(sha)) return { kind: 'uncommitted' };
    // Outside the window, the line's own file is followed as blame followed it (README, "Renames and moves").
    const row = await this.commit(sha, at.path !== rel ? new Map([[at.path, rel]]) : undefined);
    return row ? { kind: 'commit', row } : { kind: 'untracked' };
  }

  /** The Unlinked Work view's rows under a folder ('' for the root). */
  unlinkedFolder(folder: string): FolderRows {
    return this.files.unlinkedFolder(folder);
  }

  /** Whether a path is a tracked file or a folder holding tracked files; undefined before the files are listed. */
  tracked(rel: string): 'file' | 'folder' | 'untracked' | undefined {
    return this.files.tracked(rel);
  }

  /** The tracked files a pattern list matches (or, with `area`, that one area adds to its outcome): see TrackedFiles. */
  filesMatching(patterns: string[], limit: number, area?: { outcome: string; index: number }): { count: number; files: string[] } {
    return this.files.filesMatching(patterns, limit, area);
  }

  /** Patterns that match no tracked file, are shadowed or have no effect: undefined until the files are listed. */
  async patternDiagnostics(): Promise<Diagnostic[] | undefined> {
    // About the outcomes.yaml given last: asked while its relink is queued or running, the files are still classified
    // by the one before, and a warning about a pattern just added would be missing until the next change.
    await this.configured?.catch(() => undefined);
    return this.files.patternDiagnostics();
  }

  /** The report the dashboard draws and Export Report writes (the CLI's `report`, from the same function). */
  report(view: ReportView): Promise<ReportJson | undefined> {
    return this.enqueue(async () => {
      const linker = this.linker;
      if (!linker) return undefined;
      this.checkError();
      return this.reports.report(linker, view);
    });
  }

  /**
   * Links commits to outcomes through their notes (see tagOutcomes), then reads the notes again, so that every view
   * shows the commit where it now belongs before this answers. `reread: false`: a caller tagging a long list in parts
   * reads the notes again after the last part only.
   */
  async tag(shas: string[], ids: string[], remove = false, reread = true): Promise<TagOutcome[]> {
    const linker = this.linker;
    if (!linker) throw new GitError('outcomes.yaml has errors: fix them first', 'other');
    const results = await this.actions.tag(linker.map, shas, ids, remove);
    if (!reread) return results;
    await this.refresh();
    this.checkError();
    return results;
  }

  /** Marks commits "needs no outcome" (Ignore on a commit row), or takes the mark out; then reads the notes again, as tag does. */
  async settle(shas: string[], none = true, reread = true): Promise<TagOutcome[]> {
    const linker = this.linker;
    if (!linker) throw new GitError('outcomes.yaml has errors: fix them first', 'other');
    const results = await this.actions.settle(linker.map, shas, none);
    if (!reread) return results;
    await this.refresh();
    this.checkError();
    return results;
  }

  remotes(): Promise<{ name: string; url: string; fetchesNotes: boolean }[]> {
    return this.actions.remotes();
  }

  addNotesFetch(remote: string): Promise<void> {
    return this.actions.addNotesFetch(remote);
  }

  pushNotes(remote: string): Promise<string> {
    return this.actions.pushNotes(remote);
  }

  createOutcomes(from: 'folders' | 'codeowners'): Promise<CreatedOutcomes | CreateRefused> {
    return this.actions.createOutcomes(from);
  }

  show(sha: string): Promise<string> {
    return this.actions.show(sha);
  }

  diffOutcomes(spec?: string, text?: string): ReturnType<RepoActions['diffOutcomes']> {
    return this.actions.diffOutcomes(spec, text);
  }

  branches(): Promise<string[]> {
    return this.actions.branches();
  }
}
