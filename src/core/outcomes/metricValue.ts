/** Key results' values (`baseline`, `current`, `target`) as numbers, kept with outcomes.yaml's model so that outcomes/ never needs links/. */
export interface MetricValue {
  value: number;
  unit: string;
}

/** "3.4%" -> 3.4 %, "250ms" -> 250 ms, "1.2k" -> 1200, "4" -> 4; undefined when the text is not a number. */
export function parseMetricValue(s: string | undefined): MetricValue | undefined {
  if (s === undefined) return undefined;
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*(k|m|%|ms|s|min|h|d|x|€|\$|eur|usd)?\s*$/i.exec(s.replace(/,/g, ''));
  if (!m) return undefined;
  let value = Number(m[1]);
  let unit = (m[2] ?? '').toLowerCase();
  if (unit === 'k') { value *= 1000; unit = ''; }
  if (unit === 'm') { value *= 1_000_000; unit = ''; }
  return { value, unit };
}

/**
 * How far a key result has moved from its baseline towards its target, 0..1 (clamped; it works for targets
 * below the baseline too, like latency). Undefined when a value is not a number or the units differ.
 */
export function metricProgress(kr: { baseline?: string; current?: string; target?: string }): number | undefined {
  const b = parseMetricValue(kr.baseline), c = parseMetricValue(kr.current), t = parseMetricValue(kr.target);
  if (!b || !c || !t || b.unit !== c.unit || c.unit !== t.unit || t.value === b.value) return undefined;
  return Math.max(0, Math.min(1, (c.value - b.value) / (t.value - b.value)));
}
