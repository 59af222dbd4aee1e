// npm run demo: builds, makes a demo repository (outcomes, linked and unlinked work) and opens it with the
// extension loaded: in your own VS Code when `code` is on PATH (--extensionDevelopmentPath), otherwise in
// the code-server host the tests use, printing its local URL (Ctrl+C stops it).
// Options: --dir DIR (where to make the demo repository), --check (open it headless, print the views, exit).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = name => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const check = process.argv.includes('--check');
const dir = path.resolve(arg('--dir') || path.join(ROOT, '.demo/shop'));
const { makeFixture } = await import('../test/integration/fixture.mjs');
makeFixture(dir);
console.log(`demo repository: ${dir}`);
console.log(`  try: node ${path.relative(process.cwd(), path.join(ROOT, 'dist/cli.js'))} report --repo ${dir}`);

const hasCode = !check && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  execFileSync('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, dir], { stdio: 'inherit' });
  console.log('opened in VS Code with Outcome Lens loaded: click the Outcome Lens icon in the activity bar.');
  process.exit(0);
}

console.log('`code` is not on PATH: starting the browser-based VS Code (code-server) the tests use ...');
execFileSync('bash', [path.join(ROOT, 'test/integration/install.sh')], { stdio: 'inherit' });
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
