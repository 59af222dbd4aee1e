// Bundles the extension and the CLI with esbuild. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: !watch };
const builds = [
  // The banner stamps when the bundle starts loading (wall clock, and the thread's CPU time where Node has it),
  // so activation cost includes module evaluation.
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], banner: { js: 'globalThis.__outcomeLensLoadStart = performance.now(); globalThis.__outcomeLensCpuStart = process.threadCpuUsage?.();' }, footer: { js: 'globalThis.__outcomeLensLoadEnd = performance.now(); globalThis.__outcomeLensCpuEnd = process.threadCpuUsage?.();' } },
  // The history worker's thread, started by the extension on its first read of git (src/core/worker).
  { ...common, entryPoints: ['src/worker.ts'], outfile: 'dist/worker.js' },
  // The CLI: a small entry that loads the bundle with V8's code cache (src/cli/bin.ts says why).
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map(b => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
