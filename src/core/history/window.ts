import { GitRepo, RawCommit } from '../git/repo';
import { GitError, logLine } from '../git/runner';
import { noteIds } from '../git/outcomeNotes';
import { CommitLink, Linker } from '../links/link';
import { allocate, bucketStart, planVsActual } from '../links/allocation';
import { FolderSuggestion, SuggestionCounts } from '../links/suggest';
import { breathe } from '../util/breathe';
import { linkHistory } from '../usecases/linkHistory';
import { movesOlder } from '../links/renames';
import { CommitList, CommitRow, GroupBy, PlanSummary, Summary } from './protocol';

/** While the first read of a window arrives, the views are told of it at most this often. */
const PUBLISH_MS = 250;
export const DAY = 86400_000;

/** Whether a commit has a link by a trailer, or by a note (the counts the getting-started walkthrough follows). */
const linkedVia = (l: CommitLink, via: 'trailer' | 'note') => l.links.some(x => x.via === via);
const groupKey = (l: CommitLink, by: GroupBy) => (by === 'week' ? bucketStart(l.commit.date, 'week') : l.commit.author);
/** The window's first instant as git's `--since` reads it: in whole seconds. */
const windowStart = (sinceMs: number) => Math.floor(sinceMs / 1000) * 1000;
/** Whether git's `--since` selects a commit: by its committer time (time zones compared as instants). */
export const inWindow = (c: RawCommit, sinceMs: number) => Date.parse(c.committed) >= windowStart(sinceMs);

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
  /** With no commit in the window: the committer date of HEAD's newest commit, so that a view can say how far back it is. */
  newest?: string;
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

  /**
   * Planned vs actual (commits) of the outcomes with a budget, for the Outcomes view's drift: once the window is read
   * completely and some outcome has a budget, else nothing (no drift from half a window).
   */
  planSummary(): PlanSummary | undefined {
    const outcomes = this.linker.map.outcomes;
    if (!this.complete || !outcomes.some(o => o.budget !== undefined)) return undefined;
    this.plan ??= Object.fromEntries(planVsActual(allocate(this.all, outcomes.map(o => o.id), 'month'), outcomes, 'commits')
      .filter(p => p.budget !== null).map(p => [p.id, { budget: p.budget!, actual: p.actual }]));
    return this.plan;
  }
}

/**
 * The history window (the last `windowDays` days of HEAD's history), linked: its commits and the lists the views show.
 * It owns when they are read again: a HEAD that moved forward, other notes or a later day are an increment (only the
 * new commits read from git); another window, another outcomes.yaml or a HEAD that moved elsewhere is a new read
 * (through the cache); a new outcomes.yaml alone is a relink without git.
 */
export class HistoryWindow {
  private snap?: Snapshot;
  /** The notes of the last notes tip read (`notesTip`). */
  notes: ReadonlyMap<string, string> = new Map();
  private notesTip?: string;
  /** Commits read so far by the running read. */
  readSoFar = 0;

  constructor(private readonly repo: GitRepo, private readonly name: string, private readonly cacheDir: string | undefined,
    /** Says that what the views would show changed while a first read arrives. */
    private readonly publish: () => void) {}

  /**
   * Reads what changed in git since the last read, for a window of `days` linked with `linker`; a window left with no
   * commit learns when HEAD's newest commit was (one more git process, only then).
   */
  async refresh(tips: { head?: string; notes?: string }, linker: Linker, days: number, signal: AbortSignal, force: boolean): Promise<void> {
    const before = this.snap;
    await this.read(tips, linker, days, signal, force);
    const s = this.snap;
    if (!s?.complete || s.all.length || !s.head || s.newest) return;
    if (before?.head === s.head && before.newest) { s.newest = before.newest; return; }
    // Only a hint for an empty window: a failure to read it must not fail the read that succeeded.
    try {
      s.newest = await this.repo.newestCommitDate(s.head, signal);
    } catch (e) {
      logLine(`${this.name}: the newest commit's date could not be read: ${(e as Error).message}`);
    }
  }

  private async read(tips: { head?: string; notes?: string }, linker: Linker, days: number, signal: AbortSignal, force: boolean): Promise<void> {
    const t0 = performance.now();
    this.readSoFar = 0;
    const sinceMs = Date.now() - days * DAY;
    const since = new Date(sinceMs).toISOString();
    const cur = this.snap;
    if (tips.notes !== this.notesTip) {
      this.notes = tips.notes ? await this.repo.notes(signal) : new Map();
      this.notesTip = tips.notes;
    }
    const notes = this.notes;
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
        if (cur.head !== tips.head) await linkHistory(this.repo, linker, { since, range: `${cur.head}..${tips.head}` }, part => { for (const l of part) fresh.push(l); }, { tips, notes, signal });
        // New commits that rename or delete files move where the window's older commits are judged (README, "Renames
        // and moves"): those take the new read below (through the cache).
        if (!movesOlder(fresh.map(l => l.commit), cur.all)) {
          // Other notes: every commit of the window is linked again.
          const next = cur.advance(since, sinceMs, tips.head, tips.notes, fresh, notesMoved ? l => linker.commit(l.commit, notes.get(l.commit.sha), l.today) : undefined);
          this.snap = next;
          logLine(`${this.name}: ${fresh.length} new commit(s) read from git, ${next.all.length} in ${days} days, ${notesMoved ? 'notes re-read, ' : ''}${Math.round(performance.now() - t0)} ms`);
          return;
        }
      }
    }
    // A new window: read through the cache. With no complete answer yet, the read is shown as it arrives (once it has
    // as much as an earlier, stopped one showed); otherwise the last complete answer stays until this one is done.
    const next = new Snapshot(since, days, tips.head, tips.notes, linker);
    const live = !cur?.complete;
    const shownBefore = live ? cur?.all.length ?? 0 : Infinity;
    let published = -Infinity;
    const r = await linkHistory(this.repo, linker, { since }, part => {
      next.add(part);
      this.readSoFar += part.length;
      if (live && next.all.length >= shownBefore && performance.now() - published >= PUBLISH_MS) {
        this.snap = next;
        published = performance.now();
        this.publish();
      }
    }, { cacheDir: this.cacheDir, signal, newestFirst: true, pause: breathe, tips, notes, log: logLine });
    next.complete = true;
    this.snap = next;
    logLine(`${this.name}: ${r.count} commits in ${days} days (${r.fromGit} read from git) in ${Math.round(performance.now() - t0)} ms`);
  }

  /** The same commits, linked with a new outcomes.yaml: no git. */
  async relink(linker: Linker): Promise<void> {
    const cur = this.snap;
    if (!cur) return;
    const next = new Snapshot(cur.since, cur.windowDays, cur.head, cur.notesTip, linker);
    for (let i = 0; i < cur.all.length; i += 5000) {
      next.add(cur.all.slice(i, i + 5000).map(l => linker.commit(l.commit, this.notes.get(l.commit.sha), l.today)));
      await breathe();
    }
    next.complete = cur.complete;
    next.newest = cur.newest;
    this.snap = next;
  }

  /** The HEAD the last read was of. */
  get head(): string | undefined {
    return this.snap?.head;
  }

  /** HEAD and the notes tip of the last read (undefined before one), whose notes are `notes`. */
  get tips(): { head?: string; notes?: string } | undefined {
    return this.snap && { head: this.snap.head, notes: this.notesTip };
  }

  summary(): Summary['history'] {
    const s = this.snap;
    if (!s) return undefined;
    const plan = s.planSummary();
    return {
      snapshot: s.seq, complete: s.complete, since: s.since, windowDays: s.windowDays, commits: s.all.length, unlinked: s.unlinked.length, invalid: s.invalid.length,
      viaTrailer: s.viaTrailer, viaNote: s.viaNote,
      ...(s.newest ? { newest: s.newest } : {}),
      byOutcome: Object.fromEntries([...s.byOutcome].map(([id, l]) => [id, l.length])),
      ...(plan ? { plan } : {}),
    };
  }

  /** The commits of the last `days` days linked with `linker`, when the window holds them all (else undefined). */
  linksWithin(days: number, linker: Linker): CommitLink[] | undefined {
    const s = this.snap;
    if (!s?.complete || s.linker !== linker || days > s.windowDays) return undefined;
    const sinceMs = Date.now() - days * DAY;
    return s.all.filter(l => inWindow(l.commit, sinceMs));
  }

  list(which: CommitList): CommitLink[] {
    const s = this.snap;
    if (!s) return [];
    switch (which.kind) {
      case 'unlinked': return s.unlinked;
      case 'invalid': return s.invalid;
      case 'outcome': return s.byOutcome.get(which.id) ?? [];
      case 'group': return s.unlinked.filter(l => groupKey(l, which.by) === which.key);
    }
  }

  /** A commit of the window, if it is one. */
  find(sha: string): CommitLink | undefined {
    return this.snap?.all.find(l => l.commit.sha === sha);
  }

  /** A commit as a row shows it, with the ids its note names under the trailer key (valid or not). */
  row(l: CommitLink, trailer: string | undefined, withMessage = false): CommitRow {
    const c = l.commit;
    return {
      sha: c.sha, parents: c.parents, author: c.author, email: c.email, date: c.date, subject: c.subject,
      links: l.links, invalid: l.invalid, status: l.status, ...(l.ignoredBy ? { ignoredBy: l.ignoredBy } : {}), outcomes: l.outcomes, noteIds: trailer ? noteIds(this.notes.get(c.sha), trailer) : [],
      ...(withMessage ? { message: c.message } : {}),
    };
  }

  /** Unlinked commits by author (most first) or by week (newest first). */
  groups(by: GroupBy): { key: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const l of this.snap?.unlinked ?? []) { const k = groupKey(l, by); counts.set(k, (counts.get(k) ?? 0) + 1); }
    const out = [...counts].map(([key, count]) => ({ key, count }));
    return out.sort(by === 'week' ? (a, b) => (a.key < b.key ? 1 : -1) : (a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  }

  /**
   * For each folder (with or without its trailing `/`), the outcome whose areas its unlinked files changed with most
   * often in the window, from the commits already read (no git); nothing while the window is linked with another
   * outcomes.yaml than `linker`.
   */
  folderSuggestions(linker: Linker, folders: string[], minSupport = 2): FolderSuggestion[] {
    const s = this.snap;
    if (!s || s.linker !== linker) return [];
    return s.suggestionCounts().suggest(folders, minSupport);
  }

  /**
   * An unlinked commit's suggestion, from its files: the suggestions of the outermost unlinked folders (`outermost`)
   * they are in, weighed by how many commits back each (the outcome with the most support wins).
   */
  commitSuggestions(links: CommitLink[], linker: Linker, outermost: string[]): Map<string, { outcome: string; evidence: string }> {
    const out = new Map<string, { outcome: string; evidence: string }>();
    if (!links.length) return out;
    const folderOf = (p: string) => outermost.find(f => p.startsWith(f));
    const per = links.map(l => [...new Set(l.commit.files.map(p => folderOf(l.today?.get(p) ?? p)).filter((f): f is string => !!f))]);
    const all = this.folderSuggestions(linker, [...new Set(per.flat())]);
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
}

/** A failure as the views are given it: a GitError (git's own complaint, classified), or one of kind `other`. */
export const asError = (e: unknown): GitError => (e instanceof GitError ? e : new GitError(String((e as Error)?.message ?? e), 'other'));
