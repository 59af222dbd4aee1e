// The extension in a real extension host (code-server + headless Chromium, as the integration tests run it), on the
// 100k-commit synthetic repository with every commit in the window: VS Code's own activation time for it (its Running
// Extensions editor), when each view first shows rows, the host thread's longest stretches and whose code filled
// them, and how soon a terminal commit shows in Unlinked Work (test/integration/bench/firstRows.test.ts measures,
// inside the host). Each round runs a first session (empty extension storage: git) and a second on the same user data.
// usage: node scripts/bench-host.mjs [--commits 100000] [--window-days 3650] [--rounds 3] [--repo DIR]   (npm run bench runs it)
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkInstalled, launchBrowser, remoteUri, startCodeServer, workbenchUrl } from '../test/integration/host.mjs';
import { ROOT, synthRepo } from './synth.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const COMMITS = Number(arg('--commits', 100000));
const FILES = COMMITS >= 100000 ? 50000 : 5000;
const WINDOW = Number(arg('--window-days', 3650));
const ROUNDS = Number(arg('--rounds', 3));

/** VS Code's own activation time for the extension, from its Running Extensions editor ("Startup Activation: 34ms"). */
async function activationShown(page) {
  await page.keyboard.press('F1');
  await page.keyboard.type('Developer: Show Running Extensions');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().waitFor({ timeout: 60000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-list-row .activation-time').first().waitFor({ timeout: 60000 });
  // The list is sorted by activation time and virtualized, and re-sorts while extensions activate: our row may be
  // scrolled out of the rendered ones at any moment, so each look scrolls until it is there, then reads it.
  const ours = page.locator('.monaco-list-row', { hasText: /Outcome Lens|outcome-lens\.outcome-lens/ }).first();
  await page.mouse.move(700, 400);
  // "Activating..." until it is done.
  let text = '';
  for (let look = 0; look < 600 && !/[\d.]+\s*ms/.test(text); look++) {
    for (let i = 0; i < 40 && !(await ours.count()); i++) { await page.mouse.wheel(0, i % 20 < 10 ? 400 : -400); await page.waitForTimeout(100); }
    text = await ours.locator('.activation-time').innerText({ timeout: 1000 }).catch(() => '');
    if (!/[\d.]+\s*ms/.test(text)) await page.waitForTimeout(100);
  }
  await page.keyboard.press('Escape');
  const ms = /([\d.]+)\s*ms/.exec(text);
  if (!ms) throw new Error(`no activation time in "${text}"`);
  return Number(ms[1]);
}

/** One session: opens the workbench on `folder`, runs the measuring test in the extension host, returns its numbers. */
export async function hostSession(folder, stateRoot, outDir, windowDays) {
  const resultFile = path.join(stateRoot, 'result.json');
  const benchOut = path.join(stateRoot, `bench-${Date.now()}.json`);
  const server = await startCodeServer({
    folder, stateRoot, settings: { 'outcomeLens.history.windowDays': windowDays, 'git.enabled': false, 'chat.disableAIFeatures': true },
    env: { OUTCOME_LENS_RESULT: resultFile, OUTCOME_LENS_SUITE: 'firstRows', OUTCOME_LENS_BENCH_OUT: benchOut },
  });
  let ctx;
  try {
    const payload = [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['extensionTestsPath', remoteUri(server.authority, path.join(outDir, 'index'))],
      ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    let done; const finished = new Promise(r => { done = r; });
    await page.exposeFunction('codeAutomationExit', code => done(code));
    await page.goto(workbenchUrl(server.authority, folder, payload));
    // While the measuring test waits for the window to settle: VS Code's figure for our activation.
    await page.waitForSelector('.monaco-workbench', { timeout: 120000 });
    const activationMs = await activationShown(page);
    const code = await Promise.race([finished, new Promise(r => setTimeout(() => r('timeout'), 1_800_000))]);
    if (code === 'timeout' || !fs.existsSync(benchOut)) {
      const res = fs.existsSync(resultFile) ? fs.readFileSync(resultFile, 'utf8') : 'no result file';
      throw new Error(`the host measurement did not finish (${code}): ${res.slice(0, 2000)}`);
    }
    return { ...JSON.parse(fs.readFileSync(benchOut, 'utf8')), activationMs };
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    await server.stop();
  }
}

export async function buildHostBench() {
  const outDir = path.join(ROOT, 'out/bench-host');
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { index: path.join(ROOT, 'test/integration/suite/index.ts'), 'firstRows.test': path.join(ROOT, 'test/integration/bench/firstRows.test.ts') },
    outdir: outDir, format: 'cjs', platform: 'node', target: 'node20', bundle: true, external: ['vscode', 'mocha'], logLevel: 'warning',
  });
  return outDir;
}

/** `rounds` times both sessions on `folder`, each round with fresh user data. The machine is noisy: medians and ranges. */
export async function measureHost({ folder = synthRepo(COMMITS, FILES), windowDays = WINDOW, rounds = ROUNDS } = {}) {
  try {
    checkInstalled();
  } catch {
    execFileSync('bash', [path.join(ROOT, 'test/integration/install.sh')], { stdio: 'inherit' }); // code-server and Chromium, as npm test installs them
    checkInstalled();
  }
  const outDir = await buildHostBench();
  const cold = [], warm = [];
  for (let i = 0; i < rounds; i++) {
    const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-host-'));
    try {
      cold.push(await hostSession(folder, stateRoot, outDir, windowDays));
      warm.push(await hostSession(folder, stateRoot, outDir, windowDays)); // same user data: the extension's storage is kept
    } finally {
      fs.rmSync(stateRoot, { recursive: true, force: true });
    }
  }
  return { cold, warm };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = xs => (xs.length > 1 ? `${xs.length} runs ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms` : '');

/** The bench table's rows for one measurement (absolute times: the views have no git command to compare with). */
export function hostRows(host, name = '100k commits, 50k files') {
  const rows = [];
  const abs = (scenario, xs, target, extra = '') =>
    rows.push({ repo: name, scenario, ours: median(xs), base: NaN, baseName: '', ratio: NaN, target: NaN, targetText: target === undefined ? '' : `<= ${target} ms`,
      ok: target === undefined || median(xs) <= target, extra: [range(xs), extra].filter(Boolean).join('; ') });
  const all = [...host.cold, ...host.warm];
  abs('extension: activation (VS Code\'s Running Extensions figure)', all.map(r => r.activationMs), 50, `${all.filter(r => r.activationMs > 50).length} of ${all.length} sessions over 50 ms`);
  for (const [label, rs] of [['first session', host.cold], ['second session', host.warm]]) {
    const what = `extension, ${label}`;
    const get = k => rs.map(r => r[k]);
    abs(`${what}: first Outcomes rows`, get('outcomeRows'), 1000, `counted from the command that opens the view; the view was opened ${get('settledAfterMs').map(x => (x / 1000).toFixed(1)).join(', ')} s after startup finished (waiting for half-idle CPUs)`);
    abs(`${what}: first Unlinked files rows`, get('unlinkedFileRows'), 1000, `${rs[0].files} files`);
    abs(`${what}: first Unlinked commits rows`, get('unlinkedCommitRows'), 1000);
    abs(`${what}: whole window read and linked`, get('complete'), undefined, `${rs[0].commits} commits; the extension's log: ${rs.map(r => r.firstRead ? `${r.firstRead.fromGit} read from git in ${r.firstRead.ms} ms` : 'no read line').join(' / ')}`);
    abs(`${what}: our code's CPU time in the host's busiest stretch`, get('maxOursCpuMs'), 50, `${get('oursCpuOver50').join(', ')} stretches over 50 ms; longest busy stretch of the thread (any code) ${get('maxBusyMs').map(x => x.toFixed(0)).join(', ')} ms`);
    abs(`${what}: longest late timer in the host (busy, or waiting for a CPU)`, get('maxLateMs'), undefined, `${get('lateOver50').join(', ')} over 50 ms`);
    const commits = rs.flatMap(r => r.newCommit);
    const dropped = commits.filter(c => c.minSeen < c.before).length;
    abs(`${what}: a terminal commit shows in Unlinked Work`, commits.map(c => c.ms), 1000, `${commits.length} commits; a count below its value before: ${dropped} times`);
    const inc = rs.flatMap(r => r.increments.filter(i => i.fresh === 1).map(i => i.ms));
    const cold = median(host.cold.map(r => r.firstRead?.ms).filter(x => x !== undefined));
    rows.push({ repo: name, scenario: `${what}: the extension's own work for one new commit (its log line)`, ours: median(inc), base: cold, baseName: 'a cold read (its log line)',
      ratio: median(inc) / cold, target: 0.1, ok: median(inc) / cold <= 0.1, extra: `${inc.length} increments, each 1 commit read from git; ${range(inc)}` });
  }
  return rows;
}

export function printRow(r) {
  const base = Number.isNaN(r.base) ? '' : `${r.baseName}: ${r.base.toFixed(0)} ms`;
  const target = r.targetText ?? (Number.isNaN(r.target) ? '' : '<= ' + r.target + 'x');
  console.log(`| ${r.repo} | ${r.scenario} | ${r.ours.toFixed(0)} ${r.unit ?? 'ms'} | ${base} | ${Number.isNaN(r.ratio) ? '' : r.ratio.toFixed(2) + 'x'} | ${target} | ${r.ok ? 'ok' : 'MISSED'} ${r.extra} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const repo = arg('--repo');
  const r = await measureHost(repo ? { folder: path.resolve(repo) } : {});
  fs.writeFileSync(path.join(os.tmpdir(), 'outcome-lens-bench-host.json'), JSON.stringify(r, null, 2));
  console.log('\n| repository | scenario | Outcome Lens | baseline | ratio | target | |\n| --- | --- | ---: | --- | ---: | ---: | --- |');
  for (const row of hostRows(r, repo ? path.basename(repo) : `${COMMITS / 1000}k commits, ${FILES / 1000}k files`)) printRow(row);
  process.exit(0); // esbuild's service would keep the process alive
}
