import type { Document, LineCounter, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type * as Yaml from 'yaml';

let yamlModule: typeof Yaml | undefined;
/** The yaml library, loaded on the first parse: the extension's activation does not wait for it. */
export const yaml = (): typeof Yaml => (yamlModule ??= require('yaml') as typeof Yaml);
import { quotedShort, short } from '../util/printable';
import {
  Diagnostic, firstDiagnostics, KeyResult, MetricSource, Outcome, OutcomeMap, OutcomePeriod, OutcomeStatus, ParseCode, ParseResult, PatternEntry, Severity, SourceRange, STATUSES,
} from './model';

/** Bigger than any sane outcomes.yaml; past it we refuse rather than risk a slow editor. */
export const MAX_BYTES = 1024 * 1024;
/** Alias expansion budget: an alias bomb ("billion laughs") is refused, not expanded. */
const MAX_ALIAS_VISITS = 10_000;
const isAlias = (n: unknown): n is Yaml.Alias => yaml().isAlias(n);
const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
const isScalar = (n: unknown): n is Scalar => yaml().isScalar(n);
const isSeq = (n: unknown): n is Yaml.YAMLSeq => yaml().isSeq(n);

export const ID_RE = /^[a-z0-9._-]+$/;
export const TRAILER_KEY_RE = /^[A-Za-z0-9-]+$/;

const TOP_KEYS = ['version', 'trailer', 'ignore', 'ignoreAuthors', 'ignoreSubjects', 'outcomes'];
const OUTCOME_KEYS = ['id', 'title', 'description', 'owner', 'status', 'link', 'budget', 'period', 'start', 'due', 'metrics', 'areas', 'tickets'];
const METRIC_KEYS = ['name', 'baseline', 'target', 'current', 'source'];
const SOURCE_KEYS = ['file', 'column', 'pointer'];

/**
 * Parses and validates outcomes.yaml text (or raw bytes, so that non-UTF-8 input is reported, not mangled).
 * Never throws: every problem, including YAML syntax errors, becomes a located diagnostic.
 */
export function parseOutcomes(input: string | Uint8Array): ParseResult {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.byteLength > MAX_BYTES) return tooLarge(input.byteLength);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return { diagnostics: [at(badUtf8Position(input), 'error', 'the file is not valid UTF-8; save it as UTF-8', 'not-utf8')] };
    }
  }
  if (text.length > MAX_BYTES) return tooLarge(text.length);
  // YAML (like the editor) reads a lone CR as a line end; the yaml library does not. A LF in its place keeps every offset.
  text = text.replace(/\r(?!\n)/g, '\n');
  // A BOM is legal but invisible; columns are reported as the editor shows them, so drop it and shift nothing else.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lc = new (yaml().LineCounter)();
  const v = new Validator(lc, bom);
  try {
    const r = v.run(text);
    return { ...r, ...bounded(r.diagnostics) };
  } catch (e) {
    // The yaml library can overflow its stack on pathological nesting; that is bad input, not a crash.
    const msg = e instanceof RangeError ? 'the file is nested too deeply to read' : `the file could not be read: ${String((e as Error).message ?? e)}`;
    return { diagnostics: [{ ...at({ line: 1, column: 1 }, 'error', msg, 'unreadable'), endColumn: 1 }] };
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What YAML 1.2 excludes from a stream (c-printable): C0 and C1 controls but tab, LF, CR and NEL; DEL; U+FFFE/F; lone surrogates. */
const FORBIDDEN = new RegExp(`[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f\\ufffe\\uffff]|${LONE_SURROGATE.source}`, 'g');

/** Pathological input makes the YAML parser repeat one error thousands of times: keep each once, and at most 100. */
const MAX_DIAGNOSTICS = 100;
/** The most problems kept in all (`rest` too): code scanning rejects a SARIF run of more results. */
export const MAX_KEPT = 25_000;
function bounded(diags: Diagnostic[]): Pick<ParseResult, 'diagnostics' | 'hidden' | 'rest'> {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    const k = `${d.severity}\0${d.line}\0${d.column}\0${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  const { shown, hidden, hiddenErrors } = firstDiagnostics(out, MAX_DIAGNOSTICS);
  if (!hidden) return { diagnostics: shown };
  // a file with many warnings and no error stays usable: the note is an error only when it hides one
  const last = shown[shown.length - 1];
  const note: Diagnostic = { ...last, severity: hiddenErrors ? 'error' : 'warning', message: `${hidden} more problem(s) not shown; fix the ones above first`, code: 'too-many-problems' };
  const kept = new Set(shown);
  const rest = firstDiagnostics(out.filter(d => !kept.has(d)), MAX_KEPT - shown.length).shown;
  return { diagnostics: [...shown, note], hidden: { errors: hiddenErrors, warnings: hidden - hiddenErrors }, rest };
}

/** What a file of `n` bytes over the limit gets: one error, the file is not parsed. */
export function tooLarge(n: number): ParseResult {
  // the whole file: an empty range at its start (its first line may be empty)
  return { diagnostics: [{ ...at({ line: 1, column: 1 }, 'error', `the file is ${n} bytes; outcomes.yaml may be at most ${MAX_BYTES} bytes`, 'too-large'), endColumn: 1 }] };
}

function at(p: { line: number; column: number }, severity: Severity, message: string, code: ParseCode): Diagnostic {
  return { severity, message, line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1, code };
}

function badUtf8Position(bytes: Uint8Array): { line: number; column: number } {
  // Decode prefix by prefix is quadratic; instead find the first byte the strict decoder rejects by a streaming scan.
  let line = 1, col = 1, i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) break;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
    } catch {
      break;
    }
    // a lone CR ends a line too; a character beyond U+FFFF is two columns, as the editor counts them
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) { line++; col = 1; } else col += len === 4 ? 2 : 1;
    i += len;
  }
  return { line, column: col };
}

class Validator {
  readonly diags: Diagnostic[] = [];
  private aliasVisits = 0;
  private text = '';

  constructor(private readonly lc: LineCounter, private readonly bom: number) {}

  run(text: string): ParseResult {
    this.text = text;
    // Lines from the text itself: the parser's own count misses line starts when it recovers from some errors.
    this.lc.addNewLine(0);
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) this.lc.addNewLine(nl + 1);
    this.forbiddenCharacters(text);
    const read = tokenize(text);
    if ('tooDeep' in read) {
      this.error(this.span(read.tooDeep, read.tooDeep + 1), `the file is nested too deeply: the lists and mappings that start here go more than ${MAX_DEPTH} levels deep (outcomes.yaml needs 5)`, 'too-deep');
      return { diagnostics: this.diags };
    }
    const doc = composeOne(read.tokens, text.length);
    this.anchors = this.resolveAliases(doc);
    // the parser locates a duplicate key by its first character; the message names the whole key
    const keyAt = new Map<number, string>();
    if (doc.errors.some(e => e.code === 'DUPLICATE_KEY')) {
      yaml().visit(doc, { Pair: (_k, pair) => { const k = pair.key as Node | null; if (k?.range) keyAt.set(k.range[0], isScalar(k) ? String(k.value) : text.slice(k.range[0], k.range[1])); } });
    }
    for (const e of doc.errors) {
      const [start, end] = e.pos;
      const msg = e.code === 'DUPLICATE_KEY' ? `duplicate key ${quotedShort(keyAt.get(start) ?? text.slice(start, end))}: each key may appear once in a mapping`
        : e.code === 'RESOURCE_EXHAUSTION' ? 'the file is nested too deeply to read' : cleanYamlMessage(e.message);
      this.diags.push({ severity: 'error', message: msg, ...this.within(this.span(start, end)), code: e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax' });
    }
    for (const w of doc.warnings) this.diags.push({ severity: 'warning', message: cleanYamlMessage(w.message), ...this.within(this.span(w.pos[0], w.pos[1])), code: 'yaml-warning' });
    if (doc.errors.length) return { diagnostics: this.diags };
    const root = doc.contents as Node | null;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      this.error({ line: 1, column: 1, endLine: 1, endColumn: 1 }, 'the file is empty; it needs at least `version: 1` and `outcomes:`', 'empty-file');
      return { diagnostics: this.diags };
    }
    const top = this.deref(root);
    if (!isMap(top)) {
      this.error(this.range(root), 'outcomes.yaml must be a mapping with `version` and `outcomes` keys', 'not-a-mapping');
      return { diagnostics: this.diags };
    }
    let map: OutcomeMap;
    try {
      map = this.topLevel(top);
    } catch (e) {
      if (!(e instanceof AliasBomb)) throw e;
      this.error({ line: 1, column: 1, endLine: 1, endColumn: 2 }, 'the file expands too many aliases (`*name`); write the lists out instead', 'alias-expansion');
      return { diagnostics: this.diags };
    }
    const hasErrors = this.diags.some(d => d.severity === 'error');
    return { map: hasErrors ? undefined : map, diagnostics: this.diags };
  }

  private topLevel(top: YAMLMap): OutcomeMap {
    const keys = this.keys(top, TOP_KEYS, 'top level');
    const map: OutcomeMap = { version: 1, trailer: 'Outcome', ignore: [], outcomes: [] };
    const version = keys.get('version');
    if (!version) this.error(this.range(top, true), 'missing `version: 1` (the file format version)', 'missing-version');
    else {
      const v = this.deref(version.value);
      if (!isScalar(v) || v.value !== 1) this.error(this.range(version.value ?? version.key), 'version must be the integer 1 (`version: 1`)', 'bad-version');
    }
    const trailer = keys.get('trailer');
    if (trailer) {
      const s = this.string(trailer, 'trailer');
      if (s !== undefined) {
        if (!TRAILER_KEY_RE.test(s)) this.error(this.range(trailer.value), 'trailer must be a git trailer key: letters, digits and `-` only (e.g. `Outcome`)', 'bad-trailer-key');
        else map.trailer = s;
      }
    }
    const ignore = keys.get('ignore');
    if (ignore) map.ignore = this.patterns(ignore, 'ignore');
    for (const k of ['ignoreAuthors', 'ignoreSubjects'] as const) {
      const pair = keys.get(k);
      if (pair) map[k] = this.textRules(pair, k);
    }
    const outcomes = keys.get('outcomes');
    if (!outcomes) this.error(this.range(top, true), 'missing `outcomes:` (a list of outcomes; it may be empty: `outcomes: []`)', 'missing-outcomes');
    else {
      const seq = this.deref(outcomes.value);
      if (seq === null || (isScalar(seq) && seq.value === null)) return map; // `outcomes:` with nothing yet
      if (!isSeq(seq)) this.error(this.range(outcomes.value ?? outcomes.key), 'outcomes must be a list (`- id: ...` items)', 'wrong-type');
      else {
        const seen = new Set<string>();
        for (const item of seq.items) {
          const o = this.outcome(item as Node, seen);
          if (o) map.outcomes.push(o);
        }
        this.budgetSum();
      }
    }
    return map;
  }

  private outcome(item: Node, seen: Set<string>): Outcome | undefined {
    const node = this.deref(item);
    if (!isMap(node)) {
      this.error(this.range(item), 'each outcome must be a mapping with at least `id` and `title`', 'wrong-type');
      return undefined;
    }
    const keys = this.keys(node, OUTCOME_KEYS, 'an outcome');
    const range = this.range(node);
    const idPair = keys.get('id');
    let id: string | undefined;
    let idRange = range;
    if (!idPair) this.error(this.range(node, true), 'this outcome has no `id` (lower-case letters, digits, `.`, `_`, `-`)', 'missing-id');
    else {
      idRange = this.range(idPair.value ?? idPair.key);
      id = this.string(idPair, 'id', undefined, true);
      if (id !== undefined) {
        if (!ID_RE.test(id)) this.error(idRange, `id ${quotedShort(id)} may contain only lower-case letters, digits, \`.\`, \`_\` and \`-\``, 'bad-id');
        else if (seen.has(id)) this.error(idRange, `duplicate id ${quotedShort(id)}: another outcome above already uses it`, 'duplicate-id');
        seen.add(id);
      }
    }
    const titlePair = keys.get('title');
    let title: string | undefined;
    if (!titlePair) this.error(this.range(node, true), `outcome ${id ? quotedShort(id) + ' ' : ''}has no \`title\``, 'missing-title');
    else {
      title = this.string(titlePair, 'title', undefined, true);
      if (title !== undefined && title.trim() === '') this.error(this.range(titlePair.value ?? titlePair.key), 'title must not be empty', 'empty-title');
    }
    const optional = (k: string) => { const p = keys.get(k); return p ? this.string(p, k) : undefined; };
    const description = optional('description');
    const owner = optional('owner');
    let status: OutcomeStatus = 'active';
    const statusPair = keys.get('status');
    if (statusPair) {
      const s = this.string(statusPair, 'status', `status must be one of ${STATUSES.join(', ')}`);
      if (s !== undefined) {
        if ((STATUSES as readonly string[]).includes(s)) status = s as OutcomeStatus;
        else this.error(this.range(statusPair.value), `unknown status ${quotedShort(s)}; use one of ${STATUSES.join(', ')}`, 'unknown-status');
      }
    }
    const linkPair = keys.get('link');
    const link = linkPair ? this.string(linkPair, 'link', 'link must be an http:// or https:// URL') : undefined;
    if (link !== undefined && !isHttpUrl(link)) this.error(this.range(keys.get('link')!.value), 'link must be an http:// or https:// URL', 'bad-link');
    const budget = keys.has('budget') ? this.budget(keys.get('budget')!) : undefined;
    const period = this.period(keys);
    const metrics = keys.has('metrics') ? this.metrics(keys.get('metrics')!) : [];
    const areasPair = keys.get('areas');
    const areas = areasPair ? this.patterns(areasPair, 'areas') : [];
    const ticketsPair = keys.get('tickets');
    const tickets = ticketsPair ? this.patterns(ticketsPair, 'tickets').map(t => t.pattern) : [];
    if (!areas.length && !tickets.length && id) {
      this.warn(idRange, `outcome ${quotedShort(id)} has neither \`areas\` nor \`tickets\`, so only trailers and notes can link work to it`, 'no-areas-or-tickets');
    }
    if (id === undefined || title === undefined) return undefined;
    return {
      id, title, description, owner, status, link, ...(budget === undefined ? {} : { budget }), ...(period ? { period } : {}), metrics, areas, tickets, range, idRange,
      areasRange: areasPair ? this.range(areasPair.value ?? areasPair.key) : undefined,
    };
  }

  /** Budgets read so far, in file order, for the sum check. */
  private readonly budgets: { value: number; range: SourceRange }[] = [];

  /** `budget: 30%` (or the number 30): a share of effort, 0-100%, as a fraction. */
  private budget(pair: P): number | undefined {
    const n = this.deref(pair.value as Node);
    const r = this.range(pair.value ?? pair.key);
    const text = isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value).trim() : undefined;
    const m = text === undefined ? null : /^(\d+(?:\.\d+)?)(\s*%)?$/.exec(text);
    if (!m) { this.error(r, 'budget must be a percentage of effort such as `30%` (0-100%)', 'bad-budget'); return undefined; }
    const pct = Number(m[1]);
    if (pct > 100) { this.error(r, `budget ${pct}% is more than 100%; it is the share of effort planned for this outcome (0-100%)`, 'budget-out-of-range'); return undefined; }
    if (!m[2] && pct > 0 && pct <= 1) this.warn(r, `budget ${text} reads as ${text}%; write \`${+(pct * 100).toFixed(4)}%\` if you meant a fraction of the effort, or \`${text}%\` to keep it`, 'budget-looks-like-fraction');
    this.budgets.push({ value: pct / 100, range: r });
    return pct / 100;
  }

  /** Budgets are shares of one whole: past 100% they cannot all be met (a warning at the budget that tips it over). */
  private budgetSum(): void {
    let sum = 0;
    for (const b of this.budgets) {
      sum += b.value;
      if (sum > 1 + 1e-9) {
        const total = +(this.budgets.reduce((s, x) => s + x.value, 0) * 100).toFixed(2);
        this.warn(b.range, `the budgets add up to ${total}%, more than the whole effort (100%); lower some of them`, 'budgets-over-100');
        return;
      }
    }
  }

  private metrics(pair: P): KeyResult[] {
    const seq = this.deref(pair.value as Node);
    if (seq === null || (isScalar(seq) && seq.value === null)) return [];
    if (!isSeq(seq)) { this.error(this.range(pair.value ?? pair.key), 'metrics must be a list of `- name: ...` key results', 'wrong-type'); return []; }
    const out: KeyResult[] = [];
    for (const item of seq.items) {
      const m = this.deref(item as Node);
      if (!isMap(m)) { this.error(this.range(item as Node), 'each key result must be a mapping with a `name`', 'wrong-type'); continue; }
      const keys = this.keys(m, METRIC_KEYS, 'a key result');
      const namePair = keys.get('name');
      if (!namePair) { this.error(this.range(m, true), 'this key result has no `name`', 'missing-key-result-name'); continue; }
      const name = this.string(namePair, 'name', undefined, true);
      const kr: KeyResult = { name: name ?? '' };
      for (const k of ['baseline', 'target', 'current'] as const) {
        const p = keys.get(k);
        if (p) { const v = this.scalarText(p, k); if (v !== undefined) kr[k] = v; }
      }
      const sourcePair = keys.get('source');
      if (sourcePair) { const src = this.source(sourcePair); if (src) kr.source = src; }
      if (name !== undefined) out.push(kr);
    }
    return out;
  }

  /** `period: 2026-Q4` (or a year, a half, a month), or `start` and `due` dates: the days it runs, both inclusive. */
  private period(keys: Map<string, P>): OutcomePeriod | undefined {
    const periodPair = keys.get('period'), startPair = keys.get('start'), duePair = keys.get('due');
    if (!periodPair && !startPair && !duePair) return undefined;
    const textOf = (pair: P) => {
      const n = this.deref(pair.value as Node);
      return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value).trim() : undefined;
    };
    if (periodPair) {
      const r = this.range(periodPair.value ?? periodPair.key);
      if (startPair || duePair) { this.error(this.range((startPair ?? duePair)!.key as Node), 'give either `period` or `start` and `due`, not both', 'bad-period'); return undefined; }
      const text = textOf(periodPair);
      const p = text === undefined ? undefined : periodOf(text);
      if (!p) { this.error(r, 'period must be a year (`2026`), a half (`2026-H1`), a quarter (`2026-Q4`) or a month (`2026-11`); or give `start` and `due` dates', 'bad-period'); return undefined; }
      return { ...p, label: text! };
    }
    if (!startPair || !duePair) {
      this.error(this.range((startPair ?? duePair)!.key as Node), `\`${startPair ? 'start' : 'due'}\` needs \`${startPair ? 'due' : 'start'}\` too (dates written YYYY-MM-DD), or write \`period: 2026-Q4\``, 'bad-period');
      return undefined;
    }
    const start = textOf(startPair), due = textOf(duePair);
    for (const [pair, v, k] of [[startPair, start, 'start'], [duePair, due, 'due']] as const) {
      if (v === undefined || !isDay(v)) { this.error(this.range(pair.value ?? pair.key), `${k} must be a date written YYYY-MM-DD, such as \`2026-10-01\``, 'bad-period'); return undefined; }
    }
    if (due! < start!) { this.error(this.range(duePair.value ?? duePair.key), `due ${due} is before start ${start}`, 'bad-period'); return undefined; }
    return { start: start!, due: due!, label: `${start}..${due}` };
  }

  /** `source: { file, column }` or `{ file, pointer }`: a file inside the repository, and how to read its values. */
  private source(pair: P): MetricSource | undefined {
    const m = this.deref(pair.value as Node);
    const r = this.range(pair.value ?? pair.key);
    if (!isMap(m)) { this.error(r, 'source must be a mapping: `{ file: metrics/checkout.csv, column: conversion }` or `{ file: metrics/kpis.json, pointer: /checkout/conversion }`', 'bad-source'); return undefined; }
    const keys = this.keys(m, SOURCE_KEYS, 'a source');
    const filePair = keys.get('file');
    if (!filePair) { this.error(r, 'source has no `file` (a path inside the repository, such as `metrics/checkout.csv`)', 'bad-source'); return undefined; }
    const file = this.string(filePair, 'file', undefined, true);
    if (file === undefined) return undefined;
    const inside = repoPath(file);
    if (!inside) { this.error(this.range(filePair.value ?? filePair.key), `source file ${quotedShort(file)} is not a path inside the repository; write it relative to the repository's root, such as \`metrics/checkout.csv\``, 'bad-source'); return undefined; }
    const column = keys.get('column') ? this.string(keys.get('column')!, 'column', undefined, true) : undefined;
    const pointer = keys.get('pointer') ? this.string(keys.get('pointer')!, 'pointer', undefined, true) : undefined;
    if (column !== undefined && pointer !== undefined) { this.error(this.range(keys.get('pointer')!.key as Node), 'give `column` (a CSV) or `pointer` (a JSON file), not both', 'bad-source'); return undefined; }
    if (column === undefined && pointer === undefined) {
      if (!keys.has('column') && !keys.has('pointer')) this.error(r, 'source needs `column` (the CSV column of the value) or `pointer` (a JSON Pointer such as `/checkout/conversion`)', 'bad-source');
      return undefined;
    }
    if (column !== undefined && column.trim() === '') { this.error(this.range(keys.get('column')!.value as Node), 'column must name a column of the CSV\'s header', 'bad-source'); return undefined; }
    if (pointer !== undefined && pointer !== '' && !pointer.startsWith('/')) { this.error(this.range(keys.get('pointer')!.value as Node), `pointer ${quotedShort(pointer)} must start with \`/\` (a JSON Pointer, such as \`/checkout/conversion\`)`, 'bad-source'); return undefined; }
    return { file: inside, ...(column !== undefined ? { column } : { pointer }) };
  }

  private patterns(pair: P, what: string): PatternEntry[] {
    const seq = this.deref(pair.value as Node);
    if (seq === null || (isScalar(seq) && seq.value === null)) return [];
    if (!isSeq(seq)) {
      this.error(this.range(pair.value ?? pair.key), `${what} must be a list of strings (\`- ...\` items)`, 'wrong-type');
      return [];
    }
    const out: PatternEntry[] = [];
    for (const item of seq.items) {
      const n = this.deref(item as Node);
      const r = this.range(item as Node);
      if (!isScalar(n) || typeof n.value !== 'string') {
        const kind = what === 'tickets' ? 'a ticket-key prefix such as `PAY-`' : what === 'ignoreAuthors' ? 'an author\'s name or e-mail' : what === 'ignoreSubjects' ? 'the start of a commit subject' : 'a path pattern';
        this.error(r, notAString(`each entry of ${what}`, n, kind), 'wrong-type');
        continue;
      }
      if (n.value.trim() === '') { this.error(r, `empty ${what === 'tickets' ? 'ticket prefix' : 'pattern'} in ${what}; remove it`, 'empty-pattern'); continue; }
      if (this.checkText(item as Node, n.value) !== undefined) out.push({ pattern: n.value, range: r });
    }
    return out;
  }

  /** `ignoreAuthors` / `ignoreSubjects`: texts, and `/regular expressions/` that must compile (see textRule). */
  private textRules(pair: P, what: string): PatternEntry[] {
    const out: PatternEntry[] = [];
    for (const e of this.patterns(pair, what)) {
      const r = textRule(e.pattern);
      if ('error' in r) this.error(e.range, `${quotedShort(e.pattern)} in ${what} is not a valid regular expression: ${r.error}; write it as \`/.../\` (flag \`i\` allowed), or without the slashes for plain text`, 'bad-regex');
      else out.push(e);
    }
    return out;
  }

  /**
   * Collects a mapping's keys, warns on unknown ones; duplicates are already errors from the parser. A merge key
   * (`<<: *base`, YAML 1.1, as docker-compose files use it) adds the keys of the mappings it names that the mapping
   * does not have itself, the first of them winning.
   */
  private keys(m: YAMLMap, known: string[], where: string, merging: Set<YAMLMap> = new Set()): Map<string, P> {
    const out = new Map<string, P>();
    const merged: YAMLMap[] = [];
    merging.add(m);
    for (const pair of m.items) {
      const k = this.deref(pair.key as Node);
      if (isScalar(k) && k.value === '<<' && k.type === 'PLAIN') {
        merged.push(...this.mergeSources(pair as P));
        continue;
      }
      if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
        this.error(this.range(pair.key as Node), `keys must be plain names (in ${where})`, 'bad-key');
        continue;
      }
      const name = String(k.value);
      if (!known.includes(name)) {
        const near = nearestKey(name, known);
        const hint = near ? `did you mean \`${near}\`?` : `known keys: ${known.join(', ')}`;
        this.warn(this.range(pair.key as Node), `unknown key ${quotedShort(name)} in ${where} (ignored); ${hint}`, 'unknown-key');
        continue;
      }
      if (!out.has(name)) out.set(name, pair as P);
    }
    for (const source of merged) {
      if (merging.has(source)) continue; // a mapping that merges itself adds nothing
      for (const [name, pair] of this.keys(source, known, where, merging)) if (!out.has(name)) out.set(name, pair);
    }
    return out;
  }

  /** The mappings a merge key names: an alias of a mapping, a mapping, or a list of them. */
  private mergeSources(pair: P): YAMLMap[] {
    const v = this.deref(pair.value);
    const items = isSeq(v) ? (v.items as Node[]).map(i => ({ node: i, map: this.deref(i) })) : [{ node: pair.value, map: v }];
    const out: YAMLMap[] = [];
    for (const { node, map } of items) {
      if (isMap(map)) out.push(map);
      else this.error(this.range(node ?? pair.key), 'a merge key (`<<`) takes a mapping: `<<: *name`, where `&name` is on a mapping (or a list of them)', 'bad-merge');
    }
    return out;
  }

  /**
   * A string value. The schema says strings: a number, a boolean or an empty value is an error that says how to
   * write it (`wanted` replaces "quote it" where quoting would not make the value right, as for `status: 5`).
   */
  private string(pair: P, key: string, wanted?: string, required = false): string | undefined {
    const n = this.deref(pair.value as Node);
    if (isScalar(n) && typeof n.value === 'string') return this.checkText(pair.value, n.value);
    this.error(this.range((pair.value ?? pair.key) as Node), wanted && !isEmpty(n) ? wanted : notAString(key, n, undefined, !required), 'wrong-type');
    return undefined;
  }

  /** A metric value as written: a number keeps its text (`3.10` stays `3.10`), a text stays as it is (`4%`). */
  private scalarText(pair: P, key: string): string | undefined {
    const n = this.deref(pair.value as Node);
    if (isScalar(n) && typeof n.value === 'string') return this.checkText(pair.value, n.value);
    if (isScalar(n) && typeof n.value === 'number') return this.sourceText(n);
    const quote = isScalar(n) && typeof n.value === 'boolean' ? ` (quote it for the text: ${quotedShort(String(n.source ?? n.value))})` : '';
    const msg = isEmpty(n) ? `${key} is empty; write a number or a short text such as \`4%\`, or remove it` : `${key} must be a number or a short text such as \`4%\`${quote}`;
    this.error(this.range((pair.value ?? pair.key) as Node), msg, 'wrong-type');
    return undefined;
  }

  /** A plain scalar's text exactly as the file has it (a number's value would lose `3.10`'s trailing zero). */
  private sourceText(n: Scalar): string {
    const r = (n as { range?: [number, number, number] }).range;
    return r && n.type === 'PLAIN' ? this.text.slice(r[0], r[1]) : String(n.source ?? n.value);
  }

  private deref(n: Node | null | undefined): Node | null {
    let cur = n ?? null;
    if (cur && isAlias(cur)) {
      if (++this.aliasVisits > MAX_ALIAS_VISITS) throw new AliasBomb();
      const target = this.anchors.get(cur);
      if (!target) {
        this.error(this.range(cur), `the alias *${short(cur.source)} names no anchor above it: write \`&${short(cur.source)}\` on the value it stands for, before the alias`, 'unknown-alias');
        return null;
      }
      cur = target;
    }
    if (cur && (isMap(cur) || isSeq(cur)) && ++this.aliasVisits > MAX_ALIAS_VISITS * 10) throw new AliasBomb();
    return cur;
  }

  /**
   * What each alias stands for: the last node with its anchor before it, as YAML reads it. One walk for all of them
   * (the library's `Alias.resolve` walks the whole document for each alias, minutes for a file of many aliases).
   */
  private resolveAliases(doc: Document): Map<Yaml.Alias, Node> {
    const out = new Map<Yaml.Alias, Node>();
    const anchored = new Map<string, Node>();
    yaml().visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchored.get(node.source);
          if (target) out.set(node, target);
        } else if ((node as { anchor?: string }).anchor) anchored.set((node as { anchor: string }).anchor, node);
      },
    });
    return out;
  }
  private anchors = new Map<Yaml.Alias, Node>();

  private range(n: Node | null | undefined, startOnly = false): SourceRange {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    if (!r) return { line: 1, column: 1, endLine: 1, endColumn: 2 };
    return this.span(r[0], startOnly ? r[0] + 1 : Math.max(r[1], r[0] + 1));
  }

  private span(start: number, end: number): SourceRange {
    const s = this.lc.linePos(start);
    // Never end past the line the value starts on when it spans lines: a squiggle over a whole block is noise.
    const e = this.lc.linePos(Math.min(end, this.text.length));
    const shift = (line: number, col: number) => (line === 1 ? Math.max(1, col - this.bom) : col);
    const endSame = e.line > s.line ? { line: s.line, col: lineEndCol(this.text, start, s.col) } : e;
    return { line: s.line, column: shift(s.line, s.col), endLine: endSame.line, endColumn: Math.max(shift(endSame.line, endSame.col), shift(s.line, s.col) + 1) };
  }

  /** YAML allows no control character but tab and line ends, and no half of a surrogate pair (only an editor's text can have one). */
  private forbiddenCharacters(text: string) {
    FORBIDDEN.lastIndex = 0;
    for (let n = 0, m = FORBIDDEN.exec(text); m && n < MAX_DIAGNOSTICS; m = FORBIDDEN.exec(text), n++) {
      const c = m[0].charCodeAt(0);
      const u = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      const msg = c >= 0xd800 && c <= 0xdfff
        ? `the file contains half of a UTF-16 surrogate pair (${u}) here, which is no character; remove it`
        : `the file contains the control character ${u} here; remove it (YAML allows no control characters but tab and line ends)`;
      this.error(this.span(m.index, m.index + 1), msg, 'forbidden-character');
    }
  }

  /** A string from the file that will be shown: an escape such as "\ud800" can still make half of a surrogate pair. */
  private checkText(n: Node | null, s: string): string | undefined {
    if (!LONE_SURROGATE.test(s)) return s;
    this.error(this.range(n), 'this text has half of a UTF-16 surrogate pair (an escape such as "\\ud800"), which is no character: write the character itself', 'forbidden-character');
    return undefined;
  }

  private error(r: SourceRange, message: string, code: ParseCode) { this.diags.push({ severity: 'error', message, ...this.within(r), code }); }
  private warn(r: SourceRange, message: string, code: ParseCode) { this.diags.push({ severity: 'warning', message, ...this.within(r), code }); }

  /**
   * The range cut to the text: a problem at the end of a line or of the file (an unclosed `{`) gets a range that
   * ends there, not a column past the last character (an empty range where there is no character at all).
   */
  private within(r: SourceRange): SourceRange {
    const starts = this.lc.lineStarts;
    const lineEnd = (line: number) => {
      if (line < 1 || line > starts.length) return 1;
      let end = line < starts.length ? starts[line] - 1 : this.text.length;
      if (end > starts[line - 1] && this.text[end - 1] === '\r') end--;
      return end - starts[line - 1] + 1 - (line === 1 ? this.bom : 0);
    };
    const endLine = Math.min(Math.max(r.endLine, r.line), Math.max(starts.length, 1));
    const endColumn = Math.min(r.endColumn, lineEnd(endLine));
    return { ...r, endLine, endColumn: endLine === r.line ? Math.max(endColumn, r.column) : endColumn };
  }
}

type P = Pair<Node, Node>;

/**
 * An entry of `ignoreAuthors` / `ignoreSubjects` as a rule: `/source/flags` is a regular expression (flags `i` and
 * `u` only, since `g` or `y` would make a test depend on the one before), anything else plain text.
 */
export function textRule(entry: string): { re: RegExp } | { text: string } | { error: string } {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(entry);
  if (!m) return { text: entry };
  if (!m[1]) return { error: 'it is empty, and would match every commit' };
  if (/[^iu]/.test(m[2]) || new Set(m[2]).size !== m[2].length) return { error: `flags ${quotedShort(m[2])} (only i and u are allowed)` };
  try {
    return { re: new RegExp(m[1], m[2]) };
  } catch (e) {
    return { error: String((e as Error).message).replace(/^Invalid regular expression: /, '') };
  }
}

/**
 * The known key an unknown one most likely stands for, or none: the closest by edit distance (a swap of two
 * neighbours is one edit; case is ignored) within 2 edits and half the longer name, else the one it is a beginning of
 * or begins with (3 letters at least), the first of the list on a tie.
 */
export function nearestKey(name: string, known: readonly string[]): string | undefined {
  const n = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const d = editDistance(n, k);
    const prefix = Math.min(n.length, k.length) >= 3 && (k.startsWith(n) || n.startsWith(k));
    const score = d <= 2 && d * 2 <= Math.max(n.length, k.length) ? d : prefix ? 3 : Infinity;
    if (score < bestScore) { best = k; bestScore = score; }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours, one edit each. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3; // more than close: only whether it is within 2 matters
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const isEmpty = (n: Node | null): boolean => n === null || (isScalar(n) && n.value === null);

/** Why a value is not the string the schema asks for (`what` names it), with the fix. */
function notAString(what: string, n: Node | null, kind?: string, removable = true): string {
  const a = kind ? ` (${kind})` : '';
  const tag = (n as { tag?: string } | null)?.tag;
  if (isScalar(n) && tag && tag !== 'tag:yaml.org,2002:str') return `${what} must be a string${a}; remove the tag \`${tag.replace(/^tag:yaml\.org,2002:/, '!!')}\``;
  if (isScalar(n) && (typeof n.value === 'number' || typeof n.value === 'boolean' || typeof n.value === 'bigint')) {
    return `${what} must be a string${a}; quote it: ${quotedShort(String(n.source ?? n.value))}`;
  }
  if (isEmpty(n)) {
    const written = isScalar(n) && n.source ? ` (\`${n.source}\`)` : '';
    return `${what} is empty${written}; write a string${a}${removable ? ' or remove it' : ''}`;
  }
  return `${what} must be a string${a}`;
}

/**
 * Lists and mappings nested deeper than this are refused while the file is read: the yaml library recurses once per
 * level and, thousands of levels down, overflows the stack wherever it happens to run out.
 */
export const MAX_DEPTH = 100;

type Collection = Yaml.CST.BlockMap | Yaml.CST.BlockSequence | Yaml.CST.FlowCollection;
const isCollection = (t: Yaml.CST.Token): t is Collection => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';

/**
 * The tokens of the text, as `Parser.parse` makes them, or the offset where nesting deeper than MAX_DEPTH starts.
 * The parser is fed one lexeme at a time so that its stack of open collections is looked at before it is deep
 * enough to overflow (the parser itself recurses when it closes many levels at once).
 */
function tokenize(text: string): { tokens: Yaml.CST.Token[] } | { tooDeep: number } {
  const parser = new (yaml().Parser)();
  const tokens: Yaml.CST.Token[] = [];
  for (const lexeme of new (yaml().Lexer)().lex(text)) {
    for (const t of parser.next(lexeme)) tokens.push(t);
    if (parser.stack.length > MAX_DEPTH) {
      const open = parser.stack.filter(isCollection);
      if (open.length > MAX_DEPTH) return { tooDeep: nestingStart(open) };
    }
  }
  for (const t of parser.end()) tokens.push(t);
  return { tokens };
}

/**
 * Where a too-deep chain of open collections starts: the outermost of the run of one style (flow or block) in which
 * each collection holds nothing but the next, so the first `[` or `{` of `[[[[`, or the key that opens a block.
 */
function nestingStart(open: Collection[]): number {
  const flow = (c: Collection) => c.type === 'flow-collection';
  // the next collection is still open, so it is not in its parent's items yet: it fills the last item if that is empty
  const entries = (c: Collection) => {
    const items = c.items as Yaml.CST.CollectionItem[];
    const last = items[items.length - 1];
    return items.filter(i => i.key || i.value).length + (!last || (!last.key && !last.value) ? 1 : 0);
  };
  let i = open.length - 1;
  while (i > 0 && entries(open[i - 1]) === 1 && flow(open[i - 1]) === flow(open[i])) i--;
  if (flow(open[i]) || i === 0) return open[i].offset;
  const items = open[i - 1].items as Yaml.CST.CollectionItem[];
  return items[items.length - 1]?.key?.offset ?? open[i].offset;
}

/** The first document of the tokens, as `parseDocument` composes it (a second document is an error). */
function composeOne(tokens: readonly Yaml.CST.Token[], length: number): Document.Parsed {
  const composer = new (yaml().Composer)({ prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, strict: true });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new (yaml().YAMLParseError)([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'the file holds a second YAML document (after a `---` line); outcomes.yaml is one document'));
      break;
    }
  }
  return doc!;
}

class AliasBomb extends Error {
  constructor() { super('too many aliases'); }
}

function lineEndCol(text: string, start: number, startCol: number): number {
  let i = start;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return startCol + (i - start);
}

function cleanYamlMessage(m: string): string {
  // The yaml library appends " at line L, column C" plus a code excerpt; we already locate the problem.
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** A YYYY-MM-DD date that exists. */
function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** The first and last day of `2026`, `2026-H1`, `2026-Q4` or `2026-11`. */
export function periodOf(text: string): { start: string; due: string } | undefined {
  const m = /^(\d{4})(?:-(?:Q([1-4])|H([12])|(\d{2})))?$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const [first, months] = m[2] ? [(Number(m[2]) - 1) * 3, 3] : m[3] ? [(Number(m[3]) - 1) * 6, 6] : m[4] ? [Number(m[4]) - 1, 1] : [0, 12];
  if (first < 0 || first > 11) return undefined;
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { start: iso(Date.UTC(y, first, 1)), due: iso(Date.UTC(y, first + months, 1) - 86_400_000) };
}

/** A repository-relative path as written, normalised; undefined when it is absolute, leaves the root or names .git. */
export function repoPath(file: string): string | undefined {
  if (/^([a-zA-Z]:)?[\\/]/.test(file) || file.includes('\\') || file.includes('\0') || file.startsWith(':')) return undefined;
  const parts: string[] = [];
  for (const seg of file.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (!parts.length) return undefined; parts.pop(); continue; }
    parts.push(seg);
  }
  if (!parts.length || parts[0].toLowerCase() === '.git') return undefined;
  return parts.join('/');
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
