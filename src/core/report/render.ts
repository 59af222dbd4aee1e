import { IGNORED } from '../links/allocation';
import { DASHBOARD_CSS, escapeHtml, renderDashboardBody, REPORT_VARS } from './dashboardHtml';
import { day, offBudget, pct, pts, shortSha, unreadableNote, whole, windowText } from './format';
import { mdText } from './markdown';
import { ReportJson } from './model';
import { statusRows } from './dashboardHtml';
import { STATUS_LABELS } from '../keyresults/status';

export const REPORT_FORMATS = ['md', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report (or a rollup) in one format: JSON is the report itself; the others render it. */
export function renderReport(format: ReportFormat, r: ReportJson): string {
  switch (format) {
    case 'md': return reportMarkdown(r);
    case 'json': return JSON.stringify(r, null, 2) + '\n';
    case 'csv': return reportCsv(r);
    case 'html': return reportHtml(r);
  }
  // A format added to REPORT_FORMATS without its case above does not compile here; a value from outside the types throws.
  const unknown: never = format;
  throw new Error(`no renderer for the report format ${JSON.stringify(unknown)}`);
}

const rowName = (o: ReportJson['outcomes'][number]) => `${mdText(o.title)}${o.id.startsWith('(') ? '' : ` (\`${o.id}\`)`}`;

function reportMarkdown(r: ReportJson): string {
  const lines = r.measure === 'lines';
  const unknown = r.linesPending ? '…' : 'n/a';
  const out = [
    `# Outcome allocation: ${mdText(r.repository)}`,
    '',
    `Window: ${mdText(windowText(r.window, 'now', true))}${r.window.defaulted ? ' — the default window, as the extension\'s `outcomeLens.history.windowDays`; `--since DATE` or `--all` for another' : ''} · ${r.commits} commits (merges left out) · ${r.bucket === 'week' ? 'weekly' : 'monthly'} · generated ${mdText(r.generatedAt)}`,
    '',
    `**Alignment: ${pct(r.alignment)}** of the commits${r.lineAlignment === null ? '' : ` and **${pct(r.lineAlignment)}** of the changed lines`} that need an outcome are linked to one.`,
  ];
  if (r.repositories) {
    out.push('', '## Repositories', '', '| Repository | Window | Commits | Alignment | Line alignment | Unlinked commits |', '| --- | --- | ---: | ---: | ---: | ---: |');
    for (const x of r.repositories) out.push(`| ${mdText(x.repository)} | ${mdText(windowText(x.window, day(x.generatedAt)))} | ${x.commits} | ${pct(x.alignment)} | ${pct(x.lineAlignment)} | ${x.counts.unlinked} |`);
    out.push(`| **All** | | ${r.commits} | ${pct(r.alignment)} | ${pct(r.lineAlignment)} | ${r.counts.unlinked} |`);
  }
  out.push('', '| Outcome | Owner | Commits | Share | Lines | Line share | trailer | note | ticket | area |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const o of r.outcomes) {
    out.push(`| ${rowName(o)} | ${mdText(o.owner ?? '')} | ${whole(o.commits)} | ${pct(o.share)} | ${whole(o.lines, unknown)} | ${pct(o.lineShare)} | ${whole(o.byVia.trailer)} | ${whole(o.byVia.note)} | ${whole(o.byVia.ticket)} | ${whole(o.byVia.area)} |`);
  }
  out.push('', 'Whole numbers: a commit linked to several outcomes counts 1/k towards each of its k outcomes (the exact split is in the JSON and CSV reports), so shares sum to 100%. Binary files are counted as changed files, not lines.');
  const planned = r.outcomes.filter(o => o.budget !== null);
  if (planned.length) {
    out.push('', '## Planned vs actual', '', `Share of the ${lines ? 'changed lines' : 'commits'} that need an outcome (linked and unlinked); drift past ${Math.round(r.driftThreshold * 100)} points is marked **off**.`, '',
      '| Outcome | Owner | Planned | Actual | Drift |', '| --- | --- | ---: | ---: | ---: |');
    for (const o of r.outcomes.filter(x => x.id !== IGNORED)) {
      const drift = lines ? o.lineDrift : o.drift;
      const off = offBudget(drift, r.driftThreshold);
      out.push(`| ${rowName(o)} | ${mdText(o.owner ?? '')} | ${o.budget === null ? '—' : pct(o.budget)} | ${pct(lines ? o.lineActualShare : o.actualShare)} | ${drift === null ? '—' : `${pts(drift)}${off ? ' **off**' : ''}`} |`);
    }
    // (across repositories each outcome's plan is over its own repositories: no sum of one whole)
    if (!r.repositories) out.push(`| **Planned in all** | | ${pct(planned.reduce((s, o) => s + o.budget!, 0))} | | |`);
    else out.push('', 'Across repositories, an outcome\'s planned and actual shares are over the repositories that give it a budget (each weighted by its effort).');
  }
  if (r.shallowBoundary.length) {
    out.push('', `The history is shallow: ${r.shallowBoundary.length} boundary commit(s), which git shows as adding their whole tree, are left out of the line figures. Fetch the whole history (\`git fetch --unshallow\`) for exact lines.`);
  }
  if (r.linesUnknown.length) {
    out.push('', `Line counts are unknown for ${r.linesUnknown.length} commit(s) whose objects git cannot read (a partial clone or a mirror without its largest files); they are left out of the line figures: ${r.linesUnknown.slice(0, 10).map(shortSha).join(', ')}${r.linesUnknown.length > 10 ? ', …' : ''}.`);
  }
  const byStatus = statusRows(r);
  if (byStatus.length) {
    out.push('', '## Outcomes by status', '', `Furthest behind first; a key result is at risk past ${Math.round((r.tolerance ?? 0.1) * 100)} points of the way behind the straight line from its baseline at the start to its target at the due date, off track past twice that.`, '',
      '| Outcome | Period | Status | Behind | Adjustment |', '| --- | --- | --- | ---: | --- |');
    for (const o of byStatus) out.push(`| ${rowName(o)} | ${mdText(o.period?.label ?? '')} | **${STATUS_LABELS[o.keyResultStatus!]}** | ${o.behind === null || o.behind === undefined ? '—' : pts(o.behind)} | ${mdText(o.adjustment ?? '')} |`);
  }
  if (r.keyResults.length) {
    if (r.keyResultVersions.unreadable.length) out.push('', mdText(unreadableNote(r)));
    out.push('', '## Key results', '', '| Outcome | Key result | Baseline | Current | Target | In this window |', '| --- | --- | --- | --- | --- | --- |');
    for (const k of r.keyResults) {
      const trend = [...(k.atStart ? [`${mdText(k.atStart.text)} (before ${day(r.window.since)})`] : []), ...k.history.map(p => `${mdText(p.text)} (${day(p.date)})`)].join(' → ') || 'no value recorded';
      out.push(`| ${mdText(k.repository ? `${k.repository}: ${k.outcome}` : k.outcome)} | ${mdText(k.name)} | ${mdText(k.baseline ?? '')} | ${mdText(k.current ?? '')} | ${mdText(k.target ?? '')} | ${trend} |`);
    }
    const timed = r.keyResults.filter(k => k.status);
    if (timed.length) {
      out.push('', '| Outcome | Key result | Status | Progress | Expected now | Period gone |', '| --- | --- | --- | ---: | ---: | ---: |');
      for (const k of timed) out.push(`| ${mdText(k.outcome)} | ${mdText(k.name)} | ${STATUS_LABELS[k.status!]} | ${pct(k.progress ?? null)} | ${k.expected === null || k.expected === undefined ? '—' : +k.expected.toPrecision(4)} | ${pct(k.expectedProgress ?? null)} |`);
    }
    const problems = r.keyResults.flatMap(k => k.dataProblems ?? []);
    if (problems.length) out.push('', 'Problems in the key results\' data (those rows give no value):', '', ...problems.map(p => `- ${mdText(p)}`));
  }
  const u = r.unlinkedCommits;
  out.push('', '## Unlinked commits', '');
  if (!u.total) out.push('None in this window.');
  else {
    const repo = !!r.repositories;
    out.push(u.recent.length < u.total ? `The ${u.recent.length} most recent of ${u.total}:` : `All ${u.total}:`, '',
      `| Commit |${repo ? ' Repository |' : ''} Author | Date | Subject |`, `| --- |${repo ? ' --- |' : ''} --- | --- | --- |`);
    for (const c of u.recent) out.push(`| \`${shortSha(c.sha).replace(/[^0-9a-f]/g, '')}\` |${repo ? ` ${mdText(c.repository ?? '')} |` : ''} ${mdText(c.author)} | ${day(c.date)} | ${mdText(c.subject)} |`);
  }
  if (r.topUnlinkedFolders.length) {
    out.push('', '## Where unlinked work happens', '', '| Folder | Unlinked commits |', '| --- | ---: |');
    for (const f of r.topUnlinkedFolders) out.push(`| ${mdText(f.repository ? `${f.repository}: ${f.folder}` : f.folder)} | ${f.commits} |`);
  }
  return out.join('\n') + '\n';
}

function csvCell(s: string): string {
  // Quote always; a leading = + - @ would be run as a formula by spreadsheets, so prefix it (a number stays a number).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?(e-?\d+)?$/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The exact numbers: one row per bucket and measure (easy to pivot), the totals, each outcome's owner, budget and
 * drift; then, after an empty line, the unlinked commits and the key results' history.
 */
function reportCsv(r: ReportJson): string {
  const keys = r.outcomes.map(o => o.id);
  const num = (x: number) => String(x);
  const fix = (x: number | null) => (x === null ? '' : x.toFixed(4));
  const out: string[][] = [['bucket', 'measure', ...r.outcomes.map(o => o.title), 'alignment']];
  for (const b of r.buckets) {
    out.push([b.start, 'commits', ...keys.map(k => num(b.values[k] ?? 0)), fix(b.alignment)]);
    if (b.lineValues) out.push([b.start, 'lines', ...keys.map(k => num(b.lineValues![k] ?? 0)), fix(b.lineAlignment)]);
  }
  out.push(['total', 'commits', ...r.outcomes.map(o => num(o.commits)), fix(r.alignment)]);
  if (r.lineCounts) out.push(['total', 'lines', ...r.outcomes.map(o => num(o.lines ?? 0)), fix(r.lineAlignment)]);
  out.push(['owner', '', ...r.outcomes.map(o => o.owner ?? ''), '']);
  out.push(['budget', '', ...r.outcomes.map(o => fix(o.budget)), '']);
  out.push(['actual share', 'commits', ...r.outcomes.map(o => fix(o.actualShare)), '']);
  out.push(['drift', 'commits', ...r.outcomes.map(o => fix(o.drift)), '']);
  if (r.lineCounts) {
    out.push(['actual share', 'lines', ...r.outcomes.map(o => fix(o.lineActualShare)), '']);
    out.push(['drift', 'lines', ...r.outcomes.map(o => fix(o.lineDrift)), '']);
  }
  const repo = !!r.repositories;
  const tail: string[][] = [[], [...(repo ? ['repository'] : []), 'unlinked commit', 'author', 'date', 'subject']];
  for (const c of r.unlinkedCommits.recent) tail.push([...(repo ? [c.repository ?? ''] : []), c.sha, c.author, c.date, c.subject]);
  tail.push([...(repo ? [''] : []), `${r.unlinkedCommits.recent.length} of ${r.unlinkedCommits.total} unlinked commits`]);
  if (r.keyResults.length) {
    tail.push([], [...(repo ? ['repository'] : []), 'key result', 'outcome', 'date', 'current', 'value', 'commit']);
    for (const k of r.keyResults) for (const p of [...(k.atStart ? [k.atStart] : []), ...k.history]) {
      tail.push([...(repo ? [k.repository ?? ''] : []), k.name, k.outcome, p.date, p.text, p.value === null ? '' : String(p.value), p.sha]);
    }
    if (r.keyResults.some(k => k.status)) {
      tail.push([], [...(repo ? ['repository'] : []), 'key result', 'outcome', 'status', 'progress', 'expected', 'period gone']);
      for (const k of r.keyResults.filter(x => x.status)) tail.push([...(repo ? [k.repository ?? ''] : []), k.name, k.outcome, k.status!, fix(k.progress ?? null), k.expected === null || k.expected === undefined ? '' : String(k.expected), fix(k.expectedProgress ?? null)]);
    }
  }
  const byStatus = statusRows(r);
  if (byStatus.length) {
    tail.push([], ['outcome', 'period start', 'due', 'status', 'behind', 'adjustment']);
    for (const o of byStatus) tail.push([o.id, o.period?.start ?? '', o.period?.due ?? '', o.keyResultStatus!, fix(o.behind ?? null), o.adjustment ?? '']);
  }
  return [...out, ...tail].map(row => row.map(csvCell).join(',')).join('\n') + '\n';
}

function reportHtml(r: ReportJson): string {
  // One self-contained file: the dashboard's own charts and tables, a strict CSP with a nonce, no script, no network.
  const nonce = (require('node:crypto') as typeof import('node:crypto')).randomBytes(16).toString('base64') /* loaded on first render, not at activation */;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outcome allocation: ${escapeHtml(r.repository)}</title>
<style nonce="${nonce}">${REPORT_VARS}${DASHBOARD_CSS}</style></head>
<body>
${renderDashboardBody(r)}
<footer class="note">Generated by Outcome Lens on ${escapeHtml(r.generatedAt)}.</footer>
</body></html>
`;
}
