import { bucketRange, BucketRow, IGNORED, StatusCounts, UNLINKED, UNLINKED_LIST_MAX } from '../links/allocation';
import { REPORT_NOTE, REPORT_SCHEMA_VERSION, ReportJson, ReportOutcome, ReportRepository, ReportWindow } from './model';

/**
 * The organisation's rollup (DESIGN.md, `rollup`): many repositories' `report --format json`, each made where its
 * repository lives (a CI job per repository), merged into one report of the same shape. The same outcome id in two
 * repositories is one outcome of the organisation. Only JSON is read: no git, no repository.
 */

/** A report file that cannot be read as one: the file and what is wrong, for one line on stderr. */
export class ReportFileError extends Error {}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the fields the rollup reads, naming the first one that is wrong (`outcomes[2].commits must be a number`). */
class Check {
  constructor(private readonly file: string) {}
  fail(where: string, what: string): never {
    throw new ReportFileError(`${this.file}: ${where} ${what}`);
  }
  obj(v: Json, where: string): Record<string, Json> {
    return isObj(v) ? v : this.fail(where, 'must be an object');
  }
  arr(v: Json, where: string): Json[] {
    return Array.isArray(v) ? v : this.fail(where, 'must be a list');
  }
  num(v: Json, where: string): number {
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : this.fail(where, 'must be a number, 0 or more');
  }
  numOrNull(v: Json, where: string): number | null {
    return v === null ? null : typeof v === 'number' && Number.isFinite(v) ? v : this.fail(where, 'must be a number or null');
  }
  str(v: Json, where: string): string {
    return typeof v === 'string' ? v : this.fail(where, 'must be a string');
  }
  strOrNull(v: Json, where: string): string | null {
    return v === null || v === undefined ? null : this.str(v, where);
  }
  counts(v: Json, where: string): StatusCounts {
    const o = this.obj(v, where);
    return { linked: this.num(o.linked, `${where}.linked`), unlinked: this.num(o.unlinked, `${where}.unlinked`), ignored: this.num(o.ignored, `${where}.ignored`) };
  }
  record(v: Json, where: string): Record<string, number> {
    const o = this.obj(v, where);
    for (const [k, x] of Object.entries(o)) this.num(x, `${where}.${k}`);
    return o as Record<string, number>;
  }
}

/**
 * Reads one `report --format json` output. Anything that is not such a report (another file, a rollup, a report
 * from a version that writes a schema this one does not know, a field of the wrong type) is refused, named.
 */
export function readReport(text: string, file: string): ReportJson {
  let v: Json;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReportFileError(`${file}: not JSON (${(e as Error).message}); give the output of 'outcome-lens report --format json'`);
  }
  const c = new Check(file);
  const r = c.obj(v, 'the file');
  if (r.schemaVersion === undefined) c.fail('the file', "is not an Outcome Lens report (no schemaVersion); make it with 'outcome-lens report --format json'");
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) c.fail('schemaVersion', `is ${JSON.stringify(r.schemaVersion)}; this outcome-lens reads version ${REPORT_SCHEMA_VERSION} (use the version that made the reports)`);
  if (r.kind === 'rollup') c.fail('the file', 'is a rollup; give the repositories\' own reports');
  c.str(r.repository, 'repository');
  c.str(r.generatedAt, 'generatedAt');
  const w = c.obj(r.window, 'window');
  c.strOrNull(w.since, 'window.since'); c.strOrNull(w.until, 'window.until'); c.strOrNull(w.range, 'window.range');
  if (r.bucket !== 'week' && r.bucket !== 'month') c.fail('bucket', 'must be "week" or "month"');
  c.num(r.commits, 'commits');
  c.counts(r.counts, 'counts');
  if (r.lineCounts !== null) c.counts(r.lineCounts, 'lineCounts');
  c.num(r.driftThreshold, 'driftThreshold');
  c.arr(r.outcomes, 'outcomes').forEach((x, i) => {
    const o = c.obj(x, `outcomes[${i}]`);
    c.str(o.id, `outcomes[${i}].id`); c.str(o.title, `outcomes[${i}].title`); c.strOrNull(o.owner, `outcomes[${i}].owner`);
    c.num(o.commits, `outcomes[${i}].commits`); c.numOrNull(o.lines, `outcomes[${i}].lines`); c.numOrNull(o.binaryFiles, `outcomes[${i}].binaryFiles`);
    c.record(o.byVia, `outcomes[${i}].byVia`); if (o.linesByVia !== null) c.record(o.linesByVia, `outcomes[${i}].linesByVia`);
    const b = c.numOrNull(o.budget, `outcomes[${i}].budget`);
    if (b !== null && (b < 0 || b > 1)) c.fail(`outcomes[${i}].budget`, 'must be a share from 0 to 1');
  });
  c.arr(r.buckets, 'buckets').forEach((x, i) => {
    const b = c.obj(x, `buckets[${i}]`);
    c.str(b.start, `buckets[${i}].start`); c.record(b.values, `buckets[${i}].values`); if (b.lineValues !== null) c.record(b.lineValues, `buckets[${i}].lineValues`);
  });
  c.arr(r.keyResults, 'keyResults').forEach((x, i) => {
    const k = c.obj(x, `keyResults[${i}]`);
    c.str(k.outcome, `keyResults[${i}].outcome`); c.str(k.name, `keyResults[${i}].name`);
    c.arr(k.history, `keyResults[${i}].history`).forEach((p, j) => { const q = c.obj(p, `keyResults[${i}].history[${j}]`); c.str(q.date, `keyResults[${i}].history[${j}].date`); c.str(q.text, `keyResults[${i}].history[${j}].text`); c.str(q.sha, `keyResults[${i}].history[${j}].sha`); });
  });
  const u = c.obj(r.unlinkedCommits, 'unlinkedCommits');
  c.num(u.total, 'unlinkedCommits.total');
  c.arr(u.recent, 'unlinkedCommits.recent').forEach((x, i) => {
    const k = c.obj(x, `unlinkedCommits.recent[${i}]`);
    for (const f of ['sha', 'author', 'date', 'subject']) c.str(k[f], `unlinkedCommits.recent[${i}].${f}`);
  });
  c.arr(r.topUnlinkedFolders, 'topUnlinkedFolders');
  c.arr(r.topUnlinkedAuthors, 'topUnlinkedAuthors');
  c.arr(r.linesUnknown, 'linesUnknown');
  c.arr(r.shallowBoundary, 'shallowBoundary');
  c.obj(r.keyResultVersions, 'keyResultVersions');
  return v as ReportJson;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const addCounts = (xs: StatusCounts[]): StatusCounts => ({ linked: sum(xs.map(x => x.linked)), unlinked: sum(xs.map(x => x.unlinked)), ignored: sum(xs.map(x => x.ignored)) });
const ratio = (c: StatusCounts | null) => (c && c.linked + c.unlinked ? c.linked / (c.linked + c.unlinked) : null);
const needing = (c: StatusCounts) => c.linked + c.unlinked;
const addVia = (xs: Record<string, number>[]) => {
  const out: Record<string, number> = {};
  for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** What the caller should say about the merge (different windows, bucket kinds that cannot be merged). */
export interface RollupResult {
  report: ReportJson;
  warnings: string[];
}

/**
 * Merges reports into one: counts and effort summed, alignment from the summed counts, each outcome id once (its
 * title and owners from the reports that have it), planned vs actual over the repositories that budget an outcome
 * (planned share = Σ budget × effort / Σ effort, actual = Σ its effort / Σ effort, over those), buckets merged when
 * all reports use the same kind, the most recent unlinked commits of all with the total.
 */
export function rollup(reports: readonly ReportJson[], generatedAt: string): RollupResult {
  const warnings: string[] = [];
  const linesKnown = reports.every(r => r.lineCounts !== null);
  const counts = addCounts(reports.map(r => r.counts));
  const lineCounts = linesKnown ? addCounts(reports.map(r => r.lineCounts!)) : null;
  const commits = sum(reports.map(r => r.commits));
  const totalLines = lineCounts ? lineCounts.linked + lineCounts.unlinked + lineCounts.ignored : 0;
  // Outcome ids in the order the reports list them; unlinked and ignored last, as in a report.
  const ids: string[] = [];
  for (const r of reports) for (const o of r.outcomes) if (!ids.includes(o.id) && o.id !== UNLINKED && o.id !== IGNORED) ids.push(o.id);
  ids.push(UNLINKED, IGNORED);
  const threshold = reports[0]?.driftThreshold ?? 0.1;
  const outcomes: ReportOutcome[] = ids.map(id => {
    const parts = reports.flatMap(r => r.outcomes.filter(o => o.id === id).map(o => ({ r, o })));
    const owners = [...new Set(parts.map(p => p.o.owner).filter((x): x is string => !!x))];
    const c = sum(parts.map(p => p.o.commits));
    const lines = linesKnown ? sum(parts.map(p => p.o.lines ?? 0)) : null;
    const planned = parts.filter(p => p.o.budget !== null);
    const over = (measure: 'commits' | 'lines') => {
      // The repositories whose effort the share is of: those that budget the outcome, or all when none does.
      const base = planned.length ? planned : parts;
      const whole = sum((planned.length ? planned.map(p => p.r) : reports).map(r => (measure === 'lines' ? (r.lineCounts ? needing(r.lineCounts) : 0) : needing(r.counts))));
      const effort = sum(base.map(p => (measure === 'lines' ? p.o.lines ?? 0 : p.o.commits)));
      const budget = planned.length && whole ? sum(planned.map(p => p.o.budget! * (measure === 'lines' ? (p.r.lineCounts ? needing(p.r.lineCounts) : 0) : needing(p.r.counts)))) / whole : null;
      const actual = id === IGNORED || !whole || (measure === 'lines' && !linesKnown) ? null : effort / whole;
      return { budget: planned.length ? budget : null, actual, drift: budget === null || actual === null ? null : actual - budget };
    };
    const byC = over('commits'), byL = over('lines');
    return {
      id, title: parts[0]?.o.title ?? id, owner: owners.length ? owners.join(', ') : null, commits: c, share: commits ? c / commits : 0,
      byVia: addVia(parts.map(p => p.o.byVia)) as ReportOutcome['byVia'],
      lines, lineShare: lines === null ? null : totalLines ? lines / totalLines : 0,
      linesByVia: linesKnown ? addVia(parts.map(p => p.o.linesByVia ?? {})) as ReportOutcome['linesByVia'] : null,
      binaryFiles: linesKnown ? sum(parts.map(p => p.o.binaryFiles ?? 0)) : null,
      budget: byC.budget, actualShare: byC.actual, drift: byC.drift, lineActualShare: byL.actual, lineDrift: byL.drift,
    };
  });
  const bucket = reports[0]?.bucket ?? 'week';
  let buckets: BucketRow[] = [];
  if (reports.some(r => r.bucket !== bucket)) warnings.push('the reports are bucketed by week and by month, which cannot be merged: the rollup has no chart (make them with the same --bucket)');
  else buckets = mergeBuckets(reports, bucket, ids, linesKnown);
  const windows = new Set(reports.map(r => JSON.stringify([r.window.since?.slice(0, 10) ?? null, r.window.until?.slice(0, 10) ?? null, r.window.range])));
  if (windows.size > 1) warnings.push('the reports cover different windows (see each repository\'s window); make them with the same --since for a fair comparison');
  const names = reports.map(r => r.repository);
  for (const n of new Set(names)) if (names.filter(x => x === n).length > 1) warnings.push(`two reports name the repository ${JSON.stringify(n)}: they are counted as two repositories`);
  const recent = reports.flatMap(r => r.unlinkedCommits.recent.map(u => ({ ...u, repository: r.repository })))
    // Newest first; the same second keeps each report's own (git's) order, and the reports' order between them.
    .sort((a, b) => Date.parse(b.date) - Date.parse(a.date)).slice(0, UNLINKED_LIST_MAX);
  const authors = new Map<string, number>();
  for (const r of reports) for (const a of r.topUnlinkedAuthors) authors.set(a.author, (authors.get(a.author) ?? 0) + a.commits);
  const window: ReportWindow = {
    since: reports.some(r => !r.window.since) ? null : reports.map(r => r.window.since!).sort()[0] ?? null,
    until: reports.some(r => !r.window.until) ? null : reports.map(r => r.window.until!).sort().pop() ?? null,
    days: new Set(reports.map(r => r.window.days)).size === 1 ? reports[0]?.window.days ?? null : null,
    defaulted: reports.length > 0 && reports.every(r => r.window.defaulted),
    range: null,
  };
  const repositories: ReportRepository[] = reports.map(r => ({
    repository: r.repository, generatedAt: r.generatedAt, window: r.window, commits: r.commits, counts: r.counts, lineCounts: r.lineCounts,
    alignment: ratio(r.counts), lineAlignment: ratio(r.lineCounts),
  }));
  const report: ReportJson = {
    schemaVersion: REPORT_SCHEMA_VERSION, kind: 'rollup', repository: `${reports.length} repositories`, generatedAt, window, since: window.since, until: window.until,
    bucket, measure: linesKnown && reports.every(r => r.measure === 'lines') ? 'lines' : 'commits', driftThreshold: threshold,
    commits, counts, lineCounts, alignment: ratio(counts), lineAlignment: ratio(lineCounts),
    linesPending: sum(reports.map(r => r.linesPending ?? 0)), linesUnknown: reports.flatMap(r => r.linesUnknown), shallowBoundary: reports.flatMap(r => r.shallowBoundary),
    outcomes, buckets,
    keyResults: reports.flatMap(r => r.keyResults.map(k => ({ ...k, repository: r.repository }))),
    keyResultVersions: { versions: sum(reports.map(r => r.keyResultVersions.versions ?? 0)), unreadable: reports.flatMap(r => r.keyResultVersions.unreadable ?? []) },
    unlinkedCommits: { total: sum(reports.map(r => r.unlinkedCommits.total)), recent },
    topUnlinkedFolders: reports.flatMap(r => r.topUnlinkedFolders.map(f => ({ ...f, repository: r.repository }))).sort((a, b) => b.commits - a.commits).slice(0, 10),
    topUnlinkedAuthors: [...authors].map(([author, c]) => ({ author, commits: c })).sort((a, b) => b.commits - a.commits || (a.author < b.author ? -1 : 1)).slice(0, 10),
    repositories,
    note: REPORT_NOTE,
  };
  return { report, warnings };
}

/** Buckets of the same kind summed by start, every bucket from the first to the last (a linear axis again). */
function mergeBuckets(reports: readonly ReportJson[], bucket: 'week' | 'month', ids: string[], linesKnown: boolean): BucketRow[] {
  const starts = reports.flatMap(r => r.buckets.map(b => b.start)).sort();
  if (!starts.length) return [];
  return bucketRange(starts[0], starts[starts.length - 1], bucket).map(start => {
    const rows = reports.flatMap(r => r.buckets.filter(b => b.start === start));
    const values = Object.fromEntries(ids.map(k => [k, sum(rows.map(b => b.values[k] ?? 0))]));
    const lineValues = linesKnown ? Object.fromEntries(ids.map(k => [k, sum(rows.map(b => b.lineValues?.[k] ?? 0))])) : null;
    // Linked work in a bucket is what its outcomes got (a commit's 1/k parts add up to it).
    const share = (v: Record<string, number>) => {
      const linked = sum(ids.filter(k => k !== UNLINKED && k !== IGNORED).map(k => v[k])), unlinked = v[UNLINKED];
      return linked + unlinked ? linked / (linked + unlinked) : null;
    };
    return { start, values, lineValues, alignment: share(values), lineAlignment: lineValues ? share(lineValues) : null };
  });
}
