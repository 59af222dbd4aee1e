import { Allocation, AllocationRow, Bucket, BucketRow, IGNORED, planVsActual, StatusCounts, UNLINKED, UnlinkedCommit } from '../links/allocation';
import { KeyResultHistory, trendInWindow, TrendPoint } from '../outcomes/keyResultHistory';
import { MetricSource, OutcomeMap, OutcomePeriod } from '../outcomes/model';
import { DataSeries, formatDataProblem, keyResultKey } from '../keyresults/series';
import { adjustmentSentence, KeyResultState, keyResultState, KeyResultStatus, Measured, PeriodEffort, statusRank } from '../keyresults/status';

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
  /** When the outcome runs (`period`, or `start` and `due`), or null. */
  period?: OutcomePeriod | null;
  /** Its worst key result's status (on-track, at-risk, off-track, achieved, not-measured; or a person's), or null. */
  keyResultStatus?: KeyResultStatus | null;
  /** Its worst key result's lag behind the line, as a share of the way (negative: ahead), or null. */
  behind?: number | null;
  /** The adjustment signal: the status beside the effort's drift over the same weeks, in one sentence; null without a status. */
  adjustment?: string | null;
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
  /** Where its values come from, or null (`current` typed in outcomes.yaml). */
  source?: MetricSource | null;
  /** on-track, at-risk, off-track, achieved, not-measured, or a person's proposed / dropped / achieved; null when not time-boxed or not numeric. */
  status?: KeyResultStatus | null;
  statusBy?: KeyResultState['statusBy'];
  /** 0..1 of the way from baseline to target, or null. */
  progress?: number | null;
  /** The value the straight line from baseline (at start) to target (at due) expects now, or null. */
  expected?: number | null;
  /** The share of the period gone (the progress the line expects), or null. */
  expectedProgress?: number | null;
  behind?: number | null;
  /** The data's problems, each `file:line: message`. */
  dataProblems?: string[];
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
  /** How far (a share of the way) a key result may lag its line and stay on track; past twice it, off track. */
  tolerance?: number;
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
  /** Key results with a `source`: their series, by keyResultKey. */
  keyResultData?: ReadonlyMap<string, DataSeries>;
  /** Time-boxed outcomes' effort over their period so far, by id. */
  periodEffort?: ReadonlyMap<string, PeriodEffort>;
  /** A share of the way (see ReportJson.tolerance); default 0.1. */
  tolerance?: number;
}

/** The default tolerance of a key result behind its line (ten points of the way), as the setting's default. */
export const DEFAULT_TOLERANCE = 0.1;

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
  const now = new Date(Date.parse(input.generatedAt));
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  const worst = new Map<string, { name: string; state: KeyResultState }>();
  const keyResults: ReportKeyResult[] = map.outcomes.flatMap(o => o.metrics.map(m => {
    const data = m.source ? input.keyResultData?.get(keyResultKey(o.id, m.name)) ?? { points: [], problems: [] } : undefined;
    const typed = series.get(JSON.stringify([o.id, m.name]));
    // A source's data is the key result's series; without one, `current` as each commit of outcomes.yaml set it.
    const points: TrendPoint[] = data ? data.points.map(p => ({ sha: p.sha, date: p.date, text: p.text, value: p.value, unit: p.unit })) : typed?.points ?? [];
    const t = trendInWindow({ outcome: o.id, name: m.name, points }, a.since, a.until);
    const values: Measured[] = points.flatMap(p => (p.value === null ? [] : [{ value: p.value, unit: p.unit, text: p.text, date: p.date }]));
    const state = keyResultState(o, m, values, now, tolerance);
    const w = worst.get(o.id);
    if (state.status && (!w || statusRank(state.status) < statusRank(w.state.status) || (statusRank(state.status) === statusRank(w.state.status) && (state.behind ?? -Infinity) > (w.state.behind ?? -Infinity)))) {
      worst.set(o.id, { name: m.name, state });
    }
    const newest = data ? [...data.points].reverse().find(p => Date.parse(p.date) <= now.getTime()) : undefined;
    return {
      outcome: o.id, name: m.name, baseline: m.baseline, target: m.target, current: data ? newest?.text : m.current, atStart: t.atStart, history: t.points,
      source: m.source ?? null, status: state.status, statusBy: state.statusBy, progress: state.progress, expected: state.expected,
      expectedProgress: state.expectedProgress, behind: state.behind, dataProblems: (data?.problems ?? []).map(formatDataProblem),
    };
  }));
  for (const row of outcomes) {
    const o = map.outcomes.find(x => x.id === row.id);
    Object.assign(row, { period: null, keyResultStatus: null, behind: null, adjustment: null });
    if (!o) continue;
    const w = worst.get(o.id);
    row.period = o.period ?? null;
    row.keyResultStatus = w?.state.status ?? null;
    row.behind = w?.state.behind ?? null;
    row.adjustment = adjustmentSentence(o, w, input.periodEffort?.get(o.id)) ?? null;
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION, kind: 'report', repository: input.repoName, generatedAt: input.generatedAt, window, since, until,
    bucket: a.bucket, measure, driftThreshold: input.driftThreshold, tolerance, commits: a.commits, counts: a.counts, lineCounts: a.lineCounts,
    alignment: a.alignment, lineAlignment: a.lineAlignment, linesPending: a.linesPending, linesUnknown: a.linesUnknown, shallowBoundary: a.shallowBoundary,
    outcomes, buckets: a.buckets, keyResults,
    keyResultVersions: { versions: input.keyResults?.versions ?? 0, unreadable: input.keyResults?.unreadable ?? [] },
    unlinkedCommits: a.unlinkedCommits, topUnlinkedFolders: a.topUnlinkedFolders, topUnlinkedAuthors: a.topUnlinkedAuthors,
    note: REPORT_NOTE,
  };
}
