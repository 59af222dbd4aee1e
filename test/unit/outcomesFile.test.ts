import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BROKEN, UNUSUAL } from './helpers/outcomesCorpus';
import { TempRepo } from './helpers/repo';
import { MAX_DEPTH, nearestKey, parseOutcomes } from '../../src/core/outcomes/parse';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
/** What no answer of `check` may contain, whatever the file: a stack trace or the name of a JavaScript error. */
const CRASH = /\n\s+at .+:\d+:\d+|RangeError|TypeError|Maximum call stack|Cannot read propert/;
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('outcome-lens check on broken files', function () {
  let repo: TempRepo;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = new TempRepo();
    repo.write('src/a.ts').commit('init\n');
  });
  after(() => repo.rm());

  it(`has at least 60 broken or unusual files (${BROKEN.length} broken, ${UNUSUAL.length} unusual)`, () => assert.ok(BROKEN.length + UNUSUAL.length >= 60));

  for (const [kind, name, content, line, column, fragment] of BROKEN) {
    it(`[${kind}] ${name}: exit 1, error at line ${line}, no stack trace`, () => {
      fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), content);
      const r = spawnSync('node', [CLI, 'check', '--repo', repo.dir], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `exit code (stderr: ${r.stderr})`);
      assert.doesNotMatch(r.stderr + r.stdout, CRASH, 'no stack trace');
      assert.ok(r.stderr.split('\n').length <= 102 && r.stderr.length < 100_000, `bounded output (${r.stderr.length} characters)`);
      assert.doesNotMatch(r.stderr, RAW_CONTROL, 'control characters are escaped');
      const errors = r.stderr.split('\n').filter(l => /^outcomes\.yaml:\d+:\d+: error: /.test(l));
      assert.ok(errors.length >= 1, `an error line: ${r.stderr}`);
      assert.ok(errors.length <= 101, `a bounded number of errors (${errors.length})`);
      const want = column === undefined ? `outcomes.yaml:${line}:` : `outcomes.yaml:${line}:${column}: error: `;
      const hit = errors.find(l => l.startsWith(want));
      assert.ok(hit, `expected an error starting ${want}, got:\n${errors.join('\n')}`);
      if (fragment) assert.ok(hit!.includes(fragment), `message "${hit}" mentions "${fragment}"`);
    });
  }
});

describe('outcome-lens check on valid but unusual files', function () {
  let repo: TempRepo;
  before(() => { repo = new TempRepo(); repo.write('src/a.ts').write('vendor/x.js').commit('init\n'); });
  after(() => repo.rm());
  for (const [kind, name, content, stderrRe] of UNUSUAL) {
    it(`[${kind}] ${name}: exit 0`, () => {
      fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), content);
      const r = spawnSync('node', [CLI, 'check', '--repo', repo.dir], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr + r.stdout, CRASH, 'no stack trace');
      assert.ok(r.stderr.split('\n').length <= 102 && r.stderr.length < 100_000, `bounded output (${r.stderr.length} characters)`);
      assert.doesNotMatch(r.stderr, RAW_CONTROL, 'control characters are escaped');
      assert.doesNotMatch(r.stderr, /error:/);
      if (stderrRe) assert.match(r.stderr, stderrRe);
    });
  }
});

describe('parseOutcomes', () => {
  it('reads the full example of DESIGN.md', () => {
    const text = `# yaml-language-server: $schema=x
version: 1
trailer: Outcome
ignore:
  - vendor/
  - "*.lock"
outcomes:
  - id: checkout-conversion
    title: Raise checkout conversion to 4%
    description: Fewer steps, fewer drop-offs.
    owner: "@payments"
    status: active
    link: https://okr.example.com/objectives/42
    metrics:
      - name: Checkout conversion
        baseline: 3.1%
        target: 4%
        current: 3.4%
    areas:
      - services/checkout/
      - services/payments/**/*.ts
      - "!services/payments/legacy/"
    tickets:
      - PAY-
`;
    const r = parseOutcomes(text);
    assert.deepEqual(r.diagnostics, []);
    const o = r.map!.outcomes[0];
    assert.equal(o.id, 'checkout-conversion');
    assert.equal(o.owner, '@payments');
    assert.deepEqual(o.metrics, [{ name: 'Checkout conversion', baseline: '3.1%', target: '4%', current: '3.4%' }]);
    assert.deepEqual(o.areas.map(a => a.pattern), ['services/checkout/', 'services/payments/**/*.ts', '!services/payments/legacy/']);
    assert.deepEqual(o.areas[1].range, { line: 21, column: 9, endLine: 21, endColumn: 34 });
    assert.deepEqual(o.tickets, ['PAY-']);
    assert.deepEqual(r.map!.ignore.map(p => p.pattern), ['vendor/', '*.lock']);
    assert.equal(o.range.line, 8);
  });
  it('returns no map but keeps every diagnostic when there are errors', () => {
    const r = parseOutcomes('version: 1\noutcomes:\n  - id: A\n    title: x\n  - title: y\n');
    assert.equal(r.map, undefined);
    assert.deepEqual(r.diagnostics.filter(d => d.severity === 'error').map(d => d.line), [3, 5]);
  });
  it(`refuses nesting deeper than ${MAX_DEPTH} levels, where it starts, and reads ${MAX_DEPTH} levels`, () => {
    const nested = (n: number) => `version: 1\noutcomes: []\nx: ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`; // the top mapping is level 1
    assert.deepEqual(parseOutcomes(nested(MAX_DEPTH)).diagnostics.map(d => d.code), ['unknown-key']);
    const deep = parseOutcomes(nested(MAX_DEPTH + 1)).diagnostics;
    assert.deepEqual(deep.map(d => [d.code, d.line, d.column]), [['too-deep', 3, 4]]);
    assert.doesNotMatch(deep[0].message, /stack|RangeError/);
  });
  it('places every diagnostic within the text, also at the end of a line or of the file (counterexamples of properties.test.ts)', () => {
    const cases: [string, [string | undefined, number, number, number, number][]][] = [
      ['{outcomes: src/\n', [['yaml-syntax', 2, 1, 2, 1]]],
      ["'", [['yaml-syntax', 1, 2, 1, 2]]],
      ['version: 1\noutcomes: []\nx:\n  {a: \ny: 1\n', [['yaml-syntax', 4, 7, 4, 7]]],
    ];
    for (const [text, want] of cases) {
      const got = parseOutcomes(text).diagnostics.filter(d => d.severity === 'error').map(d => [d.code, d.line, d.column, d.endLine, d.endColumn]);
      assert.deepEqual(got.slice(0, want.length), want, JSON.stringify(text));
    }
    // a file too large is an empty range at its start, which is there even when its first line is empty
    assert.deepEqual(parseOutcomes('\n'.repeat(2_000_000)).diagnostics.map(d => [d.code, d.line, d.column, d.endLine, d.endColumn]), [['too-large', 1, 1, 1, 1]]);
  });
  it('keeps the text of numbers in key results, and refuses numbers where a string belongs', () => {
    const r = parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n    metrics:\n      - {name: p95, baseline: 3.10, target: 0x1F, current: 1e3}\n');
    assert.deepEqual(r.map!.outcomes[0].metrics, [{ name: 'p95', baseline: '3.10', target: '0x1F', current: '1e3' }]);
    const bad = parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [42]\n');
    assert.equal(bad.map, undefined);
    assert.deepEqual(bad.diagnostics.filter(d => d.severity === 'error').map(d => [d.code, d.line, d.column, d.endColumn]), [['wrong-type', 5, 13, 15]]);
  });
  it('merge keys: the mapping\'s own keys win, then the merged mappings in order', () => {
    const r = parseOutcomes('version: 1\nx: &base {owner: base, status: dropped, tickets: [B-]}\ny: &other {owner: other, link: "https://x.example/"}\noutcomes:\n  - <<: [*base, *other]\n    id: a\n    title: A\n    owner: own\n');
    const o = r.map!.outcomes[0];
    assert.deepEqual([o.owner, o.status, o.tickets, o.link], ['own', 'dropped', ['B-'], 'https://x.example/']);
  });
  it('resolves each of 3,000 aliases to its anchor', () => {
    // One walk of the document resolves them all (the library's Alias.resolve walks it once per alias).
    const text = 'version: 1\nignore: &ig [vendor/]\noutcomes:\n' + Array.from({ length: 3000 }, (_, i) => `  - id: o${i}\n    title: T\n    areas: *ig\n`).join('');
    const r = parseOutcomes(text);
    assert.equal(r.map!.outcomes.length, 3000);
    assert.deepEqual(r.map!.outcomes[2999].areas.map(a => a.pattern), ['vendor/']);
  });
  it('an unknown key at every level gets the known key it most likely means: `area:` for `areas:`', () => {
    const text = 'version: 1\ntrailers: Outcome\nignores: [vendor/]\noutcomes:\n  - id: a\n    title: A\n    area: [src/]\n    Owner: me\n    desc: d\n    colour: blue\n'
      + '    metrics:\n      - {name: p95, targt: 5, Current: 4, value: 3}\nx: 1\n';
    const unknown = parseOutcomes(text).diagnostics.filter(d => d.code === 'unknown-key').sort((a, b) => a.line - b.line).map(d => [d.line, d.severity, d.message]);
    assert.deepEqual(unknown, [
      [2, 'warning', 'unknown key "trailers" in top level (ignored); did you mean `trailer`?'],
      [3, 'warning', 'unknown key "ignores" in top level (ignored); did you mean `ignore`?'],
      [7, 'warning', 'unknown key "area" in an outcome (ignored); did you mean `areas`?'],
      [8, 'warning', 'unknown key "Owner" in an outcome (ignored); did you mean `owner`?'],
      [9, 'warning', 'unknown key "desc" in an outcome (ignored); did you mean `description`?'],
      [10, 'warning', 'unknown key "colour" in an outcome (ignored); known keys: id, title, description, owner, status, link, budget, period, start, due, metrics, areas, tickets'],
      [12, 'warning', 'unknown key "targt" in a key result (ignored); did you mean `target`?'],
      [12, 'warning', 'unknown key "Current" in a key result (ignored); did you mean `current`?'],
      [12, 'warning', 'unknown key "value" in a key result (ignored); known keys: name, baseline, target, current, source'],
      [13, 'warning', 'unknown key "x" in top level (ignored); known keys: version, trailer, ignore, ignoreAuthors, ignoreSubjects, outcomes'],
    ]);
  });
  it('nearestKey: within two edits (a swap is one) and half the name, or a beginning of it; nothing far off', () => {
    const outcome = ['id', 'title', 'description', 'owner', 'status', 'link', 'budget', 'metrics', 'areas', 'tickets'];
    const cases: [string, string | undefined][] = [
      ['area', 'areas'], ['tilte', 'title'], ['titel', 'title'], ['ids', 'id'], ['ID', 'id'], ['statuses', 'status'], ['links', 'link'],
      ['ticket', 'tickets'], ['metric', 'metrics'], ['budgets', 'budget'], ['descr', 'description'], ['onwer', 'owner'],
      ['x', undefined], ['ab', undefined], ['colour', undefined], ['name', undefined], ['goals', undefined], ['a'.repeat(10_000), undefined],
    ];
    for (const [name, want] of cases) assert.equal(nearestKey(name, outcome), want, name.slice(0, 20));
  });
  it('in `check`: the warning says which key was meant', () => {
    const repo = new TempRepo();
    try {
      repo.write('src/a.ts').write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    area:\n      - src/\n').commit('init\n');
      const r = spawnSync('node', [CLI, 'check', '--repo', repo.dir], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stderr.includes('outcomes.yaml:5:5: warning: unknown key "area" in an outcome (ignored); did you mean `areas`?\n'), r.stderr);
    } finally { repo.rm(); }
  });
  it('keeps the problems past the first 100 for SARIF, errors first, and counts them', () => {
    const text = 'version: 1\noutcomes:\n' + Array.from({ length: 75 }, (_, i) => `  - { id: o${i}, title: T, tickets: [P-], colour: c }\n`).join('')
      + Array.from({ length: 75 }, (_, i) => `  - { id: Bad${i}, title: T, tickets: [P-] }\n`).join('');
    const r = parseOutcomes(text);
    assert.equal(r.diagnostics.length, 101);
    assert.equal(r.diagnostics[100].code, 'too-many-problems');
    assert.deepEqual(r.hidden, { errors: 0, warnings: 50 });
    assert.equal(r.rest!.length, 50);
    const all = [...r.diagnostics.slice(0, 100), ...r.rest!];
    assert.deepEqual([all.filter(d => d.severity === 'error').length, all.filter(d => d.code === 'unknown-key').length], [75, 75]);
    assert.equal(new Set(all).size, 150, 'each problem once');
  });
  it('defaults: trailer Outcome, status active', () => {
    const r = parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n');
    assert.equal(r.map!.trailer, 'Outcome');
    assert.equal(r.map!.outcomes[0].status, 'active');
  });
});
