import { Allocation, IGNORED, metricProgress, UNLINKED } from '../links/allocation';
import { OutcomeMap } from '../outcomes/model';

export type Measure = 'commits' | 'lines';

export interface DashboardInput {
  map: OutcomeMap;
  allocation: Allocation;
  repoName: string;
  measure: Measure;
  /** Buttons for window / measure / bucket, and rows that reveal an outcome (the webview; not the report). */
  interactive?: { windowDays: number; windows: number[] };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
export const fmt = (x: number | null) => (x === null ? '…' : Number.isInteger(x) ? String(x) : x.toFixed(2));

/** Colour class of a series: outcomes cycle through the palette, unlinked is the warning colour, ignored grey. */
function colour(key: string, i: number): string {
  return key === UNLINKED ? 'c-unlinked' : key === IGNORED ? 'c-ignored' : `c${i % 8}`;
}

function titleOf(map: OutcomeMap, key: string): string {
  if (key === UNLINKED) return 'Unlinked';
  if (key === IGNORED) return 'Ignored (needs no outcome)';
  return map.outcomes.find(o => o.id === key)?.title ?? key;
}

/** A stacked bar per bucket, in SVG (no library, no script); every label escaped. */
export function renderChart(input: DashboardInput): string {
  const { allocation: a, map, measure } = input;
  const keys = a.rows.map(r => r.key);
  const W = 760, H = 220, left = 44, bottom = 28, top = 8;
  const value = (b: (typeof a.buckets)[number], k: string) => (measure === 'lines' ? b.lineValues?.[k] ?? 0 : b.values[k] ?? 0);
  const totals = a.buckets.map(b => keys.reduce((s, k) => s + value(b, k), 0));
  const max = Math.max(1, ...totals);
  const n = Math.max(1, a.buckets.length);
  const slot = (W - left) / n;
  const bw = Math.max(2, Math.min(40, slot * 0.7));
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${left}" y1="${y(0)}" x2="${W}" y2="${y(0)}"/>`);
  parts.push(`<text class="tick" x="${left - 6}" y="${y(max) + 4}" text-anchor="end">${escapeHtml(fmt(Math.round(max)))}</text>`);
  parts.push(`<text class="tick" x="${left - 6}" y="${y(0) + 4}" text-anchor="end">0</text>`);
  a.buckets.forEach((b, i) => {
    let acc = 0;
    const x = left + i * slot + (slot - bw) / 2;
    keys.forEach((k, ki) => {
      const v = value(b, k);
      if (v <= 0) return;
      const y1 = y(acc + v), y0 = y(acc);
      acc += v;
      parts.push(`<rect class="${colour(k, ki)}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0.5, y0 - y1).toFixed(1)}"><title>${escapeHtml(`${b.start} · ${titleOf(map, k)}: ${fmt(v)} ${measure}`)}</title></rect>`);
    });
    if (n <= 16 || i % Math.ceil(n / 16) === 0) parts.push(`<text class="tick" x="${(x + bw / 2).toFixed(1)}" y="${H - 10}" text-anchor="middle">${escapeHtml(b.start.slice(5))}</text>`);
  });
  const label = `Stacked ${measure} per ${a.bucket} and outcome; the table below has the same numbers`;
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`;
}

/** The dashboard body: summary, chart, legend, totals table, key results, bucket table for screen readers. */
export function renderDashboardBody(input: DashboardInput): string {
  const { allocation: a, map, measure, interactive } = input;
  const out: string[] = [];
  const lineNote = (a.linesPending ? ` · counting lines: ${a.linesPending} commit(s) to go` : '')
    + (a.linesUnknown.length ? ` · line counts unknown for ${a.linesUnknown.length} commit(s) whose objects git cannot read (left out of the line figures)` : '')
    + (a.shallowBoundary.length ? ` · a shallow clone: ${a.shallowBoundary.length} boundary commit(s), which git shows as adding their whole tree, left out of the line figures` : '');
  out.push(`<header><h1>Outcome allocation · ${escapeHtml(input.repoName)}</h1>`);
  out.push(`<p class="summary">${a.since ? `Since ${escapeHtml(a.since.slice(0, 10))}` : 'Whole history'}${a.until ? ` until ${escapeHtml(a.until.slice(0, 10))}` : ''} · ${a.commits} commits (merges left out)${escapeHtml(lineNote)}</p>`);
  out.push(`<p class="alignment">Alignment: <strong id="alignment-commits">${pct(a.alignment)}</strong> of commits and <strong id="alignment-lines">${pct(a.lineAlignment)}</strong> of changed lines that need an outcome are linked to one.</p></header>`);
  if (interactive) {
    const btn = (action: string, value: string | number, label: string, on: boolean) =>
      `<button type="button" data-action="${action}" data-value="${escapeHtml(String(value))}" aria-pressed="${on}">${escapeHtml(label)}</button>`;
    out.push('<nav class="pickers" aria-label="Dashboard options">');
    out.push(`<span role="group" aria-label="Window">${interactive.windows.map(w => btn('window', w, `${w} days`, w === interactive.windowDays)).join('')}</span>`);
    out.push(`<span role="group" aria-label="Measure">${btn('measure', 'commits', 'Commits', measure === 'commits')}${btn('measure', 'lines', 'Lines', measure === 'lines')}</span>`);
    out.push(`<span role="group" aria-label="Bucket">${btn('bucket', 'week', 'Weekly', a.bucket === 'week')}${btn('bucket', 'month', 'Monthly', a.bucket === 'month')}</span>`);
    out.push('</nav>');
  }
  out.push(renderChart(input));
  out.push('<ul class="legend">' + a.rows.map((r, i) => `<li><span class="swatch ${colour(r.key, i)}"></span>${escapeHtml(titleOf(map, r.key))}</li>`).join('') + '</ul>');
  out.push('<p class="note">A commit linked to several outcomes counts 1/k towards each of its k outcomes, so shares sum to 100%. Binary files have no line counts; they are counted as changed files.</p>');
  out.push('<table id="totals"><caption>Totals per outcome</caption><thead><tr><th scope="col">Outcome</th><th scope="col">Commits</th><th scope="col">Share</th><th scope="col">Lines</th><th scope="col">Line share</th><th scope="col">Binary files</th></tr></thead><tbody>');
  for (const r of a.rows) {
    const name = escapeHtml(titleOf(map, r.key));
    const cell = interactive ? `<button type="button" class="link" data-reveal="${escapeHtml(r.key)}">${name}</button>` : name;
    out.push(`<tr data-key="${escapeHtml(r.key)}"><th scope="row">${cell}</th><td>${fmt(r.commits)}</td><td>${pct(r.share)}</td><td>${fmt(r.lines)}</td><td>${pct(r.lineShare)}</td><td>${fmt(r.binaryFiles)}</td></tr>`);
  }
  out.push('</tbody></table>');
  const krs = map.outcomes.flatMap(o => o.metrics.map(m => ({ o, m })));
  if (krs.length) {
    out.push('<h2>Key results</h2><ul class="krs">');
    for (const { o, m } of krs) {
      const p = metricProgress(m);
      const text = `${m.baseline ?? '?'} → ${m.current ?? '?'} → ${m.target ?? '?'}`;
      const bar = p === undefined ? '' : `<progress max="100" value="${Math.round(p * 100)}" aria-label="${escapeHtml(`${m.name}: ${Math.round(p * 100)}% of the way to the target`)}"></progress> ${Math.round(p * 100)}%`;
      out.push(`<li><span class="kr-name">${escapeHtml(o.title)} · ${escapeHtml(m.name)}</span> <span class="kr-values">${escapeHtml(text)}</span> ${bar}</li>`);
    }
    out.push('</ul>');
  }
  const keys = a.rows.map(r => r.key);
  out.push(`<details><summary>Numbers behind the chart</summary><table id="buckets"><caption>${escapeHtml(measure)} per ${a.bucket}</caption><thead><tr><th scope="col">${a.bucket === 'week' ? 'Week of' : 'Month'}</th>${keys.map(k => `<th scope="col">${escapeHtml(titleOf(map, k))}</th>`).join('')}<th scope="col">Alignment</th></tr></thead><tbody>`);
  for (const b of a.buckets) {
    const vals = keys.map(k => `<td>${fmt(measure === 'lines' ? b.lineValues?.[k] ?? null : b.values[k] ?? 0)}</td>`).join('');
    out.push(`<tr><th scope="row">${escapeHtml(b.start)}</th>${vals}<td>${pct(measure === 'lines' ? b.lineAlignment : b.alignment)}</td></tr>`);
  }
  out.push('</tbody></table></details>');
  if (a.topUnlinkedFolders.length) {
    out.push('<h2>Where unlinked work happens</h2><table id="unlinked-folders"><thead><tr><th scope="col">Folder</th><th scope="col">Unlinked commits</th></tr></thead><tbody>');
    for (const f of a.topUnlinkedFolders) out.push(`<tr><th scope="row">${escapeHtml(f.folder)}</th><td>${f.commits}</td></tr>`);
    out.push('</tbody></table>');
  }
  return out.join('\n');
}

/** Shared styles; colours come from CSS variables that the webview maps to the VS Code theme. */
export const DASHBOARD_CSS = `
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:var(--vscode-font-size,13px);color:var(--fg);background:var(--bg);margin:16px 24px;max-width:1000px}
h1{font-size:1.4em;margin:0 0 4px}h2{font-size:1.1em;margin-top:1.5em}
.summary,.note{opacity:.85}.chart{width:100%;max-width:800px;height:auto;margin:8px 0}
.axis{stroke:var(--fg);opacity:.4}.tick{fill:var(--fg);font-size:10px;opacity:.8}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid var(--border);text-align:right}th[scope=row],thead th:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:4px 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
.legend .swatch{vertical-align:middle}
.pickers{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}
button{font:inherit;color:var(--btn-fg);background:var(--btn-bg);border:1px solid var(--border);padding:2px 8px;cursor:pointer}
button[aria-pressed=true]{background:var(--btn-active);color:var(--btn-active-fg)}
button.link{background:none;border:none;color:var(--link);padding:0;text-align:left}
button:focus-visible{outline:1px solid var(--focus);outline-offset:1px}
.krs{padding-left:1em}.kr-values{opacity:.8;margin:0 8px}progress{vertical-align:middle;width:140px}
.c0{fill:var(--c0);background:var(--c0)}.c1{fill:var(--c1);background:var(--c1)}.c2{fill:var(--c2);background:var(--c2)}.c3{fill:var(--c3);background:var(--c3)}
.c4{fill:var(--c4);background:var(--c4)}.c5{fill:var(--c5);background:var(--c5)}.c6{fill:var(--c6);background:var(--c6)}.c7{fill:var(--c7);background:var(--c7)}
.c-unlinked{fill:var(--warn);background:var(--warn)}.c-ignored{fill:var(--muted);background:var(--muted)}
`;

/** VS Code theme variables for the webview. */
export const WEBVIEW_VARS = `:root{--fg:var(--vscode-foreground);--bg:var(--vscode-editor-background);--border:var(--vscode-panel-border,#8884);
--btn-fg:var(--vscode-button-secondaryForeground);--btn-bg:var(--vscode-button-secondaryBackground);--btn-active:var(--vscode-button-background);--btn-active-fg:var(--vscode-button-foreground);
--link:var(--vscode-textLink-foreground);--focus:var(--vscode-focusBorder);--warn:var(--vscode-charts-yellow,#cca700);--muted:var(--vscode-disabledForeground,#888);
--c0:var(--vscode-charts-blue);--c1:var(--vscode-charts-green);--c2:var(--vscode-charts-purple);--c3:var(--vscode-charts-orange);--c4:var(--vscode-charts-red);--c5:#4ec9b0;--c6:#c586c0;--c7:#9cdcfe}`;

/** Fixed colours for the stand-alone HTML report. */
export const REPORT_VARS = `:root{--fg:#1f2328;--bg:#fff;--border:#d0d7de;--btn-fg:#1f2328;--btn-bg:#f6f8fa;--btn-active:#0969da;--btn-active-fg:#fff;--link:#0969da;--focus:#0969da;
--warn:#bf8700;--muted:#8c959f;--c0:#0969da;--c1:#1a7f37;--c2:#8250df;--c3:#bc4c00;--c4:#cf222e;--c5:#1b7c83;--c6:#a475f9;--c7:#57606a}
@media (prefers-color-scheme: dark){:root{--fg:#e6edf3;--bg:#0d1117;--border:#30363d;--btn-fg:#e6edf3;--btn-bg:#21262d;--link:#4493f8}}`;
