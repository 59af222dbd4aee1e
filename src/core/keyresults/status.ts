import { AllocationBuilder, planVsActual } from '../links/allocation';
import { CommitLink } from '../links/link';
import { parseMetricValue } from '../outcomes/metricValue';
import { KeyResult, Outcome, OutcomePeriod } from '../outcomes/model';

/**
 * Time-boxed outcomes (DESIGN.md): where a numeric key result stands against the straight line from its baseline at
 * the period's start to its target at the due date, the status that follows, and the sentence that puts it beside the
 * effort's drift from its budget (the adjustment signal).
 */

export const KEY_RESULT_STATUSES = ['off-track', 'at-risk', 'not-measured', 'on-track', 'achieved', 'proposed', 'dropped'] as const;
/** From worst to best for the data's statuses, then a person's: an outcome takes its worst key result's. */
export type KeyResultStatus = (typeof KEY_RESULT_STATUSES)[number];

export const STATUS_LABELS: Record<KeyResultStatus, string> = {
  'off-track': 'Off track', 'at-risk': 'At risk', 'not-measured': 'Not measured', 'on-track': 'On track', achieved: 'Achieved', proposed: 'Proposed', dropped: 'Dropped',
};

const DAY = 86_400_000;

/** The period as instants: from the start day's midnight to the end of the due day (UTC). */
export function periodSpan(p: OutcomePeriod): { from: number; to: number } {
  return { from: Date.parse(`${p.start}T00:00:00Z`), to: Date.parse(`${p.due}T00:00:00Z`) + DAY };
}

/** How much of the period is gone at `now`, 0..1. */
export function periodGone(p: OutcomePeriod, now: Date): number {
  const { from, to } = periodSpan(p);
  return Math.max(0, Math.min(1, (now.getTime() - from) / (to - from)));
}

/** A measured value of a key result, with when it was measured. */
export interface Measured {
  value: number;
  unit: string;
  text: string;
  date: string;
}

export interface KeyResultState {
  /** Null: the outcome has no period, or the key result is not numeric (baseline and target in one unit), or its period has not begun. */
  status: KeyResultStatus | null;
  /** Whether a person's `status:` in outcomes.yaml decided it, or the data. */
  statusBy: 'person' | 'data' | null;
  /** How far the value has come from the baseline to the target, 0..1 (clamped). */
  progress: number | null;
  /** Where the straight line from baseline (at start) to target (at due) is at `now` (at due, once past it). */
  expected: number | null;
  /** The share of the period gone, 0..1: the progress the line expects. */
  expectedProgress: number | null;
  /** expectedProgress - progress: how far behind the line, as a share of the way (negative: ahead). */
  behind: number | null;
  /** The value the status is judged by: the newest measured by `now`. */
  measured: Measured | null;
}

const NONE: KeyResultState = { status: null, statusBy: null, progress: null, expected: null, expectedProgress: null, behind: null, measured: null };

/**
 * A key result's state at `now`. `values`: its measured values, oldest first (the data's series, or `current` as each
 * commit set it). `tolerance`: a share of the way (0.1: ten points) the value may lag the line and stay on track; past
 * it the key result is at risk, past twice it off track, and off track too once the due date passed short of the target.
 */
export function keyResultState(outcome: Pick<Outcome, 'status' | 'period'>, kr: Pick<KeyResult, 'baseline' | 'target'>, values: readonly Measured[], now: Date, tolerance: number): KeyResultState {
  if (outcome.status !== 'active') return { ...NONE, status: outcome.status, statusBy: 'person' };
  const p = outcome.period;
  if (!p) return NONE;
  const b = parseMetricValue(kr.baseline), t = parseMetricValue(kr.target);
  if (!b || !t || b.unit !== t.unit || b.value === t.value) return NONE;
  const { from, to } = periodSpan(p);
  if (now.getTime() < from) return NONE;
  const gone = periodGone(p, now);
  const expected = b.value + (t.value - b.value) * gone;
  const judgedAt = Math.min(now.getTime(), to);
  // A bare number takes the key result's unit; a value in another unit cannot be compared.
  const inUnit = values.filter(v => v.unit === '' || v.unit === t.unit);
  const latest = [...inUnit].reverse().find(v => Date.parse(v.date) < judgedAt);
  const base = { statusBy: 'data' as const, expected, expectedProgress: gone };
  if (!latest || Date.parse(latest.date) < from) return { ...NONE, ...base, status: 'not-measured', measured: latest ?? null };
  const raw = (latest.value - b.value) / (t.value - b.value);
  const progress = Math.max(0, Math.min(1, raw));
  const behind = gone - progress;
  const eps = 1e-9;
  const status: KeyResultStatus = raw >= 1 - eps ? 'achieved'
    : now.getTime() >= to ? 'off-track'
      : behind <= tolerance + eps ? 'on-track'
        : behind <= 2 * tolerance + eps ? 'at-risk' : 'off-track';
  return { ...base, status, progress, behind, measured: latest };
}

/** The rank of a status, worst first (an outcome shows its worst key result's). */
export function statusRank(s: KeyResultStatus | null): number {
  return s === null ? KEY_RESULT_STATUSES.length : KEY_RESULT_STATUSES.indexOf(s);
}

/** An outcome's effort over its period so far: its share of the work that needs an outcome, against its budget. */
export interface PeriodEffort {
  budget: number | null;
  actual: number | null;
  drift: number | null;
  /** Where the effort is counted from: the period's start, or a later window start when the history read starts after it. */
  since: string;
  /** Whether `since` is the period's start ("over the same weeks"). */
  wholePeriod: boolean;
}

/**
 * Each time-boxed outcome's effort from its period's start (or `windowSince`, when the commits given start later) to
 * `now` or its due date, from the linked commits given.
 */
export function periodEffort(links: readonly CommitLink[], outcomes: readonly Outcome[], now: Date, windowSince?: string): Map<string, PeriodEffort> {
  const b = new PeriodEffortBuilder(outcomes, now, windowSince);
  b.add(links);
  return b.finish();
}

/** periodEffort, a part of the commits at a time (see AllocationBuilder). */
export class PeriodEffortBuilder {
  private readonly periods: { o: Outcome; from: number; start: number; end: number; effort: AllocationBuilder }[] = [];

  constructor(outcomes: readonly Outcome[], now: Date, windowSince?: string) {
    const ids = outcomes.map(o => o.id);
    for (const o of outcomes) {
      if (!o.period) continue;
      const { from, to } = periodSpan(o.period);
      const start = Math.max(from, windowSince ? Date.parse(windowSince) : -Infinity);
      this.periods.push({ o, from, start, end: Math.min(to, now.getTime()), effort: new AllocationBuilder(ids, 'week') });
    }
  }

  add(links: readonly CommitLink[]): void {
    for (const p of this.periods) p.effort.add(links.filter(l => { const t = Date.parse(l.commit.committed); return t >= p.start && t < p.end; }));
  }

  finish(): Map<string, PeriodEffort> {
    const out = new Map<string, PeriodEffort>();
    for (const { o, from, start, effort } of this.periods) {
      const row = planVsActual(effort.finish(), [o], 'commits')[0];
      out.set(o.id, { budget: row.budget, actual: row.actual, drift: row.drift, since: new Date(start).toISOString(), wholePeriod: start === from });
    }
    return out;
  }
}

const whole = (x: number) => `${Math.round(x * 100)}%`;

/** The effort half of the sentence: "effort 12 pts under its 30% budget over the same weeks". */
function effortClause(e: PeriodEffort | undefined): string {
  if (!e) return '';
  const over = e.wholePeriod ? 'over the same weeks' : `since ${e.since.slice(0, 10)}`;
  if (e.actual === null) return `; no effort that needs an outcome ${over}`;
  if (e.budget === null || e.drift === null) return `; effort ${whole(e.actual)} of the work ${over}, no budget set`;
  const d = Math.round(e.drift * 100);
  return `; effort ${d === 0 ? 'on' : `${Math.abs(d)} pts ${d < 0 ? 'under' : 'over'}`} its ${whole(e.budget)} budget ${over}`;
}

/**
 * The adjustment signal for an outcome: its worst key result's status and where it stands, beside its effort over the
 * same weeks, in one sentence: "At risk: 38% of the way with 67% of the period gone; effort 12 pts under its 30%
 * budget over the same weeks". Undefined when the outcome has no status to tell.
 */
export function adjustmentSentence(o: Pick<Outcome, 'period' | 'metrics'>, worst: { name: string; state: KeyResultState } | undefined, effort: PeriodEffort | undefined): string | undefined {
  if (!worst?.state.status) return undefined;
  const s = worst.state;
  const label = STATUS_LABELS[s.status!];
  if (s.statusBy === 'person') return `${label} (the status written in outcomes.yaml)`;
  const named = o.metrics.length > 1 ? ` (${worst.name})` : '';
  const gone = s.expectedProgress ?? 0;
  const effortText = effortClause(effort);
  if (s.status === 'not-measured') return `${label}${named}: no value since ${o.period!.start}, with ${whole(gone)} of the period gone${effortText}`;
  if (s.status === 'achieved') return `${label}${named}: the target is reached with ${whole(gone)} of the period gone${effortText}`;
  if (gone >= 1) return `${label}${named}: ${whole(s.progress ?? 0)} of the way at the due date (${o.period!.due})${effortText}`;
  return `${label}${named}: ${whole(s.progress ?? 0)} of the way with ${whole(gone)} of the period gone${effortText}`;
}
