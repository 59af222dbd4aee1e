import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { cli } from './helpers/cli';
import { TempRepo } from './helpers/repo';
import { Diagnostic, PARSE_CODES, PATTERN_CODES } from '../../src/core/outcomes/model';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { patternDiagnostics } from '../../src/core/outcomes/patternCheck';
import { MAX_RESULTS, renderSarif, RULES } from '../../src/core/report/sarif';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * The SARIF 2.1.0 schema twice, as published by the OASIS SARIF TC (github.com/oasis-tcs/sarif-spec): the OASIS
 * Standard with its approved errata (errata01, draft-04), and the draft-07 copy that SchemaStore serves at the
 * `$schema` address the output names. No npm package ships either as a file (see the fixtures' README).
 */
let compiled: { name: string; validate: ValidateFunction }[] | undefined;
function validators() {
  if (compiled) return compiled;
  // the schema's `language` pattern has a stray `]`, an error only under the `u` flag: read as the schema's authors wrote it
  const options = { allErrors: true, strict: false, unicodeRegExp: false };
  const oasis = new AjvDraft04(options);
  addFormats(oasis);
  const draft07 = new Ajv(options);
  addFormats(draft07);
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
  return compiled = [
    { name: 'errata01 (draft-04)', validate: oasis.compile(read('sarif-schema-2.1.0.json')) },
    { name: 'draft-07', validate: draft07.compile(read('sarif-schema-2.1.0.draft-07.json')) },
  ];
}

function assertValid(sarif: unknown) {
  for (const { name, validate } of validators()) {
    assert.ok(validate(sarif), `not valid against the SARIF 2.1.0 schema ${name}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
  }
}

interface SarifResult { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { region?: { startLine: number; startColumn: number; endColumn: number } } }[] }
interface SarifRule { id: string; help: { text: string; markdown: string }; helpUri?: string; fullDescription: { text: string } }

describe('check --format sarif as code scanning reads it', () => {
  const repos: TempRepo[] = [];
  after(() => repos.forEach(r => r.rm()));

  it('a file of 150 problems gives 150 results (and the invalid link), valid against the official SARIF 2.1.0 schema, columns in UTF-16 code units', () => {
    const repo = new TempRepo();
    repos.push(repo);
    // each outcome on one line: an emoji (two UTF-16 code units, one code point) before the unknown key
    const lines = Array.from({ length: 150 }, (_, i) => `  - { id: o${i}, title: "\u{1F600} ${i}", tickets: [P${i}-], colour: blue }`);
    repo.write('outcomes.yaml', `version: 1\noutcomes:\n${lines.join('\n')}\n`).write('src/a.ts').commit('init\n');
    repo.write('src/b.ts').commit('Work\n\nOutcome: nope\n');
    const r = cli(['check', '--format', 'sarif', '--repo', repo.dir]);
    assert.equal(r.code, 1, 'an unsettled invalid link fails the gate; the SARIF is written all the same');
    const sarif = JSON.parse(r.stdout);
    assertValid(sarif);
    const run = sarif.runs[0];
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const results: SarifResult[] = run.results;
    assert.equal(results.length, 151, 'every problem reaches code scanning, and the commit with the invalid link');
    assert.equal(results.filter(x => x.ruleId === 'unknown-key').length, 150);
    assert.equal(run.invocations, undefined, 'nothing left out, nothing to notify');
    const first = results.find(x => x.ruleId === 'unknown-key')!;
    const region = first.locations[0].physicalLocation.region!;
    assert.equal(region.startLine, 3);
    assert.equal(region.startColumn, lines[0].indexOf('colour') + 1, 'the column counts UTF-16 code units');
    assert.equal(region.startColumn, [...lines[0].slice(0, lines[0].indexOf('colour'))].length + 2, 'one more than code points: the emoji is two units');
    assert.equal(region.endColumn - region.startColumn, 'colour'.length);
    const json = JSON.parse(cli(['check', '--format', 'json', '--repo', repo.dir]).stdout);
    assert.equal(results.filter(x => x.level === 'warning').length, json.warnings, 'as many as check counts');
    assert.equal(results.filter(x => x.level === 'error').length, json.errors + json.invalidLinks.length, 'an unsettled invalid link fails check, as an error does');
    assert.equal(json.diagnostics.length, 150, '--format json lists every problem, as the text output says it does');
    assert.ok(!json.diagnostics.some((d: { code?: string }) => d.code === 'too-many-problems'));
  });

  it('a file of 150 errors and warnings: a result for each, errors and warnings as check counts them, exit 1', () => {
    const repo = new TempRepo();
    repos.push(repo);
    const lines = Array.from({ length: 75 }, (_, i) => `  - { id: Bad${i}, title: B, tickets: [P-], colour: red }`);
    repo.write('outcomes.yaml', `version: 1\noutcomes:\n${lines.join('\n')}\n`).commit('init\n');
    const r = cli(['check', '--format', 'sarif', '--repo', repo.dir]);
    assert.equal(r.code, 1, r.stderr);
    const sarif = JSON.parse(r.stdout);
    assertValid(sarif);
    const results: SarifResult[] = sarif.runs[0].results;
    const json = JSON.parse(cli(['check', '--format', 'json', '--repo', repo.dir]).stdout);
    assert.deepEqual([json.errors, json.warnings], [75, 75]);
    assert.equal(results.length, 150);
    assert.deepEqual([results.filter(x => x.level === 'error').length, results.filter(x => x.level === 'warning').length], [75, 75]);
    assert.ok(!results.some(x => x.ruleId === 'too-many-problems'), 'no note stands for problems: they are all there');
    assert.deepEqual(results.map(x => x.locations[0].physicalLocation.region!.startLine), [...results.map(x => x.locations[0].physicalLocation.region!.startLine)].sort((a, b) => a - b), 'in file order');
  });

  it('no invented URL: the help is in the SARIF itself, each rule with its text and Markdown', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    area: [src/]\n    budget: 0.3\n').write('src/a.ts').commit('init\n');
    const r = cli(['check', '--format', 'sarif', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /example\.invalid|informationUri|helpUri/);
    const sarif = JSON.parse(r.stdout);
    assertValid(sarif);
    const rules: SarifRule[] = sarif.runs[0].tool.driver.rules;
    assert.deepEqual(rules.map(x => x.id), ['budget-looks-like-fraction', 'no-areas-or-tickets', 'unknown-key']);
    for (const rule of rules) {
      assert.ok(rule.help.markdown.length > 60 && rule.help.text.length > 60, rule.id);
      assert.doesNotMatch(rule.help.text, /`/, 'plain text has no Markdown marks');
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.repository, undefined, 'package.json names no repository that does not exist');
    assert.match(manifest.scripts.package, /--allow-missing-repository/, 'and vsce packages it without asking');
  });

  it('the schemas are not vacuous: they refuse a column kind, a level and a property SARIF 2.1.0 does not have', () => {
    const good = JSON.parse(renderSarif({ file: 'outcomes.yaml', diagnostics: [{ severity: 'error', message: 'm', line: 1, column: 1, endLine: 1, endColumn: 2, code: 'bad-id' }], invalidLinks: [] }));
    assertValid(good);
    const bad = [
      { ...good, runs: [{ ...good.runs[0], columnKind: 'bytes' }] },
      { ...good, runs: [{ ...good.runs[0], results: [{ ...good.runs[0].results[0], level: 'fatal' }] }] },
      { ...good, runs: [{ ...good.runs[0], helpUrl: 'x' }] },
    ];
    for (const sarif of bad) for (const { name, validate } of validators()) assert.equal(validate(sarif), false, `${name}: ${JSON.stringify(sarif.runs[0]).slice(0, 80)}`);
  });

  it('more problems than code scanning takes: errors first, and the rest said in a notification of the run', () => {
    const at = (i: number, severity: Diagnostic['severity']): Diagnostic => ({ severity, message: `m${i}`, line: i + 1, column: 1, endLine: i + 1, endColumn: 2, code: severity === 'error' ? 'bad-id' : 'unknown-key' });
    const diagnostics = [...Array.from({ length: MAX_RESULTS + 5 }, (_, i) => at(i, 'warning')), at(MAX_RESULTS + 5, 'error'), at(MAX_RESULTS + 6, 'error')];
    const sarif = JSON.parse(renderSarif({ file: 'outcomes.yaml', diagnostics, invalidLinks: [{ sha: 'a'.repeat(40), ids: ['x'] }], unlisted: 3 }));
    assertValid(sarif);
    const run = sarif.runs[0];
    assert.equal(run.results.length, MAX_RESULTS);
    assert.equal(run.results.filter((x: SarifResult) => x.level === 'error').length, 2, 'the errors are in');
    const [notice] = run.invocations[0].toolExecutionNotifications;
    assert.equal(notice.level, 'warning');
    assert.match(notice.message.text, /^11 more problem\(s\) not included: code scanning takes at most 25000 results/, '7 warnings, the link and the 3 the parser did not keep');
  });
});

describe('SARIF rules: every diagnostic code has its own', () => {
  /** The codes the source emits, read from it: a code added there without a rule fails here (and in tsc for parse.ts). */
  function emittedCodes(file: string): Set<string> {
    const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const codes = new Set<string>();
    // on a line that makes a diagnostic (`this.error(r, msg, 'bad-id')`, `warn(…)`, `at(…)`, `code: …`): the code is the
    // call's last argument, or any literal of words joined by `-` (messages are written with spaces)
    for (const line of src.split('\n').filter(l => /\b(?:error|warn|at)\(|\bcode: /.test(l))) {
      for (const m of line.matchAll(/, '([a-z0-9]+(?:-[a-z0-9]+)*)'\)|'([a-z0-9]+(?:-[a-z0-9]+)+)'|code: '([a-z0-9]+)'/g)) codes.add(m[1] ?? m[2] ?? m[3]);
    }
    return codes;
  }

  it('each code the parser and the pattern checks can emit has a rule with help, and each rule a code', () => {
    const parser = emittedCodes('src/core/outcomes/parse.ts');
    const patterns = emittedCodes('src/core/outcomes/patternCheck.ts');
    const editor = emittedCodes('src/vscode/repoIndex.ts');
    assert.ok(parser.size >= 35 && patterns.size === 6 && editor.has('unreadable'), `read from the source: ${[...parser]} / ${[...patterns]} / ${[...editor]}`);
    assert.deepEqual([...parser].filter(c => !(PARSE_CODES as readonly string[]).includes(c)), [], 'PARSE_CODES lists every code parse.ts emits');
    assert.deepEqual([...patterns].sort(), [...PATTERN_CODES].sort());
    const rules = Object.keys(RULES);
    for (const code of [...parser, ...patterns, ...editor, ...PARSE_CODES, ...PATTERN_CODES]) {
      assert.ok(rules.includes(code), `no SARIF rule for ${code}`);
      const rule = RULES[code as keyof typeof RULES];
      assert.ok(rule.text && rule.help.length > 60, `${code}: what it is and how to fix it`);
    }
    assert.deepEqual(rules.filter(id => ![...PARSE_CODES, ...PATTERN_CODES, 'invalid-link'].includes(id)), [], 'no rule for a code nothing emits');
    assert.ok(!rules.includes('other'), 'no generic rule');
  });

  const base = 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n';
  const cases: [string, string][] = [
    ['too-deep', `version: 1\noutcomes: []\nx: ${'['.repeat(150)}${']'.repeat(150)}\n`],
    ['bad-budget', `${base}    budget: lots\n`],
    ['budget-out-of-range', `${base}    budget: 150%\n`],
    ['budget-looks-like-fraction', `${base}    budget: 0.3\n`],
    ['budgets-over-100', `${base}    budget: 60%\n  - id: b\n    title: B\n    areas: [lib/]\n    budget: 60%\n`],
    ['bad-merge', `${base}    <<: 5\n`],
    ['unknown-alias', `${base}    owner: *nobody\n`],
    ['forbidden-character', `${base}    owner: "a\x01b"\n`],
  ];
  for (const [code, text] of cases) {
    it(`${code}: its own rule, not a generic one`, () => {
      const diagnostics = parseOutcomes(text).diagnostics;
      assert.ok(diagnostics.some(d => d.code === code), JSON.stringify(diagnostics));
      const sarif = JSON.parse(renderSarif({ file: 'outcomes.yaml', diagnostics, invalidLinks: [] }));
      assertValid(sarif);
      const result = sarif.runs[0].results.find((x: SarifResult) => x.ruleId === code);
      assert.ok(result, JSON.stringify(sarif.runs[0].results.map((x: SarifResult) => x.ruleId)));
      const rule: SarifRule = sarif.runs[0].tool.driver.rules[result.ruleIndex];
      assert.equal(rule.id, code);
      assert.equal(rule.help.markdown, RULES[code as keyof typeof RULES].help);
    });
  }

  it('patterns-not-checked: its own rule, not a generic one', async () => {
    const text = `version: 1\nignore:\n${Array.from({ length: 202 }, (_, i) => `  - "!n${i}"`).join('\n')}\noutcomes: []\n`;
    const parsed = parseOutcomes(text);
    assert.ok(parsed.map, JSON.stringify(parsed.diagnostics.slice(0, 3)));
    const diagnostics = await patternDiagnostics(parsed.map, ['src/a.ts']);
    const sarif = JSON.parse(renderSarif({ file: 'outcomes.yaml', diagnostics, invalidLinks: [] }));
    assertValid(sarif);
    const ids = sarif.runs[0].tool.driver.rules.map((x: SarifRule) => x.id);
    assert.ok(ids.includes('patterns-not-checked'), ids.join(', '));
  });
});
