// The integration runner: builds the suite, makes a fixture repository, runs the suite inside code-server's
// real extension host (trusted, then Restricted Mode), then a UI check that clicks the Outcome Lens icon,
// reads the tree rows and saves a screenshot. Ends with `N passed, N failed`.
// usage: node test/integration/run.mjs [--screenshot media/screenshot.png]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, checkInstalled, launchBrowser, log, remoteUri, startCodeServer, workbenchUrl } from './host.mjs';
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

/** Runs suite files inside the extension host; collects per-test results. */
async function runSuite(name, suite, { trusted }) {
  const stateRoot = fs.mkdtempSync(path.join(STATE, `${name}-`));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  const resultFile = path.join(stateRoot, 'result.json');
  let server, ctx;
  try {
    server = await startCodeServer({ folder, stateRoot, trusted, env: { OUTCOME_LENS_RESULT: resultFile, OUTCOME_LENS_SUITE: suite } });
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
    for (const r of JSON.parse(fs.readFileSync(resultFile, 'utf8')).results) results.push({ ...r, title: `[${name}] ${r.title}` });
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
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'return amount' }).first().click();
    await page.mouse.move(700, 600);
    await page.locator('.statusbar', { hasText: 'checkout-conversion' }).first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(1500);
    const status = await page.locator('.statusbar').innerText();
    check('the status bar shows the file\'s outcome', status.includes('checkout-conversion'), status);
    const rows = (await sidebar.locator('.monaco-list-row').allInnerTexts()).map(r => r.replace(/\s+/g, ' ').trim());
    log('tree rows:', JSON.stringify(rows));
    for (const want of ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms', 'Key results', 'Checkout conversion', 'Unlinked files', 'Unlinked commits', 'libs']) {
      check(`a row shows "${want}"`, rows.some(r => r.includes(want)), `rows: ${JSON.stringify(rows)}`);
    }
    const shot = SCREENSHOT || path.join(stateRoot, 'views.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    log(`screenshot: ${path.relative(ROOT, shot)}`);
  } catch (e) {
    check('Outcome Lens views render in the workbench', false, e.message);
    if (ctx) await ctx.pages()[0]?.screenshot({ path: path.join(stateRoot, 'ui-fail.png') }).catch(() => {});
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) await server.stop();
  }
}

checkInstalled();
fs.mkdirSync(STATE, { recursive: true });
await buildSuite();
await runSuite('host', 'extension', { trusted: true });
await runSuite('restricted', 'restricted', { trusted: false });
await uiCheck();
for (const r of results) console.log(`  ${r.state === 'passed' ? 'ok  ' : 'FAIL'} ${r.title}${r.err ? '\n      ' + String(r.err).split('\n').slice(0, 4).join('\n      ') : ''}`);
const failed = results.filter(r => r.state !== 'passed').length;
console.log(`integration: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || !results.length ? 1 : 0);
