// The dashboard's suite, on the fixture with planning (fixture.mjs, planFixture): budgets, key results changed three
// times. Numbers are computed by hand here, and compared with the core's own report (the CLI, run as a process).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { EXT_ID, git, root, rows, settled as settledIn, until } from './helpers';
import type { ReportJson } from '../../../src/core/report/model';

const settled = () => settledIn('outcomeLens.outcomes');

/** The core's report of the fixture, as `outcome-lens report --format json` makes it. */
function coreReport(...args: string[]): ReportJson {
  const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
  return JSON.parse(execFileSync(process.execPath, [cli, 'report', '--format', 'json', '--no-cache', '--repo', root(), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

/** The fixture's commit dates, newest first, of the commits that changed outcomes.yaml (author dates, as git prints them). */
const versionDates = () => git('log', '--format=%aI', '--', 'outcomes.yaml').trim().split('\n');

describe('the dashboard: planned vs actual and key results over time', () => {
  it('shows planned vs actual as computed by hand, and as the core computes it', async () => {
    const { a } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    const r = await until('the report with lines', () => (a.dashboard.report?.linesPending === 0 && a.dashboard.report.lineCounts ? a.dashboard.report : undefined));
    // 11 commits: linked 4 (checkout 2, search 2), unlinked 3, ignored 4 (vendor, and the three commits that changed
    // only outcomes.yaml, which the planned fixture ignores). Budgets plan the 7 that need an outcome.
    assert.deepEqual(r.counts, { linked: 4, unlinked: 3, ignored: 4 });
    const row = (id: string) => r.outcomes.find(o => o.id === id)!;
    assert.deepEqual([row('checkout-conversion').budget, row('checkout-conversion').actualShare, row('checkout-conversion').drift], [0.5, 2 / 7, 2 / 7 - 0.5]);
    assert.deepEqual([row('search-latency').budget, row('search-latency').actualShare, row('search-latency').drift], [0.2, 2 / 7, 2 / 7 - 0.2]);
    assert.equal(row('(unlinked)').actualShare, 3 / 7);
    assert.equal(r.window.days, 90);
    assert.equal(r.window.defaulted, true);
    const core = coreReport();
    assert.deepEqual(r.outcomes.map(o => [o.id, o.owner, o.commits, o.budget, o.actualShare, o.drift, o.lines, o.lineDrift]),
      core.outcomes.map(o => [o.id, o.owner, o.commits, o.budget, o.actualShare, o.drift, o.lines, o.lineDrift]), 'the dashboard shows what the core computes');
  });

  it('shows each key result\'s trend: the values and dates the fixture committed', async () => {
    const { a } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    const r = await until('the report', () => a.dashboard.report);
    const dates = versionDates().reverse(); // oldest first: the fixture's first commit, then the three changes
    assert.equal(dates.length, 4);
    const conv = r.keyResults.find(k => k.name === 'Checkout conversion')!;
    assert.equal(conv.atStart, null, 'set inside the 90 days');
    assert.deepEqual(conv.history.map(p => [p.text, p.date]), [['3.4%', dates[0]], ['3.5%', dates[1]], ['3.7%', dates[2]], ['3.9%', dates[3]]]);
    const p95 = r.keyResults.find(k => k.name === 'Search p95')!;
    assert.deepEqual(p95.history.map(p => [p.text, p.value, p.date]), [['310ms', 310, dates[1]], ['measuring', null, dates[2]], ['260ms', 260, dates[3]]]);
    assert.deepEqual(r.keyResults.map(k => k.history.map(p => p.text)), coreReport().keyResults.map(k => k.history.map(p => p.text)));
  });

  it('the Outcomes view shows the drift of an outcome off its budget by more than the threshold', async () => {
    const { a, repo } = await settled();
    const description = async (id: string) => (await rows(a.outcomesTree)).find(x => (x.node as { outcome?: { id: string } }).outcome?.id === id)?.description;
    await until('the plan in the summary', () => repo.summary?.history?.plan);
    assert.equal(await description('checkout-conversion'), 'checkout-conversion · @payments · 29% of effort, budget 50% (−21.4 pts)');
    assert.equal(await description('search-latency'), 'search-latency · @search', '+8.6 points is within the 10-point threshold');
    const cfg = vscode.workspace.getConfiguration('outcomeLens');
    await cfg.update('budget.driftThreshold', 5, vscode.ConfigurationTarget.Global);
    try {
      await until('the new threshold', async () => (await description('search-latency'))?.includes('budget 20%'));
      assert.equal(await description('search-latency'), 'search-latency · @search · 29% of effort, budget 20% (+8.6 pts)');
    } finally {
      await cfg.update('budget.driftThreshold', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Export Report… writes the dashboard\'s window, measure and bucket', async () => {
    const { a } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    await a.dashboard.set({ windowDays: 30, measure: 'lines', bucket: 'month' });
    const shown = await until('the 30-day window by lines', () => (a.dashboard.report?.window.days === 30 && a.dashboard.report.measure === 'lines' ? a.dashboard.report : undefined));
    const file = path.join(root(), '..', 'dashboard-report.json');
    const before = Date.now();
    assert.equal(await vscode.commands.executeCommand<string>('outcomeLens.exportReport', { format: 'json', file }), file);
    const r: ReportJson = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual([r.window.days, r.measure, r.bucket, r.window.defaulted], [30, 'lines', 'month', false]);
    assert.ok(Math.abs(Date.parse(r.window.since!) - (before - 30 * 86400_000)) < 120_000, `since ${r.window.since} is 30 days back`);
    assert.deepEqual(r.outcomes.map(o => [o.id, o.commits, o.lines, o.lineActualShare]), shown.outcomes.map(o => [o.id, o.commits, o.lines, o.lineActualShare]));
    assert.ok(r.buckets.every(b => b.start.endsWith('-01')), 'monthly buckets');
    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
  });
});

/** Closes the dashboard: the test's own panel, or the tab the command opened as a user closes it; settles once the dashboard knows. */
async function closeDashboard(a: Awaited<ReturnType<typeof settled>>['a'], panel?: vscode.WebviewPanel): Promise<void> {
  panel?.dispose();
  // The extension host's list of tabs follows the workbench's a moment later: the tab is closed once it is listed.
  await until('the dashboard closed', async () => {
    if (!a.dashboard.shown) return true;
    const tabs = vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('outcomeLens.dashboard'));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    return false;
  });
}

/** A panel as VS Code makes one when it restores a dashboard after a window reload, before the extension takes it. */
const revivedPanel = () => vscode.window.createWebviewPanel('outcomeLens.dashboard', 'Outcome Dashboard', vscode.ViewColumn.Active, { enableScripts: true });

describe('the dashboard after a window reload', () => {
  it('is restored by its serializer from the state its page keeps: the same repository, window, measure and bucket, drawn again', async () => {
    const { a, repo } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    await a.dashboard.set({ windowDays: 30, measure: 'lines', bucket: 'month' });
    const before = await until('the 30-day window by lines', () => (a.dashboard.report?.window.days === 30 && a.dashboard.report.measure === 'lines' && a.dashboard.report.linesPending === 0 ? a.dashboard.report : undefined));
    const kept = a.dashboard.saved;
    assert.deepEqual(kept, { root: repo.root, windowDays: 30, measure: 'lines', bucket: 'month' }, 'the state the page keeps (vscode.setState)');
    // Other choices drawn before the panel goes, so that what the restored panel shows can come only from the state.
    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
    await until('the 90-day window by commits', () => a.dashboard.report?.window.days === 90 && a.dashboard.report.measure === 'commits');
    await closeDashboard(a);

    const panel = revivedPanel();
    // The state travels as JSON through VS Code, as it does over a reload.
    await a.dashboard.serializer.deserializeWebviewPanel(panel, JSON.parse(JSON.stringify(kept)));
    const r = await until('the restored 30-day window by lines', () => (a.dashboard.report?.window.days === 30 && a.dashboard.report.measure === 'lines' && a.dashboard.report.linesPending === 0 ? a.dashboard.report : undefined));
    assert.equal(a.dashboard.shown, repo, 'the same repository');
    assert.deepEqual([r.repository, r.bucket, r.window.defaulted], [before.repository, 'month', false]);
    assert.deepEqual(r.outcomes.map(o => [o.id, o.commits, o.lines, o.lineActualShare]), before.outcomes.map(o => [o.id, o.commits, o.lines, o.lineActualShare]));
    assert.deepEqual(a.dashboard.saved, kept, 'the restored page keeps the same state again');
    // The restored panel got the same page as an opened one: strict CSP, and the script from the bundle.
    const html = panel.webview.html;
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(nonce && html.includes(`default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`), 'a strict CSP with a nonce');
    const script = /<script nonce="([^"]+)" src="([^"]+)"><\/script>/.exec(html);
    assert.ok(script && script[1] === nonce && script[2].endsWith('/dist/webview/dashboard.js'), `the bundled script, with the nonce: ${script?.[0]}`);
    assert.deepEqual(panel.webview.options.localResourceRoots?.map(u => u.path), [vscode.Uri.joinPath(vscode.extensions.getExtension(EXT_ID)!.extensionUri, 'dist', 'webview').path]);

    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
    await closeDashboard(a, panel);
  });

  it('restores a panel whose kept state is missing or wrong with the workspace\'s repository and a new dashboard\'s choices', async () => {
    const { a, repo } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    await a.dashboard.set({ windowDays: 180, measure: 'lines', bucket: 'week' });
    await until('the 180-day window by lines', () => a.dashboard.report?.window.days === 180 && a.dashboard.report.measure === 'lines');
    await closeDashboard(a);
    for (const state of [{ root: path.join(root(), 'gone'), windowDays: '30', measure: 'bytes', bucket: 7 }, undefined]) {
      const panel = revivedPanel();
      await a.dashboard.serializer.deserializeWebviewPanel(panel, state);
      const r = await until('the setting\'s window by commits', () => (a.dashboard.report?.window.days === 90 && a.dashboard.report.measure === 'commits' ? a.dashboard.report : undefined));
      assert.equal(a.dashboard.shown, repo);
      assert.equal(r.window.defaulted, true);
      assert.deepEqual(a.dashboard.view, { windowDays: 90, measure: 'commits', bucket: 'auto' });
      assert.deepEqual(await until('the state the page keeps', () => a.dashboard.saved), { root: repo.root, windowDays: 90, measure: 'commits', bucket: 'auto' });
      // Drawn away from the expected answer again, so that the next state's restore is seen to draw.
      await a.dashboard.set({ windowDays: 180, measure: 'lines' });
      await until('the 180-day window by lines', () => a.dashboard.report?.window.days === 180 && a.dashboard.report.measure === 'lines');
      await closeDashboard(a, panel);
    }
    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
  });

  it('acts only on the messages its page sends, with values the page can send', async () => {
    const { a } = await settled();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
    await until('the 90-day window by commits', () => a.dashboard.report?.window.days === 90 && a.dashboard.report.measure === 'commits');
    // The page cannot be driven from the extension host: the messages go to the handler the panel's onDidReceiveMessage calls.
    const receive = (m: unknown) => a.dashboard['onMessage'](m);
    const bad: unknown[] = [null, 'ready', [], {}, { type: 'render', body: '<p>' }, { type: 'commit', sha: 'HEAD~1' }, { type: 'commit', sha: '--output=/tmp/x' },
      { type: 'commit', sha: 'ABC1234' }, { type: 'set', key: 'window', value: '30' }, { type: 'set', key: 'window', value: 30.5 }, { type: 'set', key: 'window', value: 0 },
      { type: 'set', key: 'measure', value: 'bytes' }, { type: 'set', key: 'bucket', value: 'day' }, { type: 'set', key: 'root', value: '/' }, { type: 'set', key: 'measure' },
      { type: 'reveal', key: 'a'.repeat(201) }, { type: 'reveal', key: 3 }, { type: 'reveal', key: 'x\n[error] forged log line' }];
    for (const m of bad) receive(m);
    assert.deepEqual(a.dashboard.view, { windowDays: 90, measure: 'commits', bucket: 'auto' }, 'nothing changed');
    receive({ type: 'set', key: 'window', value: 45 });
    assert.equal(a.dashboard.view.windowDays, 90, 'a window the page does not offer');
    receive({ type: 'set', key: 'window', value: 30, extra: '<script>' });
    await until('the 30-day window', () => a.dashboard.report?.window.days === 30);
    receive({ type: 'set', key: 'measure', value: 'lines' });
    await until('the lines measure', () => a.dashboard.report?.measure === 'lines');
    await a.dashboard.set({ windowDays: 90, measure: 'commits', bucket: 'auto' });
    await closeDashboard(a);
  });
});

describe('time-boxed outcomes: a key result measured from a CSV (issue 27)', () => {
  it('a row appended and committed changes current, progress and status in the Outcomes view and the dashboard, without a reload; the dashboard\'s table equals report --format json', async () => {
    const { a, repo } = await settled();
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const dayOf = (n: number) => new Date(today + n * DAY).toISOString().slice(0, 10);
    // A 100-day period from 50 days ago: 50-51% of it is gone today. Orders go from 0 to 100.
    const yaml = fs.readFileSync(path.join(root(), 'outcomes.yaml'), 'utf8')
      .replace('    budget: 50%\n', `    budget: 50%\n    start: ${dayOf(-50)}\n    due: ${dayOf(49)}\n`)
      .replace('      - name: Checkout conversion\n', '      - name: Orders per visit\n        baseline: 0\n        target: 100\n        source: { file: metrics/orders.csv, column: orders }\n      - name: Checkout conversion\n');
    assert.ok(yaml.includes('source:') && yaml.includes('start:'), yaml);
    fs.writeFileSync(path.join(root(), 'outcomes.yaml'), yaml);
    fs.mkdirSync(path.join(root(), 'metrics'), { recursive: true });
    const csv = `date,orders\n${dayOf(-40)},10\n${dayOf(-10)},35\n`;
    fs.writeFileSync(path.join(root(), 'metrics', 'orders.csv'), csv);
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', 'Time-box checkout; orders from metrics/orders.csv');
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    await vscode.commands.executeCommand('outcomeLens.openDashboard');

    const outcomeRow = async () => (await rows(a.outcomesTree)).find(x => (x.node as { outcome?: { id: string } }).outcome?.id === 'checkout-conversion');
    const orders = async () => {
      const o = await outcomeRow();
      const groups = o ? await rows(a.outcomesTree, o.node) : [];
      const krs = groups.find(g => g.label === 'Key results');
      return krs ? (await rows(a.outcomesTree, krs.node)).find(k => k.label === 'Orders per visit')?.description : undefined;
    };
    // 35 of 100 with 50% of the period gone: behind by 15-16 points, past the 10-point tolerance: at risk.
    await until('at risk in the Outcomes view', async () => (await outcomeRow())?.description.includes('At risk'), 120_000);
    assert.equal(await orders(), '0 → 35 → 100 · 35% · At risk');
    const before = await until('the dashboard at risk', () => (a.dashboard.report?.keyResults.find(k => k.name === 'Orders per visit')?.status === 'at-risk' ? a.dashboard.report : undefined), 120_000);
    const kr = before.keyResults.find(k => k.name === 'Orders per visit')!;
    assert.deepEqual([kr.current, kr.progress, kr.status, kr.source], ['35', 0.35, 'at-risk', { file: 'metrics/orders.csv', column: 'orders' }]);
    const item = await a.outcomesTree.getTreeItem((await outcomeRow())!.node);
    const tooltip = await a.outcomesTree.resolveTreeItem(item, (await outcomeRow())!.node);
    assert.match((tooltip.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, ''), /At risk \(Orders per visit\): 35% of the way with 5[01]% of the period gone; effort \d+ pts (under|over) its 50% budget over the same weeks/);

    // A new row, committed as a scheduled job would: 45 of 100, behind by 5-6 points: on track.
    fs.writeFileSync(path.join(root(), 'metrics', 'orders.csv'), `${csv}${dayOf(-1)},45\n`);
    git('commit', '-q', '--no-verify', '-am', 'Record orders');
    await until('on track in the Outcomes view', async () => (await outcomeRow())?.description.includes('On track'), 120_000);
    assert.equal(await orders(), '0 → 45 → 100 · 45% · On track');
    const after = await until('the dashboard on track', () => (a.dashboard.report?.keyResults.find(k => k.name === 'Orders per visit')?.status === 'on-track' ? a.dashboard.report : undefined), 120_000);
    const kr2 = after.keyResults.find(k => k.name === 'Orders per visit')!;
    assert.deepEqual([kr2.current, kr2.progress, kr2.status], ['45', 0.45, 'on-track']);
    assert.ok(repo.summary);
    // The status bar's tooltip on a file of that outcome carries the sentence.
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'services', 'checkout', 'pay.ts')));
    const tip = await until('the sentence in the status bar\'s tooltip', () => { const t = String(a.statusBar.item.tooltip ?? ''); return t.includes('On track (Orders per visit)') ? t : undefined; });
    assert.match(tip, /checkout-conversion: On track \(Orders per visit\): 45% of the way with 5[01]% of the period gone; effort \d+ pts (under|over) its 50% budget over the same weeks/);

    // The dashboard's table of outcomes by status, row by row and field by field, against the CLI's report.
    const core = coreReport();
    // (the dashboard's order: furthest behind first)
    const statusRows = (r: ReportJson) => r.outcomes.filter(o => o.keyResultStatus).sort((x, y) => (y.behind ?? -Infinity) - (x.behind ?? -Infinity));
    const table = (r: ReportJson) => statusRows(r).map(o => [o.id, o.title, o.period, o.keyResultStatus, o.adjustment, o.behind === null || o.behind === undefined ? null : +o.behind.toFixed(4)]);
    assert.deepEqual(table(after), table(core));
    assert.equal(table(after).length, 1);
    const krFields = (r: ReportJson) => r.keyResults.map(k => [k.outcome, k.name, k.current, k.status, k.progress, k.expected === null || k.expected === undefined ? null : +k.expected.toFixed(2)]);
    assert.deepEqual(krFields(after), krFields(core));
  });
});
