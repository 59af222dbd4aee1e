import { CommitLink, isMerge, Via, VIA_ORDER } from './link';
import type { LineStat } from '../git/repo';

export type Bucket = 'week' | 'month';
/** A bucket, or "chosen by the window": weeks up to WEEKS_UP_TO_DAYS, months beyond. */
export type BucketChoice = Bucket | 'auto';
export const UNLINKED = '(unlinked)';
export const IGNORED = '(ignored)';
/** The longest window drawn in weeks when the bucket is chosen by the window; a longer one is drawn in months. */
export const WEEKS_UP_TO_DAYS = 180;
/** Unlinked commits a report lists (the most recent ones), with how many there are in all. */
export const UNLINKED_LIST_MAX = 20;

type ByVia = Record<Via, number>;

export interface AllocationRow {
  /** An outcome id, or UNLINKED / IGNORED. */
  key: string;
  /** Commits, a commit linked to k outcomes counting 1/k towards each (so shares sum to 100%). */
  commits: number;
  /** The same weight split by the strongest link that tied the commit to this outcome. */
  byVia: ByVia;
  /** Share of all counted commits, 0..1. */
  share: number;
  /** Changed lines (added + deleted), split like commits; null until line counts are known. */
  lines: number | null;
  linesByVia: ByVia | null;
  lineShare: number | null;
  /** Binary files changed (no line counts), split like commits. */
  binaryFiles: number | null;
}

export interface BucketRow {
  /** First day of the bucket, YYYY-MM-DD (weeks start on Monday, UTC). */
  start: string;
  values: Record<string, number>;
  lineValues: Record<string, number> | null;
  alignment: number | null;
  lineAlignment: number | null;
}

/** Commits (or changed lines) by what they serve: linked to an outcome, unlinked, or ignored. */
export interface StatusCounts {
  linked: number;
  unlinked: number;
  ignored: number;
}

/** An unlinked commit as a report lists it. */
export interface UnlinkedCommit {
  sha: string;
  author: string;
  date: string;
  subject: string;
}

export interface Allocation {
  bucket: Bucket;
  since?: string;
  until?: string;
  /** Non-merge commits counted (the merge rule, isMerge: merges are left out so no work is counted twice). */
  commits: number;
  counts: StatusCounts;
  /** The same by changed lines; null until line counts are known. */
  lineCounts: StatusCounts | null;
  rows: AllocationRow[];
  /** Every bucket from the window's start to its end, oldest first: a bucket with no commit is there, empty. */
  buckets: BucketRow[];
  /** linked / (linked + unlinked) commits; null when there is neither. */
  alignment: number | null;
  /** The same by changed lines; null until line counts are known. */
  lineAlignment: number | null;
  /** Counted commits whose line counts are not known yet. */
  linesPending: number;
  /** Counted commits whose line counts git could not give (missing objects): left out of every line figure. */
  linesUnknown: string[];
  /**
   * Counted commits at a shallow clone's boundary: git lists their whole tree as changed, so their lines are left
   * out of every line figure, and the report says the history is shallow.
   */
  shallowBoundary: string[];
  topUnlinkedFolders: { folder: string; commits: number }[];
  topUnlinkedAuthors: { author: string; commits: number }[];
  /** The most recent unlinked commits (UNLINKED_LIST_MAX at most, newest first) and how many there are. */
  unlinkedCommits: { total: number; recent: UnlinkedCommit[] };
}

/** Buckets a date: ISO weeks from Monday, or calendar months, in UTC so that a report does not depend on where it runs. */
export function bucketStart(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  if (bucket === 'month') return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
  const day = (d.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

const DAY_MS = 86400_000;

/** The first day after the bucket that starts on `start` (the next bucket's start): where its span on a time axis ends. */
export function bucketEnd(start: string, bucket: Bucket): string {
  const [y, m, d] = start.split('-').map(Number);
  const next = bucket === 'month' ? new Date(Date.UTC(y, m, 1)) : new Date(Date.UTC(y, m - 1, d + 7));
  return next.toISOString().slice(0, 10);
}

/** Every bucket start from the one holding `from` to the one holding `to`, oldest first (a linear time axis). */
export function bucketRange(from: string, to: string, bucket: Bucket): string[] {
  const first = bucketStart(from, bucket), last = bucketStart(to, bucket);
  if (first === 'unknown' || last === 'unknown') return [];
  const out: string[] = [];
  for (let b = first; b <= last; b = bucketEnd(b, bucket)) out.push(b);
  return out;
}

/** The bucket a window of this span is drawn in: weeks up to WEEKS_UP_TO_DAYS, months beyond. */
export function chooseBucket(from: string, to: string): Bucket {
  return Date.parse(to) - Date.parse(from) > WEEKS_UP_TO_DAYS * DAY_MS ? 'month' : 'week';
}

const zeroVia = (): ByVia => ({ trailer: 0, note: 0, ticket: 0, area: 0 });

/** What the line measure knows: counts per commit, and the commits and files it leaves out. */
export interface LineInfo {
  stats: ReadonlyMap<string, LineStat>;
  /** Commits git could not give counts for (missing objects). */
  unknown?: ReadonlySet<string>;
  /** A shallow clone's boundary commits. */
  boundary?: ReadonlySet<string>;
  /** Files that need no outcome (outcomes.yaml's ignore, no area): their lines count for nobody (DESIGN.md). */
  ignored?: (path: string) => boolean;
}

/**
 * Effort per outcome from linked commits (DESIGN.md: merges left out; a commit linked to several outcomes
 * splits its weight evenly). Pure: give it the commits of the window in any order, and the line counts
 * known so far (commits counts never wait for them). The buckets run from the window's start (`since`, else the
 * oldest commit) to its end (`until`, else `now`, else the newest commit), empty ones included, and reach out to any
 * commit whose author date lies outside that (a cherry-pick keeps its old date): a time axis that tells the truth.
 */
export function allocate(links: readonly CommitLink[], outcomeIds: readonly string[], bucketChoice: BucketChoice,
  window: { since?: string; until?: string; now?: string } = {}, lineInfo?: LineInfo): Allocation {
  const b = new AllocationBuilder(outcomeIds, bucketChoice, window, lineInfo);
  b.add(links);
  return b.finish();
}

type Row = AllocationRow & { lines: number; linesByVia: ByVia; binaryFiles: number };
/** One bucket's figures as they are added up: what the commits credit, and the alignment's counts. */
interface BucketSum { row: BucketRow & { lineValues: Record<string, number> }; linked: number; unlinked: number; linkedLines: number; unlinkedLines: number }

/**
 * allocate, a part of the commits at a time (in the order allocate would be given them all), so that a report over a
 * whole history need not hold every commit: what a commit adds is added up as it comes, and only the figures are kept.
 * The line counts of a part (lineInfo's maps) need only be there while the part is added. With the bucket chosen by
 * the window, weeks and months are both added up, and the window's span picks one at the end.
 */
export class AllocationBuilder {
  private readonly rows = new Map<string, Row>();
  private readonly tables = new Map<Bucket, Map<string, BucketSum>>();
  private readonly folders = new Map<string, number>();
  private readonly authors = new Map<string, number>();
  private counted = 0; private linked = 0; private unlinked = 0; private ignoredCount = 0;
  private linkedLines = 0; private unlinkedLines = 0; private totalLines = 0; private pending = 0;
  private readonly unknownShas: string[] = [];
  private readonly boundaryShas: string[] = [];
  /** The newest unlinked commits, newest first (of the same instant, the first given first), and their number. */
  private readonly recent: { t: number; c: CommitLink }[] = [];
  private from?: string;
  private to?: string;

  constructor(outcomeIds: readonly string[], private readonly bucketChoice: BucketChoice,
    private readonly window: { since?: string; until?: string; now?: string } = {}, private readonly lineInfo?: LineInfo) {
    for (const k of [...outcomeIds, UNLINKED, IGNORED]) this.rows.set(k, { key: k, commits: 0, byVia: zeroVia(), share: 0, lines: 0, linesByVia: zeroVia(), lineShare: 0, binaryFiles: 0 });
    for (const b of bucketChoice === 'auto' ? ['week', 'month'] as const : [bucketChoice]) this.tables.set(b, new Map());
    this.from = window.since;
    this.to = window.until ?? window.now;
  }

  add(links: readonly CommitLink[]): void {
    const lineStats = this.lineInfo?.stats;
    const linesUnknown = this.lineInfo?.unknown;
    const boundary = this.lineInfo?.boundary;
    const ignored = this.lineInfo?.ignored ?? (() => false);
    for (const l of links) {
      if (isMerge(l.commit)) continue;
      this.counted++;
      this.widen(l.commit.date);
      const atBoundary = !!boundary?.has(l.commit.sha);
      if (atBoundary) this.boundaryShas.push(l.commit.sha);
      const ls = atBoundary ? undefined : lineStats?.get(l.commit.sha);
      if (!atBoundary && !ls && linesUnknown?.has(l.commit.sha)) this.unknownShas.push(l.commit.sha);
      else if (!atBoundary && !ls) this.pending++;
      let lines = 0, bin = 0;
      for (const [path, n] of ls?.files ?? []) {
        if (ignored(path)) continue;
        if (n === null) bin++;
        else lines += n;
      }
      this.totalLines += lines;
      const sums: BucketSum[] = [];
      for (const [bucket, table] of this.tables) {
        const start = bucketStart(l.commit.date, bucket);
        let sum = table.get(start);
        if (!sum) table.set(start, sum = { row: { start, values: {}, lineValues: {}, alignment: null, lineAlignment: null }, linked: 0, unlinked: 0, linkedLines: 0, unlinkedLines: 0 });
        sums.push(sum);
      }
      const credit = (key: string, w: number, via?: Via) => {
        const row = this.rows.get(key)!;
        row.commits += w;
        row.lines += w * lines;
        row.binaryFiles += w * bin;
        if (via) { row.byVia[via] += w; row.linesByVia[via] += w * lines; }
        for (const { row: br } of sums) {
          br.values[key] = (br.values[key] ?? 0) + w;
          br.lineValues[key] = (br.lineValues[key] ?? 0) + w * lines;
        }
      };
      if (l.status === 'linked') {
        this.linked++; this.linkedLines += lines;
        for (const pb of sums) { pb.linked++; pb.linkedLines += lines; }
        const w = 1 / l.outcomes.length;
        for (const id of l.outcomes) credit(id, w, VIA_ORDER.find(v => l.links.some(x => x.outcome === id && x.via === v)));
      } else if (l.status === 'unlinked') {
        this.unlinked++; this.unlinkedLines += lines;
        for (const pb of sums) { pb.unlinked++; pb.unlinkedLines += lines; }
        credit(UNLINKED, 1);
        this.keepRecent(l);
        this.authors.set(l.commit.author, (this.authors.get(l.commit.author) ?? 0) + 1);
        for (const folder of new Set(l.commit.files.map(folderOf))) this.folders.set(folder, (this.folders.get(folder) ?? 0) + 1);
      } else {
        this.ignoredCount++;
        credit(IGNORED, 1);
      }
    }
  }

  finish(): Allocation {
    const { window } = this;
    const from = this.from ?? this.to ?? '', to = this.to ?? this.from ?? '';
    const bucket = this.bucketChoice === 'auto' ? chooseBucket(from, to) : this.bucketChoice;
    const table = this.tables.get(bucket)!;
    const keys = [...this.rows.keys()];
    for (const start of this.counted || window.since ? bucketRange(from, to, bucket) : []) {
      if (!table.has(start)) table.set(start, { row: { start, values: {}, lineValues: {}, alignment: null, lineAlignment: null }, linked: 0, unlinked: 0, linkedLines: 0, unlinkedLines: 0 });
    }
    for (const { row: br } of table.values()) for (const k of keys) { br.values[k] ??= 0; br.lineValues[k] ??= 0; }
    const lineStats = this.lineInfo?.stats;
    const { counted, linked, unlinked, totalLines, linkedLines, unlinkedLines } = this;
    const haveLines = !!lineStats && this.pending === 0;
    const ratio = (a: number, b: number) => (a + b ? a / (a + b) : null);
    const outRows: AllocationRow[] = [...this.rows.values()].map(r => ({
      ...r,
      share: counted ? r.commits / counted : 0,
      lines: haveLines ? r.lines : null,
      linesByVia: haveLines ? r.linesByVia : null,
      lineShare: haveLines ? (totalLines ? r.lines / totalLines : 0) : null,
      binaryFiles: haveLines ? r.binaryFiles : null,
    }));
    const outBuckets: BucketRow[] = [...table.values()].sort((a, b) => (a.row.start < b.row.start ? -1 : 1)).map(pb => (
      { ...pb.row, alignment: ratio(pb.linked, pb.unlinked), lineAlignment: haveLines ? ratio(pb.linkedLines, pb.unlinkedLines) : null, lineValues: haveLines ? pb.row.lineValues : null }));
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    return {
      bucket, since: window.since, until: window.until, commits: counted, rows: outRows, buckets: outBuckets,
      counts: { linked, unlinked, ignored: this.ignoredCount },
      lineCounts: haveLines ? { linked: linkedLines, unlinked: unlinkedLines, ignored: totalLines - linkedLines - unlinkedLines } : null,
      unlinkedCommits: {
        total: unlinked,
        recent: this.recent.map(({ c: { commit: c } }) => ({ sha: c.sha, author: c.author, date: c.date, subject: c.subject })),
      },
      alignment: ratio(linked, unlinked), lineAlignment: haveLines ? ratio(linkedLines, unlinkedLines) : null,
      linesPending: lineStats ? this.pending : counted - this.unknownShas.length - this.boundaryShas.length,
      linesUnknown: this.unknownShas, shallowBoundary: this.boundaryShas,
      topUnlinkedFolders: top(this.folders).map(([folder, commits]) => ({ folder, commits })),
      topUnlinkedAuthors: top(this.authors).map(([author, commits]) => ({ author, commits })),
    };
  }

  /**
   * The time axis (see allocate): `since` (else the oldest commit) to `until` (else `now`, else the newest commit),
   * widened to every commit's author date.
   */
  private widen(d: string): void {
    const t = Date.parse(d);
    if (Number.isNaN(t)) return;
    if (this.from === undefined || t < Date.parse(this.from)) this.from = d;
    if (this.to === undefined || t > Date.parse(this.to)) this.to = d;
  }

  /** Keeps the UNLINKED_LIST_MAX newest unlinked commits, newest first; of the same instant, git's order (which knows which came first). */
  private keepRecent(c: CommitLink): void {
    const parsed = Date.parse(c.commit.date);
    const t = Number.isNaN(parsed) ? -Infinity : parsed;
    const r = this.recent;
    if (r.length === UNLINKED_LIST_MAX && !(t > r[r.length - 1].t)) return;
    let i = r.length;
    while (i > 0 && !(r[i - 1].t >= t)) i--;
    r.splice(i, 0, { t, c });
    if (r.length > UNLINKED_LIST_MAX) r.pop();
  }
}

/** Planned vs actual for one outcome, over one measure (DESIGN.md, `budget`). */
export interface PlanRow {
  id: string;
  /** The planned share, 0..1, or null when the outcome has no budget. */
  budget: number | null;
  /** Its share of the effort that needs an outcome (linked + unlinked: what budgets plan); null when there is none or the measure is not known yet. */
  actual: number | null;
  /** actual - budget (a fraction: 0.15 is 15 percentage points over); null without both. */
  drift: number | null;
}

/**
 * Planned vs actual per outcome: each outcome's effort over the window as a share of the linked and unlinked effort
 * (ignored work needs no outcome, so budgets do not plan it), against its `budget`. Lines: null until counted.
 */
export function planVsActual(a: Allocation, outcomes: readonly { id: string; budget?: number }[], measure: 'commits' | 'lines'): PlanRow[] {
  const c = measure === 'lines' ? a.lineCounts : a.counts;
  const whole = c ? c.linked + c.unlinked : 0;
  return outcomes.map(o => {
    const row = a.rows.find(r => r.key === o.id);
    const effort = measure === 'lines' ? row?.lines ?? null : row?.commits ?? 0;
    const actual = effort === null || !whole ? null : effort / whole;
    const budget = o.budget ?? null;
    return { id: o.id, budget, actual, drift: budget === null || actual === null ? null : actual - budget };
  });
}

/** The folder a path is in, `.` for the root (the unit a tech lead acts on). */
export function folderOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? '.' : p.slice(0, i);
}
