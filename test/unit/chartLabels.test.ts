import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';

const yaml = (conv: string) => `version: 1
outcomes:
  - id: checkout
    title: Checkout
    areas: [src/]
    metrics:
      - name: Conversion
        baseline: 3.1%
        target: 4%
        current: ${conv}
`;

/**
 * The right axis's labels of the first key result's chart in the HTML report, as a reader sees them (the left axis's
 * ticks are anchored at their end).
 */
function axisLabels(html: string): string[] {
  const svg = /<svg class="chart kr-chart" id="kr-0-chart".*?<\/svg>/s.exec(html)?.[0] ?? '';
  assert.ok(svg, 'the report draws the key result\'s chart');
  return [...svg.matchAll(/<text class="tick[^"]*" x="[\d.]+" y="[\d.]+">([^<]*)<\/text>/g)].map(m => m[1]);
}

describe('the key-result chart\'s labels', function () {
  this.timeout(60_000);
  let r: TempRepo;
  before(() => {
    r = new TempRepo();
    // The first value is the highest and the current one sits between the others: neither end of the range is it.
    r.write('outcomes.yaml', yaml('3.2%')).commit('outcomes\n', { date: '2024-02-01T10:00:00Z' });
    r.write('src/a.ts').commit('code\n', { date: '2024-02-05T10:00:00Z' });
    r.write('outcomes.yaml', yaml('3.9%')).commit('conversion 3.9\n', { date: '2024-02-12T10:00:00Z' });
    r.write('outcomes.yaml', yaml('3.3%')).commit('conversion 3.3\n', { date: '2024-02-20T10:00:00Z' });
    r.write('outcomes.yaml', yaml('3.6%')).commit('conversion 3.6\n', { date: '2024-03-01T10:00:00Z' });
  });
  after(() => r.rm());

  it('name the current value (HEAD\'s) and the target, not the first value or the range\'s ends', () => {
    const html = cli(['report', '--since', '2024-02-03', '--until', '2024-03-31', '--no-lines', '--no-cache', '--format', 'html', '--repo', r.dir]).stdout;
    assert.deepEqual(axisLabels(html), ['3.6%', '4%']);
  });

  it('leave the target out where it would sit on the current value', () => {
    const near = new TempRepo();
    try {
      near.write('outcomes.yaml', yaml('3.1%')).commit('outcomes\n', { date: '2024-02-01T10:00:00Z' });
      near.write('outcomes.yaml', yaml('3.98%')).commit('conversion 3.98\n', { date: '2024-02-12T10:00:00Z' });
      const html = cli(['report', '--since', '2024-02-03', '--until', '2024-03-31', '--no-lines', '--no-cache', '--format', 'html', '--repo', near.dir]).stdout;
      assert.deepEqual(axisLabels(html), ['3.98%']);
    } finally {
      near.rm();
    }
  });
});
