/**
 * The outcomes editor's form and its extension side talk in these messages only (src/views/outcomesEditor.ts,
 * src/webview/outcomesEditor.ts); the webview bundles this file, so it imports nothing.
 */

/** The outcome's fields the form edits as one line of text each (or a choice, for status). */
export const OUTCOME_FIELDS = ['id', 'title', 'description', 'owner', 'status', 'link', 'budget', 'period'] as const;
export type OutcomeField = (typeof OUTCOME_FIELDS)[number];
/** A key result's cells. `source` is edited as the YAML value it is (`{ file: data.csv, column: rate }`). */
export const METRIC_FIELDS = ['name', 'baseline', 'target', 'current', 'source'] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];
export const LISTS = ['areas', 'tickets'] as const;
export type ListName = (typeof LISTS)[number];

/** One edit the form offers; outcomes, key results and list items are named by their index in file order. */
export type FormEdit =
  | { kind: 'setField'; outcome: number; field: OutcomeField; value: string }
  | { kind: 'setMetric'; outcome: number; metric: number; field: MetricField; value: string }
  | { kind: 'addOutcome'; id: string; title: string }
  | { kind: 'removeOutcome'; outcome: number }
  | { kind: 'moveOutcome'; outcome: number; by: -1 | 1 }
  | { kind: 'addMetric'; outcome: number; name: string }
  | { kind: 'removeMetric'; outcome: number; metric: number }
  | { kind: 'addItem'; outcome: number; list: ListName; value: string }
  | { kind: 'setItem'; outcome: number; list: ListName; index: number; value: string }
  | { kind: 'removeItem'; outcome: number; list: ListName; index: number };

/** A problem of outcomes.yaml placed at what it concerns: `o.2.title`, `o.2.metrics.0.target`, `o.1.areas.3`, `o.1`, `version`, `file`. */
export interface FormProblem {
  path: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
}

export interface FormOutcome {
  /** Each field's value as the form shows it ('' when absent); a value that is not text shows as the YAML it is. */
  fields: Record<OutcomeField, string>;
  metrics: Record<MetricField, string>[];
  areas: string[];
  tickets: string[];
}

/** What the form shows: the outcomes as the text has them now, even with errors in it. */
export interface FormModel {
  /** The document's version the model was read from: counts that come later are for this version only. */
  version: number;
  /** Why the form cannot show the file (not YAML, not a mapping), with the problems; the text editor can. */
  unreadable?: string;
  outcomes: FormOutcome[];
  /** The budgets' sum as a percentage, over the budgets that read as one; undefined when no outcome has a budget. */
  totalBudget?: number;
  problems: FormProblem[];
}

/** How many tracked files each area pattern matches, per outcome, and the first few of them (`files --json`'s numbers). */
export type FormCounts =
  | { state: 'counted'; outcomes: { total: number; areas: { count: number; files: string[] }[] }[] }
  | { state: 'unavailable'; reason: string };

export type ToOutcomesForm =
  | { type: 'model'; model: FormModel }
  | { type: 'counts'; version: number; counts: FormCounts }
  | { type: 'note'; text: string };

export type FromOutcomesForm =
  | { type: 'ready' }
  | { type: 'edit'; edit: FormEdit }
  | { type: 'reveal'; line: number; column: number }
  | { type: 'openText' };

const isIndex = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 100_000;
const isText = (x: unknown): x is string => typeof x === 'string' && x.length <= 10_000;
const oneOf = <T extends string>(all: readonly T[], x: unknown): x is T => typeof x === 'string' && (all as readonly string[]).includes(x);

/** The message, when it is one the form sends (a webview's messages are input like any other), else undefined. */
export function fromOutcomesForm(raw: unknown): FromOutcomesForm | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  if (m.type === 'ready' || m.type === 'openText') return { type: m.type };
  if (m.type === 'reveal') return isIndex(m.line) && isIndex(m.column) ? { type: 'reveal', line: m.line, column: m.column } : undefined;
  if (m.type !== 'edit' || !m.edit || typeof m.edit !== 'object') return undefined;
  const e = m.edit as Record<string, unknown>;
  switch (e.kind) {
    case 'setField': return isIndex(e.outcome) && oneOf(OUTCOME_FIELDS, e.field) && isText(e.value) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, field: e.field, value: e.value } } : undefined;
    case 'setMetric': return isIndex(e.outcome) && isIndex(e.metric) && oneOf(METRIC_FIELDS, e.field) && isText(e.value)
      ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, metric: e.metric, field: e.field, value: e.value } } : undefined;
    case 'addOutcome': return isText(e.id) && isText(e.title) ? { type: 'edit', edit: { kind: e.kind, id: e.id, title: e.title } } : undefined;
    case 'removeOutcome': return isIndex(e.outcome) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome } } : undefined;
    case 'moveOutcome': return isIndex(e.outcome) && (e.by === 1 || e.by === -1) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, by: e.by } } : undefined;
    case 'addMetric': return isIndex(e.outcome) && isText(e.name) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, name: e.name } } : undefined;
    case 'removeMetric': return isIndex(e.outcome) && isIndex(e.metric) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, metric: e.metric } } : undefined;
    case 'addItem': return isIndex(e.outcome) && oneOf(LISTS, e.list) && isText(e.value) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, list: e.list, value: e.value } } : undefined;
    case 'setItem': return isIndex(e.outcome) && oneOf(LISTS, e.list) && isIndex(e.index) && isText(e.value)
      ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, list: e.list, index: e.index, value: e.value } } : undefined;
    case 'removeItem': return isIndex(e.outcome) && oneOf(LISTS, e.list) && isIndex(e.index) ? { type: 'edit', edit: { kind: e.kind, outcome: e.outcome, list: e.list, index: e.index } } : undefined;
    default: return undefined;
  }
}
