import type { ReportJson, ReportWindow } from './model';

/**
 * Numbers and dates as every screen format writes them (the HTML report, the dashboard, Markdown): whole numbers,
 * since a commit linked to k outcomes counts 1/k and "492.75 commits" helps nobody; the exact split stays in JSON and CSV.
 */

/** A count on screen: 0 is "0", a share of one commit below a half is "<1", anything else rounded; null is `unknown`. */
export function whole(x: number | null | undefined, unknown = 'n/a'): string {
  if (x === null || x === undefined || Number.isNaN(x)) return unknown;
  if (x === 0) return '0';
  if (Math.abs(x) < 0.5) return x > 0 ? '<1' : '>-1';
  return String(Math.round(x));
}

/** A share, 0..1, as a percentage with one decimal. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

/** A drift (a difference of shares) in percentage points, signed: "+15.0 pts". */
export function pts(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  const v = Math.round(x * 1000) / 10;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)} pts`;
}

/** Whether a drift is beyond the threshold (both fractions). */
export function offBudget(drift: number | null, threshold: number): boolean {
  return drift !== null && Math.abs(drift) > threshold + 1e-9;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A bucket's label on a time axis ("Mar 4", "Mar"), with the year when the axis spans more than one ("Mar 4, 2024"). */
export function bucketLabel(start: string, bucket: 'week' | 'month', withYear: boolean): string {
  const [y, m, d] = start.split('-').map(Number);
  if (!y || !m) return start;
  const base = bucket === 'month' ? MONTHS[m - 1] : `${MONTHS[m - 1]} ${d}`;
  return withYear ? `${base}${bucket === 'month' ? ' ' : ', '}${y}` : base;
}

/** A day as YYYY-MM-DD (UTC), from an ISO date-time. */
export const day = (iso: string | null | undefined): string => (iso ? (Number.isNaN(Date.parse(iso)) ? iso : new Date(Date.parse(iso)).toISOString().slice(0, 10)) : '');

/**
 * The window in words: "the last 90 days (2024-01-01 to 2024-03-31)", "the whole history", "the range main..HEAD".
 * `exact`: the instants git was given (2024-01-01T00:00:00Z), not days; a window without an end ends `end`.
 */
export function windowText(w: ReportWindow, end = 'now', exact = false): string {
  if (w.range) return `the range ${w.range}`;
  const at = (iso: string) => (exact ? iso : day(iso));
  const to = w.until ? at(w.until) : end;
  if (!w.since) return w.until ? `the whole history until ${to}` : 'the whole history';
  const span = `${at(w.since)} to ${to}`;
  return w.days ? `${w.until ? '' : 'the last '}${w.days} days (${span})` : span;
}

/** Short commit id, as reports list commits. */
export const shortSha = (sha: string) => sha.slice(0, 10);

/** The versions of outcomes.yaml the trends leave out, and why (errors in the file, or no blob: deleted, or not in this clone). */
export function unreadableNote(r: Pick<ReportJson, 'keyResultVersions'>): string {
  const u = r.keyResultVersions.unreadable;
  const list = u.slice(0, 5).map(x => `${shortSha(x.sha)} (${x.reason === 'absent' ? 'no file: deleted there, or its object is not in this clone' : 'errors'})`).join(', ');
  return `${u.length} version(s) of outcomes.yaml could not be read and are left out of the key results' trends: ${list}${u.length > 5 ? ', …' : ''}.`;
}
