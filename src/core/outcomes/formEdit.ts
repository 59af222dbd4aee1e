import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { parseOutcomes, yaml } from './parse';
import { Diagnostic } from './model';
import { FormEdit, FormModel, FormOutcome, FormProblem, METRIC_FIELDS, MetricField, OUTCOME_FIELDS, OutcomeField } from './formMessages';

const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
const isScalar = (n: unknown): n is Scalar => yaml().isScalar(n);
const isSeq = (n: unknown): n is YAMLSeq => yaml().isSeq(n);

/** One replacement in the text, as offsets: the host turns it into one undoable WorkspaceEdit. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Where a new key goes in an outcome, after the keys that come before it in this order (the README's). */
const OUTCOME_ORDER = ['id', 'title', 'description', 'owner', 'status', 'link', 'budget', 'period', 'start', 'due', 'metrics', 'areas', 'tickets'];
const METRIC_ORDER = ['name', 'baseline', 'target', 'current', 'source'];
/** Fields whose value may be a plain number (`budget: 30`, `target: 4`); every other field is text. */
const NUMBER_OK = new Set(['budget', 'baseline', 'target', 'current']);
/** Fields written as the YAML the user typed (a mapping such as `{ file: kr.csv, column: rate }`). */
const RAW = new Set(['source']);

interface Read {
  text: string;
  eol: string;
  outcomes?: YAMLSeq;
  outcomesPair?: Pair;
}

function read(text: string): Read | { error: string } {
  const doc = yaml().parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) return { error: 'the file is not valid YAML now; fix it in the text editor first' };
  if (!isMap(doc.contents)) return { error: 'outcomes.yaml is not a mapping; fix it in the text editor first' };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const outcomesPair = doc.contents.items.find(p => keyIs(p, 'outcomes'));
  const outcomes = outcomesPair && isSeq(outcomesPair.value) ? outcomesPair.value : undefined;
  return { text, eol, outcomes, outcomesPair };
}

const keyIs = (p: Pair, k: string) => isScalar(p.key) && p.key.value === k;
const pairOf = (m: YAMLMap, k: string) => m.items.find(p => keyIs(p, k));

/**
 * The form's view of outcomes.yaml text: each outcome's fields, key results, areas and tickets as written (even when
 * the file has errors), the budgets' total, and every problem parseOutcomes finds (plus `extra`, such as the pattern
 * warnings that need git) placed at the field it concerns.
 */
export function readOutcomesForm(text: string, version: number, extra: readonly Diagnostic[] = []): FormModel {
  const diagnostics = [...parseOutcomes(text).diagnostics, ...extra];
  const doc = yaml().parseDocument(text, { uniqueKeys: false });
  const spans: { path: string; start: number; end: number }[] = [];
  const problems = (): FormProblem[] => diagnostics.map(d => ({ path: placeOf(text, spans, d), severity: d.severity, message: d.message, line: d.line, column: d.column }));
  if (doc.errors.length || !isMap(doc.contents)) {
    return { version, unreadable: doc.errors.length ? 'The file is not valid YAML now.' : 'outcomes.yaml is not a mapping of `version` and `outcomes`.', outcomes: [], problems: problems() };
  }
  for (const p of doc.contents.items) if (isScalar(p.key)) spans.push({ path: String(p.key.value), start: p.key.range![0], end: pairEnd(p) });
  const seq = pairOf(doc.contents, 'outcomes')?.value;
  const outcomes: FormOutcome[] = [];
  let total: number | undefined;
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      const o: FormOutcome = { fields: blank(OUTCOME_FIELDS), metrics: [], areas: [], tickets: [] };
      outcomes.push(o);
      if (!isMap(item)) return;
      spans.push({ path: `o.${i}`, start: item.range![0], end: contentEnd(item) });
      for (const p of item.items) {
        if (!isScalar(p.key)) continue;
        const key = String(p.key.value);
        spans.push({ path: `o.${i}.${key}`, start: p.key.range![0], end: pairEnd(p) });
        if ((OUTCOME_FIELDS as readonly string[]).includes(key)) o.fields[key as OutcomeField] = shown(text, p.value as Node | null);
        if (key === 'metrics' && isSeq(p.value)) {
          p.value.items.forEach((m, j) => {
            const row = blank(METRIC_FIELDS);
            o.metrics.push(row);
            if (!isMap(m)) return;
            spans.push({ path: `o.${i}.metrics.${j}`, start: m.range![0], end: contentEnd(m) });
            for (const mp of m.items) {
              if (!isScalar(mp.key)) continue;
              const mk = String(mp.key.value);
              spans.push({ path: `o.${i}.metrics.${j}.${mk}`, start: mp.key.range![0], end: pairEnd(mp) });
              if ((METRIC_FIELDS as readonly string[]).includes(mk)) row[mk as MetricField] = shown(text, mp.value as Node | null);
            }
          });
        }
        if ((key === 'areas' || key === 'tickets') && isSeq(p.value)) {
          p.value.items.forEach((a, j) => {
            o[key].push(shown(text, a as Node | null));
            if ((a as Node | null)?.range) spans.push({ path: `o.${i}.${key}.${j}`, start: (a as Node).range![0], end: contentEnd(a as Node) });
          });
        }
      }
      const b = /^(\d+(?:\.\d+)?)\s*%?$/.exec(o.fields.budget.trim());
      if (b) total = (total ?? 0) + Number(b[1]);
    });
  }
  return { version, outcomes, totalBudget: total === undefined ? undefined : +total.toFixed(2), problems: problems() };
}

function blank<K extends string>(keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map(k => [k, ''])) as Record<K, string>;
}

/** A value as the form shows it: a scalar's text, anything else as the YAML it is written as. */
function shown(text: string, n: Node | null): string {
  if (!n) return '';
  if (isScalar(n)) return n.value === null || n.value === undefined ? '' : String(n.value);
  return text.slice(n.range![0], contentEnd(n)).trim();
}

/** The innermost field a diagnostic's start falls in, else `file`. */
function placeOf(text: string, spans: readonly { path: string; start: number; end: number }[], d: Diagnostic): string {
  const at = offsetOf(text, d.line, d.column);
  let best: { path: string; start: number; end: number } | undefined;
  for (const s of spans) if (s.start <= at && at <= s.end && (!best || s.end - s.start <= best.end - best.start)) best = s;
  return best?.path ?? 'file';
}

/** The offset of a 1-based line and column. */
export function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl === -1) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + column - 1);
}

/**
 * Where a node's own text ends: the yaml library's ranges of block collections run on over the comments and blank
 * lines after them (even the next item's comment), which an edit must leave where they are.
 */
function contentEnd(n: Node): number {
  if ((isMap(n) || isSeq(n)) && !n.flow && n.items.length) {
    const last = n.items[n.items.length - 1] as Node | Pair;
    return yaml().isPair(last) ? pairEnd(last as Pair) : contentEnd(last as Node);
  }
  return n.range![1];
}
function pairEnd(p: Pair): number {
  const v = p.value as Node | null;
  return v?.range && !(isScalar(v) && v.range[0] === v.range[1]) ? contentEnd(v) : (p.key as Node).range![1];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
/** Offset just past the newline that ends the line holding `offset` (or the end of the text). */
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset));
  return nl === -1 ? text.length : nl + 1;
}
const columnOf = (text: string, offset: number) => offset - lineStart(text, offset);
/** A newline first when the text does not end in one and `at` is its end. */
const lead = (r: Read, at: number) => (at === r.text.length && r.text.length && !r.text.endsWith('\n') ? r.eol : '');

/**
 * A value as YAML: in the quoting it had when that still reads back as the same value, plain when plain reads back
 * as the same text (a number only where a number is meant), else double-quoted.
 */
export function scalarText(value: string, field: string, old?: Node | null): string {
  if (RAW.has(field)) return value;
  const style = isScalar(old) ? old.type : undefined;
  if (style === 'QUOTE_SINGLE' && !/[\n\r]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (style !== 'QUOTE_DOUBLE' && plainReadsBack(value, NUMBER_OK.has(field))) return value;
  return JSON.stringify(value);
}

function plainReadsBack(value: string, numberOk: boolean): boolean {
  if (!value || /[\n\r\t]/.test(value) || value.trim() !== value) return false;
  const doc = yaml().parseDocument(`k: ${value}\n`);
  if (doc.errors.length || doc.warnings.length || !isMap(doc.contents)) return false;
  const v = doc.contents.items[0]?.value;
  if (!isScalar(v) || v.tag || v.type !== 'PLAIN') return false;
  if (typeof v.value === 'string') return v.value === value;
  return numberOk && typeof v.value === 'number' && String(v.value) === value;
}

/** The text edit that makes `edit` in outcomes.yaml, touching nothing else; or why it cannot be made. */
export function planFormEdit(text: string, edit: FormEdit): TextEdit | { error: string } {
  const r = read(text);
  if ('error' in r) return r;
  if (edit.kind === 'addOutcome') return addOutcome(r, edit.id, edit.title);
  const o = r.outcomes?.items[edit.outcome];
  if (!isMap(o)) return { error: 'that outcome is no longer in the file (or is not a mapping); the form shows the text as it is now' };
  switch (edit.kind) {
    case 'setField':
      if (!edit.value.trim() && (edit.field === 'id' || edit.field === 'title')) return { error: `an outcome needs its ${edit.field}` };
      return setKey(r, o, edit.field, edit.value.trim() ? edit.value : undefined, OUTCOME_ORDER);
    case 'removeOutcome': return removeItem(r, r.outcomes!, edit.outcome, r.outcomesPair!);
    case 'moveOutcome': return moveItem(r, r.outcomes!, edit.outcome, edit.by);
    case 'addMetric': return appendItem(r, o, 'metrics', [`name: ${scalarText(edit.name, 'name')}`], OUTCOME_ORDER);
    case 'addItem': return appendItem(r, o, edit.list, [scalarText(edit.value, 'pattern')], OUTCOME_ORDER);
  }
  const list = pairOf(o, edit.kind === 'setMetric' || edit.kind === 'removeMetric' ? 'metrics' : edit.list);
  if (!list || !isSeq(list.value)) return { error: 'that list is no longer in the file' };
  const index = edit.kind === 'setMetric' || edit.kind === 'removeMetric' ? edit.metric : edit.index;
  const item = list.value.items[index] as Node | null;
  if (!item) return { error: 'that item is no longer in the file' };
  switch (edit.kind) {
    case 'setMetric':
      if (!isMap(item)) return { error: 'that key result is not a mapping; fix it in the text editor' };
      if (!edit.value.trim() && edit.field === 'name') return { error: 'a key result needs its name' };
      if (RAW.has(edit.field) && edit.value.trim() && !rawReadsBack(edit.value)) return { error: `${edit.field} must be a YAML value on one line, such as { file: data/kr.csv, column: rate }` };
      return setKey(r, item, edit.field, edit.value.trim() ? edit.value.trim() : undefined, METRIC_ORDER);
    case 'setItem':
      if (!edit.value.trim()) return removeItem(r, list.value, index, list);
      return replaceNode(r, item, scalarText(edit.value, 'pattern', item));
    case 'removeMetric':
    case 'removeItem':
      return removeItem(r, list.value, index, list);
  }
}

function rawReadsBack(value: string): boolean {
  if (/[\n\r]/.test(value)) return false;
  const doc = yaml().parseDocument(`k: ${value}\n`);
  return !doc.errors.length;
}

function replaceNode(r: Read, n: Node, text: string): TextEdit {
  return { start: n.range![0], end: contentEnd(n), text };
}

/** Sets, adds (after the keys that come before it in `order`) or, with no value, removes a key of a mapping. */
function setKey(r: Read, m: YAMLMap, key: string, value: string | undefined, order: readonly string[]): TextEdit | { error: string } {
  const pair = pairOf(m, key);
  const old = pair?.value as Node | null | undefined;
  if (pair && value !== undefined) {
    const v = scalarText(value, key, old);
    if (old?.range && !(isScalar(old) && old.range[0] === old.range[1] && old.value === null)) return replaceNode(r, old, v);
    // `key:` with nothing after it
    const colon = r.text.indexOf(':', (pair.key as Node).range![1]);
    return { start: colon + 1, end: colon + 1, text: ` ${v}` };
  }
  if (pair) return removePair(r, m, pair);
  if (value === undefined) return { start: 0, end: 0, text: '' };
  return insertPair(r, m, key, scalarText(value, key), order);
}

function insertPair(r: Read, m: YAMLMap, key: string, valueText: string, order: readonly string[], block = false): TextEdit | { error: string } {
  if (m.flow) {
    const close = r.text.lastIndexOf('}', m.range![1]);
    if (close === -1) return { error: 'cannot find the end of this mapping' };
    return { start: close, end: close, text: `${m.items.length ? ', ' : ''}${key}: ${block ? `[${valueText}]` : valueText}` };
  }
  if (!m.items.length) return { error: 'this mapping is empty; add its keys in the text editor' };
  const rank = (k: string) => { const i = order.indexOf(k); return i === -1 ? order.length : i; };
  const before = m.items.filter(p => isScalar(p.key) && rank(String(p.key.value)) < rank(key));
  const after = before.length ? before[before.length - 1] : m.items[0];
  const keyCol = columnOf(r.text, (m.items[0].key as Node).range![0]);
  const pad = ' '.repeat(keyCol);
  const at = lineEndAfter(r.text, pairEnd(after) - 1);
  const body = block ? `${r.eol}${pad}  - ${valueText}` : ` ${valueText}`;
  return { start: at, end: at, text: `${lead(r, at)}${pad}${key}:${body}${r.eol}` };
}

function removePair(r: Read, m: YAMLMap, pair: Pair): TextEdit | { error: string } {
  const keyStart = (pair.key as Node).range![0];
  if (m.flow) {
    const i = m.items.indexOf(pair);
    const start = i ? pairEnd(m.items[i - 1]) : keyStart;
    const end = i ? pairEnd(pair) : (m.items[1] ? (m.items[1].key as Node).range![0] : pairEnd(pair));
    return { start, end, text: '' };
  }
  if (m.items[0] === pair) return { error: 'the first key of an item cannot be removed from the form; edit it in the text editor' };
  return { start: lineStart(r.text, keyStart), end: lineEndAfter(r.text, pairEnd(pair) - 1), text: '' };
}

/** An item's lines: from its own comment lines right above its `-` to the end of its last line. */
function itemBlock(r: Read, seq: YAMLSeq, i: number): { start: number; end: number } {
  const n = seq.items[i] as Node;
  const dash = r.text.lastIndexOf('-', n.range![0]);
  let start = lineStart(r.text, dash);
  const dashCol = dash - start;
  for (;;) {
    if (start === 0) break;
    const prev = lineStart(r.text, start - 1);
    const line = r.text.slice(prev, start).replace(/\r?\n$/, '');
    const indent = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith('#') || indent < dashCol) break;
    // a comment line that the item before is still inside is the item before's
    if (i > 0 && contentEnd(seq.items[i - 1] as Node) > prev) break;
    start = prev;
  }
  return { start, end: lineEndAfter(r.text, contentEnd(n) - 1) };
}

function removeItem(r: Read, seq: YAMLSeq, i: number, owner: Pair): TextEdit | { error: string } {
  if (seq.flow) {
    const n = seq.items[i] as Node;
    const start = i ? contentEnd(seq.items[i - 1] as Node) : n.range![0];
    const end = i ? contentEnd(n) : (seq.items[1] ? (seq.items[1] as Node).range![0] : contentEnd(n));
    return { start, end, text: '' };
  }
  if (seq.items.length === 1 && owner.key && !keyIs(owner, 'outcomes')) {
    // the last item goes with its key: an empty `areas:` says nothing
    const key = owner.key as Node;
    return { start: lineStart(r.text, key.range![0]), end: lineEndAfter(r.text, contentEnd(seq) - 1), text: '' };
  }
  const b = itemBlock(r, seq, i);
  let end = b.end;
  // items set apart by blank lines: one separator goes with the item
  const blankAfter = /^[ \t]*\r?\n/.exec(r.text.slice(end));
  const blankBefore = b.start > 0 && /\n[ \t]*\r?\n$/.test(r.text.slice(0, b.start));
  if (blankAfter && (blankBefore || i === 0)) end += blankAfter[0].length;
  return { start: b.start, end, text: '' };
}

function moveItem(r: Read, seq: YAMLSeq, i: number, by: -1 | 1): TextEdit | { error: string } {
  const j = i + by;
  if (j < 0 || j >= seq.items.length) return { error: 'that outcome is already at that end of the list' };
  if (seq.flow) return { error: 'the outcomes are a flow list ([...]); reorder them in the text editor' };
  const [a, b] = [itemBlock(r, seq, Math.min(i, j)), itemBlock(r, seq, Math.max(i, j))];
  const between = r.text.slice(a.end, b.start);
  return { start: a.start, end: b.end, text: r.text.slice(b.start, b.end) + between + r.text.slice(a.start, a.end) };
}

/** Appends an item (given as its lines, the first after `- `) to a list of the mapping, making the list if there is none. */
function appendItem(r: Read, m: YAMLMap, key: string, lines: string[], order: readonly string[]): TextEdit | { error: string } {
  const pair = pairOf(m, key);
  const list = pair?.value as Node | null | undefined;
  if (!pair) return insertPair(r, m, key, lines.join(`${r.eol}  `), order, true);
  if (isSeq(list) && list.flow) {
    const close = r.text.lastIndexOf(']', list.range![1]);
    const flowItem = lines.length === 1 && key !== 'metrics' ? lines[0] : `{ ${lines.join(', ')} }`;
    return { start: close, end: close, text: `${list.items.length ? ', ' : ''}${flowItem}` };
  }
  if (isSeq(list) && list.items.length) {
    const first = list.items[0] as Node;
    const dashCol = columnOf(r.text, r.text.lastIndexOf('-', first.range![0]));
    const last = itemBlock(r, list, list.items.length - 1);
    const pad = ' '.repeat(dashCol);
    const text = lines.map((l, k) => `${pad}${k ? '  ' : '- '}${l}${r.eol}`).join('');
    return { start: last.end, end: last.end, text: `${lead(r, last.end)}${text}` };
  }
  if (list === null || list === undefined || (isScalar(list) && (list.value === null || list.value === ''))) {
    const keyNode = pair.key as Node;
    const pad = ' '.repeat(columnOf(r.text, keyNode.range![0]) + 2);
    const at = lineEndAfter(r.text, keyNode.range![1]);
    return { start: at, end: at, text: `${lead(r, at)}${lines.map((l, k) => `${pad}${k ? '  ' : '- '}${l}${r.eol}`).join('')}` };
  }
  return { error: `${key} is not a list; fix it in the text editor` };
}

function addOutcome(r: Read, id: string, title: string): TextEdit | { error: string } {
  if (!id.trim() || !title.trim()) return { error: 'a new outcome needs an id and a title' };
  const lines = [`id: ${scalarText(id, 'id')}`, `title: ${scalarText(title, 'title')}`];
  const seq = r.outcomes;
  const pair = r.outcomesPair;
  if (!pair) return { error: 'the file has no `outcomes:` list; add one in the text editor' };
  if (seq && !seq.flow && seq.items.length) {
    const firstDash = r.text.lastIndexOf('-', (seq.items[0] as Node).range![0]);
    const pad = ' '.repeat(columnOf(r.text, firstDash));
    const last = itemBlock(r, seq, seq.items.length - 1);
    // outcomes set apart by blank lines get one before the new one too
    const spaced = seq.items.length > 1 && /\n[ \t]*\r?\n/.test(r.text.slice(itemBlock(r, seq, 0).end - 1, itemBlock(r, seq, 1).start));
    const text = lines.map((l, k) => `${pad}${k ? '  ' : '- '}${l}${r.eol}`).join('');
    return { start: last.end, end: last.end, text: `${lead(r, last.end)}${spaced ? r.eol : ''}${text}` };
  }
  if (seq && seq.flow && seq.items.length) {
    const close = r.text.lastIndexOf(']', seq.range![1]);
    return { start: close, end: close, text: `, { ${lines.join(', ')} }` };
  }
  // `outcomes:` or `outcomes: []`: a block list from the next line
  const colon = r.text.indexOf(':', (pair.key as Node).range![1]);
  const v = pair.value as Node | null;
  const end = v?.range ? contentEnd(v) : colon + 1;
  const pad = ' '.repeat(columnOf(r.text, (pair.key as Node).range![0]) + 2);
  return { start: colon + 1, end, text: `${r.eol}${lines.map((l, k) => `${pad}${k ? '  ' : '- '}${l}`).join(r.eol)}` };
}
