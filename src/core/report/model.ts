import { Allocation, AllocationRow, Bucket, BucketRow, IGNORED, planVsActual, StatusCounts, UNLINKED, UnlinkedCommit } from '../links/allocation';
import { KeyResultHistory, trendInWindow, TrendPoint } from '../outcomes/keyResultHistory';
import { OutcomeMap } from '../outcomes/model';

/**
 * The report as one value (what `report --format json` prints, DESIGN.md): every other format, the dashboard and
 * `rollup` render or merge this, so that they cannot disagree.
 */

/** Bumped when a field changes meaning or goes away (adding one does not): `rollup` reads the versions it knows. */
export const REPORT_SCHEMA_VERSION = 1;

export type Measure = 'commits' | 'lines';
export const MEASURES: readonly Measure[] = ['commits', 'lines'];

export interface ReportOutcome {
  /** An outcome id, or `(unlinked)` / `(ignored)`. */
  id: string;
  title: string;
  owner: string | null;
  commits: number;
  share: number;
  byVia: AllocationRow['byVia'];
  lines: number | null;
  lineShare: number | null;
  linesByVia: AllocationRow['linesByVia'];
  binaryFiles: number | null;
  /** The planned share of the effort that needs an outcome, 0..1, or null (no budget; always null for unlinked and ignored). */
  budget: number | null;
  /** The share of the effort that needs an outcome (linked + unlinked) this row got, by commits; null when there is none. */
  actualShare: number | null;
  /** actualShare - budget; null without a budget. */
  drift: number | null;
  /** The same two by changed lines; null until lines are counted. */
  lineActualShare: number | null;
  lineDrift: number | null;
}

export interface ReportKeyResult {
  outcome: string;
  name: string;
  baseline?: string;
  target?: string;
  current?: string;
  /** The value it had when the window began (set before it), or null. */
  atStart: TrendPoint | null;
  /** Each change of `current` in the window, oldest first. */
  history: TrendPoint[];
  /** In a rollup: the repository it belongs to. */
  repository?: string;
}

export interface ReportWindow {
  since: string | null;
  until: string | null;
  /** The window in days back from now, when it is one; null for explicit dates or the whole history. */
  days: number | null;
  /** Whether the window is the default one (no --since given): the report says so. */
  defaulted: boolean;
  /** A `--range A..B` instead of dates. */
  range: string | null;
}

export interface ReportRepository {
  repository: string;
  generatedAt: string;
  window: ReportWindow;
  commits: number;
  counts: StatusCounts;
  lineCounts: StatusCounts | null;
  alignment: number | null;
  lineAlignment: number | null;
}

export interface ReportJson {
  schemaVersion: number;
  kind: 'report' | 'rollup';
  repository: string;
  generatedAt: string;
  window: ReportWindow;
  /** Kept from before `window` (the same values). */
  since: string | null;
  until: string | null;
  bucket: Bucket;
  /** What the chart and planned vs actual are drawn by. */
  measure: Measure;
  /** Drift beyond this (a fraction: 0.1 is 10 percentage points) is marked as off budget. */
  driftThreshold: number;
  commits: number;
  counts: StatusCounts;
  lineCounts: StatusCounts | null;
  alignment: number | null;
  lineAlignment: number | null;
  linesPending: number;
  linesUnknown: string[];
  shallowBoundary: string[];
  outcomes: ReportOutcome[];
  buckets: BucketRow[];
  keyResults: ReportKeyResult[];
  /** Versions of outcomes.yaml the key results' history was read from, and those that could not be read. */
  keyResultVersions: { versions: number; unreadable: KeyResultHistory['unreadable'] };
  unlinkedCommits: { total: number; recent: (UnlinkedCommit & { repository?: string })[] };
  topUnlinkedFolders: { folder: string; commits: number; repository?: string }[];
  topUnlinkedAuthors: { author: string; commits: number }[];
  /** In a rollup: each repository's own totals, in the order given. */
  repositories?: ReportRepository[];
  note: string;
}

export const REPORT_NOTE = 'Merge commits are left out; a commit linked to several outcomes counts 1/k towards each of its k outcomes. '
  + 'Budgets plan the effort that needs an outcome (linked and unlinked; ignored work is left out): actualShare and drift are over that.';

export interface ReportInput {
  map: OutcomeMap;
  allocation: Allocation;
  /** Key results over time; without it the trends are empty. */
  keyResults?: KeyResultHistory;
  repoName: string;
  generatedAt: string;
  measure?: Measure;
  window?: Partial<ReportWindow>;
  driftThreshold: number;
}

/** The title a report row shows. */
export function rowTitle(map: OutcomeMap | undefined, key: string): string {
  if (key === UNLINKED) return 'Unlinked work';
  if (key === IGNORED) return 'Ignored (needs no outcome)';
  return map?.outcomes.find(o => o.id === key)?.title ?? key;
}

/** The report of one repository over one window: the allocation, planned vs actual, owners, key results over time. */
export function buildReport(input: ReportInput): ReportJson {
  const { map, allocation: a } = input;
  const measure = input.measure ?? 'commits';
  const rowsWithPlan = [...map.outcomes, { id: UNLINKED }, { id: IGNORED }];
  const byCommits = new Map(planVsActual(a, rowsWithPlan, 'commits').map(p => [p.id, p]));
  const byLines = new Map(planVsActual(a, rowsWithPlan, 'lines').map(p => [p.id, p]));
  const since = a.since ?? null, until = a.until ?? null;
  const window: ReportWindow = { since, until, days: input.window?.days ?? null, defaulted: input.window?.defaulted ?? false, range: input.window?.range ?? null };
  const outcomes: ReportOutcome[] = a.rows.map(r => {
    const c = byCommits.get(r.key)!, l = byLines.get(r.key)!;
    const o = map.outcomes.find(x => x.id === r.key);
    return {
      id: r.key, title: rowTitle(map, r.key), owner: o?.owner ?? null, commits: r.commits, share: r.share, byVia: r.byVia,
      lines: r.lines, lineShare: r.lineShare, linesByVia: r.linesByVia, binaryFiles: r.binaryFiles,
      // Ignored work is outside what budgets plan: it has no share of it.
      budget: c.budget, actualShare: r.key === IGNORED ? null : c.actual, drift: c.drift,
      lineActualShare: r.key === IGNORED ? null : l.actual, lineDrift: l.drift,
    };
  });
  const series = new Map((input.keyResults?.series ?? []).map(s => [JSON.stringify([s.outcome, s.name]), s]));
  const keyResults: ReportKeyResult[] = map.outcomes.flatMap(o => o.metrics.map(m => {
    const t = trendInWindow(series.get(JSON.stringify([o.id, m.name])), a.since, a.until);
    return { outcome: o.id, ...m, atStart: t.atStart, history: t.points };
  }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION, kind: 'report', repository: input.repoName, generatedAt: input.generatedAt, window, since, until,
    bucket: a.bucket, measure, driftThreshold: input.driftThreshold, commits: a.commits, counts: a.counts, lineCounts: a.lineCounts,
    alignment: a.alignment, lineAlignment: a.lineAlignment, linesPending: a.linesPending, linesUnknown: a.linesUnknown, shallowBoundary: a.shallowBoundary,
    outcomes, buckets: a.buckets, keyResults,
    keyResultVersions: { versions: input.keyResults?.versions ?? 0, unreadable: input.keyResults?.unreadable ?? [] },
    unlinkedCommits: a.unlinkedCommits, topUnlinkedFolders: a.topUnlinkedFolders, topUnlinkedAuthors: a.topUnlinkedAuthors,
    note: REPORT_NOTE,
  };
}
