// The integration runner: builds the suite, makes a fixture repository, runs the suite inside code-server's
// real extension host (trusted, then Restricted Mode), then a UI check that clicks the Outcome Lens icon,
// reads the tree rows and saves a screenshot. Ends with `N passed, N failed`.
// usage: node test/integration/run.mjs [--screenshot media/screenshot.png]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, checkInstalled, codeServerCli, launchBrowser, log, remoteUri, startCodeServer, workbenchUrl } from './host.mjs';
import { makeFixture } from './fixture.mjs';

const shotArg = process.argv.indexOf('--screenshot');
const SCREENSHOT = shotArg > 0 ? path.resolve(process.argv[shotArg + 1]) : undefined;
const STATE = path.join(ROOT, '.state');
const OUT = path.join(ROOT, 'out/integration');
const TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 240000);
const results = [];

async function buildSuite() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const entries = fs.readdirSync(path.join(ROOT, 'test/integration/suite')).filter(f => f.endsWith('.ts')).map(f => path.join(ROOT, 'test/integration/suite', f));
  await esbuild.build({ entryPoints: entries, outdir: OUT, format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning' });
}

/** A folder holding one executable `git` script, to put first on a PATH. */
function gitShim(stateRoot, script) {
  const dir = path.join(stateRoot, 'shim');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}
const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/**
 * Runs suite files inside the extension host; collects per-test results. `setup(folder, stateRoot)` may change the
 * fixture and returns extra environment and settings for the host.
 */
async function runSuite(name, suite, { trusted, setup = () => ({}) }) {
  const stateRoot = fs.mkdtempSync(path.join(STATE, `${name}-`));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  const resultFile = path.join(stateRoot, 'result.json');
  let server, ctx;
  try {
    const extra = setup(folder, stateRoot);
    server = await startCodeServer({ folder, stateRoot, trusted, settings: extra.settings, env: { OUTCOME_LENS_RESULT: resultFile, OUTCOME_LENS_SUITE: suite, ...extra.env } });
    const payload = [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['extensionTestsPath', remoteUri(server.authority, path.join(OUT, 'index'))],
      ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    const consoleLog = fs.createWriteStream(path.join(stateRoot, 'browser-console.log'));
    page.on('console', m => consoleLog.write(m.text() + '\n'));
    let done; const finished = new Promise(r => { done = r; });
    await page.exposeFunction('codeAutomationExit', code => done(code));
    await page.goto(workbenchUrl(server.authority, folder, payload));
    log(`${name}: workbench loading, tests running in the extension host`);
    const code = await Promise.race([finished, new Promise(r => setTimeout(() => r('timeout'), TIMEOUT_MS))]);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(stateRoot, 'timeout.png') }).catch(() => {});
      throw new Error(`tests did not finish in ${TIMEOUT_MS} ms (see ${stateRoot})`);
    }
    if (!fs.existsSync(resultFile)) throw new Error(`the test runner wrote no result file (see ${stateRoot}/browser-console.log)`);
    const got = JSON.parse(fs.readFileSync(resultFile, 'utf8')).results;
    if (!got.length) throw new Error('the suite ran no test');
    for (const r of got) results.push({ ...r, title: `[${name}] ${r.title}` });
  } catch (e) {
    results.push({ title: `[${name}] suite run`, state: 'failed', err: e.message });
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) await server.stop();
  }
}

/** Clicks the Outcome Lens icon in the activity bar, reads the rows of both views, takes a screenshot. */
async function uiCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'ui-'));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  let server, ctx;
  const check = (title, ok, err) => results.push({ title: `[ui] ${title}`, state: ok ? 'passed' : 'failed', err: ok ? undefined : err });
  try {
    server = await startCodeServer({ folder, stateRoot, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(workbenchUrl(server.authority, folder, [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['skipWelcome', 'true']]));
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    const tab = page.locator('.activitybar [aria-label^="Outcome Lens"]').first();
    await tab.waitFor({ timeout: 60000 });
    await tab.click();
    const sidebar = page.locator('.part.sidebar');
    await sidebar.locator('.monaco-list-row', { hasText: 'Raise checkout conversion' }).first().waitFor({ timeout: 60000 });
    await sidebar.locator('.monaco-list-row', { hasText: 'Unlinked files' }).first().waitFor({ timeout: 60000 });
    // open the first outcome and the unlinked files' first folder so the screenshot shows some depth
    await sidebar.locator('.monaco-list-row', { hasText: 'Raise checkout conversion' }).first().click();
    await sidebar.locator('.monaco-list-row', { hasText: 'Key results' }).first().waitFor({ timeout: 20000 });
    // open a linked file: explorer badge colour, status bar and the current-line annotation show too
    await page.keyboard.press('Control+P');
    await page.keyboard.type('pay.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'pay.ts' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'return amount' }).first().click();
    await page.mouse.move(700, 600);
    const status = await page.locator('.statusbar', { hasText: 'checkout-conversion' }).first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    check('the status bar shows the file\'s outcome', status, await page.locator('.statusbar').innerText());
    // The current-line annotation, rendered after the line's text, for the screenshot.
    await page.locator('.monaco-editor .view-line', { hasText: 'return amount' }).first().click();
    await page.locator('.monaco-editor [class*="ced-"]', { hasText: 'checkout-conversion' }).first().waitFor({ timeout: 10000 }).catch(() => undefined);
    const rows = (await sidebar.locator('.monaco-list-row').allInnerTexts()).map(r => r.replace(/\s+/g, ' ').trim());
    log('tree rows:', JSON.stringify(rows));
    for (const want of ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms', 'Key results', 'Checkout conversion', 'Unlinked files', 'Unlinked commits', 'libs']) {
      check(`a row shows "${want}"`, rows.some(r => r.includes(want)), `rows: ${JSON.stringify(rows)}`);
    }
    const shot = SCREENSHOT || path.join(stateRoot, 'views.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    log(`screenshot: ${path.relative(ROOT, shot)}`);
    // the dashboard, opened as a user would: from the command palette
    await page.keyboard.press('F1');
    await page.keyboard.type('Outcome Lens: Open Dashboard');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Dashboard' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    // The webview's own DOM, as a user sees it: the totals table once the changed lines are counted.
    let cells;
    for (let i = 0; i < 300 && !cells; i++) {
      for (const f of page.frames()) {
        const row = f.locator('#totals tbody tr[data-key="checkout-conversion"] td');
        if (await row.count().catch(() => 0)) {
          const got = await row.allInnerTexts().catch(() => []);
          if (got[2] && got[2] !== 'n/a' && got[2] !== '…') cells = got;
        }
      }
      if (!cells) await page.waitForTimeout(200);
    }
    check('the dashboard opens from the command palette; its table shows checkout\'s 2 commits (25.0%) and 5 lines (12.5%)',
      JSON.stringify(cells?.slice(0, 4)) === JSON.stringify(['2', '25.0%', '5', '12.5%']), `cells: ${JSON.stringify(cells)}`);
    await page.mouse.move(1300, 800);
    const dshot = shot.replace(/\.png$/, '') + '-dashboard.png';
    await page.screenshot({ path: dshot.replace('screenshot-views-dashboard', 'screenshot-dashboard') });
    log(`screenshot: ${path.relative(ROOT, dshot.replace('screenshot-views-dashboard', 'screenshot-dashboard'))}`);
  } catch (e) {
    check('Outcome Lens views render in the workbench', false, e.message);
    if (ctx) await ctx.pages()[0]?.screenshot({ path: path.join(stateRoot, 'ui-fail.png') }).catch(() => {});
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) await server.stop();
  }
}

/** The packaged .vsix installs into code-server (the same host the tests use). */
async function vsixCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'vsix-'));
  const vsix = path.join(stateRoot, 'outcome-lens.vsix');
  const ok = (title, cond, err) => results.push({ title: `[vsix] ${title}`, state: cond ? 'passed' : 'failed', err: cond ? undefined : err });
  try {
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    const size = fs.statSync(vsix).size;
    ok(`packages under 3 MB (${(size / 1024).toFixed(0)} KB)`, size < 3 * 1024 * 1024, `${size} bytes`);
    const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const need = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/worker.js', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/media/outcome-lens.svg', 'extension/media/dashboard.js'];
    ok('contains the bundle, manifest, README, CHANGELOG, LICENSE and media', need.every(w => listing.includes(w)), listing.join(', '));
    ok('contains no sources, tests or node_modules', !listing.some(f => /^extension\/(src|test|node_modules)\//.test(f) || f.endsWith('.ts')), listing.join(', '));
    const out = codeServerCli(stateRoot, ['--install-extension', vsix]) + codeServerCli(stateRoot, ['--list-extensions', '--show-versions']);
    ok('installs in code-server', /outcome-lens\.outcome-lens@\d+\.\d+\.\d+/.test(out), out);
  } catch (e) {
    ok('package and install', false, String(e.stderr || e.message));
  }
}

/** The HTML report opens in headless Chromium with no console errors and no network requests. */
async function htmlReportCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'report-'));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  const file = path.join(stateRoot, 'report.html');
  const ok = (title, cond, err) => results.push({ title: `[report] ${title}`, state: cond ? 'passed' : 'failed', err: cond ? undefined : err });
  let ctx;
  try {
    execFileSync('node', [path.join(ROOT, 'dist/cli.js'), 'report', '--format', 'html', '--out', file, '--repo', folder, '--no-cache'], { stdio: 'pipe' });
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    const problems = [], requests = [];
    page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', e => problems.push(String(e)));
    page.on('request', r => { if (r.url() !== `file://${file}`) requests.push(r.url()); });
    await page.goto(`file://${file}`);
    await page.waitForLoadState('load');
    ok('opens with no console errors', problems.length === 0, problems.join('\n'));
    ok('makes no network requests', requests.length === 0, requests.join('\n'));
    const cells = await page.locator('#totals tbody tr').first().locator('td').allInnerTexts();
    ok('shows the totals table (checkout: 2 commits, 5 lines)', cells[0] === '2' && cells[2] === '5', JSON.stringify(cells));
    ok('draws the chart', (await page.locator('svg.chart rect').count()) > 0, 'no bars');
  } catch (e) {
    ok('report generation', false, String(e.stderr || e.message));
  } finally {
    if (ctx) await ctx.close().catch(() => {});
  }
}

checkInstalled();
fs.mkdirSync(STATE, { recursive: true });
const only = process.env.OUTCOME_LENS_ONLY?.split(',');
const want = name => !only || only.includes(name);
if (want('vsix')) await vsixCheck();
if (want('report')) await htmlReportCheck();
await buildSuite();
if (want('host')) await runSuite('host', 'extension', { trusted: true });
// Linking past work (notes written, views moved, suggestions, Open Changes, sharing): its own fixture, since it adds
// notes and commits, with a bare repository as origin to share the notes with.
if (want('link')) await runSuite('link', 'link', {
  trusted: true,
  setup: (folder, stateRoot) => {
    const bare = path.join(stateRoot, 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    execFileSync('git', ['remote', 'add', 'origin', bare], { cwd: folder });
    return {};
  },
});
// Restricted Mode: a git first on the host's PATH records every start; the built-in git extension is off, so that
// any record is ours.
if (want('restricted')) await runSuite('restricted', 'restricted', {
  trusted: false,
  setup: (_folder, stateRoot) => {
    const record = path.join(stateRoot, 'git-record.txt');
    fs.writeFileSync(record, '');
    const shim = gitShim(stateRoot, `printf '%s\\n' "$*" >> "$OUTCOME_LENS_GIT_RECORD"\nexec ${REAL_GIT} "$@"`);
    // VSCODE_CLI: the server then keeps this PATH for the extension host instead of a login shell's.
    return { env: { PATH: `${shim}:${process.env.PATH}`, OUTCOME_LENS_GIT_RECORD: record, VSCODE_CLI: '1' }, settings: { 'git.enabled': false } };
  },
});
// A repository git refuses: owned by another user (as root, which CI is), or git told to assume so.
if (want('unsafe')) await runSuite('unsafe', 'unsafe', {
  trusted: true,
  setup: (folder, stateRoot) => {
    if (process.getuid?.() === 0) { execFileSync('chown', ['-R', '65534:65534', folder]); return {}; }
    return { env: { PATH: `${gitShim(stateRoot, `GIT_TEST_ASSUME_DIFFERENT_OWNER=1 exec ${REAL_GIT} "$@"`)}:${process.env.PATH}` } };
  },
});
if (want('ui')) await uiCheck();
for (const r of results) console.log(`  ${r.state === 'passed' ? 'ok  ' : 'FAIL'} ${r.title}${r.err ? '\n      ' + String(r.err).split('\n').slice(0, 4).join('\n      ') : ''}`);
const failed = results.filter(r => r.state !== 'passed').length;
console.log(`integration: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || !results.length ? 1 : 0);
