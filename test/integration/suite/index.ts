// Loaded by the extension host (extensionTestsPath): runs the mocha suite inside the real VS Code and writes
// the results to the file named by OUTCOME_LENS_RESULT (the runner outside reads it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const resultFile = process.env.OUTCOME_LENS_RESULT || path.join(__dirname, 'result.json');
  // Room for a loaded two-core machine: the tests wait for events and conditions, never for a fixed time.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000 });
  const files = (process.env.OUTCOME_LENS_SUITE || 'extension').split(',');
  for (const f of files) mocha.addFile(path.join(__dirname, `${f}.test.js`));
  const results: { title: string; state: string; err?: string }[] = [];
  return new Promise(resolve => {
    const runner = mocha.run(failures => {
      fs.mkdirSync(path.dirname(resultFile), { recursive: true });
      fs.writeFileSync(resultFile, JSON.stringify({ failures, passed: results.filter(r => r.state === 'passed').length, results }, null, 2));
      // Always resolve: when run() rejects, the web workbench never reports back and the runner would wait for
      // its timeout. Failures travel in the result file, which the runner turns into its exit code.
      void failures;
      resolve();
    });
    runner.on('pass', t => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', err: String((err && err.stack) || err) }));
  });
}
