import { bucketEnd, BucketRow, IGNORED, UNLINKED } from '../links/allocation';
import { parseMetricValue } from '../outcomes/metricValue';
import type { TrendPoint } from '../outcomes/keyResultHistory';
import { bucketLabel, day, whole } from './format';
import type { Measure, ReportJson, ReportKeyResult } from './model';

/**
 * The charts of the dashboard and the HTML report, in SVG written here (no library, no script): a linear time axis
 * whose every bucket is drawn (an empty one stays empty), the measure named on the axis, and every label escaped.
 */

/**
 * Twelve outcome colours, told apart by hue and lightness, each with at least 3:1 contrast on a white and on a dark
 * (#1e1e1e) background, so one palette serves the light and the dark themes and the exported report alike.
 */
export const PALETTE = ['#4c82c6', '#f55d1a', '#34a409', '#bb3398', '#9d5d03', '#b26df6', '#187c49', '#cb7196', '#a0902a', '#7552db', '#d02940', '#18a07e'] as const;
/** Unlinked work: grey with stripes; ignored work: plain grey. Never an outcome's colour. */
export const UNLINKED_COLOURS = ['#8a8a8a', '#5f5f5f'] as const;
export const IGNORED_COLOUR = '#a6a6a6';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The colour class of a series: outcomes by their place in outcomes.yaml (12 colours, then again), unlinked and ignored fixed. */
export function colourClass(key: string, index: number): string {
  return key === UNLINKED ? 'c-unlinked' : key === IGNORED ? 'c-ignored' : `c${index % PALETTE.length}`;
}

/** The CSS of the colour classes (bars, swatches, lines), and the stripes' pattern for unlinked work. */
export const COLOUR_CSS = PALETTE.map((c, i) => `.c${i}{fill:${c};background:${c};stroke:${c}}`).join('')
  + `.c-unlinked{fill:url(#ol-stripes);background:repeating-linear-gradient(45deg,${UNLINKED_COLOURS[0]} 0 3px,${UNLINKED_COLOURS[1]} 3px 6px)}`
  + `.c-ignored{fill:${IGNORED_COLOUR};background:${IGNORED_COLOUR}}`;

/** Shared definitions the charts refer to (the stripes), once per page. */
export const CHART_DEFS = `<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs><pattern id="ol-stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${UNLINKED_COLOURS[0]}"/><rect width="3" height="6" fill="${UNLINKED_COLOURS[1]}"/></pattern></defs></svg>`;

const W = 760, LEFT = 56, RIGHT = 16;
const PLOT = W - LEFT - RIGHT;
const f1 = (x: number) => x.toFixed(1);

/** The time axis of a report: from its first bucket's start to its last bucket's end, linear in time. */
export interface TimeAxis {
  from: number;
  to: number;
  x(ms: number): number;
  buckets: { row: BucketRow; x0: number; x1: number }[];
  withYear: boolean;
}

export function timeAxis(r: Pick<ReportJson, 'buckets' | 'bucket'>): TimeAxis | undefined {
  const b = r.buckets;
  if (!b.length) return undefined;
  const from = Date.parse(b[0].start), to = Date.parse(bucketEnd(b[b.length - 1].start, r.bucket));
  const x = (ms: number) => LEFT + PLOT * Math.min(1, Math.max(0, (ms - from) / (to - from)));
  const buckets = b.map(row => ({ row, x0: x(Date.parse(row.start)), x1: x(Date.parse(bucketEnd(row.start, r.bucket))) }));
  return { from, to, x, buckets, withYear: b[0].start.slice(0, 4) !== b[b.length - 1].start.slice(0, 4) };
}

/** The bucket labels under a chart: as many as fit, evenly spaced. */
function xLabels(axis: TimeAxis, bucket: 'week' | 'month', y: number): string {
  const width = (axis.withYear ? (bucket === 'week' ? 11 : 8) : bucket === 'week' ? 6 : 3) * 6 + 14;
  const every = Math.max(1, Math.ceil(axis.buckets.length / Math.max(1, Math.floor(PLOT / width))));
  // (a label that would run past the chart's right edge is left out)
  return axis.buckets.filter((b, i) => i % every === 0 && b.x0 + width - 14 <= W).map(b =>
    `<line class="tickmark" x1="${f1(b.x0)}" y1="${y}" x2="${f1(b.x0)}" y2="${y + 4}"/><text class="tick" x="${f1(b.x0)}" y="${y + 15}" text-anchor="start">${escapeHtml(bucketLabel(b.row.start, bucket, axis.withYear))}</text>`).join('');
}

/** 0 and round steps (1, 2, 5 times a power of ten) up to at least `max`. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(k => k * p).find(s => s >= raw)!;
  const stepWhole = Math.max(1, step);
  const ticks: number[] = [];
  for (let t = 0; t < max + stepWhole; t += stepWhole) ticks.push(t);
  return ticks;
}

const measureWord = (m: Measure) => (m === 'lines' ? 'changed lines' : 'commits');
const valueOf = (b: BucketRow, k: string, m: Measure) => (m === 'lines' ? b.lineValues?.[k] ?? 0 : b.values[k] ?? 0);

/**
 * Effort per bucket, stacked per outcome: `absolute` in the measure's units, or `share` (each bucket 100%, as
 * investment-balance tools draw it; an empty bucket stays empty). Each bar has a tooltip; the tables below have the
 * same numbers.
 */
export function effortChart(r: ReportJson, kind: 'absolute' | 'share', title: (key: string) => string): string {
  const axis = timeAxis(r);
  if (!axis) return '';
  const m = r.measure;
  const H = 230, top = 10, bottom = 34;
  const keys = r.outcomes.map(o => o.id);
  const totals = axis.buckets.map(b => keys.reduce((s, k) => s + valueOf(b.row, k, m), 0));
  const ticks = kind === 'share' ? [0, 0.25, 0.5, 0.75, 1] : niceTicks(Math.max(...totals));
  const max = ticks[ticks.length - 1];
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const per = r.bucket === 'week' ? 'week' : 'month';
  const axisTitle = kind === 'share' ? `Share of ${measureWord(m)} per ${per}` : `${m === 'lines' ? 'Changed lines' : 'Commits'} per ${per}`;
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line class="grid" x1="${LEFT}" y1="${f1(y(t))}" x2="${W - RIGHT}" y2="${f1(y(t))}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${f1(y(t) + 3)}" text-anchor="end">${kind === 'share' ? `${Math.round(t * 100)}%` : whole(t)}</text>`);
  }
  parts.push(`<text class="axis-title" x="12" y="${f1((H - bottom + top) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${f1((H - bottom + top) / 2)})">${escapeHtml(axisTitle)}</text>`);
  axis.buckets.forEach((b, i) => {
    const total = totals[i];
    if (!total) return;
    const slot = b.x1 - b.x0;
    const bw = Math.max(1, slot * 0.78);
    const x = b.x0 + (slot - bw) / 2;
    let acc = 0;
    keys.forEach((k, ki) => {
      const raw = valueOf(b.row, k, m);
      if (raw <= 0) return;
      const v = kind === 'share' ? raw / total : raw;
      const y1 = y(acc + v), y0 = y(acc);
      acc += v;
      const label = `${r.bucket === 'week' ? 'Week of' : 'Month of'} ${b.row.start} · ${title(k)}: ${whole(raw)} ${measureWord(m)}${kind === 'share' ? ` (${Math.round((raw / total) * 100)}%)` : ''}`;
      parts.push(`<rect class="${colourClass(k, ki)}" x="${f1(x)}" y="${f1(y1)}" width="${f1(bw)}" height="${Math.max(0.5, y0 - y1).toFixed(1)}"><title>${escapeHtml(label)}</title></rect>`);
    });
  });
  parts.push(`<line class="axis" x1="${LEFT}" y1="${f1(y(0))}" x2="${W - RIGHT}" y2="${f1(y(0))}"/>`);
  parts.push(xLabels(axis, r.bucket, H - bottom + 2));
  const label = `${axisTitle}, stacked by outcome, ${day(r.buckets[0].start)} to ${day(r.buckets[r.buckets.length - 1].start)}; the tables below have the same numbers`;
  return `<svg class="chart" id="chart-${kind}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`;
}

/** The points a trend line goes through on the axis: the value at the window's start, then each change. */
function trendSteps(kr: ReportKeyResult): TrendPoint[] {
  return [...(kr.atStart ? [kr.atStart] : []), ...kr.history];
}

/**
 * A key result beside the effort on its outcome, over the same buckets: bars of the outcome's effort (left axis),
 * the key result's `current` as a step line (right axis, from the value it had when the window began), its target as
 * a dashed line, and values that are not numbers as text events (a marker with the text).
 */
/** The part of a key result's expected line (baseline at start to target at due) that the time axis shows, or undefined. */
function expectedLine(r: ReportJson, kr: ReportKeyResult, axis: { from: number; to: number }): { t0: number; t1: number; v0: number; v1: number; start: string; due: string } | undefined {
  const period = r.outcomes.find(o => o.id === kr.outcome)?.period;
  const b = parseMetricValue(kr.baseline), t = parseMetricValue(kr.target);
  if (!period || !b || !t || b.unit !== t.unit || kr.status === undefined || kr.status === null || kr.statusBy === 'person') return undefined;
  const from = Date.parse(`${period.start}T00:00:00Z`), to = Date.parse(`${period.due}T00:00:00Z`) + 86_400_000;
  const t0 = Math.max(from, axis.from), t1 = Math.min(to, axis.to);
  if (t1 <= t0) return undefined;
  const at = (ms: number) => b.value + (t.value - b.value) * (ms - from) / (to - from);
  return { t0, t1, v0: at(t0), v1: at(t1), start: period.start, due: period.due };
}

export function keyResultChart(r: ReportJson, kr: ReportKeyResult, colour: string, id: string): string {
  const axis = timeAxis(r);
  if (!axis) return '';
  const m = r.measure;
  const H = 150, top = 12, bottom = 34, RW = 44;
  const plotRight = W - RIGHT - RW;
  const xs = (ms: number) => LEFT + (plotRight - LEFT) * Math.min(1, Math.max(0, (ms - axis.from) / (axis.to - axis.from)));
  const effort = axis.buckets.map(b => ({ b, v: valueOf(b.row, kr.outcome, m), x0: xs(Date.parse(b.row.start)), x1: xs(Date.parse(bucketEnd(b.row.start, r.bucket))) }));
  const eTicks = niceTicks(Math.max(...effort.map(e => e.v)));
  const eMax = eTicks[eTicks.length - 1];
  const ye = (v: number) => top + (H - top - bottom) * (1 - v / eMax);
  const parts: string[] = [];
  for (const t of [0, eMax]) parts.push(`<text class="tick" x="${LEFT - 6}" y="${f1(ye(t) + 3)}" text-anchor="end">${whole(t)}</text>`);
  parts.push(`<text class="axis-title" x="12" y="${f1((H - bottom + top) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${f1((H - bottom + top) / 2)})">${m === 'lines' ? 'Lines' : 'Commits'}</text>`);
  for (const e of effort) {
    if (e.v <= 0) continue;
    const slot = e.x1 - e.x0, bw = Math.max(1, slot * 0.78);
    parts.push(`<rect class="${colour} effort" x="${f1(e.x0 + (slot - bw) / 2)}" y="${f1(ye(e.v))}" width="${f1(bw)}" height="${Math.max(0.5, ye(0) - ye(e.v)).toFixed(1)}"><title>${escapeHtml(`${r.bucket === 'week' ? 'Week of' : 'Month of'} ${e.b.row.start}: ${whole(e.v)} ${measureWord(m)} on this outcome`)}</title></rect>`);
  }
  parts.push(`<line class="axis" x1="${LEFT}" y1="${f1(ye(0))}" x2="${plotRight}" y2="${f1(ye(0))}"/>`);
  const steps = trendSteps(kr);
  const numeric = steps.filter(p => p.value !== null);
  const target = parseTarget(kr);
  const xOf = (p: TrendPoint) => (p === kr.atStart ? LEFT : xs(Date.parse(p.date)));
  const line = expectedLine(r, kr, axis);
  if (numeric.length) {
    const vals = [...numeric.map(p => p.value!), ...(target !== undefined ? [target] : []), ...(line ? [line.v0, line.v1] : [])];
    const min = Math.min(...vals), max = Math.max(...vals);
    let lo = min, hi = max;
    if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
    // A margin, so that the line does not run along the effort's axis or the top edge.
    const pad = (hi - lo) * 0.12;
    lo -= pad; hi += pad;
    const yk = (v: number) => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo));
    const unit = numeric[numeric.length - 1].unit;
    // A value as the file writes it (72k, not 72000) where a point or the target has it.
    const fmtV = (v: number) => [...numeric.map(p => ({ v: p.value, t: p.text })), { v: target, t: kr.target }].find(x => x.v === v)?.t?.trim() ?? `${+v.toPrecision(4)}${unit}`;
    // The right axis names where the line ends (the value HEAD has) and the target, not the range's ends: the
    // current value is the one a reader looks for, and the target only where it does not sit on top of it.
    const current = numeric[numeric.length - 1];
    parts.push(`<text class="tick kr-current" x="${plotRight + 6}" y="${f1(yk(current.value!) + 3)}">${escapeHtml(current.text.trim() || fmtV(current.value!))}</text>`);
    if (target !== undefined && Math.abs(yk(target) - yk(current.value!)) >= 11) parts.push(`<text class="tick kr-target" x="${plotRight + 6}" y="${f1(yk(target) + 3)}">${escapeHtml(fmtV(target))}</text>`);
    if (target !== undefined) parts.push(`<line class="target" x1="${LEFT}" y1="${f1(yk(target))}" x2="${plotRight}" y2="${f1(yk(target))}"><title>${escapeHtml(`target ${kr.target}`)}</title></line>`);
    // The straight line from the baseline at the start to the target at the due date: where the value should be.
    if (line) parts.push(`<line class="expected" x1="${f1(xs(line.t0))}" y1="${f1(yk(line.v0))}" x2="${f1(xs(line.t1))}" y2="${f1(yk(line.v1))}"><title>${escapeHtml(`expected: ${kr.baseline} on ${line.start} to ${kr.target} on ${line.due}`)}</title></line>`);
    // A step line through the numbers; a value that is not a number ends it until the next number (no made-up values).
    let d = '';
    let open = false;
    steps.forEach(p => {
      const x = f1(xOf(p));
      if (p.value === null) { if (open) d += `H${x}`; open = false; return; }
      const yv = f1(yk(p.value));
      d += open ? `H${x}V${yv}` : `M${x} ${yv}`;
      open = true;
    });
    if (open) d += `H${plotRight}`;
    parts.push(`<path class="trend" d="${d}"/>`);
    for (const p of numeric) {
      parts.push(`<circle class="trend-point" cx="${f1(xOf(p))}" cy="${f1(yk(p.value!))}" r="3.5"><title>${escapeHtml(`${day(p.date)}: ${p.text}${p === kr.atStart ? ' (set before the window)' : ''}${p.sha ? ` · commit ${p.sha.slice(0, 10)}` : ''}`)}</title></circle>`);
    }
  }
  for (const p of steps.filter(s => s.value === null)) {
    const x = xOf(p);
    parts.push(`<g class="text-event"><line x1="${f1(x)}" y1="${top}" x2="${f1(x)}" y2="${f1(ye(0))}"/><path d="M${f1(x)} ${top - 5}l5 5l-5 5l-5 -5z"/><title>${escapeHtml(`${day(p.date)}: ${p.text} · commit ${p.sha.slice(0, 10)}`)}</title></g>`);
  }
  parts.push(xLabels({ ...axis, buckets: effort.map(e => ({ row: e.b.row, x0: e.x0, x1: e.x1 })) }, r.bucket, H - bottom + 2));
  const label = `${kr.name}: its value over the window beside the ${measureWord(m)} on its outcome per ${r.bucket}; the table below has the values`;
  return `<svg class="chart kr-chart" id="${escapeHtml(id)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`;
}

/** The target on the trend's scale: a number in the same unit as the values, else none. */
function parseTarget(kr: ReportKeyResult): number | undefined {
  const unit = [...kr.history, ...(kr.atStart ? [kr.atStart] : [])].find(p => p.value !== null)?.unit;
  const t = parseMetricValue(kr.target);
  return t && (unit === undefined || t.unit === unit) ? t.value : undefined;
}
