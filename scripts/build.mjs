// Bundles the extension, its history worker and the CLI with esbuild. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', minify: !watch };
/**
 * yaml and simple-git are two thirds of the extension's code, and activation needs neither (src/core loads both
 * lazily): in the extension and the worker they are files of their own, so that loading the extension does not
 * compile them. The CLI keeps one bundle, with V8's code cache (src/cli/bin.ts).
 */
const VENDOR = ['yaml', 'simple-git'];
const vendorFiles = {
  name: 'vendor-files',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${VENDOR.join('|')})$`) }, args => ({ path: `./${args.path}.js`, external: true }));
  },
};
const builds = [
  // The entry point only loads the bundle (dist/main.js) and stamps what that cost, compile included (src/extensionLoader.ts).
  { ...common, entryPoints: ['src/extensionLoader.ts'], outfile: 'dist/extension.js', external: ['./main.js'], sourcemap: false },
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/main.js', external: ['vscode'], plugins: [vendorFiles] },
  // The history worker's thread, started by the extension after it finds an outcomes.yaml (src/core/worker).
  { ...common, entryPoints: ['src/worker.ts'], outfile: 'dist/worker.js', plugins: [vendorFiles] },
  ...VENDOR.map(name => ({ ...common, entryPoints: [name], outfile: `dist/${name}.js` })),
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
