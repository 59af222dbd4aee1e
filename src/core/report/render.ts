import { Allocation, IGNORED, UNLINKED } from '../links/allocation';
import { OutcomeMap } from '../outcomes/model';

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
    commits: allocation.commits, alignment: allocation.alignment,
    outcomes: allocation.rows.map(r => ({ id: r.key, title: titleOf(map, r.key), commits: r.commits, share: r.share, byVia: r.byVia })),
    buckets: allocation.buckets,
    keyResults: map.outcomes.flatMap(o => o.metrics.map(m => ({ outcome: o.id, ...m }))),
    topUnlinkedFolders: allocation.topUnlinkedFolders, topUnlinkedAuthors: allocation.topUnlinkedAuthors,
    note: 'Merge commits are left out; a commit linked to several outcomes counts 1/k towards each of its k outcomes.',
  };
}

/** Markdown table cells: pipes and line breaks in untrusted text would break the table. */
function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'));
}

function reportMarkdown({ map, allocation: a, repoName, generatedAt }: ReportInput): string {
  const lines = [
    `# Outcome allocation: ${mdCell(repoName)}`,
    '',
    `Window: ${a.since ?? 'start of history'} to ${a.until ?? 'now'} · ${a.commits} commits (merges left out) · generated ${generatedAt}`,
    '',
    `**Alignment: ${pct(a.alignment)}** of the work that needs an outcome is linked to one.`,
    '',
    '| Outcome | Commits | Share | trailer | note | ticket | area |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...a.rows.map(r => `| ${mdCell(titleOf(map, r.key))}${r.key.startsWith('(') ? '' : ` (\`${r.key}\`)`} | ${num(r.commits)} | ${pct(r.share)} | ${num(r.byVia.trailer)} | ${num(r.byVia.note)} | ${num(r.byVia.ticket)} | ${num(r.byVia.area)} |`),
    '',
    'A commit linked to several outcomes counts 1/k towards each, so shares sum to 100%.',
  ];
  const krs = map.outcomes.flatMap(o => o.metrics.map(m => ({ o, m })));
  if (krs.length) {
    lines.push('', '## Key results', '', '| Outcome | Key result | Baseline | Current | Target |', '| --- | --- | --- | --- | --- |');
    for (const { o, m } of krs) lines.push(`| ${mdCell(o.id)} | ${mdCell(m.name)} | ${mdCell(m.baseline ?? '')} | ${mdCell(m.current ?? '')} | ${mdCell(m.target ?? '')} |`);
  }
  if (a.topUnlinkedFolders.length) {
    lines.push('', '## Where unlinked work happens', '', '| Folder | Unlinked commits |', '| --- | ---: |');
    for (const f of a.topUnlinkedFolders) lines.push(`| ${mdCell(f.folder)} | ${f.commits} |`);
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
  const head = ['bucket', ...keys, 'alignment'];
  const rows = a.buckets.map(b => [b.start, ...keys.map(k => num(b.values[k] ?? 0)), b.alignment === null ? '' : b.alignment.toFixed(4)]);
  const total = ['total', ...a.rows.map(r => num(r.commits)), a.alignment === null ? '' : a.alignment.toFixed(4)];
  return [head.map(csvCell), ...rows.map(r => r.map(csvCell)), total.map(csvCell)].map(r => r.join(',')).join('\n') + '\n';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function reportHtml(input: ReportInput): string {
  const { map, allocation: a, repoName } = input;
  const rows = a.rows.map(r => `<tr><th scope="row">${escapeHtml(titleOf(map, r.key))}</th><td>${num(r.commits)}</td><td>${pct(r.share)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Outcome allocation: ${escapeHtml(repoName)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th[scope=row]{text-align:left}</style></head>
<body><h1>Outcome allocation: ${escapeHtml(repoName)}</h1>
<p>${a.commits} commits (merges left out). Alignment: <strong>${pct(a.alignment)}</strong>.</p>
<table><thead><tr><th>Outcome</th><th>Commits</th><th>Share</th></tr></thead><tbody>${rows}</tbody></table>
<p>A commit linked to several outcomes counts 1/k towards each, so shares sum to 100%.</p></body></html>
`;
}
