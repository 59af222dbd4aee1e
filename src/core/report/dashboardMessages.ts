/**
 * The messages between the extension (src/views/dashboard.ts) and the dashboard's webview script (src/webview), said
 * once for both sides. Pure and free of imports: the webview's bundle includes it, and runs in a browser.
 */

/** The measures the dashboard offers (the report's `Measure`; src/views/dashboard.ts checks that they agree). */
export const DASHBOARD_MEASURES = ['commits', 'lines'] as const;
export type DashboardMeasure = (typeof DASHBOARD_MEASURES)[number];
/** The buckets the dashboard offers (the allocation's `BucketChoice`; checked the same way). */
export const DASHBOARD_BUCKETS = ['auto', 'week', 'month'] as const;
export type DashboardBucket = (typeof DASHBOARD_BUCKETS)[number];

/** What the webview keeps (`vscode.setState`) so that a window reload opens the same dashboard again. */
export interface DashboardState {
  /** The repository's root, as the workspace index knows it. */
  root: string;
  windowDays: number;
  measure: DashboardMeasure;
  bucket: DashboardBucket;
}

/** Extension to webview. */
export type ToDashboard =
  /** The whole body, HTML the extension rendered and escaped; `state` is what it shows, for the webview to keep. */
  | { type: 'render'; body: string; state: DashboardState }
  /** A status line while a new answer is read. */
  | { type: 'busy'; text: string };

/** Webview to extension. */
export type FromDashboard =
  | { type: 'ready' }
  /** Reveal an outcome (its id, or the unlinked row's key) in the views. */
  | { type: 'reveal'; key: string }
  | { type: 'commit'; sha: string }
  | { type: 'set'; key: 'window'; value: number }
  | { type: 'set'; key: 'measure'; value: DashboardMeasure }
  | { type: 'set'; key: 'bucket'; value: DashboardBucket }
  /** Show another repository of the workspace (its root; the extension shows only one it knows). */
  | { type: 'set'; key: 'repo'; value: string };

/** The longest outcome key a reveal may name: ids are short words, so anything longer is not one. */
const MAX_KEY = 200;
const SHA = /^[0-9a-f]{7,64}$/;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const oneOf = <T extends string>(list: readonly T[], x: unknown): x is T => typeof x === 'string' && (list as readonly string[]).includes(x);
/** A whole number of days; which windows are offered is the extension's to check. */
const isDays = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
/** A path of bounded length with no control characters (which repository it names is the extension's to check). */
const isRoot = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 4096 && !/[\u0000-\u001f\u007f]/.test(x);
/** A printable key of bounded length: no control characters, nothing that could pass for markup in a log. */
const isKey = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_KEY && !/[\u0000-\u001f\u007f<>]/.test(x);

/**
 * A message from the webview, checked field by field because whatever runs in the webview can post anything: a fresh
 * object with only the known fields, or undefined when it is not one of FromDashboard.
 */
export function fromDashboard(m: unknown): FromDashboard | undefined {
  if (!isObject(m)) return undefined;
  switch (m.type) {
    case 'ready': return { type: 'ready' };
    case 'reveal': return isKey(m.key) ? { type: 'reveal', key: m.key } : undefined;
    case 'commit': return typeof m.sha === 'string' && SHA.test(m.sha) ? { type: 'commit', sha: m.sha } : undefined;
    case 'set':
      if (m.key === 'window') return isDays(m.value) ? { type: 'set', key: 'window', value: m.value } : undefined;
      if (m.key === 'measure') return oneOf(DASHBOARD_MEASURES, m.value) ? { type: 'set', key: 'measure', value: m.value } : undefined;
      if (m.key === 'bucket') return oneOf(DASHBOARD_BUCKETS, m.value) ? { type: 'set', key: 'bucket', value: m.value } : undefined;
      if (m.key === 'repo') return isRoot(m.value) ? { type: 'set', key: 'repo', value: m.value } : undefined;
      return undefined;
    default: return undefined;
  }
}

/** A message from the extension, as the webview script expects it (anything else posted to the page is ignored). */
export function toDashboard(m: unknown): ToDashboard | undefined {
  if (!isObject(m)) return undefined;
  if (m.type === 'render' && typeof m.body === 'string') {
    const state = dashboardState(m.state);
    return state ? { type: 'render', body: m.body, state } : undefined;
  }
  if (m.type === 'busy' && typeof m.text === 'string') return { type: 'busy', text: m.text };
  return undefined;
}

/**
 * The state a webview kept, as VS Code hands it back after a reload (from an older version, or none): the fields
 * that are valid, each on its own, so that a bad choice costs only that choice.
 */
export function restoredState(s: unknown): Partial<DashboardState> {
  if (!isObject(s)) return {};
  const out: Partial<DashboardState> = {};
  if (typeof s.root === 'string' && s.root.length > 0) out.root = s.root;
  if (isDays(s.windowDays)) out.windowDays = s.windowDays;
  if (oneOf(DASHBOARD_MEASURES, s.measure)) out.measure = s.measure;
  if (oneOf(DASHBOARD_BUCKETS, s.bucket)) out.bucket = s.bucket;
  return out;
}

/** A complete state, or undefined. */
export function dashboardState(s: unknown): DashboardState | undefined {
  const r = restoredState(s);
  return r.root !== undefined && r.windowDays !== undefined && r.measure !== undefined && r.bucket !== undefined
    ? { root: r.root, windowDays: r.windowDays, measure: r.measure, bucket: r.bucket } : undefined;
}
