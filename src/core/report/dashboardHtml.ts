import { BucketChoice, IGNORED, UNLINKED } from '../links/allocation';
import { metricProgress } from '../outcomes/metricValue';
import { CHART_DEFS, colourClass, COLOUR_CSS, effortChart, escapeHtml, keyResultChart } from './chart';
import { day, offBudget, pct, pts, shortSha, unreadableNote, whole, windowText } from './format';

/** A whole number for HTML ("<1" escaped). */
const wholeHtml = (x: number | null | undefined, unknown?: string) => escapeHtml(whole(x, unknown));
import { ReportJson, ReportKeyResult } from './model';
import { statusRank, STATUS_LABELS } from '../keyresults/status';

export { escapeHtml } from './chart';

/** What only the dashboard has: pickers for window, measure and bucket, rows that reveal an outcome or show a commit. */
export interface Interactive {
  windowDays: number;
  windows: number[];
  bucket: BucketChoice;
  /** In a multi-root workspace: the repositories the dashboard can show, by name, and the root of the one it shows. */
  repositories?: { name: string; root: string }[];
  root?: string;
}

/** The row titles of a report (its own, so a rollup's merged titles are used too). */
const titleIn = (r: ReportJson) => {
  const titles = new Map(r.outcomes.map(o => [o.id, o.title]));
  return (key: string) => (key === UNLINKED ? 'Unlinked' : titles.get(key) ?? key);
};

function summaryLine(r: ReportJson, interactive?: Interactive): string {
  const lineNote = (r.linesPending ? ` · counting lines: ${r.linesPending} commit(s) to go` : '')
    + (r.linesUnknown.length ? ` · line counts unknown for ${r.linesUnknown.length} commit(s) whose objects git cannot read (left out of the line figures)` : '')
    + (r.shallowBoundary.length ? ` · a shallow clone: ${r.shallowBoundary.length} boundary commit(s), which git shows as adding their whole tree, left out of the line figures` : '');
  const win = windowText(r.window, day(r.generatedAt));
  const defaulted = r.window.defaulted ? (interactive ? ' (the outcomeLens.history.windowDays setting)' : ' (the default window; --since DATE or --all for another)') : '';
  const repos = r.repositories ? ` · ${r.repositories.length} repositories` : '';
  return `<p class="summary" id="window">${escapeHtml(`${win[0].toUpperCase()}${win.slice(1)}${defaulted}${repos} · ${r.commits} commits (merges left out) · ${r.bucket === 'week' ? 'weekly' : 'monthly'} · by ${r.measure === 'lines' ? 'changed lines' : 'commits'}${lineNote}`)}</p>`;
}

function pickers(r: ReportJson, i: Interactive): string {
  const btn = (action: string, value: string | number, label: string, on: boolean) =>
    `<button type="button" data-action="${action}" data-value="${escapeHtml(String(value))}" aria-pressed="${on}">${escapeHtml(label)}</button>`;
  const repos = i.repositories && i.repositories.length > 1
    ? `<span role="group" aria-label="Repository">${i.repositories.map(x => btn('repo', x.root, x.name, x.root === i.root)).join('')}</span>` : '';
  return '<nav class="pickers" aria-label="Dashboard options">' + repos
    + `<span role="group" aria-label="Window">${i.windows.map(w => btn('window', w, `${w} days`, w === i.windowDays)).join('')}</span>`
    + `<span role="group" aria-label="Measure">${btn('measure', 'commits', 'Commits', r.measure === 'commits')}${btn('measure', 'lines', 'Lines', r.measure === 'lines')}</span>`
    + `<span role="group" aria-label="Bucket">${btn('bucket', 'auto', `Auto (${r.bucket === 'week' ? 'weekly' : 'monthly'})`, i.bucket === 'auto')}${btn('bucket', 'week', 'Weekly', i.bucket === 'week')}${btn('bucket', 'month', 'Monthly', i.bucket === 'month')}</span>`
    + '</nav>';
}

/** Planned vs actual per outcome over the window, by the report's measure; drift past the threshold is marked. */
/** Time-boxed outcomes, furthest behind their key results' line first: the adjustment signal for each. */
export function statusRows(r: ReportJson): ReportJson['outcomes'] {
  return r.outcomes.filter(o => o.keyResultStatus)
    .sort((a, b) => (b.behind ?? -Infinity) - (a.behind ?? -Infinity) || statusRank(a.keyResultStatus ?? null) - statusRank(b.keyResultStatus ?? null) || a.id.localeCompare(b.id));
}

function statusTable(r: ReportJson): string {
  const rows = statusRows(r);
  if (!rows.length) return '';
  const out = [`<h2>Outcomes by status</h2><table id="outcomes-by-status"><caption>${escapeHtml(`Furthest behind first; at risk past ${Math.round((r.tolerance ?? 0.1) * 100)} points of the way behind the line, off track past twice that`)}</caption>`
    + '<thead><tr><th scope="col">Outcome</th><th scope="col" class="text">Period</th><th scope="col" class="text">Status</th><th scope="col">Behind</th><th scope="col" class="text">Adjustment</th></tr></thead><tbody>'];
  for (const o of rows) {
    const s = o.keyResultStatus!;
    out.push(`<tr data-key="${escapeHtml(o.id)}" data-status="${escapeHtml(s)}"><th scope="row">${escapeHtml(o.title)}</th><td class="text">${escapeHtml(o.period ? `${o.period.label}` : '')}</td>`
      + `<td class="text"><span class="status status-${escapeHtml(s)}">${escapeHtml(STATUS_LABELS[s])}</span></td><td>${o.behind === null || o.behind === undefined ? '—' : pts(o.behind)}</td><td class="text adjustment">${escapeHtml(o.adjustment ?? '')}</td></tr>`);
  }
  out.push('</tbody></table>');
  return out.join('');
}

function planTable(r: ReportJson): string {
  const lines = r.measure === 'lines';
  const planned = r.outcomes.filter(o => o.budget !== null);
  if (!planned.length) {
    return '<h2>Planned vs actual</h2><p class="note" id="plan-none">No outcome has a budget yet: add <code>budget: 30%</code> to an outcome in outcomes.yaml to plan its share of the effort, and this compares it with what the window shows.</p>';
  }
  const rollup = !!r.repositories;
  const out = ['<h2>Planned vs actual</h2>', `<table id="plan"><caption>${escapeHtml(`Share of the ${lines ? 'changed lines' : 'commits'} that need an outcome (linked and unlinked); drift past ${Math.round(r.driftThreshold * 100)} points is marked`)}</caption>`
    + '<thead><tr><th scope="col">Outcome</th><th scope="col" class="text">Owner</th><th scope="col">Planned</th><th scope="col">Actual</th><th scope="col">Drift</th></tr></thead><tbody>'];
  for (const o of r.outcomes.filter(x => x.id !== IGNORED)) {
    const actual = lines ? o.lineActualShare : o.actualShare;
    const drift = lines ? o.lineDrift : o.drift;
    const off = offBudget(drift, r.driftThreshold);
    const driftText = drift === null ? '—' : `${pts(drift)}${off ? (drift > 0 ? ' over' : ' under') : ''}`;
    out.push(`<tr data-key="${escapeHtml(o.id)}"${off ? ' class="off"' : ''}><th scope="row">${escapeHtml(o.id === UNLINKED ? 'Unlinked' : o.title)}</th><td class="text">${escapeHtml(o.owner ?? '')}</td>`
      + `<td>${o.budget === null ? '—' : pct(o.budget)}</td><td>${actual === null ? (lines && r.linesPending ? '…' : 'n/a') : pct(actual)}</td><td>${escapeHtml(driftText)}</td></tr>`);
  }
  // Across repositories each outcome's plan is over its own repositories: those shares do not add up to one whole.
  const sum = planned.reduce((s, o) => s + o.budget!, 0);
  out.push(rollup ? '</tbody></table>' : `</tbody><tfoot><tr><th scope="row">Planned in all</th><td></td><td>${pct(sum)}</td><td></td><td></td></tr></tfoot></table>`);
  if (!rollup && sum > 1 + 1e-9) out.push(`<p class="note warn">The budgets add up to ${pct(sum)}: more than the whole effort.</p>`);
  if (rollup) out.push('<p class="note">Across repositories, an outcome\'s planned and actual shares are over the repositories that give it a budget (each weighted by its effort).</p>');
  return out.join('');
}

function totalsTable(r: ReportJson, interactive?: Interactive): string {
  const unknown = r.linesPending ? '…' : 'n/a';
  const out = ['<table id="totals"><caption>Totals per outcome</caption><thead><tr><th scope="col">Outcome</th><th scope="col">Commits</th><th scope="col">Share</th><th scope="col">Lines</th><th scope="col">Line share</th><th scope="col">Binary files</th></tr></thead><tbody>'];
  for (const o of r.outcomes) {
    const name = escapeHtml(o.id === UNLINKED ? 'Unlinked' : o.title);
    const cell = interactive ? `<button type="button" class="link" data-reveal="${escapeHtml(o.id)}">${name}</button>` : name;
    const owner = o.owner ? ` <span class="owner">${escapeHtml(o.owner)}</span>` : '';
    out.push(`<tr data-key="${escapeHtml(o.id)}"><th scope="row"><span class="swatch ${colourClass(o.id, r.outcomes.indexOf(o))}"></span>${cell}${owner}</th><td>${wholeHtml(o.commits)}</td><td>${pct(o.share)}</td><td>${wholeHtml(o.lines, unknown)}</td><td>${o.lineShare === null ? unknown : pct(o.lineShare)}</td><td>${wholeHtml(o.binaryFiles, unknown)}</td></tr>`);
  }
  out.push('</tbody></table>');
  return out.join('');
}

function keyResults(r: ReportJson): string {
  if (!r.keyResults.length) return '';
  const out = ['<h2>Key results over time</h2>'];
  if (r.keyResultVersions.unreadable.length) out.push(`<p class="note">${escapeHtml(unreadableNote(r))}</p>`);
  r.keyResults.forEach((kr, i) => out.push(keyResult(r, kr, i)));
  return out.join('');
}

/** The unit written after a value (`%` of `4%`), for the expected value. */
const unitOf = (text: string | undefined) => /(%|ms|s|min|h|d|x)\s*$/i.exec(text ?? '')?.[1] ?? '';

function keyResult(r: ReportJson, kr: ReportKeyResult, i: number): string {
  const index = r.outcomes.findIndex(o => o.id === kr.outcome);
  const title = r.outcomes[index]?.title ?? kr.outcome;
  const p = kr.progress ?? metricProgress(kr);
  const values = `${kr.baseline ?? '?'} → ${kr.current ?? '?'} → ${kr.target ?? '?'}`;
  const bar = p === undefined ? '' : ` <progress max="100" value="${Math.round(p * 100)}" aria-label="${escapeHtml(`${kr.name}: ${Math.round(p * 100)}% of the way to the target`)}"></progress> ${Math.round(p * 100)}%`;
  const id = `kr-${i}`;
  const out = [`<section class="kr" id="${id}" data-outcome="${escapeHtml(kr.outcome)}" data-name="${escapeHtml(kr.name)}"><h3>${escapeHtml(`${title} · ${kr.name}`)}${kr.repository ? ` <span class="owner">${escapeHtml(kr.repository)}</span>` : ''}</h3>`,
    `<p><span class="kr-values">baseline → current → target: ${escapeHtml(values)}</span>${bar}</p>`];
  if (kr.status) {
    const expected = kr.expected === null || kr.expected === undefined ? '' : ` · expected now ${+kr.expected.toPrecision(4)}${unitOf(kr.target)} (${pct(kr.expectedProgress ?? null)} of the period gone)`;
    out.push(`<p class="kr-status" data-status="${escapeHtml(kr.status)}"><span class="status status-${escapeHtml(kr.status)}">${escapeHtml(STATUS_LABELS[kr.status])}</span>${escapeHtml(expected)}</p>`);
  }
  if (kr.source) out.push(`<p class="note">Measured from <code>${escapeHtml(kr.source.file)}</code> (${escapeHtml(kr.source.column !== undefined ? `column ${kr.source.column}` : `pointer ${kr.source.pointer}`)}).</p>`);
  for (const problem of kr.dataProblems ?? []) out.push(`<p class="note warn">${escapeHtml(problem)}</p>`);
  out.push(keyResultChart(r, kr, colourClass(kr.outcome, Math.max(0, index)), `${id}-chart`));
  const rows = [...(kr.atStart ? [{ p: kr.atStart, before: true }] : []), ...kr.history.map(h => ({ p: h, before: false }))];
  if (!rows.length) out.push(kr.source ? `<p class="note">No value in <code>${escapeHtml(kr.source.file)}</code> up to the end of this window.</p>` : '<p class="note">No value of <code>current</code> is recorded in a commit up to the end of this window.</p>');
  else {
    out.push(`<table class="kr-trend" id="${id}-trend"><caption>${escapeHtml(`${kr.name} over time`)}</caption><thead><tr><th scope="col">Date</th><th scope="col">Current</th><th scope="col" class="text">Commit</th></tr></thead><tbody>`);
    for (const { p: pt, before } of rows) {
      out.push(`<tr${pt.value === null ? ' class="text-event"' : ''}><th scope="row">${escapeHtml(day(pt.date))}${before ? ' (before the window)' : ''}</th><td>${escapeHtml(pt.text)}</td><td class="text">${pt.sha ? `<code>${escapeHtml(shortSha(pt.sha))}</code>` : 'a row of the data'}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('');
}

function unlinkedCommits(r: ReportJson, interactive?: Interactive): string {
  const u = r.unlinkedCommits;
  if (!u.total) return '<h2>Unlinked commits</h2><p class="note" id="unlinked-none">No unlinked commit in this window.</p>';
  const repo = !!r.repositories;
  const out = [`<h2>Unlinked commits</h2><table id="unlinked-commits"><caption>${escapeHtml(u.recent.length < u.total ? `The ${u.recent.length} most recent of ${u.total} unlinked commits` : `All ${u.total} unlinked commit${u.total === 1 ? '' : 's'}`)}</caption>`
    + `<thead><tr><th scope="col">Commit</th>${repo ? '<th scope="col" class="text">Repository</th>' : ''}<th scope="col" class="text">Author</th><th scope="col" class="text">Date</th><th scope="col" class="text">Subject</th></tr></thead><tbody>`];
  for (const c of u.recent) {
    const sha = escapeHtml(shortSha(c.sha));
    const id = interactive && /^[0-9a-f]{7,64}$/.test(c.sha) ? `<button type="button" class="link" data-commit="${escapeHtml(c.sha)}"><code>${sha}</code></button>` : `<code>${sha}</code>`;
    out.push(`<tr><th scope="row">${id}</th>${repo ? `<td class="text">${escapeHtml(c.repository ?? '')}</td>` : ''}<td class="text">${escapeHtml(c.author)}</td><td class="text">${escapeHtml(day(c.date))}</td><td class="text">${escapeHtml(c.subject)}</td></tr>`);
  }
  out.push('</tbody></table>');
  return out.join('');
}

function repositories(r: ReportJson): string {
  if (!r.repositories) return '';
  const out = ['<h2>Repositories</h2><table id="repositories"><thead><tr><th scope="col">Repository</th><th scope="col" class="text">Window</th><th scope="col">Commits</th><th scope="col">Alignment</th><th scope="col">Line alignment</th><th scope="col">Unlinked commits</th></tr></thead><tbody>'];
  for (const x of r.repositories) {
    out.push(`<tr><th scope="row">${escapeHtml(x.repository)}</th><td class="text">${escapeHtml(windowText(x.window, day(x.generatedAt)))}</td><td>${x.commits}</td><td>${pct(x.alignment)}</td><td>${pct(x.lineAlignment)}</td><td>${x.counts.unlinked}</td></tr>`);
  }
  out.push(`</tbody><tfoot><tr><th scope="row">All</th><td></td><td>${r.commits}</td><td>${pct(r.alignment)}</td><td>${pct(r.lineAlignment)}</td><td>${r.counts.unlinked}</td></tr></tfoot></table>`);
  return out.join('');
}

/** The numbers behind the charts, a row per bucket (whole numbers; the exact split is in JSON and CSV). */
function bucketTable(r: ReportJson, title: (k: string) => string): string {
  const lines = r.measure === 'lines';
  const out = [`<details><summary>Numbers behind the charts</summary><table id="buckets"><caption>${escapeHtml(`${lines ? 'Changed lines' : 'Commits'} per ${r.bucket}`)}</caption><thead><tr><th scope="col">${r.bucket === 'week' ? 'Week of' : 'Month'}</th>${r.outcomes.map(o => `<th scope="col">${escapeHtml(title(o.id))}</th>`).join('')}<th scope="col">Alignment</th></tr></thead><tbody>`];
  for (const b of r.buckets) {
    const vals = r.outcomes.map(o => `<td>${lines ? (b.lineValues ? wholeHtml(b.lineValues[o.id] ?? 0) : r.linesPending ? '…' : 'n/a') : wholeHtml(b.values[o.id] ?? 0)}</td>`).join('');
    out.push(`<tr><th scope="row">${escapeHtml(b.start)}</th>${vals}<td>${pct(lines ? b.lineAlignment : b.alignment)}</td></tr>`);
  }
  out.push('</tbody></table></details>');
  return out.join('');
}

/**
 * The dashboard body, the same for the webview and the HTML report: summary, pickers (the webview), both charts,
 * legend, planned vs actual, totals, key results over time, unlinked commits and where they happen. Every string
 * from outcomes.yaml or git is escaped.
 */
export function renderDashboardBody(r: ReportJson, interactive?: Interactive): string {
  const title = titleIn(r);
  const out: string[] = [CHART_DEFS];
  out.push(`<header><h1>Outcome allocation · ${escapeHtml(r.repository)}</h1>`);
  out.push(summaryLine(r, interactive));
  out.push(`<p class="alignment">Alignment: <strong id="alignment-commits">${pct(r.alignment)}</strong> of commits and <strong id="alignment-lines">${r.lineAlignment === null && r.linesPending ? '…' : pct(r.lineAlignment)}</strong> of changed lines that need an outcome are linked to one.</p></header>`);
  if (interactive) out.push(pickers(r, interactive));
  if (!r.commits) {
    const wider = interactive?.windows.find(w => w > interactive.windowDays);
    out.push(`<div class="empty" id="empty-window"><p>No commit in ${escapeHtml(windowText(r.window, day(r.generatedAt)))}: nothing to chart.</p>${wider ? `<button type="button" data-action="window" data-value="${wider}">Widen to ${wider} days</button>` : ''}</div>`);
  } else {
    out.push(`<figure><figcaption>Effort per ${r.bucket}</figcaption>${effortChart(r, 'absolute', title)}</figure>`);
    out.push(`<figure><figcaption>Share of effort per ${r.bucket} (each ${r.bucket} 100%)</figcaption>${effortChart(r, 'share', title)}</figure>`);
    out.push('<ul class="legend">' + r.outcomes.map((o, i) => `<li><span class="swatch ${colourClass(o.id, i)}"></span>${escapeHtml(title(o.id))}</li>`).join('') + '</ul>');
  }
  out.push('<p class="note">Whole numbers on screen: a commit linked to several outcomes counts 1/k towards each of its k outcomes (the exact split is in the JSON and CSV export), so shares sum to 100%. Binary files have no line counts; they are counted as changed files.</p>');
  out.push(repositories(r));
  out.push(statusTable(r));
  out.push(planTable(r));
  out.push(totalsTable(r, interactive));
  out.push(keyResults(r));
  out.push(unlinkedCommits(r, interactive));
  if (r.topUnlinkedFolders.length) {
    const repo = r.topUnlinkedFolders.some(f => f.repository);
    out.push(`<h2>Where unlinked work happens</h2><table id="unlinked-folders"><thead><tr><th scope="col">Folder</th>${repo ? '<th scope="col">Repository</th>' : ''}<th scope="col">Unlinked commits</th></tr></thead><tbody>`);
    for (const f of r.topUnlinkedFolders) out.push(`<tr><th scope="row">${escapeHtml(f.folder)}</th>${repo ? `<td class="text">${escapeHtml(f.repository ?? '')}</td>` : ''}<td>${f.commits}</td></tr>`);
    out.push('</tbody></table>');
  }
  if (r.buckets.length) out.push(bucketTable(r, title));
  return out.join('\n');
}

/** Shared styles; the page's own colours come from CSS variables (the webview maps them to the VS Code theme). */
export const DASHBOARD_CSS = `
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:var(--vscode-font-size,13px);color:var(--fg);background:var(--bg);margin:16px 24px;max-width:1000px}
h1{font-size:1.4em;margin:0 0 4px}h2{font-size:1.1em;margin-top:1.5em}h3{font-size:1em;margin:1em 0 2px}
.summary,.note{opacity:.85}.note.warn{opacity:1;color:var(--warn-fg)}
figure{margin:12px 0}figcaption{font-weight:600}
.chart{width:100%;max-width:800px;height:auto;margin:4px 0;display:block}.defs{position:absolute}
.axis{stroke:var(--fg);opacity:.5}.grid{stroke:var(--fg);opacity:.12}.tickmark{stroke:var(--fg);opacity:.5}.tick{fill:var(--fg);font-size:10px;opacity:.8}
.axis-title{fill:var(--fg);font-size:10px;opacity:.9}
.effort{opacity:.45}.trend{fill:none;stroke:var(--fg);stroke-width:2}.trend-point{fill:var(--bg);stroke:var(--fg);stroke-width:2}
.target{stroke:var(--fg);stroke-dasharray:4 3;opacity:.6}.expected{stroke:var(--fg);stroke-dasharray:1 3;stroke-width:2;opacity:.85}
.status{font-weight:600}.status-at-risk,.status-not-measured{color:var(--warn-fg)}.status-off-track{color:var(--warn-fg);text-decoration:underline}.text-event line{stroke:var(--fg);stroke-dasharray:2 2;opacity:.7}.text-event path{fill:var(--fg)}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid var(--border);text-align:right}th[scope=row],thead th:first-child,td.text,th.text{text-align:left}
tfoot th,tfoot td{border-bottom:none;font-weight:600}
tr.off td,tr.off th{color:var(--warn-fg);font-weight:600}
caption{text-align:left;font-weight:600;padding:4px 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;vertical-align:middle}
.owner{opacity:.7;font-weight:normal;margin-left:6px}
.pickers{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}
.empty{border:1px dashed var(--border);padding:12px 16px;margin:12px 0}
button{font:inherit;color:var(--btn-fg);background:var(--btn-bg);border:1px solid var(--border);padding:2px 8px;cursor:pointer}
button[aria-pressed=true]{background:var(--btn-active);color:var(--btn-active-fg)}
button.link{background:none;border:none;color:var(--link);padding:0;text-align:left}
button:focus-visible{outline:1px solid var(--focus);outline-offset:1px}
.kr{margin:12px 0 20px}.kr-values{opacity:.85;margin-right:8px}progress{vertical-align:middle;width:140px}
${COLOUR_CSS}
`;

/** VS Code theme variables for the webview. */
export const WEBVIEW_VARS = `:root{--fg:var(--vscode-foreground);--bg:var(--vscode-editor-background);--border:var(--vscode-panel-border,#8884);
--btn-fg:var(--vscode-button-secondaryForeground);--btn-bg:var(--vscode-button-secondaryBackground);--btn-active:var(--vscode-button-background);--btn-active-fg:var(--vscode-button-foreground);
--link:var(--vscode-textLink-foreground);--focus:var(--vscode-focusBorder);--warn-fg:var(--vscode-editorWarning-foreground,#cca700)}`;

/** Fixed colours for the stand-alone HTML report, light or dark as the reader's system is. */
export const REPORT_VARS = `:root{--fg:#1f2328;--bg:#fff;--border:#d0d7de;--btn-fg:#1f2328;--btn-bg:#f6f8fa;--btn-active:#0969da;--btn-active-fg:#fff;--link:#0969da;--focus:#0969da;--warn-fg:#9a6700}
@media (prefers-color-scheme: dark){:root{--fg:#e6edf3;--bg:#0d1117;--border:#30363d;--btn-fg:#e6edf3;--btn-bg:#21262d;--link:#4493f8;--warn-fg:#d29922}}`;
