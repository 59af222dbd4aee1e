import { GitRepo } from '../git/repo';
import { parseMetricValue } from './metricValue';
import { OUTCOMES_FILE } from './load';
import { KeyResult, OutcomeMap } from './model';
import { parseOutcomes } from './parse';

/**
 * Key results over time (DESIGN.md, planning fields): each key result's `current` as it stood in every commit that
 * changed outcomes.yaml, read from git with `git log --format=%H%x00%aI -- outcomes.yaml` and the file's text at
 * those commits (one `git cat-file --batch`), never `git log -p`.
 */

/** outcomes.yaml as one commit left it: its key results, or why they could not be read. */
export interface OutcomesVersion {
  sha: string;
  /** When it was committed, as git prints %cI: a rebased commit keeps its author date, not its place. */
  date: string;
  /** Per outcome id, its key results; undefined when the version could not be read (see `unreadable`). */
  metrics?: Record<string, KeyResult[]>;
  /** Why there are no metrics: the file had errors, or git has no such blob (deleted there, or missing from a partial clone). */
  unreadable?: UnreadableReason;
}

export type UnreadableReason = 'errors' | 'absent';

/** One value of a key result: where `current` was set to it. */
export interface TrendPoint {
  sha: string;
  date: string;
  /** `current` as written (`3.4%`). */
  text: string;
  /** The number in it (3.4), or null for a value that is not a number (`on track`), shown as a text event. */
  value: number | null;
  unit: string;
}

export interface KeyResultSeries {
  outcome: string;
  name: string;
  /** Oldest first; a point only where `current` changed (or first appeared). */
  points: TrendPoint[];
}

export interface KeyResultHistory {
  series: KeyResultSeries[];
  /** Versions of outcomes.yaml that could not be read, and why, left out of every trend. */
  unreadable: { sha: string; date: string; reason: UnreadableReason }[];
  /** Commits that changed outcomes.yaml. */
  versions: number;
}

/**
 * The versions of outcomes.yaml in the history of `head` (default HEAD), newest first as git lists them; `from`: only
 * those after that commit (a HEAD that moved forward), for a caller that keeps the earlier ones.
 */
export async function readOutcomesVersions(repo: GitRepo, o: { from?: string; head?: string; signal?: AbortSignal } = {}): Promise<OutcomesVersion[]> {
  const commits = await repo.fileCommits(OUTCOMES_FILE, o);
  const texts = await repo.fileAt(commits.map(c => c.sha), OUTCOMES_FILE, o.signal);
  return commits.map((c, i) => {
    const text = texts[i];
    const map = text ? parseOutcomes(text).map : undefined;
    // Dated when committed: a rebase keeps author dates and reorders commits, and the trend follows git's order.
    return map ? { sha: c.sha, date: c.committed, metrics: metricsOf(map) } : { sha: c.sha, date: c.committed, unreadable: text ? 'errors' : 'absent' };
  });
}

function metricsOf(map: OutcomeMap): Record<string, KeyResult[]> {
  return Object.fromEntries(map.outcomes.map(x => [x.id, x.metrics]));
}

/**
 * Each key result's trend from the versions, given newest first as git lists them, and kept in git's order (oldest
 * first), so that the last point is the value HEAD has: a key result is its outcome's id and its name.
 */
export function keyResultHistory(versions: readonly OutcomesVersion[]): KeyResultHistory {
  const ordered = [...versions].reverse();
  const series = new Map<string, KeyResultSeries>();
  const unreadable: KeyResultHistory['unreadable'] = [];
  for (const v of ordered) {
    if (!v.metrics) { unreadable.push({ sha: v.sha, date: v.date, reason: v.unreadable ?? 'errors' }); continue; }
    for (const [outcome, krs] of Object.entries(v.metrics)) {
      for (const kr of krs) {
        if (kr.current === undefined) continue;
        const key = JSON.stringify([outcome, kr.name]);
        let s = series.get(key);
        if (!s) series.set(key, s = { outcome, name: kr.name, points: [] });
        if (s.points[s.points.length - 1]?.text === kr.current) continue;
        const n = parseMetricValue(kr.current);
        s.points.push({ sha: v.sha, date: v.date, text: kr.current, value: n ? n.value : null, unit: n?.unit ?? '' });
      }
    }
  }
  return { series: [...series.values()], unreadable, versions: versions.length };
}

/** A key result's trend over a window: the value it had when the window began (if any), then each change in it. */
export interface WindowTrend {
  /** The value as it stood at the window's start, set before it; null when it was set only later. */
  atStart: TrendPoint | null;
  points: TrendPoint[];
}

/** The part of a series a window shows: its changes since `since` (all of them without one) and the value before. */
export function trendInWindow(s: KeyResultSeries | undefined, since?: string, until?: string): WindowTrend {
  const from = since ? Date.parse(since) : -Infinity, to = until ? Date.parse(until) : Infinity;
  const before = (s?.points ?? []).filter(p => Date.parse(p.date) < from);
  return { atStart: before[before.length - 1] ?? null, points: (s?.points ?? []).filter(p => Date.parse(p.date) >= from && Date.parse(p.date) <= to) };
}
