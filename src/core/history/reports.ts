import { GitRepo } from '../git/repo';
import { logLine } from '../git/runner';
import { CommitLink, Linker } from '../links/link';
import { BucketChoice } from '../links/allocation';
import { KeyResultHistory } from '../outcomes/keyResultHistory';
import { KeyResultData } from '../keyresults/series';
import { Measure, ReportJson } from '../report/model';
import { breathe } from '../util/breathe';
import { linkHistory } from '../usecases/linkHistory';
import { hasKeyResults, KeyResultVersions, LineCounts, makeReport } from '../usecases/report';
import { DAY, HistoryWindow } from './window';

/** What a report is asked for: the dashboard's and Export Report's choices. */
export interface ReportView {
  days: number;
  bucket: BucketChoice;
  measure: Measure;
  /** Whether changed lines are counted (about ten times dearer to read than the commits). */
  lines: boolean;
  /** Whether `days` is the views' own window (the report says so). */
  defaulted: boolean;
  driftThreshold: number;
  /** A share of the way a time-boxed key result may lag its line and stay on track (outcomeLens.keyResults.tolerance). */
  tolerance?: number;
  repoName: string;
}

/**
 * The reports of the dashboard and Export Report, made by the same function as the CLI's (makeReport) from what the
 * window already holds. It keeps what a report reads besides the window: changed-line counts (a commit's never
 * change, so they are never read twice) and outcomes.yaml's versions (read again only for what a new HEAD added).
 */
export class Reports {
  private readonly lines: LineCounts;
  private readonly versions = new KeyResultVersions();
  private readonly data = new KeyResultData();

  constructor(private readonly repo: GitRepo, private readonly name: string, private readonly cacheDir: string | undefined, private readonly window: HistoryWindow) {
    // Beside the commit cache: a window reload (or the next session) reads only the counts of new commits.
    this.lines = new LineCounts(cacheDir);
  }

  /** The window's commits over `days` days: from the window when it holds them, else read through the cache, not kept. */
  private async links(days: number, linker: Linker): Promise<{ links: CommitLink[]; since: string }> {
    const since = new Date(Date.now() - days * DAY).toISOString();
    const kept = this.window.linksWithin(days, linker);
    if (kept) return { links: kept, since };
    const links: CommitLink[] = [];
    // The HEAD and notes the window was read with: no notes read again, and the report is of what the views show.
    const tips = this.window.tips;
    await linkHistory(this.repo, linker, { since }, part => { for (const l of part) links.push(l); },
      { cacheDir: this.cacheDir, pause: breathe, log: logLine, ...(tips ? { tips, notes: this.window.notes } : {}) });
    return { links, since };
  }

  /** Changed-line counts for these commits, read from git for those not known yet. */
  private async lineInfo(links: readonly CommitLink[]): Promise<{ counts: LineCounts; boundary: ReadonlySet<string> }> {
    const unknown = await this.lines.read(this.repo, links);
    if (unknown) logLine(`${this.name}: line counts unknown for ${unknown} commit(s) whose objects git cannot read`);
    return { counts: this.lines, boundary: await this.repo.shallowBoundary() };
  }

  /** Each key result's `current` at every commit that changed outcomes.yaml, in the history of the HEAD last read. */
  async keyResultHistory(): Promise<KeyResultHistory> {
    const head = this.window.head ?? (await this.repo.tips()).head;
    const r = await this.versions.history(this.repo, head);
    if (r.read) logLine(`${this.name}: ${r.read.versions} version(s) of outcomes.yaml read from git${r.read.forward ? ' (new since the last read)' : ''}`);
    return r.history;
  }

  /** The series of key results with a `source`, read again only for a file that changed since the HEAD last read. */
  private async keyResultData(linker: Linker) {
    const head = this.window.head ?? (await this.repo.tips()).head;
    const r = await this.data.read(this.repo, linker.map, head);
    if (r.read) logLine(`${this.name}: ${r.read} key-result data file(s) read from git`);
    return r.data;
  }

  /** The report of a window, as the dashboard draws it and Export Report writes it. */
  async report(linker: Linker, v: ReportView): Promise<ReportJson> {
    const now = new Date();
    const { links, since } = await this.links(v.days, linker);
    const keyResults = hasKeyResults(linker.map) ? await this.keyResultHistory() : undefined;
    const keyResultData = hasKeyResults(linker.map) ? await this.keyResultData(linker) : undefined;
    return makeReport({
      map: linker.map, linker, links, bucket: v.bucket, measure: v.measure, keyResults, repoName: v.repoName, now, driftThreshold: v.driftThreshold,
      keyResultData, tolerance: v.tolerance,
      window: { since, days: v.days, defaulted: v.defaulted }, lines: v.lines ? await this.lineInfo(links) : undefined,
    }).report;
  }
}
