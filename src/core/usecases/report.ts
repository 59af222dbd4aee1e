import { LineCache } from '../git/lineCache';
import { GitRepo, LineStat } from '../git/repo';
import { logLine } from '../git/runner';
import { CommitLink, Linker } from '../links/link';
import { Allocation, AllocationBuilder, BucketChoice } from '../links/allocation';
import { keyResultHistory, KeyResultHistory, OutcomesVersion, readOutcomesVersions } from '../outcomes/keyResultHistory';
import { OutcomeMap } from '../outcomes/model';
import { DataSeries } from '../keyresults/series';
import { PeriodEffortBuilder } from '../keyresults/status';
import { buildReport, Measure, ReportJson, ReportWindow } from '../report/model';

/** Commits whose counts are asked of git at once by readShas: two git processes' worth (see GitRepo.numstat). */
const SLICE = 4000;

/**
 * Changed-line counts per commit, kept by whoever asks more than once (the history service keeps one for the window;
 * a CLI run makes one), and on disk beside the commit cache when given its folder: a commit's counts never change,
 * so what is known is never read again, in this run or the next.
 */
export class LineCounts {
  readonly stats = new Map<string, LineStat>();
  /** Commits whose objects git cannot give (a partial clone, a mirror without its largest files). */
  readonly unknown = new Set<string>();
  private disk?: Promise<LineCache | undefined>;
  private onDisk?: LineCache;

  /** `cacheDir`: where the commit cache lives (the line counts go beside it); none: kept in memory only. */
  constructor(private readonly cacheDir?: string) {}

  /**
   * Reads the counts of the commits a report counts (merges are left out) that are not known yet, from the cache on
   * disk, then from git; returns how many of them turned out to be unknown.
   */
  async read(repo: GitRepo, links: readonly CommitLink[], signal?: AbortSignal): Promise<number> {
    return this.readShas(repo, links.filter(l => l.commit.parents.length <= 1).map(l => l.commit.sha), signal);
  }

  /**
   * read, by commit id. `keep` false: counts read from git are kept in the cache on disk only, when there is one
   * (take finds them there), so that a whole history's counts are not held as objects; git is asked SLICE at a time.
   */
  async readShas(repo: GitRepo, shas: readonly string[], signal?: AbortSignal, keep = true): Promise<number> {
    let need = shas.filter(sha => !this.stats.has(sha) && !this.unknown.has(sha));
    if (!need.length) return 0;
    const disk = await this.open(repo, signal);
    if (disk) {
      need = need.filter(sha => {
        const s = disk.get(sha);
        if (s && keep) this.stats.set(sha, s);
        return !s;
      });
      if (!need.length) return 0;
    }
    let unknownCount = 0;
    // A shallow clone's boundary commits are diffed against nothing: their counts change when it is deepened.
    const boundary = disk ? await repo.shallowBoundary() : new Set<string>();
    for (let i = 0; i < need.length; i += SLICE) {
      const { stats, unknown } = await repo.numstat(need.slice(i, i + SLICE), signal);
      for (const sha of unknown) this.unknown.add(sha);
      unknownCount += unknown.length;
      let saved = false;
      if (disk && stats.size) {
        const lasting = new Map([...stats].filter(([sha]) => !boundary.has(sha)));
        saved = await disk.append(lasting).then(() => true, e => { logLine(`line counts not cached: ${(e as Error).message}`); return false; });
        if (saved && !keep) for (const [sha, s] of stats) if (boundary.has(sha)) this.stats.set(sha, s);
      }
      if (keep || !saved) for (const [k, v] of stats) this.stats.set(k, v);
    }
    return unknownCount;
  }

  /**
   * For a report made a part at a time (see ReportMaker): makes these commits' counts known to it from what this
   * holds and the cache on disk (open it first), and returns the commits (merges and a shallow clone's boundary left
   * out, as the report leaves them out) whose counts are known to neither.
   */
  take(links: readonly CommitLink[], boundary: ReadonlySet<string>): string[] {
    const need: string[] = [];
    for (const { commit: c } of links) {
      if (c.parents.length > 1 || boundary.has(c.sha) || this.stats.has(c.sha) || this.unknown.has(c.sha)) continue;
      const s = this.onDisk?.get(c.sha);
      if (s) this.stats.set(c.sha, s);
      else need.push(c.sha);
    }
    return need;
  }

  /** Lets these commits' counts go from memory (those on disk stay there). */
  forget(links: readonly CommitLink[]): void {
    for (const l of links) this.stats.delete(l.commit.sha);
  }

  /**
   * The cache on disk, opened once. The cache is only a cache: a folder that cannot be read or written costs the
   * time, never the answer (a failed or cancelled open is tried again next time, not remembered as "no cache").
   */
  async open(repo: GitRepo, signal?: AbortSignal): Promise<LineCache | undefined> {
    if (this.cacheDir === undefined) return undefined;
    this.disk ??= LineCache.open(this.cacheDir, repo, signal).then(c => (this.onDisk = c), () => { this.disk = undefined; return undefined; });
    return this.disk;
  }
}

/**
 * outcomes.yaml's versions in the history of a HEAD, newest first, kept by whoever asks more than once: a HEAD that
 * moved forward costs only the versions it added.
 */
export class KeyResultVersions {
  private kept?: { head: string; list: OutcomesVersion[] };

  /**
   * Each key result's `current` at every commit that changed outcomes.yaml in the history of `head`; `read`: how
   * many versions git was asked for this time (undefined: none, the same HEAD as before), and whether only those a
   * HEAD that moved forward added.
   */
  async history(repo: GitRepo, head: string | undefined, signal?: AbortSignal): Promise<{ history: KeyResultHistory; read?: { versions: number; forward: boolean } }> {
    if (!head) return { history: keyResultHistory([]) };
    const had = this.kept;
    if (had?.head === head) return { history: keyResultHistory(had.list) };
    const forward = !!had && await repo.isAncestor(had.head, head, signal);
    const fresh = await readOutcomesVersions(repo, { head, from: forward ? had!.head : undefined, signal });
    this.kept = { head, list: forward ? [...fresh, ...had!.list] : fresh };
    return { history: keyResultHistory(this.kept.list), read: { versions: fresh.length, forward } };
  }
}

/** Whether a report of this map shows key results: only then is outcomes.yaml's history read for it. */
export function hasKeyResults(map: OutcomeMap): boolean {
  return map.outcomes.some(o => o.metrics.length);
}

export interface ReportRequest {
  map: OutcomeMap;
  linker: Linker;
  /** The window's commits, linked (merges among them are left out of every count). */
  links: readonly CommitLink[];
  bucket: BucketChoice;
  measure: Measure;
  window: { since?: string; until?: string; days: number | null; defaulted: boolean; range?: string | null };
  /** Changed lines, when the report counts them: the counts known, and the shallow clone's boundary commits. */
  lines?: { counts: LineCounts; boundary: ReadonlySet<string> };
  keyResults?: KeyResultHistory;
  repoName: string;
  now: Date;
  /** A fraction: drift beyond it is marked off budget. */
  driftThreshold: number;
  /** The series of key results with a `source` (KeyResultData). */
  keyResultData?: ReadonlyMap<string, DataSeries>;
  /** A share of the way a key result may lag its line and stay on track. */
  tolerance?: number;
}

/**
 * The report of a repository over a window (DESIGN.md, "report"): effort per outcome, planned vs actual, key results
 * over time. The CLI's `report`, the dashboard and Export Report make it here, so that they cannot disagree.
 */
export function makeReport(r: ReportRequest): { report: ReportJson; allocation: Allocation } {
  const m = new ReportMaker(r);
  m.add(r.links);
  return m.finish();
}

/**
 * makeReport, a part of the window's commits at a time, in the window's order: a report over a whole history then
 * holds its figures, not its commits. A part's line counts (`lines.counts`) need only be known while it is added.
 */
export class ReportMaker {
  private readonly allocation: AllocationBuilder;
  private readonly effort?: PeriodEffortBuilder;

  constructor(private readonly r: Omit<ReportRequest, 'links'>) {
    this.allocation = new AllocationBuilder(r.map.outcomes.map(o => o.id), r.bucket, { since: r.window.since, until: r.window.until, now: r.now.toISOString() }, r.lines && {
      stats: r.lines.counts.stats, unknown: r.lines.counts.unknown, boundary: r.lines.boundary, ignored: p => r.linker.file(p).status === 'ignored',
    });
    // Effort over each period so far, from the commits given (those of the window: said so when it starts later).
    if (!r.window.range) this.effort = new PeriodEffortBuilder(r.map.outcomes, r.now, r.window.since);
  }

  add(links: readonly CommitLink[]): void {
    this.allocation.add(links);
    this.effort?.add(links);
  }

  finish(): { report: ReportJson; allocation: Allocation } {
    const { r } = this;
    const allocation = this.allocation.finish();
    const window: Partial<ReportWindow> = { days: r.window.days, defaulted: r.window.defaulted, range: r.window.range ?? null };
    const report = buildReport({
      map: r.map, allocation, keyResults: r.keyResults, repoName: r.repoName, generatedAt: r.now.toISOString(), measure: r.measure, window, driftThreshold: r.driftThreshold,
      keyResultData: r.keyResultData, tolerance: r.tolerance, periodEffort: this.effort?.finish(),
    });
    return { report, allocation };
  }
}
