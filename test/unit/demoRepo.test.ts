import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { cli } from './helpers/cli';
import type { ReportJson } from '../../src/core/report/model';

/** The repository `npm run demo` opens, made by its own builder (test/integration/fixture.mjs --demo) as a process. */
const FIXTURE = path.resolve(__dirname, '../integration/fixture.mjs');

describe('the demo repository shows every feature the README advertises', function () {
  this.timeout(120_000);
  let parent: string;
  let dir: string;
  before(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-demo-'));
    dir = execFileSync(process.execPath, [FIXTURE, path.join(parent, 'shop'), '--demo'], { encoding: 'utf8' }).trim();
  });
  after(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('budgets with a drift past the threshold, and a key result with several points in the window', () => {
    const r: ReportJson = JSON.parse(cli(['report', '--format', 'json', '--no-lines', '--no-cache', '--repo', dir]).stdout);
    const off = r.outcomes.filter(o => o.drift !== null && Math.abs(o.drift) > r.driftThreshold);
    assert.deepEqual(off.map(o => o.id).sort(), ['checkout-conversion', 'search-latency'], JSON.stringify(r.outcomes.map(o => [o.id, o.budget, o.drift])));
    const points = r.keyResults.map(k => k.history.filter(p => p.value !== null).length);
    assert.ok(points.some(n => n >= 3), `numeric points per key result: ${points}`);
  });

  it('an unlinked folder with a suggestion, and its evidence', () => {
    const out = cli(['suggest', '--format', 'json', '--repo', dir]);
    const list = JSON.parse(out.stdout) as { folder: string; outcome: string | null; evidence: string | null }[];
    assert.ok(list.some(s => s.outcome === 'search-latency' && /^libs\//.test(s.folder) && s.evidence), out.stdout);
  });
});
