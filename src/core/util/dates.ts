/**
 * Dates a user gives `--since` and `--until`, resolved here rather than by git: git's approxidate reads almost any
 * text as some date (`--since garbage` is "now", so a window silently comes out empty), and reads a bare
 * `2024-05-01` as that day at the current time of day. What is accepted is exactly what `DATE_FORMS` says; the
 * answer is an instant that git reads one way only.
 */

/** What the error message lists, in the words a user types. */
export const DATE_FORMS = 'an ISO-8601 date or date-time (2024-05-01, 2024-05-01T09:30:00Z), "N <unit>s ago" '
  + '(second, minute, hour, day, week, month, year), yesterday, today or now';

/** Which end of a day a day-only value (2024-05-01, today, yesterday) means: `--since` its start, `--until` its end. */
export type DayEdge = 'start' | 'end';

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** An instant as `2024-05-01T09:30:00Z`: UTC, whole seconds (git's resolution), no locale in it. */
export function isoInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** A local calendar day's first or last second; undefined when the day does not exist (2024-02-30). */
function localDay(y: number, m: number, d: number, edge: DayEdge): number | undefined {
  const t = edge === 'start' ? new Date(y, m - 1, d, 0, 0, 0, 0) : new Date(y, m - 1, d, 23, 59, 59, 0);
  t.setFullYear(y); // years 0-99 would otherwise read as 1900-1999
  if (t.getFullYear() !== y || t.getMonth() !== m - 1 || t.getDate() !== d) return undefined;
  return t.getTime();
}

/** Calendar months back from `now`, on the same day of the month or that month's last day (Mar 31 - 1 month = Feb 29). */
function monthsAgo(now: Date, months: number): number {
  const t = new Date(now.getTime());
  const day = t.getDate();
  t.setDate(1);
  t.setMonth(t.getMonth() - months);
  const last = new Date(t.getFullYear(), t.getMonth() + 1, 0).getDate();
  t.setDate(Math.min(day, last));
  return t.getTime();
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const AGO_RE = /^(\d{1,9}) +(second|minute|hour|day|week|month|year)s? +ago$/i;

/**
 * The instant a date argument names, as `isoInstant` writes it, or undefined when it is not one of DATE_FORMS.
 * A value without a time zone is local time, as git reads it. `now` is the clock (a parameter for the tests).
 */
export function resolveDate(input: string, edge: DayEdge, now: Date = new Date()): string | undefined {
  const s = input.trim();
  const lower = s.toLowerCase();
  if (lower === 'now') return isoInstant(now.getTime());
  if (lower === 'today' || lower === 'yesterday') {
    const d = new Date(now.getTime());
    if (lower === 'yesterday') d.setDate(d.getDate() - 1);
    const ms = localDay(d.getFullYear(), d.getMonth() + 1, d.getDate(), edge);
    return ms === undefined ? undefined : isoInstant(ms);
  }
  let m = DATE_RE.exec(s);
  if (m) {
    const ms = localDay(+m[1], +m[2], +m[3], edge);
    return ms === undefined || +m[1] < 1970 ? undefined : isoInstant(ms);
  }
  m = DATE_TIME_RE.exec(s);
  if (m) {
    const [y, mo, d, h, mi, sec] = [+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0)];
    if (y < 1970 || h > 23 || mi > 59 || sec > 59 || localDay(y, mo, d, 'start') === undefined) return undefined;
    const zone = m[7];
    let ms: number;
    if (!zone) ms = new Date(y, mo - 1, d, h, mi, sec).getTime();
    else {
      let offset = 0;
      if (zone.toUpperCase() !== 'Z') {
        const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
        const zh = +z[2], zm = +(z[3] ?? 0);
        if (zh > 23 || zm > 59) return undefined;
        offset = (z[1] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
      }
      ms = Date.UTC(y, mo - 1, d, h, mi, sec) - offset;
    }
    return isoInstant(ms);
  }
  m = AGO_RE.exec(s);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2].toLowerCase();
    const ms = unit === 'month' ? monthsAgo(now, n) : unit === 'year' ? monthsAgo(now, 12 * n) : now.getTime() - n * UNIT_MS[unit];
    return Number.isFinite(ms) && ms >= 0 ? isoInstant(ms) : undefined;
  }
  return undefined;
}
