import { randomBytes } from 'node:crypto';
import { GitRepo, LineStat, RawCommit } from '../git/repo';
import { GitError, logLine } from '../git/runner';
import { readHistory } from '../git/history';
import { CommitLink, Linker } from '../links/link';
import { allocate, Allocation, BucketChoice, bucketStart, planVsActual } from '../links/allocation';
import { keyResultHistory, KeyResultHistory, OutcomesVersion, readOutcomesVersions } from '../outcomes/keyResultHistory';
import { FolderCounts, folderChildren } from '../links/folderCounts';
import { Diagnostic, OutcomeMap } from '../outcomes/model';
import { patternDiagnostics } from '../outcomes/patternCheck';
import { compilePatterns, filesMatching, matchMask } from '../patterns/matcher';
import { lowerBound } from '../util/sortedPaths';
import { breathe } from '../util/breathe';
import { noteIds, tagCommits, TagResult } from '../git/outcomeNotes';
import { FolderSuggestion, SuggestionCounts, unlinkedFolders } from '../links/suggest';
import { initOutcomes, InitResult } from '../outcomes/init';
import { CommitList, CommitRow, FolderRows, GroupBy, HistoryError, LineAnswer, mapKey, PlanSummary, Summary } from './protocol';

/** While the first read of a window arrives, the views are told of it at most this often. */
const PUBLISH_MS = 250;
const DAY = 86400_000;

/** Whether a commit has a link by a trailer, or by a note (the counts the getting-started walkthrough follows). */
const linkedVia = (l: CommitLink, via: 'trailer' | 'note') => l.links.some(x => x.via === via);

/** The window's commits, linked, and the lists the views show; never changed once complete (a new one replaces it). */
class Snapshot {
  all: CommitLink[] = [];
  unlinked: CommitLink[] = [];
  invalid: CommitLink[] = [];
  byOutcome = new Map<string, CommitLink[]>();
  /** Commits linked by a trailer, and by a note (the getting-started walkthrough's "tag a commit", "link a past commit"). */
  viaTrailer = 0;
  viaNote = 0;
  /** The oldest committer time in `all` (ms): while the window's start is not past it, no commit leaves the window. */
  private oldest = Infinity;
  /** The commits in it, made when a read first adds to it (a snapshot advanced from another has none). */
  private shas?: Set<string>;
  complete = false;
  private static made = 0;
  /** Which answer this is: a dashboard draws again only when it changes. */
  readonly seq = ++Snapshot.made;
  /** Planned vs actual of the window (commits), worked out once, when first asked. */
  plan?: PlanSummary;
  /** The folder suggestions' counts over `all`, made when first asked and kept up as commits are added. */
  private counts?: SuggestionCounts;

  constructor(readonly since: string, readonly windowDays: number, readonly head: string | undefined, readonly notesTip: string | undefined,
    readonly linker: Linker) {}

  /** Adds commits not in it yet (each commit once, whatever two reads overlapping would hand over). */
  add(links: readonly CommitLink[]): void {
    const shas = this.shas ??= new Set(this.all.map(l => l.commit.sha));
    const added: CommitLink[] = [];
    for (const l of links) {
      if (shas.has(l.commit.sha)) continue;
      shas.add(l.commit.sha);
      added.push(l);
    }
    this.put(added, false);
  }

  /** Adds commits known to be new to it (first in each list, when `first`). */
  private put(links: readonly CommitLink[], first: boolean): void {
    const join = (to: CommitLink[], more: CommitLink[]) => {
      if (first) return more.concat(to);
      for (const l of more) to.push(l);
      return to;
    };
    this.all = join(this.all, links as CommitLink[]);
    this.unlinked = join(this.unlinked, links.filter(l => l.status === 'unlinked'));
    this.invalid = join(this.invalid, links.filter(l => l.invalid.length));
    const byOutcome = new Map<string, CommitLink[]>();
    for (const l of links) {
      if (linkedVia(l, 'trailer')) this.viaTrailer++;
      if (linkedVia(l, 'note')) this.viaNote++;
      for (const id of l.outcomes) {
        let list = byOutcome.get(id);
        if (!list) byOutcome.set(id, list = []);
        list.push(l);
      }
      this.oldest = Math.min(this.oldest, Date.parse(l.commit.committed));
    }
    for (const [id, list] of byOutcome) this.byOutcome.set(id, join(this.byOutcome.get(id) ?? [], list));
    this.counts?.add(links);
  }

  /**
   * The next window: `fresh` commits on top of this one's (newer, and not in it: read from git as `head..newHead`),
   * less those that left the window, with the same links unless `relink` (other notes) gives new ones. The lists
   * are only joined: a new commit costs its own work, not the window's.
   * This snapshot's suggestion counts move to the next, which replaces it.
   */
  advance(since: string, sinceMs: number, head: string, notesTip: string | undefined, fresh: CommitLink[], relink?: (l: CommitLink) => CommitLink): Snapshot {
    const next = new Snapshot(since, this.windowDays, head, notesTip, this.linker);
    const leaving = this.oldest < windowStart(sinceMs);
    const keep = (list: CommitLink[]) => (leaving ? list.filter(l => inWindow(l.commit, sinceMs)) : list.slice());
    const dropped = leaving ? this.all.filter(l => !inWindow(l.commit, sinceMs)) : [];
    if (relink) next.put(keep(this.all).map(relink), false);
    else {
      next.all = keep(this.all);
      next.unlinked = keep(this.unlinked);
      next.invalid = keep(this.invalid);
      for (const [id, list] of this.byOutcome) { const k = keep(list); if (k.length) next.byOutcome.set(id, k); }
      next.viaTrailer = this.viaTrailer - dropped.filter(l => linkedVia(l, 'trailer')).length;
      next.viaNote = this.viaNote - dropped.filter(l => linkedVia(l, 'note')).length;
      next.oldest = this.oldest;
      if (leaving) { next.oldest = Infinity; for (const l of next.all) next.oldest = Math.min(next.oldest, Date.parse(l.commit.committed)); }
    }
    // (the counts go by the files a commit changed, which other notes do not change)
    if (this.counts) {
      next.counts = this.counts;
      this.counts = undefined;
      next.counts.add(dropped, -1);
    }
    next.put(fresh, true);
    next.complete = true;
    return next;
  }

  suggestionCounts(): SuggestionCounts {
    if (!this.counts) {
      this.counts = new SuggestionCounts(this.linker);
      this.counts.add(this.all);
    }
    return this.counts;
  }
}

/** Tracked files classified by one outcomes.yaml. */
interface Files {
  list: string[];
  linker: Linker;
  unlinked: string[];
  counts: Map<string, number>;
  byOutcome: Record<string, number>;
  byArea: Record<string, number[]>;
  diagnostics?: Promise<Diagnostic[]>;
  /** The outermost folders that hold only unlinked work (see unlinkedFolders), when first asked. */
  outermost?: string[];
}

function toRow(l: CommitLink, withMessage = false, noteIdsOf: string[] = []): CommitRow {
  const c = l.commit;
  return {
    sha: c.sha, parents: c.parents, author: c.author, email: c.email, date: c.date, subject: c.subject,
    links: l.links, invalid: l.invalid, status: l.status, outcomes: l.outcomes, noteIds: noteIdsOf, ...(withMessage ? { message: c.message } : {}),
  };
}

const groupKey = (l: CommitLink, by: GroupBy) => (by === 'week' ? bucketStart(l.commit.date, 'week') : l.commit.author);
/** The window's first instant as git's `--since` reads it: in whole seconds. */
const windowStart = (sinceMs: number) => Math.floor(sinceMs / 1000) * 1000;
/** Whether git's `--since` selects a commit: by its committer time (time zones compared as instants). */
const inWindow = (c: RawCommit, sinceMs: number) => Date.parse(c.committed) >= windowStart(sinceMs);
const asError = (e: unknown): GitError => (e instanceof GitError ? e : new GitError(String((e as Error)?.message ?? e), 'other'));

/**
 * One repository's history, for every view of the extension (DESIGN.md, "One history service"): the tracked files
 * and the commits of the history window, linked with outcomes.yaml, and the answers the views ask for (counts, the
 * first rows of a list, one commit, an allocation). It alone reads git for them. A new commit on top of the
 * last read is read on its own and added; everything else a refresh finds changed is read again (through the cache).
 * Until a new answer is complete, the last complete one is what every question gets.
 */
export class RepoHistory {
  private readonly repo: GitRepo;
  /** Tells this service's answers from those of one before it (a worker that started again). */
  private readonly id = randomBytes(4).toString('hex');
  private linker?: Linker;
  private mapJson = 'null';
  private windowDays: number;
  private snap?: Snapshot;
  private files?: Files;
  /** The notes of the last notes tip read (`notesTip`). */
  private notes = new Map<string, string>();
  private notesTip?: string;
  private error?: HistoryError;
  private readSoFar = 0;
  private reading = false;
  private gen = 0;
  private readonly lines = new Map<string, LineStat>();
  private readonly linesUnknown = new Set<string>();
  /** Work that changes the answers (refreshes, relinks, reads for other windows) runs one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private queuedRefresh?: Promise<void>;
  private forceNext = false;
  private running?: AbortController;
  /** The newest outcomes.yaml asked for; a relink of an older one that has not started yet is skipped. */
  private wantedMap?: { map: OutcomeMap | undefined };
  /** outcomes.yaml's versions in the history of `head`, newest first: read once, then only what a new HEAD adds. */
  private versions?: { head: string; list: OutcomesVersion[] };

  constructor(readonly root: string, private readonly config: { cacheDir?: string }, map: OutcomeMap | undefined,
    windowDays: number, private readonly changed: () => void = () => undefined) {
    this.repo = new GitRepo(root);
    this.windowDays = windowDays;
    this.setMap(map);
  }

  private setMap(map: OutcomeMap | undefined): boolean {
    const json = JSON.stringify(map ?? null);
    if (json === this.mapJson) return false;
    this.mapJson = json;
    this.linker = map ? new Linker(map) : undefined;
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
    return this.enqueue(async () => {
      if (this.wantedMap !== wanted) return; // a newer outcomes.yaml is queued: relink once, with that one
      if (this.setMap(wanted.map)) await this.relink();
    });
  }

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
    this.readSoFar = 0;
    this.bump();
    try {
      const tips = await this.repo.tips(ac.signal);
      const files = this.refreshFiles(ac.signal);
      // Both parts end before the refresh does, whichever fails: a late file list must not land after a relink.
      const [history, listing] = await Promise.allSettled([this.refreshHistory(tips, ac.signal, force), files]);
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

  private async refreshFiles(signal: AbortSignal): Promise<void> {
    const linker = this.linker;
    const list = await this.repo.trackedFiles(signal);
    const old = this.files;
    if (!linker) return;
    const files = await classifyFiles(list, linker, old?.linker === linker ? old : undefined);
    if (files === old) return;
    if (this.linker === linker && !signal.aborted) this.files = files;
  }

  private async refreshHistory(tips: { head?: string; notes?: string }, signal: AbortSignal, force: boolean): Promise<void> {
    const linker = this.linker;
    if (!linker) return;
    const t0 = performance.now();
    const days = this.windowDays;
    const sinceMs = Date.now() - days * DAY;
    const since = new Date(sinceMs).toISOString();
    const cur = this.snap;
    if (tips.notes !== this.notesTip) {
      this.notes = tips.notes ? await this.repo.notes(signal) : new Map();
      this.notesTip = tips.notes;
    }
    const notes = this.notes;
    const link = (c: RawCommit) => linker.commit(c, notes.get(c.sha));
    if (!tips.head) {
      const empty = new Snapshot(since, days, undefined, tips.notes, linker);
      empty.complete = true;
      this.snap = empty;
      return;
    }
    // An increment: the same window and outcomes.yaml, and HEAD moved forward (or only the notes or the day did).
    if (!force && cur?.complete && cur.head && cur.windowDays === days && cur.linker === linker && since >= cur.since) {
      const notesMoved = tips.notes !== cur.notesTip;
      if (cur.head === tips.head && !notesMoved && cur.since.slice(0, 10) === since.slice(0, 10)) return;
      if (cur.head === tips.head || await this.repo.isAncestor(cur.head, tips.head, signal)) {
        const fresh: CommitLink[] = [];
        if (cur.head !== tips.head) await this.repo.log({ since, range: `${cur.head}..${tips.head}` }, part => { for (const c of part) fresh.push(link(c)); }, signal);
        // Other notes: every commit of the window is linked again.
        const next = cur.advance(since, sinceMs, tips.head, tips.notes, fresh, notesMoved ? l => link(l.commit) : undefined);
        this.snap = next;
        logLine(`${this.name}: ${fresh.length} new commit(s) read from git, ${next.all.length} in ${days} days, ${notesMoved ? 'notes re-read, ' : ''}${Math.round(performance.now() - t0)} ms`);
        return;
      }
    }
    // A new window: read through the cache. With no complete answer yet, the read is shown as it arrives (once it has
    // as much as an earlier, stopped one showed); otherwise the last complete answer stays until this one is done.
    const next = new Snapshot(since, days, tips.head, tips.notes, linker);
    const live = !cur?.complete;
    const shownBefore = live ? cur?.all.length ?? 0 : Infinity;
    let published = -Infinity;
    const r = await readHistory(this.repo, { since }, {
      cacheDir: this.config.cacheDir, signal, newestFirst: true, keep: false, pause: breathe, tips, log: logLine,
      onCommits: part => {
        next.add(part.map(link));
        this.readSoFar += part.length;
        if (live && next.all.length >= shownBefore && performance.now() - published >= PUBLISH_MS) {
          this.snap = next;
          published = performance.now();
          this.bump();
        }
      },
    });
    next.complete = true;
    this.snap = next;
    logLine(`${this.name}: ${r.count} commits in ${days} days (${r.fromGit} read from git) in ${Math.round(performance.now() - t0)} ms`);
  }

  /** The same commits and files, linked with a new outcomes.yaml: no git. */
  private async relink(): Promise<void> {
    const linker = this.linker;
    const cur = this.snap;
    if (linker && cur) {
      const next = new Snapshot(cur.since, cur.windowDays, cur.head, cur.notesTip, linker);
      for (let i = 0; i < cur.all.length; i += 5000) {
        next.add(cur.all.slice(i, i + 5000).map(l => linker.commit(l.commit, this.notes.get(l.commit.sha))));
        await breathe();
      }
      next.complete = cur.complete;
      this.snap = next;
    }
    if (linker && this.files) this.files = await classifyFiles(this.files.list, linker);
    this.bump();
  }

  private get name(): string {
    return this.root.split(/[\\/]/).pop() ?? this.root;
  }

  // --- the questions the views ask ---

  summary(): Summary {
    const s = this.snap;
    const f = this.files;
    return {
      service: this.id, gen: this.gen, map: mapKey(this.linker?.map), reading: this.reading, readSoFar: this.readSoFar, error: this.error,
      history: s && {
        snapshot: s.seq, complete: s.complete, since: s.since, windowDays: s.windowDays, commits: s.all.length, unlinked: s.unlinked.length, invalid: s.invalid.length,
        viaTrailer: s.viaTrailer, viaNote: s.viaNote,
        byOutcome: Object.fromEntries([...s.byOutcome].map(([id, l]) => [id, l.length])),
        ...planOf(s),
      },
      files: f && { tracked: f.list.length, unlinked: f.unlinked.length, byOutcome: f.byOutcome, byArea: f.byArea },
    };
  }

  private list(which: CommitList): CommitLink[] {
    const s = this.snap;
    if (!s) return [];
    switch (which.kind) {
      case 'unlinked': return s.unlinked;
      case 'invalid': return s.invalid;
      case 'outcome': return s.byOutcome.get(which.id) ?? [];
      case 'group': return s.unlinked.filter(l => groupKey(l, which.by) === which.key);
    }
  }

  /** The ids a commit's note names under the trailer key (valid or not). */
  private noteIdsOf(sha: string): string[] {
    return this.linker ? noteIds(this.notes.get(sha), this.linker.map.trailer) : [];
  }

  private row(l: CommitLink, withMessage = false): CommitRow {
    return toRow(l, withMessage, this.noteIdsOf(l.commit.sha));
  }

  /**
   * Rows `offset` .. `offset + limit` of a list, newest first, and how long the list is; an unlinked row carries
   * the outcome its files suggest (see commitSuggestions).
   */
  commits(which: CommitList, offset: number, limit: number): { total: number; rows: CommitRow[] } {
    const list = this.list(which);
    const rows = list.slice(offset, offset + limit);
    const suggested = this.commitSuggestions(rows.filter(l => l.status === 'unlinked'));
    return { total: list.length, rows: rows.map(l => ({ ...this.row(l), ...(suggested.has(l.commit.sha) ? { suggestion: suggested.get(l.commit.sha) } : {}) })) };
  }

  /**
   * For each folder (with or without its trailing `/`), the outcome whose areas its unlinked files changed with most
   * often in the window, from the commits already read (no git).
   */
  folderSuggestions(folders: string[], minSupport = 2): FolderSuggestion[] {
    const snap = this.snap;
    const files = this.files;
    if (!snap || !files || snap.linker !== files.linker) return [];
    return snap.suggestionCounts().suggest(folders, minSupport);
  }

  /**
   * An unlinked commit's suggestion, from its files: the suggestions of the outermost unlinked folders they are in,
   * weighed by how many commits back each (the outcome with the most support wins).
   */
  private commitSuggestions(links: CommitLink[]): Map<string, { outcome: string; evidence: string }> {
    const out = new Map<string, { outcome: string; evidence: string }>();
    const files = this.files;
    if (!links.length || !files) return out;
    const outermost = files.outermost ??= unlinkedFolders(files.linker.classifyAll(files.list));
    const folderOf = (p: string) => outermost.find(f => p.startsWith(f));
    const per = links.map(l => [...new Set(l.commit.files.map(folderOf).filter((f): f is string => !!f))]);
    const all = this.folderSuggestions([...new Set(per.flat())]);
    const byFolder = new Map(all.map(sg => [sg.folder, sg]));
    links.forEach((l, i) => {
      const votes = new Map<string, number>();
      for (const f of per[i]) { const sg = byFolder.get(f); if (sg?.outcome) votes.set(sg.outcome, (votes.get(sg.outcome) ?? 0) + sg.together); }
      const best = [...votes].sort((a, b) => b[1] - a[1])[0];
      if (best) {
        const why = per[i].map(f => byFolder.get(f)).filter(sg => sg?.outcome === best[0]).map(sg => `${sg!.folder} ${sg!.evidence}`).join('; ');
        out.set(l.commit.sha, { outcome: best[0], evidence: why });
      }
    });
    return out;
  }

  /**
   * Links commits of the window (or any commit) to outcomes through their notes (see tagCommits), then reads the
   * notes again, so that every view shows the commit where it now belongs before this answers. Adding an id
   * outcomes.yaml does not define is refused; removing any id is allowed (that fixes an invalid link).
   */
  async tag(shas: string[], ids: string[], remove = false, reread = true): Promise<TagResult[]> {
    const linker = this.linker;
    if (!linker) throw new GitError('outcomes.yaml has errors: fix them first', 'other');
    const known = new Set(linker.map.outcomes.map(o => o.id));
    const unknown = remove ? [] : ids.filter(id => !known.has(id));
    if (unknown.length) throw new GitError(`outcomes.yaml defines no outcome ${unknown.map(id => JSON.stringify(id)).join(', ')}`, 'other');
    const results = await tagCommits(this.repo, shas, linker.map.trailer, remove ? { remove: ids } : { add: ids });
    // (a caller tagging a long list in parts reads the notes again after the last part only)
    if (!reread) return results;
    await this.refresh();
    if (this.error) throw new GitError(this.error.message, this.error.kind);
    return results;
  }

  /** A commit's changed files (against its first parent) and its parents, for Open Changes. */
  async commitFiles(sha: string): Promise<{ files: string[]; parents: string[] } | undefined> {
    const hit = this.snap?.all.find(l => l.commit.sha === sha)?.commit ?? (await this.repo.readCommits([sha]))[0];
    return hit && { files: hit.files, parents: hit.parents };
  }

  /** The remotes, with whether each already fetches the outcome notes. */
  remotes(): Promise<{ name: string; url: string; fetchesNotes: boolean }[]> {
    return this.repo.remotes();
  }

  /** Adds `+refs/notes/outcomes:refs/notes/outcomes` to a remote's fetch refspecs. */
  addNotesFetch(remote: string): Promise<void> {
    return this.repo.addNotesFetch(remote);
  }

  /** Pushes refs/notes/outcomes to a remote; git's own summary of what it did. */
  pushNotes(remote: string): Promise<string> {
    return this.repo.pushNotes(remote);
  }

  /** A first outcomes.yaml from the tracked files' folders or from CODEOWNERS (the host writes it). */
  initOutcomes(from: 'folders' | 'codeowners'): Promise<InitResult> {
    return initOutcomes(this.repo, from);
  }

  /** Unlinked commits by author (most first) or by week (newest first). */
  groups(by: GroupBy): { key: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const l of this.snap?.unlinked ?? []) { const k = groupKey(l, by); counts.set(k, (counts.get(k) ?? 0) + 1); }
    const out = [...counts].map(([key, count]) => ({ key, count }));
    return out.sort(by === 'week' ? (a, b) => (a.key < b.key ? 1 : -1) : (a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  }

  /** One commit with its message: from the window, or read from git (an older commit the current line names). */
  async commit(sha: string): Promise<CommitRow | undefined> {
    const hit = this.snap?.all.find(l => l.commit.sha === sha);
    if (hit) return this.row(hit, true);
    const linker = this.linker;
    if (!linker) return undefined;
    const [raw] = await this.repo.readCommits([sha]);
    return raw && this.row(linker.commit(raw, this.notes.get(sha)), true);
  }

  /** The commit that last changed a line of a file, as the current-line annotation shows it. */
  async lineCommit(rel: string, line: number, contents?: string): Promise<LineAnswer> {
    const sha = await this.repo.blameLine(rel, line, contents);
    if (!sha) return { kind: 'untracked' };
    if (/^0+$/.test(sha)) return { kind: 'uncommitted' };
    const row = await this.commit(sha);
    return row ? { kind: 'commit', row } : { kind: 'untracked' };
  }

  /** The Unlinked Work view's rows under a folder ('' for the root). */
  unlinkedFolder(folder: string): FolderRows {
    const f = this.files;
    if (!f) return { folders: [], files: [] };
    const rows = folderChildren(f.unlinked, f.counts, folder);
    return { folders: rows.folders.map(p => ({ path: p, count: f.counts.get(p) ?? 0 })), files: rows.files };
  }

  /** Whether a path is a tracked file or a folder holding tracked files; undefined before the files are listed. */
  tracked(rel: string): 'file' | 'folder' | 'untracked' | undefined {
    const files = this.files?.list;
    if (!files) return undefined;
    const at = lowerBound(files, rel);
    if (files[at] === rel) return 'file';
    const under = rel + '/';
    const first = lowerBound(files, under);
    return files[first]?.startsWith(under) ? 'folder' : 'untracked';
  }

  /** The tracked files a pattern list matches: how many, and the first `limit`. */
  filesMatching(patterns: string[], limit: number): { count: number; files: string[] } {
    const all = filesMatching(compilePatterns(patterns), this.files?.list ?? []);
    return { count: all.length, files: all.slice(0, limit) };
  }

  /** Patterns that match no tracked file, are shadowed or have no effect: undefined until the files are listed. */
  async patternDiagnostics(): Promise<Diagnostic[] | undefined> {
    const f = this.files;
    if (!f) return undefined;
    f.diagnostics ??= patternDiagnostics(f.linker.map, f.list, breathe);
    return f.diagnostics;
  }

  /**
   * Effort per outcome over a window of `days` (DESIGN.md: merges left out, a commit linked to k outcomes counts
   * 1/k to each), after what git has now is read. `lines`: changed lines too, read from git for the commits whose
   * counts are not known yet; a commit whose objects git cannot read has unknown line counts, named in the answer.
   */
  allocation(o: { days: number; bucket: BucketChoice; lines: boolean }): Promise<Allocation | undefined> {
    // After a running refresh: an answer about what git has now, not about the read before it.
    return this.enqueue(async () => {
      const linker = this.linker;
      if (!linker) return undefined;
      if (this.error) throw new GitError(this.error.message, this.error.kind);
      const sinceMs = Date.now() - o.days * DAY;
      const since = new Date(sinceMs).toISOString();
      const s = this.snap;
      let links: CommitLink[];
      if (s?.complete && s.linker === linker && o.days <= s.windowDays) links = s.all.filter(l => inWindow(l.commit, sinceMs));
      else {
        // A window longer than the views' one: read through the same cache, not kept.
        links = [];
        await readHistory(this.repo, { since }, { cacheDir: this.config.cacheDir, keep: false, pause: breathe, log: logLine, onCommits: p => { for (const c of p) links.push(linker.commit(c, this.notes.get(c.sha))); } });
      }
      if (o.lines) {
        const need = links.filter(l => l.commit.parents.length <= 1 && !this.lines.has(l.commit.sha) && !this.linesUnknown.has(l.commit.sha)).map(l => l.commit.sha);
        if (need.length) {
          const { stats, unknown } = await this.repo.numstat(need);
          for (const [k, v] of stats) this.lines.set(k, v);
          for (const sha of unknown) this.linesUnknown.add(sha);
          if (unknown.length) logLine(`${this.name}: line counts unknown for ${unknown.length} commit(s) whose objects git cannot read`);
        }
      }
      return allocate(links, linker.map.outcomes.map(x => x.id), o.bucket, { since, now: new Date().toISOString() }, o.lines ? {
        stats: this.lines, unknown: this.linesUnknown, boundary: await this.repo.shallowBoundary(), ignored: p => linker.file(p).status === 'ignored',
      } : undefined);
    });
  }

  /**
   * Each key result's `current` at every commit that changed outcomes.yaml, in the history of the HEAD the last
   * refresh read. Read from git once; a HEAD that moved forward costs only the versions it added.
   */
  keyResultHistory(): Promise<KeyResultHistory> {
    return this.enqueue(async () => {
      if (this.error) throw new GitError(this.error.message, this.error.kind);
      const head = this.snap?.head ?? (await this.repo.tips()).head;
      if (!head) return keyResultHistory([]);
      const had = this.versions;
      if (had?.head !== head) {
        const forward = had && await this.repo.isAncestor(had.head, head);
        const fresh = await readOutcomesVersions(this.repo, { head, from: forward ? had.head : undefined });
        this.versions = { head, list: forward ? [...fresh, ...had.list] : fresh };
        logLine(`${this.name}: ${fresh.length} version(s) of outcomes.yaml read from git${forward ? ' (new since the last read)' : ''}`);
      }
      return keyResultHistory(this.versions!.list);
    });
  }

  /** `git show` of one commit. */
  show(sha: string): Promise<string> {
    return this.repo.show(sha);
  }
}

/**
 * The window's planned vs actual (commits) of the outcomes with a budget, for the Outcomes view's drift: `{ plan }`
 * once the window is read completely and some outcome has a budget, else nothing (no drift from half a window).
 */
function planOf(s: Snapshot): { plan?: PlanSummary } {
  const outcomes = s.linker.map.outcomes;
  if (!s.complete || !outcomes.some(o => o.budget !== undefined)) return {};
  if (!s.plan) {
    const a = allocate(s.all, outcomes.map(o => o.id), 'month');
    s.plan = Object.fromEntries(planVsActual(a, outcomes, 'commits').filter(p => p.budget !== null).map(p => [p.id, { budget: p.budget!, actual: p.actual }]));
  }
  return { plan: s.plan };
}

/**
 * Classifies the tracked files in steps (the worker answers questions in between), and counts them per outcome and
 * area. Given the files classified before with the same outcomes.yaml, the areas' counts change by the files added
 * and removed since (matching every area's pattern against every file again is most of the work); the same list
 * gives `old` back.
 */
async function classifyFiles(list: string[], linker: Linker, old?: Files): Promise<Files> {
  const change = old && listChange(old.list, list);
  if (change && !change.added.length && !change.removed.length) return old!;
  const unlinked: string[] = [];
  const folders = new FolderCounts();
  const byOutcome: Record<string, number> = {};
  for (let i = 0; i < list.length; i += 5000) {
    for (const f of linker.classifyAll(list, i, Math.min(list.length, i + 5000))) {
      for (const id of f.outcomes) byOutcome[id] = (byOutcome[id] ?? 0) + 1;
      if (f.status === 'unlinked') { unlinked.push(f.path); folders.add(f.path); }
    }
    await breathe();
  }
  const count = (pattern: string, files: readonly string[]) => (files.length ? matchMask(compilePatterns([pattern]), files).reduce((n, x) => n + x, 0) : 0);
  const byArea: Record<string, number[]> = {};
  for (const o of linker.map.outcomes) {
    byArea[o.id] = o.areas.map((a, i) => (change ? old!.byArea[o.id][i] + count(a.pattern, change.added) - count(a.pattern, change.removed) : count(a.pattern, list)));
    if (!change) await breathe();
  }
  return { list, linker, unlinked, counts: folders.counts(), byOutcome, byArea };
}

/**
 * The files of `list` that `old` does not have, and the other way round, found where the two lists stop agreeing at
 * either end (a commit changes a few files); undefined when a submodule came or went (it is matched as a folder).
 */
function listChange(old: string[], list: string[]): { added: string[]; removed: string[] } | undefined {
  const links = (l: string[]) => [...((l as { gitlinks?: ReadonlySet<string> }).gitlinks ?? [])].sort().join('\0');
  if (links(old) !== links(list)) return undefined;
  let start = 0;
  while (start < old.length && start < list.length && old[start] === list[start]) start++;
  let endOld = old.length, endNew = list.length;
  while (endOld > start && endNew > start && old[endOld - 1] === list[endNew - 1]) { endOld--; endNew--; }
  const before = new Set(old.slice(start, endOld));
  const now = new Set(list.slice(start, endNew));
  return { added: [...now].filter(f => !before.has(f)), removed: [...before].filter(f => !now.has(f)) };
}
