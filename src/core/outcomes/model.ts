/** Shared data types for outcomes.yaml (file format v1, see DESIGN.md). */
import { printable } from '../util/printable';

export type Severity = 'error' | 'warning';

/** A problem in outcomes.yaml. Lines and columns are 1-based; the end is exclusive. */
export interface Diagnostic {
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The kind of problem, stable across versions (SARIF's ruleId): `unknown-key`, `duplicate-id`, … */
  code?: string;
}

/**
 * Every `code` the parser gives a diagnostic (parse.ts takes no other), stable across versions: SARIF's rule ids,
 * each with its own rule and help (report/sarif.ts). The pattern checks add theirs (PATTERN_CODES).
 */
export const PARSE_CODES = [
  'not-utf8', 'too-large', 'unreadable', 'too-many-problems', 'too-deep', 'forbidden-character', 'yaml-syntax', 'yaml-warning',
  'duplicate-key', 'empty-file', 'not-a-mapping', 'alias-expansion', 'unknown-alias', 'bad-merge', 'bad-key', 'unknown-key',
  'wrong-type', 'missing-version', 'bad-version', 'bad-trailer-key', 'missing-outcomes', 'missing-id', 'bad-id', 'duplicate-id',
  'missing-title', 'empty-title', 'unknown-status', 'bad-link', 'bad-budget', 'budget-out-of-range', 'budget-looks-like-fraction',
  'budgets-over-100', 'missing-key-result-name', 'empty-pattern', 'no-areas-or-tickets', 'bad-regex', 'bad-source', 'bad-period',
] as const;
export type ParseCode = (typeof PARSE_CODES)[number];

/** The codes of the checks of patterns against the tracked files (patternCheck.ts), which need git. */
export const PATTERN_CODES = ['comment-pattern', 'patterns-not-checked', 'negation-no-effect', 'pattern-matches-nothing', 'pattern-shadowed', 'negation-takes-all'] as const;

/** A location in outcomes.yaml (1-based line and column, exclusive end). */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export const STATUSES = ['proposed', 'active', 'achieved', 'dropped'] as const;
export type OutcomeStatus = (typeof STATUSES)[number];

export interface KeyResult {
  name: string;
  baseline?: string;
  target?: string;
  current?: string;
  /** Where its values come from (a file in the repository); `current` is then the data's newest value. */
  source?: MetricSource;
}

/** `source: { file, column }` (a CSV, one point per row) or `{ file, pointer }` (a JSON file, one point per commit of it). */
export interface MetricSource {
  /** A path inside the repository, normalised (`metrics/checkout.csv`). */
  file: string;
  column?: string;
  pointer?: string;
}

/** When an outcome runs: the first and the last day, YYYY-MM-DD (UTC), both inclusive. */
export interface OutcomePeriod {
  start: string;
  due: string;
  /** As written: `2026-Q4`, or `2026-10-01..2026-12-31` for start and due. */
  label: string;
}

/** A pattern as written, with where it was written (for diagnostics and "reveal"). */
export interface PatternEntry {
  pattern: string;
  range: SourceRange;
}

export interface Outcome {
  id: string;
  title: string;
  description?: string;
  owner?: string;
  status: OutcomeStatus;
  link?: string;
  /** The planned share of effort (DESIGN.md, planning fields), 0..1 from `budget: 30%`; undefined when not planned. */
  budget?: number;
  /** `period: 2026-Q4`, or `start` and `due`; undefined when the outcome is not time-boxed. */
  period?: OutcomePeriod;
  metrics: KeyResult[];
  areas: PatternEntry[];
  tickets: string[];
  /** The `- id: ...` item, for reveal and CodeLens. */
  range: SourceRange;
  idRange: SourceRange;
  /** The `areas:` sequence, or the item when there is none (where "Link to Outcome" inserts). */
  areasRange?: SourceRange;
}

/** A usable outcomes.yaml: only produced when the file has no errors. */
export interface OutcomeMap {
  version: 1;
  trailer: string;
  ignore: PatternEntry[];
  /**
   * Commits that need no outcome (DESIGN.md, "Work that needs no outcome"), by author (name or e-mail, after .mailmap)
   * and by subject: each entry a plain text (an author's whole name or e-mail, letter case aside; the start of a
   * subject) or a `/regular expression/` (flag `i` allowed). Absent when the file does not list any.
   */
  ignoreAuthors?: PatternEntry[];
  ignoreSubjects?: PatternEntry[];
  outcomes: Outcome[];
}

export interface ParseResult {
  /** Undefined when the file has errors (the caller keeps its last good map). */
  map?: OutcomeMap;
  diagnostics: Diagnostic[];
  /** How many problems the diagnostics leave out (a file can have thousands); their place is taken by one note. */
  hidden?: { errors: number; warnings: number };
  /**
   * The problems the note stands for, errors first, as many as make 25,000 with the diagnostics (code scanning takes
   * no more results in a run): for SARIF, which lists every problem rather than the note.
   */
  rest?: Diagnostic[];
}

/** `outcomes.yaml:12:7: error: message`, the one format the CLI and CI logs use. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  // Messages quote what the user wrote; a terminal or CI log must not run its control characters.
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${printable(d.message)}`;
}

/**
 * The first `max` diagnostics to show, errors before warnings (so that no error hides behind a page of warnings),
 * each kept in its place in the list, and how many are left out (of them, how many errors).
 */
export function firstDiagnostics(diags: readonly Diagnostic[], max: number): { shown: Diagnostic[]; hidden: number; hiddenErrors: number } {
  if (diags.length <= max) return { shown: [...diags], hidden: 0, hiddenErrors: 0 };
  const errors = diags.filter(d => d.severity === 'error').length;
  const keep = new Set(diags.filter(d => d.severity === 'error').slice(0, max));
  for (const d of diags) if (keep.size < max && d.severity !== 'error') keep.add(d);
  return { shown: diags.filter(d => keep.has(d)), hidden: diags.length - max, hiddenErrors: Math.max(0, errors - max) };
}
