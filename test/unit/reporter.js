// mocha's spec reporter, closing with the plain `N passed, N failed` line that CI reads.
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      process.stdout.write(`unit: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}\n`);
    });
  }
}
module.exports = SpecWithSummary;
