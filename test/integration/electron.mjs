// The same suite in desktop VS Code through @vscode/test-electron, for machines that can download VS Code
// (it cannot here: no internet; `npm test` uses code-server, see run.mjs). usage: npm run test:electron
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './host.mjs';
import { makeFixture } from './fixture.mjs';

const OUT = path.join(ROOT, 'out/integration');
const entries = fs.readdirSync(path.join(ROOT, 'test/integration/suite')).filter(f => f.endsWith('.ts')).map(f => path.join(ROOT, 'test/integration/suite', f));
await esbuild.build({ entryPoints: entries, outdir: OUT, format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'inline' });
const folder = makeFixture(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-fixture-')));
await runTests({
  extensionDevelopmentPath: ROOT,
  extensionTestsPath: path.join(OUT, 'index'),
  launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
  extensionTestsEnv: { OUTCOME_LENS_SUITE: 'extension', OUTCOME_LENS_RESULT: path.join(ROOT, '.state/electron-result.json') },
});
