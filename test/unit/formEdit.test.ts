import * as assert from 'node:assert/strict';
import { planFormEdit, readOutcomesForm } from '../../src/core/outcomes/formEdit';
import { FormEdit, fromOutcomesForm } from '../../src/core/outcomes/formMessages';
import { parseOutcomes } from '../../src/core/outcomes/parse';

/** A commented, hand-ordered outcomes.yaml: keys out of the README's order, quoting of every kind, blank lines between outcomes. */
const FILE = `# Our outcomes for the quarter.  (a header comment)
version: 1
trailer: Outcome
ignore:
  - vendor/   # third-party code

outcomes:
  # Payments: the team's own words, kept as written.
  - id: checkout-conversion
    title: 'Raise checkout conversion to 4%'   # single-quoted on purpose
    owner: "@payments"
    budget: 30%
    status: active
    link: https://okr.example.com/objectives/42
    metrics:
      - name: Checkout conversion
        target: 4%      # the board's number
        baseline: 3.1%
        current: 3.4%
    areas:
      - services/checkout/
      - "!services/checkout/legacy/**"
    tickets: [PAY-]

  # Search
  - id: search-latency
    title: Cut search p95 to 200 ms
    budget: 50%
    areas:
      - services/search/

  - id: docs
    title: Docs people finish reading
    areas: [docs/]
`;

/** The one changed stretch of `after` against `before`: what went and what came, found from both ends. */
function changed(before: string, after: string): { at: number; removed: string; inserted: string } {
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let eb = before.length, ea = after.length;
  while (eb > s && ea > s && before[eb - 1] === after[ea - 1]) { eb--; ea--; }
  return { at: s, removed: before.slice(s, eb), inserted: after.slice(s, ea) };
}

function apply(text: string, edit: FormEdit): string {
  const e = planFormEdit(text, edit);
  assert.ok(!('error' in e), `planned: ${JSON.stringify(e)}`);
  const out = text.slice(0, e.start) + e.text + text.slice(e.end);
  const errors = parseOutcomes(out).diagnostics.filter(d => d.severity === 'error');
  assert.deepEqual(errors, [], `no error after the edit:\n${out}`);
  return out;
}

const map = (text: string) => parseOutcomes(text).map!;
const comments = (text: string) => text.split('\n').filter(l => l.includes('#') && !l.includes('"!')).map(l => l.slice(l.indexOf('#')));

describe('outcomes editor: every edit of the form is a byte-exact text edit', () => {
  const before = map(FILE);

  it('changes a title, keeping its single quotes and its comment', () => {
    const out = apply(FILE, { kind: 'setField', outcome: 0, field: 'title', value: "Raise checkout conversion to 5% (it's time)" });
    assert.deepEqual(changed(FILE, out), { at: FILE.indexOf("4%'"), removed: '4%', inserted: "5% (it''s time)" });
    assert.equal(out, FILE.replace("'Raise checkout conversion to 4%'", "'Raise checkout conversion to 5% (it''s time)'"));
    assert.equal(map(out).outcomes[0].title, "Raise checkout conversion to 5% (it's time)");
    assert.deepEqual({ ...map(out).outcomes[0], title: '', range: 0, idRange: 0, areasRange: 0, areas: 0 }, { ...before.outcomes[0], title: '', range: 0, idRange: 0, areasRange: 0, areas: 0 });
  });

  it('changes an owner in double quotes, a budget in place, and writes a value plain only when it reads back the same', () => {
    let out = apply(FILE, { kind: 'setField', outcome: 0, field: 'owner', value: '@checkout' });
    assert.equal(out, FILE.replace('"@payments"', '"@checkout"'));
    out = apply(FILE, { kind: 'setField', outcome: 1, field: 'budget', value: '20%' });
    assert.deepEqual(changed(FILE, out), { at: FILE.indexOf('50%'), removed: '5', inserted: '2' });
    assert.equal(map(out).outcomes[1].budget, 0.2);
    // a title that YAML would read as a number or a boolean is quoted
    out = apply(FILE, { kind: 'setField', outcome: 1, field: 'title', value: 'true' });
    assert.equal(out, FILE.replace('title: Cut search p95 to 200 ms', 'title: "true"'));
    assert.equal(map(out).outcomes[1].title, 'true');
  });

  it('adds a missing field after the keys that come before it, at the keys\' indentation', () => {
    const out = apply(FILE, { kind: 'setField', outcome: 1, field: 'owner', value: '@search' });
    assert.equal(out, FILE.replace('    budget: 50%', '    owner: "@search"\n    budget: 50%'));
    assert.equal(map(out).outcomes[1].owner, '@search');
    const desc = apply(FILE, { kind: 'setField', outcome: 2, field: 'description', value: 'Measured by scroll depth' });
    assert.equal(desc, FILE.replace('    title: Docs people finish reading\n', '    title: Docs people finish reading\n    description: Measured by scroll depth\n'));
  });

  it('removes a field with its line only', () => {
    const out = apply(FILE, { kind: 'setField', outcome: 0, field: 'status', value: '' });
    assert.equal(out, FILE.replace('    status: active\n', ''));
    assert.equal(map(out).outcomes[0].status, 'active');
  });

  it('sets the period as a plain value (the kr branch validates it)', () => {
    const out = apply(FILE, { kind: 'setField', outcome: 1, field: 'period', value: '2026-Q4' });
    assert.equal(out, FILE.replace('    budget: 50%\n', '    budget: 50%\n    period: 2026-Q4\n'));
  });

  it('changes a key result\'s cell, keeping its comment; adds and removes key results', () => {
    let out = apply(FILE, { kind: 'setMetric', outcome: 0, metric: 0, field: 'target', value: '4.5%' });
    assert.equal(out, FILE.replace('target: 4%      # the board', 'target: 4.5%      # the board'));
    assert.equal(map(out).outcomes[0].metrics[0].target, '4.5%');
    out = apply(FILE, { kind: 'addMetric', outcome: 0, name: 'Refund rate' });
    assert.equal(out, FILE.replace('        current: 3.4%\n', '        current: 3.4%\n      - name: Refund rate\n'));
    assert.deepEqual(map(out).outcomes[0].metrics.map(m => m.name), ['Checkout conversion', 'Refund rate']);
    out = apply(out, { kind: 'setMetric', outcome: 0, metric: 1, field: 'baseline', value: '2%' });
    assert.ok(out.includes('      - name: Refund rate\n        baseline: 2%\n'), out);
    // a new `metrics:` where there was none, after the budget
    out = apply(FILE, { kind: 'addMetric', outcome: 1, name: 'Search p95' });
    assert.equal(out, FILE.replace('    budget: 50%\n', '    budget: 50%\n    metrics:\n      - name: Search p95\n'));
    // the last key result goes with its `metrics:`
    out = apply(FILE, { kind: 'removeMetric', outcome: 0, metric: 0 });
    assert.equal(out, FILE.replace(/ {4}metrics:\n(.*\n){4}/, ''));
    assert.deepEqual(map(out).outcomes[0].metrics, []);
  });

  it('edits a source as the YAML it is, and refuses one that is not YAML', () => {
    const out = apply(FILE, { kind: 'setMetric', outcome: 0, metric: 0, field: 'source', value: '{ file: data/conversion.csv, column: rate }' });
    assert.equal(out, FILE.replace('        current: 3.4%\n', '        current: 3.4%\n        source: { file: data/conversion.csv, column: rate }\n'));
    assert.match((planFormEdit(FILE, { kind: 'setMetric', outcome: 0, metric: 0, field: 'source', value: '{ file: [' }) as { error: string }).error, /YAML value/);
  });

  it('adds, changes and removes areas and tickets, quoting what YAML would misread', () => {
    let out = apply(FILE, { kind: 'addItem', outcome: 1, list: 'areas', value: '*.search.ts' });
    assert.deepEqual(changed(FILE, out), { at: FILE.indexOf('\n  - id: docs'), removed: '', inserted: '      - "*.search.ts"\n' });
    assert.deepEqual(map(out).outcomes[1].areas.map(a => a.pattern), ['services/search/', '*.search.ts']);
    out = apply(FILE, { kind: 'addItem', outcome: 2, list: 'areas', value: 'guides/' });
    assert.equal(out, FILE.replace('areas: [docs/]', 'areas: [docs/, guides/]'));
    out = apply(FILE, { kind: 'addItem', outcome: 0, list: 'tickets', value: 'CHK-' });
    assert.equal(out, FILE.replace('tickets: [PAY-]', 'tickets: [PAY-, CHK-]'));
    out = apply(FILE, { kind: 'addItem', outcome: 1, list: 'tickets', value: 'SRCH-' });
    assert.equal(out, FILE.replace('      - services/search/\n', '      - services/search/\n    tickets:\n      - SRCH-\n'));
    out = apply(FILE, { kind: 'setItem', outcome: 0, list: 'areas', index: 0, value: 'services/cart/' });
    assert.equal(out, FILE.replace('      - services/checkout/\n', '      - services/cart/\n'));
    out = apply(FILE, { kind: 'removeItem', outcome: 0, list: 'areas', index: 1 });
    assert.equal(out, FILE.replace('      - "!services/checkout/legacy/**"\n', ''));
    out = apply(FILE, { kind: 'removeItem', outcome: 0, list: 'tickets', index: 0 });
    assert.equal(out, FILE.replace('tickets: [PAY-]', 'tickets: []'));
  });

  it('adds an outcome at the end, set apart like the others', () => {
    const out = apply(FILE, { kind: 'addOutcome', id: 'onboarding', title: 'Onboard in a day' });
    assert.equal(out, `${FILE}\n  - id: onboarding\n    title: Onboard in a day\n`);
    assert.deepEqual(map(out).outcomes.map(o => o.id), ['checkout-conversion', 'search-latency', 'docs', 'onboarding']);
    const empty = '# none yet\nversion: 1\noutcomes: []   # to do\n';
    assert.equal(apply(empty, { kind: 'addOutcome', id: 'a', title: 'A' }), '# none yet\nversion: 1\noutcomes:\n  - id: a\n    title: A   # to do\n');
  });

  it('removes an outcome with its own comment and one blank line', () => {
    const out = apply(FILE, { kind: 'removeOutcome', outcome: 1 });
    assert.equal(out, FILE.replace('  # Search\n  - id: search-latency\n    title: Cut search p95 to 200 ms\n    budget: 50%\n    areas:\n      - services/search/\n\n', ''));
    assert.deepEqual(map(out).outcomes.map(o => o.id), ['checkout-conversion', 'docs']);
  });

  it('moves an outcome down and up again, each with its comment; the blank lines stay where they were', () => {
    const down = apply(FILE, { kind: 'moveOutcome', outcome: 0, by: 1 });
    assert.deepEqual(map(down).outcomes.map(o => o.id), ['search-latency', 'checkout-conversion', 'docs']);
    assert.ok(down.includes('outcomes:\n  # Search\n  - id: search-latency'), down);
    assert.ok(down.includes('      - services/search/\n\n  # Payments:'), down);
    assert.deepEqual(comments(down).sort(), comments(FILE).sort());
    assert.equal(apply(down, { kind: 'moveOutcome', outcome: 1, by: -1 }), FILE);
    assert.match((planFormEdit(FILE, { kind: 'moveOutcome', outcome: 2, by: 1 }) as { error: string }).error, /already/);
  });

  it('fills a key written with no value, and edits a flow-mapping outcome inside its braces', () => {
    const empty = FILE.replace('    title: Docs people finish reading\n', '    title: Docs people finish reading\n    description:   # to write\n');
    assert.equal(apply(empty, { kind: 'setField', outcome: 2, field: 'description', value: 'Read to the end' }),
      empty.replace('    description:   # to write', '    description: Read to the end   # to write'));
    const flow = '# flow\nversion: 1\noutcomes:\n  - {id: a, title: A, areas: [src/]}\n';
    assert.equal(apply(flow, { kind: 'setField', outcome: 0, field: 'title', value: 'Alpha' }), flow.replace('title: A,', 'title: Alpha,'));
    assert.equal(apply(flow, { kind: 'setField', outcome: 0, field: 'owner', value: 'me' }), flow.replace('areas: [src/]}', 'areas: [src/], owner: me}'));
  });

  it('a CRLF file stays CRLF', () => {
    const crlf = FILE.replace(/\n/g, '\r\n');
    const out = apply(crlf, { kind: 'setField', outcome: 1, field: 'owner', value: '@search' });
    assert.equal(out, crlf.replace('    budget: 50%\r\n', '    owner: "@search"\r\n    budget: 50%\r\n'));
  });

  it('refuses what it cannot do, with a reason, rather than writing', () => {
    assert.ok('error' in planFormEdit(FILE, { kind: 'setField', outcome: 7, field: 'title', value: 'x' }));
    assert.ok('error' in planFormEdit(FILE, { kind: 'setField', outcome: 0, field: 'title', value: '  ' }));
    assert.ok('error' in planFormEdit('version: 1\noutcomes: [\n', { kind: 'addOutcome', id: 'a', title: 'A' }));
  });
});

describe('outcomes editor: what the form shows', () => {
  it('reads the fields as written, the budgets\' total, and places each problem at its field', () => {
    const typo = FILE.replace('status: active', 'status: actvie').replace('budget: 50%', 'budget: 80%');
    const m = readOutcomesForm(typo, 3);
    assert.equal(m.version, 3);
    assert.deepEqual(m.outcomes.map(o => o.fields.id), ['checkout-conversion', 'search-latency', 'docs']);
    assert.equal(m.outcomes[0].fields.title, 'Raise checkout conversion to 4%');
    assert.deepEqual(m.outcomes[0].metrics[0], { name: 'Checkout conversion', baseline: '3.1%', target: '4%', current: '3.4%', source: '' });
    assert.deepEqual(m.outcomes[0].areas, ['services/checkout/', '!services/checkout/legacy/**']);
    assert.deepEqual(m.outcomes[2].areas, ['docs/']);
    assert.equal(m.totalBudget, 110);
    const at = (path: string) => m.problems.filter(p => p.path === path).map(p => p.message);
    assert.match(at('o.0.status').join(), /unknown status "actvie"/);
    assert.match(at('o.1.budget').join(), /add up to 110%/);
  });

  it('says why it cannot show a file that is not YAML, with the problems', () => {
    const m = readOutcomesForm('version: 1\noutcomes: [\n', 1);
    assert.ok(m.unreadable);
    assert.ok(m.problems.length > 0 && m.problems.every(p => p.path === 'file' || p.path), JSON.stringify(m.problems));
  });

  it('takes from the webview only the messages the form sends', () => {
    assert.deepEqual(fromOutcomesForm({ type: 'edit', edit: { kind: 'moveOutcome', outcome: 1, by: -1 } }), { type: 'edit', edit: { kind: 'moveOutcome', outcome: 1, by: -1 } });
    assert.equal(fromOutcomesForm({ type: 'edit', edit: { kind: 'moveOutcome', outcome: 1, by: 5 } }), undefined);
    assert.equal(fromOutcomesForm({ type: 'edit', edit: { kind: 'setField', outcome: 0, field: '__proto__', value: 'x' } }), undefined);
    assert.equal(fromOutcomesForm({ type: 'run', command: 'rm' }), undefined);
    assert.equal(fromOutcomesForm(null), undefined);
  });
});
