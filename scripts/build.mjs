// Bundles the extension, its history worker, the CLI and the dashboard's webview script. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: !watch };
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The history worker's thread: git, the history and linking run there, off the extension host's thread.
  { ...common, entryPoints: ['src/worker.ts'], outfile: 'dist/worker.js' },
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' },
    define: { OUTCOME_LENS_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) } },
  // The dashboard's webview script, for the browser; its map is inline and in watch builds only, as no map is shipped.
  { bundle: true, platform: 'browser', target: 'es2020', format: 'iife', sourcemap: watch ? 'inline' : false, logLevel: 'warning', minify: !watch,
    entryPoints: ['src/webview/dashboard.ts'], outfile: 'dist/webview/dashboard.js' },
  // The outcomes editor's form, with the @vscode-elements components it uses bundled in (no network, one file).
  { bundle: true, platform: 'browser', target: 'es2020', format: 'iife', sourcemap: watch ? 'inline' : false, logLevel: 'warning', minify: !watch,
    entryPoints: ['src/webview/outcomesEditor.ts'], outfile: 'dist/webview/outcomesEditor.js' },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  rmSync('dist', { recursive: true, force: true });
  await Promise.all(builds.map(b => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
