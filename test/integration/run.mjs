// The integration runner: builds the suite, makes a fixture repository, runs the suite inside code-server's
// real extension host (trusted, then Restricted Mode), then a UI check that clicks the Outcome Lens icon,
// reads the tree rows and saves a screenshot. Ends with `N passed, N failed`.
// usage: node test/integration/run.mjs [--screenshot media/screenshot.png]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT, checkInstalled, codeServerCli, launchBrowser, log, remoteUri, startCodeServer, workbenchUrl } from './host.mjs';
import { firstHourFixture, makeFixture, planFixture, renamesFixture } from './fixture.mjs';

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
async function runSuite(name, suite, { trusted, setup = () => ({}), timeoutMs = TIMEOUT_MS }) {
  const stateRoot = fs.mkdtempSync(path.join(STATE, `${name}-`));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  const resultFile = path.join(stateRoot, 'result.json');
  let server, ctx;
  try {
    const extra = await setup(folder, stateRoot);
    const open = extra.open ?? folder;
    server = await startCodeServer({ folder: open, stateRoot, trusted, settings: extra.settings, env: { OUTCOME_LENS_RESULT: resultFile, OUTCOME_LENS_SUITE: suite, ...extra.env } });
    const payload = [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['extensionTestsPath', remoteUri(server.authority, path.join(OUT, 'index'))],
      ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    const consoleLog = fs.createWriteStream(path.join(stateRoot, 'browser-console.log'));
    page.on('console', m => consoleLog.write(m.text() + '\n'));
    let done; const finished = new Promise(r => { done = r; });
    await page.exposeFunction('codeAutomationExit', code => done(code));
    await page.goto(workbenchUrl(server.authority, open, payload));
    log(`${name}: workbench loading, tests running in the extension host`);
    const code = await Promise.race([finished, new Promise(r => setTimeout(() => r('timeout'), timeoutMs))]);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(stateRoot, 'timeout.png') }).catch(() => {});
      throw new Error(`tests did not finish in ${timeoutMs} ms (see ${stateRoot})`);
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

/**
 * A check in the workbench as a user sees it: code-server on `folder` with the extension loaded from source, the
 * browser on it, the Outcome Lens icon clicked; `fn(page, check, consoleLines)` does the rest. Whatever throws is a
 * failed check (`failTitle`) with a screenshot.
 */
async function workbenchCheck(part, folder, stateRoot, failTitle, fn, { openViews = true } = {}) {
  let server, ctx;
  const check = (title, ok, err) => results.push({ title: `[${part}] ${title}`, state: ok ? 'passed' : 'failed', err: ok ? undefined : err });
  try {
    server = await startCodeServer({ folder, stateRoot, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
    ctx = await launchBrowser(stateRoot);
    const page = ctx.pages()[0] || await ctx.newPage();
    const consoleLines = [];
    page.on('console', m => consoleLines.push(m.text()));
    await page.goto(workbenchUrl(server.authority, folder, [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['skipWelcome', 'true']]));
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    const tab = page.locator('.activitybar [aria-label^="Outcome Lens"]').first();
    await tab.waitFor({ timeout: 60000 });
    if (openViews) await tab.click();
    await fn(page, check, consoleLines);
  } catch (e) {
    check(failTitle, false, e.message);
    if (ctx) await ctx.pages()[0]?.screenshot({ path: path.join(stateRoot, `${part}-fail.png`) }).catch(() => {});
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) await server.stop();
  }
}

/** Clicks the Outcome Lens icon in the activity bar, reads the rows of both views, takes a screenshot. */
async function uiCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'ui-'));
  const folder = makeFixture(path.join(stateRoot, 'shop'));
  await workbenchCheck('ui', folder, stateRoot, 'Outcome Lens views render in the workbench', async (page, check) => {
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
    // 5 of the 17 lines that count: outcomes.yaml's 23 lines need no outcome and count for nobody.
    check('the dashboard opens from the command palette; its table shows checkout\'s 2 commits (25.0%) and 5 lines (29.4%)',
      JSON.stringify(cells?.slice(0, 4)) === JSON.stringify(['2', '25.0%', '5', '29.4%']), `cells: ${JSON.stringify(cells)}`);
    // (media/screenshot-dashboard.png comes from the dashboard check, on the fixture with planning)
  });
}

/** Runs a command from the command palette as a user does: F1, its title, Enter. */
/** Picks the Light Modern colour theme as a user does, through the command palette. */
/**
 * The command palette, opened and given `text` whole: F1 again until its box shows (a key pressed while a webview has
 * the focus can be lost on a busy machine), and the text filled in rather than typed, so no letter is lost either.
 */
async function paletteWith(page, text) {
  const box = page.locator('.quick-input-widget .quick-input-box input').first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    if (await box.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false)) break;
    if (attempt === 3) throw new Error('the command palette did not open after F1, three times');
  }
  await box.fill(`>${text}`);
}

async function pickLightTheme(page) {
  await paletteWith(page, 'Preferences: Color Theme');
  const pick = text => page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(text, { exact: true }) }).first();
  await pick('Preferences: Color Theme').click({ timeout: 30000 });
  // the theme picker is a quick pick of its own: its box is filled the same way
  await page.locator('.quick-input-widget .quick-input-box input').first().fill('Light Modern');
  await pick('Light Modern').click({ timeout: 30000 });
}

async function palette(page, title) {
  await paletteWith(page, title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
}

/**
 * The first hour as a new user meets it, read from the Welcome page itself: a repository with work and no
 * outcomes.yaml, the walkthrough opened from the command palette and the Outcome Lens views never opened until its
 * third step; each step done as a user does it (its own button, a commit in a terminal, `outcome-lens tag`), and its
 * checkbox on the page must tick before the next step starts.
 */
async function walkthroughUiCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'walkthrough-'));
  const folder = firstHourFixture(path.join(stateRoot, 'shop'));
  const who = { GIT_AUTHOR_NAME: 'New User', GIT_AUTHOR_EMAIL: 'new@example.com', GIT_COMMITTER_NAME: 'New User', GIT_COMMITTER_EMAIL: 'new@example.com' };
  const gitIn = (...args) => execFileSync('git', args, { cwd: folder, encoding: 'utf8', env: { ...process.env, ...who } });
  await workbenchCheck('walkthrough', folder, stateRoot, 'the walkthrough ticks its steps on the Welcome page', async (page, check) => {
    const STEP = 'outcome-lens.outcome-lens#gettingStarted#';
    const steps = ['createOutcomes', 'tagCommit', 'reviewUnlinked', 'linkPastCommit', 'openDashboard'];
    // The Welcome page's own checkboxes: VS Code marks a done step's with aria-checked="true".
    const ticks = async () => Object.fromEntries(await Promise.all(steps.map(async id => {
      const box = page.locator(`[data-done-step-id="${STEP}${id}"]`).first();
      // (the page is drawn again when its tab comes back: a checkbox read meanwhile is read at the next poll)
      const checked = await box.getAttribute('aria-checked', { timeout: 1000 }).catch(() => undefined);
      return [id, checked === undefined || checked === null ? undefined : checked === 'true'];
    })));
    const welcomeTab = page.locator('.tabs-container .tab').filter({ hasText: /Welcome|Walkthrough/ }).first();
    /** Back on the Welcome page (an editor the step opened may cover it), until `id` shows ticked. */
    const ticked = async (id, ms = 90000) => {
      const end = Date.now() + ms;
      for (;;) {
        if (await welcomeTab.count() && !(await welcomeTab.getAttribute('class'))?.includes('active')) await welcomeTab.click().catch(() => {});
        const t = await ticks();
        if (t[id]) return t;
        if (Date.now() > end) return t;
        await page.waitForTimeout(250);
      }
    };
    const runStepButton = async (title, button) => {
      await page.locator('.getting-started-step .step-title', { hasText: title }).first().click({ timeout: 30000 });
      await page.locator('.getting-started-step.expanded').locator('.monaco-button, .button-link', { hasText: button }).first().click({ timeout: 30000 });
    };
    await palette(page, 'Welcome: Open Walkthrough...');
    await page.keyboard.type('Get Started with Outcome Lens');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with Outcome Lens' }).first().click({ timeout: 30000 });
    await page.locator(`[data-done-step-id="${STEP}createOutcomes"]`).first().waitFor({ timeout: 60000 });
    const start = await ticks();
    check('the Welcome page shows the five steps, none done', steps.every(id => start[id] === false), JSON.stringify(start));

    await runStepButton('Create outcomes.yaml', 'Create outcomes.yaml');
    let t = await ticked('createOutcomes');
    check('"Create outcomes.yaml" ticks once its button has written the file', t.createOutcomes && fs.existsSync(path.join(folder, 'outcomes.yaml')), JSON.stringify(t));

    // A commit with the trailer, made in a terminal while the Welcome page is all the user looks at.
    const id = /^\s*- id: (checkout\S*)$/m.exec(fs.readFileSync(path.join(folder, 'outcomes.yaml'), 'utf8'))?.[1] ?? 'checkout';
    fs.writeFileSync(path.join(folder, 'checkout', 'refund.ts'), 'export const refund = 1;\n');
    gitIn('add', '-A');
    gitIn('commit', '-q', '--no-verify', '-m', 'Add refunds', '-m', `Outcome: ${id}`);
    t = await ticked('tagCommit');
    check('"Tag a commit" ticks once a commit with the trailer is made, with no Outcome Lens view open', t.tagCommit, JSON.stringify(t));
    const views = await page.locator('.part.sidebar .pane-header', { hasText: 'Unlinked Work' }).count();
    check('(no Outcome Lens view was open until then)', views === 0, `${views} Unlinked Work header(s) in the side bar`);

    await runStepButton('Review unlinked work', 'Open Unlinked Work');
    t = await ticked('reviewUnlinked');
    check('"Review unlinked work" ticks once its button has shown Unlinked Work', t.reviewUnlinked, JSON.stringify(t));

    const past = gitIn('log', '--format=%H', '--grep=Add utilities').trim().split('\n')[0];
    const libs = /^\s*- id: (libs\S*)$/m.exec(fs.readFileSync(path.join(folder, 'outcomes.yaml'), 'utf8'))?.[1] ?? id;
    execFileSync('node', [path.join(ROOT, 'dist/cli.js'), 'tag', past, '--outcome', libs, '--repo', folder], { stdio: 'pipe' });
    t = await ticked('linkPastCommit');
    check('"Link a past commit" ticks once outcome-lens tag has linked one', t.linkPastCommit, JSON.stringify(t));

    await runStepButton('Open the dashboard', 'Open Dashboard');
    t = await ticked('openDashboard');
    check('"Open the dashboard" ticks once its button has opened it', t.openDashboard, JSON.stringify(t));
    check('the Welcome page shows all five steps done', steps.every(s => t[s] === true), JSON.stringify(t));
    await page.screenshot({ path: path.join(stateRoot, 'walkthrough.png') });
  }, { openViews: false });
}

/** The packaged .vsix installs into code-server (the same host the tests use). */
async function vsixCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'vsix-'));
  const vsix = path.join(stateRoot, 'outcome-lens.vsix');
  const ok = (title, cond, err) => results.push({ title: `[vsix] ${title}`, state: cond ? 'passed' : 'failed', err: cond ? undefined : err });
  try {
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    const size = fs.statSync(vsix).size;
    ok(`packages under 3 MB (${(size / 1024).toFixed(0)} KB)`, size < 3 * 1024 * 1024, `${size} bytes`);
    const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const need = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/worker.js', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/media/outcome-lens.svg', 'extension/dist/webview/dashboard.js', 'extension/dist/webview/outcomesEditor.js'];
    ok('contains the bundle, manifest, README, CHANGELOG, LICENSE and media', need.every(w => listing.includes(w)), listing.join(', '));
    ok('contains no sources, tests or node_modules', !listing.some(f => /^extension\/(src|test|node_modules)\//.test(f) || f.endsWith('.ts')), listing.join(', '));
    const out = codeServerCli(stateRoot, ['--install-extension', vsix]) + codeServerCli(stateRoot, ['--list-extensions', '--show-versions']);
    ok('installs in code-server', /outcome-lens\.outcome-lens@\d+\.\d+\.\d+/.test(out), out);
  } catch (e) {
    ok('package and install', false, String(e.stderr || e.message));
  }
}

/** A page opened in headless Chromium: its console errors and warnings and every request it made. */
async function openPage(ctx, file) {
  const page = await ctx.newPage();
  const problems = [], requests = [];
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', e => problems.push(String(e)));
  page.on('request', r => { if (r.url() !== `file://${file}`) requests.push(r.url()); });
  await page.goto(`file://${file}`);
  await page.waitForLoadState('load');
  return { page, problems, requests };
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
    const { page, problems, requests } = await openPage(ctx, file);
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

/** The webview frame that holds `selector`, once it is there. */
async function webviewFrame(page, selector, ms = 90000) {
  const end = Date.now() + ms;
  for (;;) {
    for (const f of page.frames()) if (await f.locator(selector).count().catch(() => 0)) return f;
    if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(200);
  }
}

const pctText = x => `${(x * 100).toFixed(1)}%`;
const ptsText = (x, threshold) => {
  const v = Math.round(x * 1000) / 10;
  const off = Math.abs(x) > threshold + 1e-9;
  return `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v).toFixed(1)} pts${off ? (x > 0 ? ' over' : ' under') : ''}`;
};

/**
 * Time-boxes the planned fixture's checkout outcome: 100 days from 50 days ago, a key result measured from a committed
 * CSV (metrics/orders.csv), 35 of 100 ten days ago: 15-16 points behind its line, at risk; committed.
 */
function timeBox(folder) {
  const DAY = 86_400_000, today = Math.floor(Date.now() / DAY) * DAY;
  const dayOf = n => new Date(today + n * DAY).toISOString().slice(0, 10);
  const yamlFile = path.join(folder, 'outcomes.yaml');
  fs.writeFileSync(yamlFile, fs.readFileSync(yamlFile, 'utf8')
    .replace('    budget: 50%\n', `    budget: 50%\n    start: ${dayOf(-50)}\n    due: ${dayOf(49)}\n`)
    .replace('      - name: Checkout conversion\n', '      - name: Orders per visit\n        baseline: 0\n        target: 100\n        source: { file: metrics/orders.csv, column: orders }\n      - name: Checkout conversion\n'));
  fs.mkdirSync(path.join(folder, 'metrics'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'metrics', 'orders.csv'), `date,orders\n${dayOf(-40)},10\n${dayOf(-25)},22\n${dayOf(-10)},35\n`);
  const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: folder };
  execFileSync('git', ['add', '-A'], { cwd: folder, env: gitEnv });
  execFileSync('git', ['commit', '-q', '--no-verify', '-m', 'Time-box checkout; orders from metrics/orders.csv'], { cwd: folder, env: gitEnv });
  return folder;
}

/**
 * The dashboard as a user sees it, on the fixture with planning: opened from the command palette, its
 * planned-vs-actual table and a key result's trend read from the webview's DOM and compared with the core's report
 * (the CLI's JSON) and with numbers by hand; no Content Security Policy violation; screenshots in dark and light.
 */
async function dashboardUiCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'dashboard-ui-'));
  const folder = planFixture(makeFixture(path.join(stateRoot, 'shop')));
  const core = JSON.parse(execFileSync('node', [path.join(ROOT, 'dist/cli.js'), 'report', '--format', 'json', '--no-cache', '--repo', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  await workbenchCheck('dashboard-ui', folder, stateRoot, 'the dashboard renders in the workbench', async (page, check, consoleLines) => {
    await page.keyboard.press('F1');
    await page.keyboard.type('Outcome Lens: Open Dashboard');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Dashboard' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    const frame = await webviewFrame(page, '#plan tbody tr[data-key="checkout-conversion"]');
    // Lines follow commits: wait for them, so the screenshot shows the finished page.
    await frame.locator('#totals tbody tr[data-key="checkout-conversion"] td').nth(2).filter({ hasText: /^\d+$/ }).waitFor({ timeout: 60000 });
    const cells = async key => (await frame.locator(`#plan tbody tr[data-key="${key}"] td`).allInnerTexts()).map(t => t.trim());
    const row = id => core.outcomes.find(o => o.id === id);
    for (const [id, byHand] of [['checkout-conversion', ['@payments', '50.0%', '28.6%', '\u221221.4 pts under']], ['search-latency', ['@search', '20.0%', '28.6%', '+8.6 pts']]]) {
      const o = row(id);
      const fromCore = [o.owner, pctText(o.budget), pctText(o.actualShare), ptsText(o.drift, core.driftThreshold)];
      const shown = await cells(id);
      check(`planned vs actual of ${id}: ${JSON.stringify(byHand)}, as the core computes it`,
        JSON.stringify(shown) === JSON.stringify(fromCore) && JSON.stringify(shown) === JSON.stringify(byHand), `shown ${JSON.stringify(shown)}, core ${JSON.stringify(fromCore)}`);
    }
    const off = await frame.locator('#plan tbody tr.off').evaluateAll(trs => trs.map(tr => tr.getAttribute('data-key')));
    check('the drift past the threshold is marked', JSON.stringify(off) === '["checkout-conversion"]', JSON.stringify(off));
    const trend = await frame.locator('#kr-0-trend tbody tr').evaluateAll(trs => trs.map(tr => [...tr.children].map(c => c.textContent.trim())));
    const dates = execFileSync('git', ['log', '--format=%aI', '--', 'outcomes.yaml'], { cwd: folder, encoding: 'utf8' }).trim().split('\n').reverse().map(d => d.slice(0, 10));
    const kr = core.keyResults.find(k => k.name === 'Checkout conversion');
    const want = kr.history.map(p => [p.date.slice(0, 10), p.text, p.sha.slice(0, 10)]);
    check('the key result\'s trend: 3.4% -> 3.5% -> 3.7% -> 3.9% on the dates outcomes.yaml changed, as the core reads it',
      JSON.stringify(trend) === JSON.stringify(want) && JSON.stringify(trend.map(t => t[1])) === '["3.4%","3.5%","3.7%","3.9%"]' && JSON.stringify(trend.map(t => t[0])) === JSON.stringify(dates),
      `shown ${JSON.stringify(trend)}, core ${JSON.stringify(want)}, dates ${JSON.stringify(dates)}`);
    const bars = await frame.locator('#chart-absolute rect').count();
    const weeks = await frame.locator('#buckets tbody tr').count();
    check(`both charts drawn over every week of the window (${weeks} weeks, ${bars} bars)`, bars > 0 && weeks >= 13 && await frame.locator('#chart-share rect').count() === bars, `${bars} bars, ${weeks} weeks`);
    const csp = consoleLines.filter(l => /Content Security Policy|Refused to/i.test(l));
    check('no Content Security Policy violation in the webview', csp.length === 0, csp.join('\n'));
    await page.mouse.move(1390, 850);
    const out = SCREENSHOT ? path.dirname(SCREENSHOT) : stateRoot;
    await page.screenshot({ path: path.join(out, 'screenshot-dashboard.png') });
    // The same dashboard in the light theme (picked as a user does), scrolled to planned vs actual and the key results.
    await pickLightTheme(page);
    const light = await page.locator('.monaco-workbench.vs').first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    check('the dashboard follows the theme to light', light, 'still dark');
    await (await webviewFrame(page, '#plan')).locator('#plan').evaluate(el => el.previousElementSibling.scrollIntoView());
    await page.mouse.move(1390, 850);
    await page.screenshot({ path: path.join(out, 'screenshot-dashboard-plan.png') });
    // Time-boxed (timeBox): committed as a user would, the dashboard shows it without a reload, as the core's report says it.
    timeBox(folder);
    const statusFrame = await webviewFrame(page, '#outcomes-by-status tbody tr[data-key="checkout-conversion"]');
    const timed = JSON.parse(execFileSync('node', [path.join(ROOT, 'dist/cli.js'), 'report', '--format', 'json', '--no-cache', '--repo', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const shownRows = await statusFrame.locator('#outcomes-by-status tbody tr').evaluateAll(trs => trs.map(tr => [tr.getAttribute('data-key'), tr.getAttribute('data-status'), ...[...tr.children].map(c => c.textContent.trim())]));
    const labels = { 'on-track': 'On track', 'at-risk': 'At risk', 'off-track': 'Off track', achieved: 'Achieved', 'not-measured': 'Not measured', proposed: 'Proposed', dropped: 'Dropped' };
    const coreRows = timed.outcomes.filter(o => o.keyResultStatus).sort((a, b) => (b.behind ?? -Infinity) - (a.behind ?? -Infinity))
      .map(o => [o.id, o.keyResultStatus, o.title, o.period.label, labels[o.keyResultStatus], ptsText(o.behind, Infinity), o.adjustment]);
    check('the dashboard\'s outcomes by status equal report --format json, field by field: checkout at risk with its sentence',
      JSON.stringify(shownRows) === JSON.stringify(coreRows) && shownRows.length === 1 && shownRows[0][1] === 'at-risk' && /^At risk \(Orders per visit\): 35% of the way with 5[01]% of the period gone; effort/.test(shownRows[0][6]),
      `shown ${JSON.stringify(shownRows)}, core ${JSON.stringify(coreRows)}`);
    const expectedLine = await statusFrame.locator('.kr').first().locator('line.expected').count();
    check('the key-result chart draws the expected line beside the measured points', expectedLine === 1 && await statusFrame.locator('.kr').first().locator('circle.trend-point').count() === 3, `${expectedLine} lines`);
    await statusFrame.locator('#outcomes-by-status').evaluate(el => el.previousElementSibling.scrollIntoView());
    await page.mouse.move(1390, 850);
    await page.screenshot({ path: path.join(out, 'screenshot-dashboard-status.png') });
    log(`screenshots: ${path.relative(ROOT, path.join(out, 'screenshot-dashboard.png'))}, screenshot-dashboard-plan.png, screenshot-dashboard-status.png`);
  });
}

/** outcomes.yaml with comments above, beside and between the outcomes, which every edit of the form must keep. */
function commentedOutcomes(folder) {
  const file = path.join(folder, 'outcomes.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8')
    .replace('version: 1\n', '# Reviewed by the business owners every quarter.\nversion: 1\n')
    .replace('  - id: checkout-conversion\n', '  # Payments: conversion first.\n  - id: checkout-conversion\n')
    .replace('        target: 4%\n', '        target: 4%   # the board\'s number\n')
    .replace('  - id: search-latency\n', '\n  # Search\n  - id: search-latency\n'));
  return folder;
}

/**
 * The outcomes editor as a user meets it: outcomes.yaml opened from Quick Open, the editor title's button, the form in
 * its webview (cards, the match counts), a title changed by typing in the form and Enter, the form drawn again from
 * the text; no Content Security Policy violation; a screenshot for the README.
 */
async function editorUiCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'editor-ui-'));
  const folder = commentedOutcomes(planFixture(makeFixture(path.join(stateRoot, 'shop'))));
  await workbenchCheck('editor-ui', folder, stateRoot, 'the outcomes editor renders in the workbench', async (page, check, consoleLines) => {
    await page.keyboard.press('Control+P');
    await page.keyboard.type('outcomes.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'outcomes.yaml' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'checkout-conversion' }).first().waitFor({ timeout: 30000 });
    const button = page.locator('.editor-actions [aria-label="Open Outcomes Editor"]').first();
    const hasButton = await button.waitFor({ timeout: 30000 }).then(() => true, () => false);
    check('outcomes.yaml\'s editor title offers Open Outcomes Editor', hasButton, 'no such button');
    if (hasButton) await button.click(); else await palette(page, 'Outcome Lens: Open Outcomes Editor');
    const frame = await webviewFrame(page, 'section.card[data-outcome="1"]');
    const titles = await frame.locator('section.card h2').allInnerTexts();
    check('the form shows the outcomes as cards in file order', JSON.stringify(titles.slice(0, 2)) === JSON.stringify(['1. Raise checkout conversion to 4%', '2. Cut search p95 to 200 ms']), JSON.stringify(titles));
    const count = await frame.locator('[data-count="services/checkout/"]').first().innerText({ timeout: 60000 }).catch(e => String(e));
    check('an area shows how many tracked files it matches', /^2 files/.test(count), count);
    const total = await frame.locator('#budget-total').innerText();
    check('the budgets\' total is shown', total.includes('70%'), total);
    // The screenshot for the README: the form as it opens, counted.
    await page.mouse.move(1390, 850);
    const out = SCREENSHOT ? path.dirname(SCREENSHOT) : stateRoot;
    await page.screenshot({ path: path.join(out, 'screenshot-outcomes-editor.png') });
    log(`screenshot: ${path.relative(ROOT, path.join(out, 'screenshot-outcomes-editor.png'))}`);
    // Typed in the form: the title field, then Enter.
    const input = frame.locator('vscode-textfield[data-path="o.1.title"] input');
    await input.fill('Cut search p95 to 150 ms');
    await input.press('Enter');
    const redrawn = await frame.locator('section.card h2', { hasText: '2. Cut search p95 to 150 ms' }).first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    check('a title typed in the form reaches the text and the form is drawn again from it', redrawn, await frame.locator('section.card h2').allInnerTexts().then(JSON.stringify));
    // A typo typed in the form: its problem shows under that very field (the text editor's diagnostic, placed).
    const link = frame.locator('vscode-textfield[data-path="o.0.link"] input');
    await link.fill('htps://okr.example.com/objectives/42');
    await link.press('Enter');
    const problem = await frame.locator('.field:has(vscode-textfield[data-path="o.0.link"]) .problem.error').first().innerText({ timeout: 30000 }).catch(e => String(e));
    check('a bad link shows its problem under the Link field', /http/.test(problem) && /line \d+:\d+/.test(problem), problem);
    await link.fill('https://okr.example.com/objectives/42');
    await link.press('Enter');
    await frame.locator('.field:has(vscode-textfield[data-path="o.0.link"]) .problem').first().waitFor({ state: 'detached', timeout: 30000 }).catch(() => {});
    // An area added with the keyboard alone: typed in the "add" field, Enter; it shows with its own count.
    // Halfway through, the form is drawn again (as when the match counts arrive): the field keeps the text and the
    // focus, so the rest of the typing and the Enter still reach it.
    await frame.locator('vscode-textfield#new-areas-1 input').focus();
    await page.keyboard.type('li');
    await frame.locator('body').evaluate(() => window.postMessage({ type: 'note', text: 'Drawn again while typing.' }, '*'));
    await frame.locator('#note').waitFor({ timeout: 30000 });
    await page.keyboard.type('bs/');
    const typed = await frame.locator('vscode-textfield#new-areas-1').evaluate(el => el.value);
    check('the text typed before and after the redraw is all in the field', typed === 'libs/', JSON.stringify(typed));
    await page.keyboard.press('Enter');
    const libs = await frame.locator('section.card[data-outcome="1"] [data-count="libs/"]').first().innerText({ timeout: 60000 })
      .catch(async e => `the card's areas: ${JSON.stringify(await frame.locator('section.card[data-outcome="1"] [data-count]').evaluateAll(els => els.map(el => el.dataset.count)))}; ${e}`);
    check('an area added from the keyboard shows with its match count (libs/: 2 files)', /^2 files/.test(libs), libs);
    const left = await frame.locator('vscode-textfield#new-areas-1').evaluate(el => el.value);
    check('the "add" field is empty again once the area is added', left === '', JSON.stringify(left));
    const dirty = await page.locator('.tabs-container .tab.dirty', { hasText: 'outcomes.yaml' }).count();
    check('the edit makes the document dirty (unsaved), as typing would', dirty > 0, 'no dirty tab');
    const csp = consoleLines.filter(l => /Content Security Policy|Refused to/i.test(l));
    check('no Content Security Policy violation in the form', csp.length === 0, csp.join('\n'));
    // The light theme, picked as a user does: the form's colours follow it.
    const colours = () => frame.locator('section.card').first().evaluate(el => [getComputedStyle(document.body).backgroundColor, getComputedStyle(el).color].join(' / '));
    const dark = await colours();
    await pickLightTheme(page);
    await page.locator('.monaco-workbench.vs').first().waitFor({ timeout: 30000 }).catch(() => {});
    let light = dark;
    for (let i = 0; i < 100 && light === dark; i++) { await page.waitForTimeout(200); light = await colours(); }
    check('the form follows the theme to light', light !== dark, `dark ${dark}, light ${light}`);
    await page.screenshot({ path: path.join(stateRoot, 'outcomes-editor-light.png') });
  });
}

/**
 * The HTML report with planning (charts, planned vs actual, key results over time) and the organisation's rollup of
 * two repositories open in headless Chromium with no console errors and no network requests.
 */
async function rollupHtmlCheck() {
  const stateRoot = fs.mkdtempSync(path.join(STATE, 'rollup-'));
  const ok = (title, cond, err) => results.push({ title: `[report] ${title}`, state: cond ? 'passed' : 'failed', err: cond ? undefined : err });
  let ctx;
  try {
    const cli = (...args) => execFileSync('node', [path.join(ROOT, 'dist/cli.js'), ...args, '--no-cache'], { stdio: 'pipe' });
    const shop = planFixture(makeFixture(path.join(stateRoot, 'shop')));
    const plain = makeFixture(path.join(stateRoot, 'storefront'));
    cli('report', '--format', 'html', '--out', path.join(stateRoot, 'planned.html'), '--repo', shop);
    cli('report', '--format', 'json', '--out', path.join(stateRoot, 'shop.json'), '--repo', shop);
    cli('report', '--format', 'json', '--out', path.join(stateRoot, 'storefront.json'), '--repo', plain);
    execFileSync('node', [path.join(ROOT, 'dist/cli.js'), 'rollup', path.join(stateRoot, 'shop.json'), path.join(stateRoot, 'storefront.json'), '--format', 'html', '--out', path.join(stateRoot, 'rollup.html')], { stdio: 'pipe' });
    ctx = await launchBrowser(stateRoot);
    const planned = await openPage(ctx, path.join(stateRoot, 'planned.html'));
    ok('the report with planning opens with no console errors', planned.problems.length === 0, planned.problems.join('\n'));
    ok('the report with planning makes no network requests', planned.requests.length === 0, planned.requests.join('\n'));
    const kr = await planned.page.locator('#kr-0-chart .trend-point').count();
    ok(`draws a key result's trend (${kr} points) and planned vs actual`, kr === 4 && await planned.page.locator('#plan tbody tr').count() === 3, `${kr} points`);
    // A time-boxed outcome at risk, in every format: the status and the sentence, and the HTML still clean.
    const timed = timeBox(planFixture(makeFixture(path.join(stateRoot, 'timed'))));
    for (const f of ['html', 'md', 'csv', 'json']) cli('report', '--format', f, '--out', path.join(stateRoot, `timed.${f}`), '--repo', timed);
    const timedJson = JSON.parse(fs.readFileSync(path.join(stateRoot, 'timed.json'), 'utf8'));
    const sentence = timedJson.outcomes.find(o => o.id === 'checkout-conversion').adjustment;
    const krJson = timedJson.keyResults.find(k => k.name === 'Orders per visit');
    ok(`report --format json carries status, progress and expected value per key result (${JSON.stringify([krJson.status, krJson.progress, krJson.expected])}) and the sentence`,
      krJson.status === 'at-risk' && krJson.progress === 0.35 && krJson.expected > 50 && krJson.expected < 52 && /^At risk \(Orders per visit\): 35% of the way with 5[01]% of the period gone; effort \d+ pts under its 50% budget over the same weeks$/.test(sentence), sentence);
    const escapedMd = sentence.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, c => `\\${c}`);
    const md = fs.readFileSync(path.join(stateRoot, 'timed.md'), 'utf8'), csv = fs.readFileSync(path.join(stateRoot, 'timed.csv'), 'utf8');
    ok('report --format md and csv carry the status and the sentence', md.includes('**At risk**') && (md.includes(sentence) || md.includes(escapedMd) || md.replace(/\\/g, '').includes(sentence)) && csv.includes(`"at-risk"`) && csv.includes(`"${sentence}"`), md.split('\n').filter(l => l.includes('At risk')).join('\n'));
    const timedPage = await openPage(ctx, path.join(stateRoot, 'timed.html'));
    ok('the report with a time-boxed outcome opens with no console errors and no network requests', timedPage.problems.length === 0 && timedPage.requests.length === 0, [...timedPage.problems, ...timedPage.requests].join('\n'));
    const shownStatus = await timedPage.page.locator('#outcomes-by-status tbody tr').evaluateAll(trs => trs.map(tr => [tr.getAttribute('data-status'), tr.querySelector('.adjustment')?.textContent]));
    ok('its outcomes by status show checkout at risk with the sentence', JSON.stringify(shownStatus) === JSON.stringify([['at-risk', sentence]]) && await timedPage.page.locator('#kr-0-chart line.expected').count() === 1, JSON.stringify(shownStatus));
    const rolled = await openPage(ctx, path.join(stateRoot, 'rollup.html'));
    ok('the rollup opens with no console errors', rolled.problems.length === 0, rolled.problems.join('\n'));
    ok('the rollup makes no network requests', rolled.requests.length === 0, rolled.requests.join('\n'));
    const repos = await rolled.page.locator('#repositories tbody tr th').allInnerTexts();
    const total = (await rolled.page.locator('#repositories tfoot td').allInnerTexts())[1];
    ok('the rollup lists both repositories and their 19 commits (11 + 8)', JSON.stringify(repos) === '["shop","storefront"]' && total === '19', `${JSON.stringify(repos)}, ${total}`);
  } catch (e) {
    ok('the report with planning and the rollup', false, String(e.stderr || e.message));
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
if (want('report')) await rollupHtmlCheck();
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
// Several repositories in one window, one of them behind a git that hangs while .git/outcome-lens-hang exists.
if (want('multiroot')) await runSuite('multiroot', 'multiroot', {
  trusted: true,
  timeoutMs: 2 * TIMEOUT_MS,
  setup: (folder, stateRoot) => {
    const folders = [folder, makeFixture(path.join(stateRoot, 'second')), makeFixture(path.join(stateRoot, 'slow'))];
    const open = path.join(stateRoot, 'shops.code-workspace');
    fs.writeFileSync(open, JSON.stringify({ folders: folders.map(f => ({ path: f })) }));
    const shim = gitShim(stateRoot, `if [ -e .git/outcome-lens-hang ]; then sleep 120; fi\nexec ${REAL_GIT} "$@"`);
    // The second repository has a third outcome, in outcomes.yaml only (not committed), so the folders differ.
    fs.appendFileSync(path.join(folders[1], 'outcomes.yaml'), '  - id: docs-quality\n    title: Docs people finish reading\n    areas:\n      - docs/\n');
    return { open, env: { PATH: `${shim}:${process.env.PATH}`, VSCODE_CLI: '1', OUTCOME_LENS_REAL_GIT: REAL_GIT }, settings: { 'outcomeLens.git.timeout': 10 } };
  },
});
// A CODEOWNERS import (`init --from codeowners`) whose default owner's "*" a lead narrowed to "services/".
if (want('import')) await runSuite('import', 'import', {
  trusted: true,
  setup: folder => {
    const git = (...args) => execFileSync('git', args, { cwd: folder, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: folder } });
    fs.mkdirSync(path.join(folder, '.github'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.github', 'CODEOWNERS'), '* @team\n/services/search/ @search\n/docs/ @Docs\n*.md @docs\n');
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', 'Add CODEOWNERS');
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'init', '--from', 'codeowners', '--force', '--repo', folder]);
    const yaml = path.join(folder, 'outcomes.yaml');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/^( {6}- )"\*"/m, '$1"services/"'));
    git('add', '-A');
    git('commit', '-q', '--no-verify', '-m', 'Narrow the team to services/');
    return {};
  },
});
if (want('dashboard')) await runSuite('dashboard', 'dashboard', { trusted: true, setup: folder => { planFixture(folder); return {}; } });
// The outcomes editor: the fixture with planning, its outcomes.yaml given comments of every kind (not committed).
if (want('editor')) await runSuite('editor', 'editor', { trusted: true, setup: folder => { commentedOutcomes(planFixture(folder)); return {}; } });
// A folder moved into an outcome's area: the views, the current line and the CLI judge its earlier work alike.
if (want('renames')) await runSuite('renames', 'renames', { trusted: true, setup: folder => { renamesFixture(folder); return {}; } });
// Odd repositories, one folder each, built by the builders the CLI's tests use (test/unit/helpers/oddRepos.ts).
// Inside this project's own clone, so that a bare one could be mistaken for the repository above it.
if (want('odd')) await runSuite('odd', 'odd', {
  trusted: true,
  timeoutMs: 2 * TIMEOUT_MS,
  setup: async (_folder, stateRoot) => {
    const builders = path.join(OUT, 'oddRepos.cjs');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'test/unit/helpers/oddRepos.ts')], outfile: builders, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' });
    const odd = createRequire(import.meta.url)(builders);
    const parent = path.join(stateRoot, 'odd');
    fs.mkdirSync(parent);
    const kinds = {
      unborn: odd.unbornRepo, orphan: odd.orphanRepo, shallow: odd.shallowClone, detached: odd.detachedHead, worktree: odd.linkedWorktree,
      submodule: odd.withSubmodule, bare: odd.bareRepo, partial: odd.partialClone, 'missing-blob': odd.missingBlob, treeless: odd.treelessClone,
      sha256: odd.sha256Repo, latin1: odd.latin1Repo, octopus: odd.octopusMerge, '50k-files': odd.fiftyThousandFiles, 'odd-paths': odd.oddPathsRepo,
      conflict: odd.mergeConflict, 'hostile-config': odd.hostileConfig,
    };
    const folders = Object.entries(kinds).map(([name, build]) => ({ name, path: build({ parent }).dir }));
    const open = path.join(stateRoot, 'odd.code-workspace');
    // The fixtures' commits are of 2024: a window that holds them. The built-in git extension is off, so that any
    // command the hostile configuration runs is ours.
    fs.writeFileSync(open, JSON.stringify({ folders, settings: { 'outcomeLens.history.windowDays': 3650 } }));
    return { open, settings: { 'git.enabled': false } };
  },
});
if (want('ui')) await uiCheck();
if (want('walkthrough')) await walkthroughUiCheck();
if (want('dashboard')) await dashboardUiCheck();
if (want('editor')) await editorUiCheck();
for (const r of results) console.log(`  ${r.state === 'passed' ? 'ok  ' : 'FAIL'} ${r.title}${r.err ? '\n      ' + String(r.err).split('\n').slice(0, 4).join('\n      ') : ''}`);
const failed = results.filter(r => r.state !== 'passed').length;
console.log(`integration: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || !results.length ? 1 : 0);
