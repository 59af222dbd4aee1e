// Bundles the extension, its history worker and the CLI with esbuild. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: !watch };
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The history worker's thread: git, the history and linking run there, off the extension host's thread.
  { ...common, entryPoints: ['src/worker.ts'], outfile: 'dist/worker.js' },
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  rmSync('dist', { recursive: true, force: true });
  await Promise.all(builds.map(b => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
