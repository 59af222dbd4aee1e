import { Allocation, IGNORED, UNLINKED } from '../links/allocation';
import { OutcomeMap } from '../outcomes/model';
import { DASHBOARD_CSS, escapeHtml, renderDashboardBody, REPORT_VARS } from './dashboardHtml';
import { mdText } from './markdown';

export type ReportFormat = 'md' | 'json' | 'csv' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'csv', 'html'];

export interface ReportInput {
  map: OutcomeMap;
  allocation: Allocation;
  repoName: string;
  generatedAt: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function renderReport(format: ReportFormat, input: ReportInput): string {
  switch (format) {
    case 'json': return JSON.stringify(reportJson(input), null, 2);
    case 'csv': return reportCsv(input);
    case 'html': return reportHtml(input);
    default: return reportMarkdown(input);
  }
}

function titleOf(map: OutcomeMap, key: string): string {
  if (key === UNLINKED) return 'Unlinked work';
  if (key === IGNORED) return 'Ignored (needs no outcome)';
  return map.outcomes.find(o => o.id === key)?.title ?? key;
}

export function reportJson({ map, allocation, repoName, generatedAt }: ReportInput) {
  return {
    repository: repoName, generatedAt, bucket: allocation.bucket, since: allocation.since ?? null, until: allocation.until ?? null,
    commits: allocation.commits, alignment: allocation.alignment, lineAlignment: allocation.lineAlignment, linesUnknown: allocation.linesUnknown,
    shallowBoundary: allocation.shallowBoundary,
    outcomes: allocation.rows.map(r => ({ id: r.key, title: titleOf(map, r.key), commits: r.commits, share: r.share, byVia: r.byVia, lines: r.lines, lineShare: r.lineShare, linesByVia: r.linesByVia, binaryFiles: r.binaryFiles })),
    buckets: allocation.buckets,
    keyResults: map.outcomes.flatMap(o => o.metrics.map(m => ({ outcome: o.id, ...m }))),
    topUnlinkedFolders: allocation.topUnlinkedFolders, topUnlinkedAuthors: allocation.topUnlinkedAuthors,
    note: 'Merge commits are left out; a commit linked to several outcomes counts 1/k towards each of its k outcomes.',
  };
}

function reportMarkdown({ map, allocation: a, repoName, generatedAt }: ReportInput): string {
  const lines = [
    `# Outcome allocation: ${mdText(repoName)}`,
    '',
    `Window: ${a.since ?? 'start of history'} to ${a.until ?? 'now'} · ${a.commits} commits (merges left out) · generated ${generatedAt}`,
    '',
    `**Alignment: ${pct(a.alignment)}** of the commits${a.lineAlignment === null ? '' : ` and **${pct(a.lineAlignment)}** of the changed lines`} that need an outcome are linked to one.`,
    '',
    '| Outcome | Commits | Share | Lines | Line share | trailer | note | ticket | area |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...a.rows.map(r => `| ${mdText(titleOf(map, r.key))}${r.key.startsWith('(') ? '' : ` (\`${r.key}\`)`} | ${num(r.commits)} | ${pct(r.share)} | ${r.lines === null ? 'n/a' : num(r.lines)} | ${pct(r.lineShare)} | ${num(r.byVia.trailer)} | ${num(r.byVia.note)} | ${num(r.byVia.ticket)} | ${num(r.byVia.area)} |`),
    '',
    'A commit linked to several outcomes counts 1/k towards each, so shares sum to 100%. Binary files are counted as changed files, not lines.',
  ];
  if (a.shallowBoundary.length) {
    lines.push('', `The history is shallow: ${a.shallowBoundary.length} boundary commit(s), which git shows as adding their whole tree, are left out of the line figures. Fetch the whole history (\`git fetch --unshallow\`) for exact lines.`);
  }
  if (a.linesUnknown.length) {
    lines.push('', `Line counts are unknown for ${a.linesUnknown.length} commit(s) whose objects git cannot read (a partial clone or a mirror without its largest files); they are left out of the line figures: ${a.linesUnknown.slice(0, 10).map(s => s.slice(0, 10)).join(', ')}${a.linesUnknown.length > 10 ? ', …' : ''}.`);
  }
  const krs = map.outcomes.flatMap(o => o.metrics.map(m => ({ o, m })));
  if (krs.length) {
    lines.push('', '## Key results', '', '| Outcome | Key result | Baseline | Current | Target |', '| --- | --- | --- | --- | --- |');
    for (const { o, m } of krs) lines.push(`| ${mdText(o.id)} | ${mdText(m.name)} | ${mdText(m.baseline ?? '')} | ${mdText(m.current ?? '')} | ${mdText(m.target ?? '')} |`);
  }
  if (a.topUnlinkedFolders.length) {
    lines.push('', '## Where unlinked work happens', '', '| Folder | Unlinked commits |', '| --- | ---: |');
    for (const f of a.topUnlinkedFolders) lines.push(`| ${mdText(f.folder)} | ${f.commits} |`);
  }
  return lines.join('\n') + '\n';
}

function csvCell(s: string): string {
  // Quote always; a leading = + - @ would be run as a formula by spreadsheets, so prefix it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

function reportCsv({ map, allocation: a }: ReportInput): string {
  const keys = a.rows.map(r => r.key);
  // One row per bucket and measure: easy to pivot in a spreadsheet.
  const head = ['bucket', 'measure', ...keys.map(k => titleOf(map, k)), 'alignment'];
  const out: string[][] = [head];
  const fix = (x: number | null) => (x === null ? '' : x.toFixed(4));
  for (const b of a.buckets) {
    out.push([b.start, 'commits', ...keys.map(k => num(b.values[k] ?? 0)), fix(b.alignment)]);
    if (b.lineValues) out.push([b.start, 'lines', ...keys.map(k => num(b.lineValues![k] ?? 0)), fix(b.lineAlignment)]);
  }
  out.push(['total', 'commits', ...a.rows.map(r => num(r.commits)), fix(a.alignment)]);
  if (a.lineAlignment !== null) out.push(['total', 'lines', ...a.rows.map(r => num(r.lines ?? 0)), fix(a.lineAlignment)]);
  return out.map(r => r.map(csvCell).join(',')).join('\n') + '\n';
}

function reportHtml(input: ReportInput): string {
  // One self-contained file: the dashboard's own chart and tables, a strict CSP with a nonce, no script, no network.
  const nonce = (require('node:crypto') as typeof import('node:crypto')).randomBytes(16).toString('base64') /* loaded on first render, not at activation */;
  const body = renderDashboardBody({ map: input.map, allocation: input.allocation, repoName: input.repoName, measure: input.allocation.lineAlignment === null ? 'commits' : 'lines' });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outcome allocation: ${escapeHtml(input.repoName)}</title>
<style nonce="${nonce}">${REPORT_VARS}${DASHBOARD_CSS}</style></head>
<body>
${body}
<footer class="note">Generated by Outcome Lens on ${escapeHtml(input.generatedAt)}.</footer>
</body></html>
`;
}
