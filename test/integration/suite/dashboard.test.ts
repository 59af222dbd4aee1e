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
