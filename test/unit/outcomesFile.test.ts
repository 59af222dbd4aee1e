import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { MAX_DEPTH, parseOutcomes } from '../../src/core/outcomes/parse';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const GOOD_OUTCOME = '  - id: a\n    title: A\n    areas: [src/]\n';

/** [name, file content, line, column (or undefined when only the line is certain), message fragment] */
const BROKEN: [string, string | Buffer, number, number | undefined, string][] = [
  ['not YAML: unclosed flow sequence', 'version: 1\noutcomes: [\n', 3, undefined, ''],
  ['not a mapping: a list', '- a\n- b\n', 1, 1, 'must be a mapping'],
  ['not a mapping: a scalar', 'hello world\n', 1, 1, 'must be a mapping'],
  ['missing version', 'outcomes: []\n', 1, 1, 'version'],
  ['wrong version', 'version: 2\noutcomes: []\n', 1, 10, 'version must be the integer 1'],
  ['version as a string', 'version: "1"\noutcomes: []\n', 1, 10, 'version must be the integer 1'],
  ['missing outcomes', 'version: 1\ntrailer: Outcome\n', 1, 1, 'missing `outcomes:`'],
  ['outcomes not a list', 'version: 1\noutcomes: foo\n', 2, 11, 'outcomes must be a list'],
  ['outcome not a mapping', 'version: 1\noutcomes:\n  - just-a-string\n', 3, 5, 'must be a mapping'],
  ['missing id', 'version: 1\noutcomes:\n  - title: T\n    areas: [src/]\n', 3, 5, 'no `id`'],
  ['missing title', 'version: 1\noutcomes:\n  - id: t\n    areas: [src/]\n', 3, 5, 'no `title`'],
  ['duplicate id points at the second', `version: 1\noutcomes:\n${GOOD_OUTCOME}${GOOD_OUTCOME}`, 6, 9, 'duplicate id'],
  ['malformed id (upper case)', 'version: 1\noutcomes:\n  - id: Checkout\n    title: T\n    areas: [src/]\n', 3, 9, 'may contain only'],
  ['malformed id (space)', 'version: 1\noutcomes:\n  - id: "a b"\n    title: T\n    areas: [src/]\n', 3, 9, 'may contain only'],
  ['id as a number', 'version: 1\noutcomes:\n  - id: 42\n    title: T\n    areas: [src/]\n', 3, 9, 'quote it'],
  ['duplicate top-level key points at the second', 'version: 1\nversion: 1\noutcomes: []\n', 2, 1, 'duplicate key'],
  ['duplicate key inside an outcome', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    title: B\n    areas: [src/]\n', 5, 5, 'duplicate key'],
  ['link not http(s)', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    link: javascript:alert(1)\n    areas: [src/]\n', 5, 11, 'http'],
  ['link not a URL', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    link: okr/42\n    areas: [src/]\n', 5, 11, 'http'],
  ['unknown status', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    status: done\n    areas: [src/]\n', 5, 13, 'unknown status'],
  ['empty pattern', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas:\n      - src/\n      - ""\n', 7, 9, 'empty pattern'],
  ['empty ticket prefix', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: ["PAY-", " "]\n', 5, 23, 'empty ticket prefix'],
  ['trailer key with a space', 'version: 1\ntrailer: "Out come"\noutcomes: []\n', 2, 10, 'trailer must be'],
  ['title of the wrong type', 'version: 1\noutcomes:\n  - id: a\n    title: [x, y]\n    areas: [src/]\n', 4, 12, 'title must be a string'],
  ['areas not a list', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: src/\n', 5, 12, 'areas must be a list'],
  ['metrics not a list', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics: 4%\n', 6, 14, 'metrics must be a list'],
  ['key result without a name', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics:\n      - target: 4%\n', 7, 9, 'no `name`'],
  ['ignore entry is a mapping', 'version: 1\nignore:\n  - vendor/\n  - {a: b}\noutcomes: []\n', 4, 5, 'must be a string'],
  ['owner is a mapping', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    owner: {team: x}\n    areas: [src/]\n', 5, 12, 'owner must be a string'],
  ['tab indentation', 'version: 1\noutcomes:\n\t- id: a\n', 3, undefined, ''],
  ['bad indentation in a list', 'version: 1\noutcomes:\n  - id: a\n   title: A\n', 4, undefined, ''],
  ['alias bomb', 'version: 1\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\noutcomes:\n  - id: x\n    title: X\n    areas: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n', 9, 13, 'must be a string'],
  ['deeply nested', 'version: 1\noutcomes: ' + '['.repeat(20000) + '\n', 2, 11, 'nested too deeply'],
  ['5,000 nested flow sequences, closed', 'version: 1\noutcomes: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['5,000 nested flow mappings', 'version: 1\noutcomes: ' + '{a: '.repeat(5000) + '1' + '}'.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['5,000 nested flow mappings, unclosed', 'version: 1\noutcomes: ' + '{a: '.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['5,000 nested block sequences on one line', 'version: 1\nx:\n  ' + '- '.repeat(5000) + '1\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['1,200 nested block mappings (as deep as 1 MB allows)', 'version: 1\nx:\n' + Array.from({ length: 1200 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') + '\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['5,000 nested explicit keys', 'version: 1\nx:\n  ' + '? '.repeat(5000) + '1\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['deep nesting inside an outcome starts at its first bracket', 'version: 1\noutcomes:\n  - id: a\n    title: ' + '['.repeat(5000) + '\n', 4, 12, 'nested too deeply'],
  ['a whole file of brackets', '['.repeat(5000), 1, 1, 'nested too deeply'],
  ['not UTF-8', Buffer.concat([Buffer.from('version: 1\noutcomes:\n  - id: a\n    title: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 4, 15, 'UTF-8'],
  ['empty file', '', 1, 1, 'empty'],
  ['only comments', '# nothing yet\n', 1, 1, 'empty'],
  ['too big', 'version: 1\noutcomes: []\n' + '#'.repeat(1100 * 1024) + '\n', 1, 1, 'at most'],
  ['a second YAML document', 'version: 1\noutcomes: []\n---\nversion: 1\n', 3, undefined, ''],
];

describe('outcome-lens check on broken files', function () {
  let repo: TempRepo;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = new TempRepo();
    repo.write('src/a.ts').commit('init\n');
  });
  after(() => repo.rm());

  it(`has at least 25 broken files (${BROKEN.length})`, () => assert.ok(BROKEN.length >= 25));

  for (const [name, content, line, column, fragment] of BROKEN) {
    it(`${name}: exit 1, error at line ${line}, no stack trace`, () => {
      fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), content);
      const r = spawnSync('node', [CLI, 'check', '--repo', repo.dir], { encoding: 'utf8', timeout: 20000 });
      assert.equal(r.status, 1, `exit code (stderr: ${r.stderr})`);
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .+\(.*:\d+:\d+\)/, 'no stack trace');
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
  const VALID: [string, string | Buffer, RegExp?][] = [
    ['BOM', '\ufeffversion: 1\noutcomes:\n' + GOOD_OUTCOME],
    ['CRLF line ends', ('version: 1\noutcomes:\n' + GOOD_OUTCOME).replace(/\n/g, '\r\n')],
    ['unknown keys warn', 'version: 1\nfuture: yes\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    colour: blue\n', /outcomes\.yaml:2:1: warning: unknown key "future"[\s\S]*outcomes\.yaml:7:5: warning: unknown key "colour"/],
    ['empty list', 'version: 1\noutcomes: []\n'],
    ['outcomes with nothing yet', 'version: 1\noutcomes:\n'],
    ['anchors and aliases reused', 'version: 1\nignore: &ig [vendor/]\noutcomes:\n  - id: a\n    title: A\n    areas: *ig\n'],
    ['numbers in metrics keep their text', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics:\n      - {name: p95, baseline: 3.10, target: 250ms}\n'],
    ['pattern that matches nothing warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/, nothing-here/]\n', /outcomes\.yaml:5:19: warning: "nothing-here\/" in the areas of "a" matches no tracked file/],
    ['shadowed pattern warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas:\n      - src/\n      - src/a.ts\n', /outcomes\.yaml:7:9: warning: "src\/a.ts" .* is shadowed/],
    ['outcome without areas or tickets warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n', /outcomes\.yaml:3:9: warning: outcome "a" has neither/],
  ];
  for (const [name, content, stderrRe] of VALID) {
    it(`${name}: exit 0`, () => {
      fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), content);
      const r = spawnSync('node', [CLI, 'check', '--repo', repo.dir], { encoding: 'utf8', timeout: 20000 });
      assert.equal(r.status, 0, r.stderr);
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
  it('defaults: trailer Outcome, status active', () => {
    const r = parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n');
    assert.equal(r.map!.trailer, 'Outcome');
    assert.equal(r.map!.outcomes[0].status, 'active');
  });
});
