import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli, CliResult } from './helpers/cli';
import { COMMANDS } from '../../src/cli/main';
import { flagOf } from '../../src/cli/options';

// The command line as one table per command declares it: the help made from the tables, one rule for --json, one
// way to refuse a value, one writer for --out. Run as a process, as a user or a CI step meets it.

const YAML = `version: 1
outcomes:
  - id: checkout
    title: Raise checkout conversion
    areas: [src/checkout/]
`;

/** A usage error: exit 2, nothing on stdout, exactly `line` on stderr. */
function assertUsage(r: CliResult, line: string | RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit 2, not ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '', what);
  assert.equal(r.stderr.split('\n').length, 2, `${what}: one line: ${r.stderr}`);
  if (typeof line === 'string') assert.equal(r.stderr, `${line}\n`, what);
  else assert.match(r.stderr, line, what);
}

/** JSON answers without the time they were made at, which differs from run to run. */
const timeless = (text: string) => JSON.parse(text, (k, v) => (k === 'generatedAt' ? undefined : v));

const window = ['--since', '2024-01-01', '--until', '2024-01-31', '--no-cache'];

describe('the command line, declared once per command', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let tmp: string;
  before(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', YAML).write('src/checkout/cart.ts').commit('Checkout cart\n');
    repo.write('libs/money.ts').write('src/checkout/pay.ts').commit('Money\n');
    repo.write('notes/todo.txt').commit('Unlinked chore\n');
    tmp = fs.mkdtempSync(path.join(repo.dir, '..', 'ol-out-'));
    const made = cli(['report', ...window, '--format', 'json', '--out', path.join(tmp, 'r1.json'), '--repo', repo.dir]);
    assert.equal(made.code, 0, made.stderr);
  });
  after(() => { repo.rm(); fs.rmSync(tmp, { recursive: true, force: true }); });

  it('--help lists every command with its one-line summary; help COMMAND is COMMAND --help', () => {
    const r = cli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^outcome-lens: outcome-linked development/);
    for (const c of COMMANDS) {
      const line = r.stdout.split('\n').find(l => l.startsWith(`  outcome-lens ${c.spec.name} `));
      assert.ok(line, `${c.spec.name} is listed: ${r.stdout}`);
      assert.ok(r.stdout.replace(/\n {3,}/g, ' ').includes(c.spec.summary), `${c.spec.name}: its summary`);
    }
    assert.match(r.stdout, /outcome-lens hook +install\|uninstall/);
    assert.equal(cli(['help', 'report']).stdout, cli(['report', '--help']).stdout);
    assert.equal(cli([]).code, 2, 'no command is a usage error');
  });

  it('--version (and -V) prints the package\'s version and exits 0', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), `outcome-lens ${version}`);
    }
  });

  it('COMMAND --help: the usage and each option of its table, with its values and default', () => {
    for (const c of COMMANDS) {
      const r = cli([c.spec.name, '--help']);
      assert.equal(r.code, 0, `${c.spec.name}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`usage: outcome-lens ${c.spec.name}`), r.stdout);
      const text = r.stdout.replace(/\n {3,}/g, ' ');
      for (const [key, o] of Object.entries(c.spec.options)) {
        const flag = flagOf(key);
        assert.match(text, new RegExp(`^  ${flag}\\b`, 'm'), `${c.spec.name} ${flag}: ${r.stdout}`);
        if (o.values) assert.ok(text.includes(`${flag} ${o.values.join('|')} `), `${c.spec.name} ${flag}: its values`);
        if (o.default !== undefined) assert.ok(text.includes(`Default: ${o.defaultHelp ?? o.default}.`), `${c.spec.name} ${flag}: its default`);
      }
      // --json exactly where --format has json
      assert.equal(/^ {2}--json\b/m.test(r.stdout), !!c.spec.options.format?.values?.includes('json'), `${c.spec.name}: --json`);
    }
    // The keys a --json row has are the ones its help names, in order.
    const json = JSON.parse(cli(['commits', '--json', '--max-count', '1', '--repo', repo.dir]).stdout) as Record<string, unknown>[];
    const named = cli(['commits', '--help']).stdout.replace(/\n {3,}/g, ' ').match(/json: \[\{([^}]*)\}\]/)![1];
    assert.deepEqual(named.split(', ').map(k => JSON.parse(k)), Object.keys(json[0]));
    const report = cli(['report', '--help']).stdout.replace(/\n {3,}/g, ' ');
    assert.match(report, /--format md\|json\|csv\|html .*Default: md\./);
    assert.match(report, /--all +The whole history\. Not with --since\./);
    assert.match(report, /DATE is an ISO-8601 date/);
  });

  it('--json is --format json, byte for byte, for check, files, commits, report, suggest and rollup', () => {
    const r1 = path.join(tmp, 'r1.json');
    const runs: [string, string[]][] = [
      ['check', ['check', '--repo', repo.dir]],
      ['files', ['files', '--repo', repo.dir]],
      ['commits', ['commits', '--repo', repo.dir]],
      ['report', ['report', ...window, '--repo', repo.dir]],
      ['suggest', ['suggest', '--since', '2020-01-01', '--no-cache', '--repo', repo.dir]],
      ['rollup', ['rollup', r1]],
    ];
    for (const [name, args] of runs) {
      const json = cli([...args, '--json']);
      assert.equal(json.code, 0, `${name} --json: ${json.stderr}`);
      const format = cli([...args, '--format', 'json']);
      assert.equal(format.code, 0, `${name} --format json: ${format.stderr}`);
      if (name === 'report' || name === 'rollup') assert.deepEqual(timeless(json.stdout), timeless(format.stdout), name);
      else assert.equal(json.stdout, format.stdout, name);
      assert.ok(json.stdout.endsWith('\n'), name);
      assert.equal(cli([...args, '--json', '--format', 'json']).code, 0, `${name}: --json and --format json agree`);
      const other = name === 'report' || name === 'rollup' ? 'md' : 'text';
      assertUsage(cli([...args, '--json', '--format', other]), `outcome-lens ${name}: --json and --format ${other} ask for two formats; give one`, `${name} --json --format ${other}`);
    }
    // files and suggest gained --format: text is what they always printed.
    assert.equal(cli(['files', '--format', 'text', '--repo', repo.dir]).stdout, cli(['files', '--repo', repo.dir]).stdout);
    assert.match(cli(['files', '--format', 'text', '--repo', repo.dir]).stdout, /^notes\/todo\.txt\t\(unlinked\)$/m);
  });

  it('a command with no JSON output has no --json', () => {
    for (const args of [['init'], ['tag', 'HEAD', '--outcome', 'checkout'], ['hook', 'install']]) {
      assertUsage(cli([...args, '--json', '--repo', repo.dir]), new RegExp(`^outcome-lens ${args[0]}: unknown option --json \\('outcome-lens ${args[0]} --help' lists the options`), args.join(' '));
    }
  });

  it('a value the table does not allow: one line naming the command and what it takes, exit 2', () => {
    const r = ['--repo', repo.dir];
    const cases: [string[], string][] = [
      [['report', '--format', 'x', ...r], 'outcome-lens report: --format must be one of md, json, csv, html, not "x"'],
      [['rollup', 'a.json', '--format', 'csv'], 'outcome-lens rollup: --format must be one of md, json, html, not "csv"'],
      [['commits', '--format', 'xml', ...r], 'outcome-lens commits: --format must be one of text, json, github, not "xml"'],
      [['check', '--format', 'md', ...r], 'outcome-lens check: --format must be one of text, json, sarif, not "md"'],
      [['files', '--format', 'csv', ...r], 'outcome-lens files: --format must be one of text, json, not "csv"'],
      [['report', '--bucket', 'day', ...r], 'outcome-lens report: --bucket must be one of auto, week, month, not "day"'],
      [['report', '--measure', 'files', ...r], 'outcome-lens report: --measure must be one of commits, lines, not "files"'],
      [['init', '--from', 'owners', ...r], 'outcome-lens init: --from must be one of folders, codeowners, not "owners"'],
      [['commits', '--max-count', 'ten', ...r], 'outcome-lens commits: --max-count must be a whole number, not "ten"'],
      [['commits', '--max-count=-1', ...r], 'outcome-lens commits: --max-count must be a whole number, not "-1"'],
      [['suggest', '--min-support', '0', ...r], 'outcome-lens suggest: --min-support must be a whole number, 1 or more, not "0"'],
      [['report', '--all', '--since', '2024-01-01', ...r], 'outcome-lens report: --all and --since ask for two windows; give one'],
      [['report', '--measure', 'lines', '--no-lines', ...r], 'outcome-lens report: --measure lines and --no-lines ask for the line counts and leave them out; give one'],
      [['tag', 'HEAD', ...r], 'outcome-lens tag: needs --outcome ID[,ID...] (or --none)'],
      [['tag', 'HEAD', '--none', '--outcome', 'checkout', ...r], 'outcome-lens tag: --none marks commits that need no outcome, --outcome links them; give one'],
      [['tag', 'HEAD', '--outcome', ',', ...r], 'outcome-lens tag: --outcome "," names no outcome id'],
    ];
    for (const [args, line] of cases) assertUsage(cli(args), line, args.join(' '));
    // The measure and the window that do go together are fine.
    assert.equal(cli(['report', '--measure', 'commits', '--no-lines', '--all', '--repo', repo.dir]).code, 0);
    assert.equal(cli(['commits', '--max-count', '0', '--repo', repo.dir]).stdout, '');
    assertUsage(cli(['commits', '--bogus', '--repo', repo.dir]), /^outcome-lens commits: unknown option --bogus \('outcome-lens commits --help' lists the options\)$/m, '--bogus');
  });

  it('--out FILE: written through one writer; a missing folder or a folder for a file is exit 2 naming the path', () => {
    const out = path.join(tmp, 'report.md');
    const r = cli(['report', ...window, '--out', out, '--no-lines', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wrote ${out}\n`);
    assert.match(fs.readFileSync(out, 'utf8'), /^# Outcome allocation: /);
    const missing = path.join(tmp, 'no', 'such', 'report.json');
    for (const args of [['report', ...window, '--repo', repo.dir], ['rollup', path.join(tmp, 'r1.json')]]) {
      assertUsage(cli([...args, '--out', missing]), `outcome-lens ${args[0]}: --out ${missing}: there is no folder ${path.dirname(missing)} to write it in`, `${args[0]} --out missing`);
      const dir = cli([...args, '--out', tmp]);
      assert.equal(dir.code, 2, dir.stderr);
      assert.match(dir.stderr, new RegExp(`^outcome-lens: cannot write ${tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: EISDIR`), dir.stderr);
      assert.doesNotMatch(dir.stderr, /internal error/);
    }
    assert.ok(!fs.existsSync(path.join(tmp, 'no')), 'nothing made on the way');
  });
});
