import { DataFile, GitRepo } from '../git/repo';
import { parseMetricValue } from '../outcomes/metricValue';
import { MetricSource, OutcomeMap } from '../outcomes/model';

/**
 * Key results measured from data (DESIGN.md, "Key results from data"): the values of `metrics[].source`, read from
 * files committed in the repository through git. Nothing is run and nothing is fetched: a path that leaves the
 * repository, a link out of it and a file past the size limit are refused, each with a located problem.
 */

/** A data file bigger than this is refused: a key result's series is a few thousand rows, not an export of a database. */
export const MAX_DATA_BYTES = 10 * 1024 * 1024;
/** A file's problems past this many are counted, not listed. */
const MAX_PROBLEMS = 20;

/** One measured value of a key result. */
export interface DataPoint {
  /** ISO-8601: the row's date (a day is its midnight UTC), or the commit's date for a JSON file. */
  date: string;
  value: number;
  /** As the data has it (`3.4%`, `0.034`). */
  text: string;
  /** Its unit as written (`%`, `ms`, or `` for a bare number, which takes the key result's unit). */
  unit: string;
  /** The commit that wrote it (a JSON file), or `` for a CSV row. */
  sha: string;
}

/** A problem with a key result's data, located in the data file: `metrics/checkout.csv:14: "n/a" is not a number`. */
export interface DataProblem {
  file: string;
  /** The 1-based line of a CSV, or undefined. */
  line?: number;
  /** The commit of a JSON version, or undefined. */
  sha?: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface DataSeries {
  /** Oldest first, one per date. */
  points: DataPoint[];
  problems: DataProblem[];
}

/** `file:line: message`, or `file@sha: message` for a version of a JSON file, as CLI output and the views show it. */
export function formatDataProblem(p: DataProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : p.sha ? `@${p.sha.slice(0, 10)}` : ''}: ${p.message}`;
}

/** A date cell: `2026-10-05`, or a whole ISO-8601 instant; undefined when it is neither. */
function cellDate(s: string): string | undefined {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== t ? undefined : new Date(ms).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return undefined;
}

/** One CSV line's cells (RFC 4180 quoting within a line); undefined when a quote is left open. */
function csvCells(line: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') { v += '"'; i += 2; continue; }
          i++;
          break;
        }
        v += line[i++];
      }
      const next = line.indexOf(',', i);
      cells.push(v + (next === -1 ? line.slice(i) : line.slice(i, next)));
      if (next === -1) return cells;
      i = next + 1;
    } else {
      const next = line.indexOf(',', i);
      if (next === -1) { cells.push(line.slice(i)); return cells; }
      cells.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

/**
 * A CSV key result's series. The rules: the first non-empty line is the header; the date is the column named `date`
 * (any case), else the first column; rows may come in any order (the series is sorted by date); an empty value cell
 * is a day not measured (no point); a later row with a date already seen replaces the earlier (a warning); a bad
 * date or a value that is not a number is an error on its line and gives no point, the other rows still count.
 */
export function csvSeries(text: string, file: string, column: string): DataSeries {
  const problems: DataProblem[] = [];
  let hidden = 0;
  const problem = (line: number, severity: DataProblem['severity'], message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, severity, message });
    else hidden++;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex(l => l.trim() !== '');
  if (headerAt === -1) return { points: [], problems: [{ file, severity: 'error', message: 'the file is empty; its first line must be a header such as `date,' + column + '`' }] };
  const header = csvCells(lines[headerAt])?.map(h => h.trim());
  if (!header) return { points: [], problems: [{ file, line: headerAt + 1, severity: 'error', message: 'the header has a quote that is not closed' }] };
  const valueCol = header.indexOf(column.trim());
  const named = header.findIndex(h => h.toLowerCase() === 'date');
  const dateCol = named === -1 ? 0 : named;
  if (valueCol === -1) {
    return { points: [], problems: [{ file, line: headerAt + 1, severity: 'error', message: `the header has no column ${JSON.stringify(column)} (it has ${header.map(h => JSON.stringify(h)).join(', ')})` }] };
  }
  if (valueCol === dateCol) return { points: [], problems: [{ file, line: headerAt + 1, severity: 'error', message: `column ${JSON.stringify(column)} is the date column; name a column of values` }] };
  const byDate = new Map<string, { point: DataPoint; line: number }>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const line = i + 1;
    const cells = csvCells(lines[i]);
    if (!cells) { problem(line, 'error', 'a quote is not closed (a value cannot span lines)'); continue; }
    const valueText = (cells[valueCol] ?? '').trim();
    if (valueText === '') continue; // a day not measured: no point, and no made-up one
    const dateText = (cells[dateCol] ?? '').trim();
    const date = cellDate(dateText);
    if (!date) { problem(line, 'error', `${JSON.stringify(dateText)} is not a date (write YYYY-MM-DD)`); continue; }
    const v = parseMetricValue(valueText);
    if (!v) { problem(line, 'error', `${JSON.stringify(valueText)} is not a number`); continue; }
    const had = byDate.get(date);
    if (had) problem(line, 'warning', `${date.slice(0, 10)} is already on line ${had.line}; the later row counts`);
    byDate.set(date, { point: { date, value: v.value, text: valueText, unit: v.unit, sha: '' }, line });
  }
  if (hidden) problems.push({ file, severity: problems.some(p => p.severity === 'error') ? 'error' : 'warning', message: `${hidden} more problem(s) not listed` });
  const points = [...byDate.values()].map(x => x.point).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  return { points, problems };
}

/** The value a JSON Pointer (RFC 6901) names, or undefined when the document has no such place. */
export function jsonPointer(doc: unknown, pointer: string): { value: unknown } | undefined {
  if (pointer === '') return { value: doc };
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= cur.length) return undefined;
      cur = cur[Number(key)];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else return undefined;
  }
  return { value: cur };
}

/** A JSON file at one commit, as dataFileAt read it, with the commit's date. */
export interface JsonVersion {
  sha: string;
  date: string;
  data: DataFile;
}

/**
 * A JSON key result's series: one point per commit that changed the file, dated by that commit, oldest first. A
 * commit that deletes the file gives no point; one whose file is not JSON, lacks the pointer's place or has no
 * number there is an error located at that commit, and gives no point.
 */
export function jsonSeries(versions: readonly JsonVersion[], file: string, pointer: string): DataSeries {
  const points: DataPoint[] = [];
  const problems: DataProblem[] = [];
  let hidden = 0;
  const problem = (sha: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file, sha, severity: 'error', message });
    else hidden++;
  };
  for (const v of [...versions].sort((a, b) => Date.parse(a.date) - Date.parse(b.date))) {
    const refused = refusal(v.data);
    if (refused) { problem(v.sha, refused); continue; }
    if (v.data.kind !== 'blob') continue; // deleted in that commit
    let doc: unknown;
    try {
      doc = JSON.parse(v.data.bytes.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      problem(v.sha, `not JSON (${(e as Error).message.slice(0, 120)})`);
      continue;
    }
    const at = jsonPointer(doc, pointer);
    if (!at) { problem(v.sha, `${pointer || '(the whole document)'} is not in the file`); continue; }
    const text = typeof at.value === 'number' ? String(at.value) : typeof at.value === 'string' ? at.value : undefined;
    const n = text === undefined ? undefined : parseMetricValue(text);
    if (!n || text === undefined) { problem(v.sha, `${pointer} is ${JSON.stringify(at.value)?.slice(0, 60) ?? 'undefined'}, not a number`); continue; }
    points.push({ date: new Date(Date.parse(v.date)).toISOString(), value: n.value, text, unit: n.unit, sha: v.sha });
  }
  if (hidden) problems.push({ file, severity: 'error', message: `${hidden} more problem(s) not listed` });
  return { points, problems };
}

/** Why a data file is not read, or undefined when it is (or is simply absent). */
function refusal(d: DataFile): string | undefined {
  switch (d.kind) {
    case 'tooLarge': return `${d.size} bytes, more than the ${MAX_DATA_BYTES / 1024 / 1024} MB a data file may have; keep only the rows the key result needs`;
    case 'outside': return `a link to ${JSON.stringify(d.target)}, outside the repository; Outcome Lens reads only files inside it`;
    case 'notFile': return `not a file (${d.what})`;
    default: return undefined;
  }
}

/**
 * A key result's series from its source, as the history of `head` has it: a CSV at `head` (one point per row), or
 * each version of a JSON file (one point per commit). git's failures are thrown, never turned into "no data".
 */
export async function readSourceSeries(repo: GitRepo, source: MetricSource, head: string, signal?: AbortSignal): Promise<DataSeries> {
  if (source.column !== undefined) {
    const [d] = await repo.dataFileAt([head], source.file, MAX_DATA_BYTES, signal);
    const refused = refusal(d);
    if (refused) return { points: [], problems: [{ file: source.file, severity: 'error', message: refused }] };
    if (d.kind !== 'blob') return { points: [], problems: [{ file: source.file, severity: 'error', message: 'not in the repository at HEAD; commit it (Outcome Lens reads committed data)' }] };
    return csvSeries(d.bytes.toString('utf8'), source.file, source.column);
  }
  const commits = await repo.fileCommits(source.file, { head, signal });
  if (!commits.length) return { points: [], problems: [{ file: source.file, severity: 'error', message: 'no commit in the history of HEAD has this file; commit it' }] };
  const files = await repo.dataFileAt(commits.map(c => c.sha), source.file, MAX_DATA_BYTES, signal);
  return jsonSeries(commits.map((c, i) => ({ sha: c.sha, date: c.committed, data: files[i] })), source.file, source.pointer ?? '');
}

/** The key of a key result: its outcome's id and its name. */
export const keyResultKey = (outcome: string, name: string) => JSON.stringify([outcome, name]);

/**
 * The series of every key result with a `source`, kept by whoever asks more than once (the history service, per
 * repository): a source is read again only when HEAD moved and its file changed (a CSV's blob, a JSON file's commits).
 */
export class KeyResultData {
  private kept = new Map<string, { head: string; blob?: string; series: DataSeries }>();

  /** Per key result with a source, its series in the history of `head` (none without a HEAD). */
  async read(repo: GitRepo, map: OutcomeMap, head: string | undefined, signal?: AbortSignal): Promise<{ data: Map<string, DataSeries>; read: number }> {
    const data = new Map<string, DataSeries>();
    let read = 0;
    const fresh = new Map<string, { head: string; blob?: string; series: DataSeries }>();
    for (const o of map.outcomes) for (const m of o.metrics) {
      if (!m.source || !head) continue;
      const sourceKey = JSON.stringify([m.source.file, m.source.column ?? null, m.source.pointer ?? null]);
      let entry = fresh.get(sourceKey);
      if (!entry) {
        const had = this.kept.get(sourceKey);
        if (had?.head === head) entry = had;
        else {
          // The file's blob at the new HEAD (one cheap git call) tells whether a CSV changed; a JSON file's points are its commits.
          const blob = m.source.column !== undefined ? await repo.run(['rev-parse', '--verify', '-q', '--end-of-options', `${head}:${m.source.file}`], { signal, ok: [1] }).then(r => r.stdout.trim()) : undefined;
          if (had && blob && had.blob === blob) entry = { ...had, head };
          else { entry = { head, blob, series: await readSourceSeries(repo, m.source, head, signal) }; read++; }
        }
        fresh.set(sourceKey, entry);
      }
      data.set(keyResultKey(o.id, m.name), entry.series);
    }
    this.kept = fresh;
    return { data, read };
  }
}
