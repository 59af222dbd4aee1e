import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';

// The CI contract of the command line (DESIGN.md, "Command-line contract" and "The commands that follow"), run as
// a process on real repositories: what a workflow step sees.

const YAML = `version: 1
ignore: ["*.lock"]
outcomes:
  - id: checkout
    title: Raise checkout conversion
    areas: [src/checkout/]
    tickets: [PAY-]
  - id: search
    title: Faster search
    areas: [src/search/]
`;

const SHA = /^[0-9a-f]{40}$/;

/**
 * main: one linked commit. feature (from main): an area link, a trailer link, a ticket link, a lock-file-only
 * (ignored) commit. `unlinked` adds one unlinked commit on top of feature.
 */
function fixture(): { repo: TempRepo; base: string; feature: string } {
  const repo = new TempRepo();
  const base = repo.write('outcomes.yaml', YAML).write('src/checkout/cart.ts').commit('Checkout cart\n');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('src/search/index.ts').commit('Search index\n');
  repo.write('docs/search.md').commit('Document search\n\nOutcome: search\n');
  repo.write('docs/pay.md').commit('PAY-12 payment docs\n');
  const feature = repo.write('yarn.lock').commit('Bump lock file\n');
  return { repo, base, feature };
}

describe('the CI contract, run as a process', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = () => { const f = fixture(); repos.push(f.repo); return f; };

  it('commits --json: the documented shape, newest first, every way of linking and each status', () => {
    const { repo } = make();
    const r = cli(['commits', '--json', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows.map(c => c.subject), ['Bump lock file', 'PAY-12 payment docs', 'Document search', 'Search index', 'Checkout cart']);
    for (const c of rows) {
      assert.deepEqual(Object.keys(c), ['sha', 'author', 'email', 'date', 'subject', 'links', 'invalid', 'replaced', 'status', 'ignoredBy']);
      assert.match(c.sha as string, SHA);
      assert.equal(c.author, 'Test Author');
      assert.equal(c.email, 'test@example.com');
      assert.ok(!Number.isNaN(Date.parse(c.date as string)), `ISO-8601 date: ${c.date}`);
    }
    const dates = rows.map(c => Date.parse(c.date as string));
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(rows.map(c => c.ignoredBy), ['ignore: every file it changed needs no outcome', null, null, null, null], 'the evidence of each ignored commit');
    assert.deepEqual(rows.map(c => [c.status, c.links]), [
      ['ignored', []],
      ['linked', [{ outcome: 'checkout', via: 'ticket' }]],
      ['linked', [{ outcome: 'search', via: 'trailer' }]],
      ['linked', [{ outcome: 'search', via: 'area' }]],
      ['linked', [{ outcome: 'checkout', via: 'area' }]],
    ]);
    // --json is --format json, byte for byte.
    assert.equal(cli(['commits', '--format', 'json', '--repo', repo.dir]).stdout, r.stdout);
  });

  it('--range A..B --unlinked: 0 when the branch brings only linked (or ignored) commits', () => {
    const { repo } = make();
    const r = cli(['commits', '--range', 'main..feature', '--unlinked', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('--range A..B --unlinked: 1 when the branch brings an unlinked commit, and it is listed (only it)', () => {
    const { repo } = make();
    const sha = repo.write('notes/todo.txt').commit('Unlinked chore\n');
    const r = cli(['commits', '--range', 'main..HEAD', '--unlinked', '--repo', repo.dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [`${sha.slice(0, 10)} ${'2024-01-01'} unlinked Unlinked chore`]);
    // The commit before the range is not in the answer, nor the linked ones.
    const json = JSON.parse(cli(['commits', '--range', 'main..HEAD', '--unlinked', '--json', '--repo', repo.dir]).stdout);
    assert.deepEqual(json.map((c: { sha: string }) => c.sha), [sha]);
  });

  it('--range that looks like an option, or names no commit: 2 with one line, never an empty answer', () => {
    const { repo } = make();
    for (const range of ['--range=-x', '--range=--all', '--range=nosuch..HEAD', '--range=main..nosuch']) {
      const r = cli(['commits', range, '--unlinked', '--repo', repo.dir]);
      assert.equal(r.code, 2, `${range}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', range);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, range.includes('nosuch') ? /bad revision|unknown revision/ : /invalid range/, r.stderr);
    }
    // As a separate argument, `--range -x` is refused by the option parser: 2 as well.
    assert.equal(cli(['commits', '--range', '-x', '--unlinked', '--repo', repo.dir]).code, 2);
  });

  it('--since / --until with a date that does not parse: 2, and the message says so', () => {
    const { repo } = make();
    for (const [opt, value] of [['--since', 'garbage'], ['--until', 'garbage'], ['--since', '2024-13-01'], ['--since', '90.days'], ['--since', '']]) {
      for (const cmd of ['commits', 'report']) {
        const r = cli([cmd, `${opt}=${value}`, '--repo', repo.dir]);
        assert.equal(r.code, 2, `${cmd} ${opt} ${value}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, new RegExp(`^outcome-lens ${cmd}: ${opt} "${value.replace(/\./g, '\\.')}" is not a date; use an ISO-8601 date`), r.stderr);
        assert.equal(r.stderr.split('\n').length, 2, 'one line');
      }
    }
  });

  it('--since: a day means from its start; git is given an ISO instant', () => {
    const { repo } = make();
    // The fixture's commits are at 2024-01-01T00:00Z, 01:00, 02:00, ...: a day-only --since includes midnight.
    const r = cli(['commits', '--since', '2024-01-01', '--until', '2024-01-01T02:00:00Z', '--json', '--repo', repo.dir], { env: { OUTCOME_LENS_TRACE: '1', OUTCOME_LENS_NO_CACHE: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).map((c: { subject: string }) => c.subject), ['Document search', 'Search index', 'Checkout cart']);
    assert.match(r.stderr, /--since=2024-01-01T00:00:00Z --until=2024-01-01T02:00:00Z/);
    assert.equal(cli(['commits', '--since', '3 days ago', '--repo', repo.dir]).code, 0);
  });

  it('an empty window says so on stderr (exit 0, also with --unlinked): the window and the newest commit', () => {
    const { repo } = make();
    for (const extra of [[], ['--unlinked'], ['--json']]) {
      const r = cli(['commits', '--since', '2030-01-01', ...extra, '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, extra[0] === '--json' ? '[]\n' : '');
      assert.equal(r.stderr, 'outcome-lens: no commits since 2030-01-01T00:00:00Z; the newest is 2024-01-01T04:00:00Z\n');
    }
    assert.equal(cli(['commits', '--until', '2020-06-01', '--repo', repo.dir]).stderr, 'outcome-lens: no commits until 2020-06-01T23:59:59Z; the oldest is 2024-01-01T00:00:00Z\n');
    assert.equal(cli(['commits', '--range', 'feature..main', '--repo', repo.dir]).stderr, 'outcome-lens: no commits in feature..main\n');
  });

  it('report prints the window it resolved, not the argument', () => {
    const { repo } = make();
    const r = cli(['report', '--since', '2024-01-01T01:00:00+01:00', '--no-lines', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Window: 2024-01-01T00:00:00Z to now · 5 commits/m);
    const relative = cli(['report', '--since', '90 days ago', '--no-lines', '--repo', repo.dir]);
    assert.match(relative.stdout, /^Window: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to now/m);
    assert.doesNotMatch(relative.stdout, /days/);
  });

  it('--format github: one workflow command per unlinked commit, on the file no outcome claims, escaped', () => {
    const { repo, feature } = make();
    const a = repo.write('notes/a,b:c%.txt').commit('Half done: 100% of 50%\n');
    const b = repo.write('notes/plain.txt').commit('Another\n');
    const r = cli(['commits', '--range', 'main..HEAD', '--format', 'github', '--repo', repo.dir]);
    assert.equal(r.code, 0, 'annotations alone do not fail the step; --unlinked does');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.equal(lines[0], `::warning file=notes/plain.txt,title=Unlinked commit::${b.slice(0, 10)} "Another" by Test Author serves no outcome in outcomes.yaml. Link it with an "Outcome: <id>" trailer, a note under refs/notes/outcomes, or an area in outcomes.yaml.`);
    assert.ok(lines[1].startsWith(`::warning file=notes/a%2Cb%3Ac%25.txt,title=Unlinked commit::${a.slice(0, 10)} "Half done: 100%25 of 50%25" by`), lines[1]);
    assert.equal(cli(['commits', '--range', 'main..HEAD', '--format', 'github', '--unlinked', '--repo', repo.dir]).code, 1);
    assert.equal(cli(['commits', '--range', `main..${feature}`, '--format', 'github', '--unlinked', '--repo', repo.dir]).stdout, '');
    assert.equal(cli(['commits', '--format', 'xml', '--repo', repo.dir]).code, 2);
  });

  it('text output neutralises control characters of subjects and paths (no ANSI or OSC 8 reaches a CI log)', () => {
    const { repo } = make();
    repo.write('notes/\u001b]8;;https:\u0007x.txt').commit('Red \u001b[31malert\u001b[0m \u009b2J\n');
    const commits = cli(['commits', '--max-count', '1', '--repo', repo.dir]);
    assert.ok(commits.stdout.includes('Red \\u001b[31malert\\u001b[0m \\u009b2J'), commits.stdout);
    const files = cli(['files', '--unlinked', '--repo', repo.dir]);
    assert.ok(files.stdout.includes('notes/\\u001b]8;;https:\\u0007x.txt\t(unlinked)'), files.stdout);
    const github = cli(['commits', '--max-count', '1', '--format', 'github', '--repo', repo.dir]);
    for (const out of [commits.stdout, files.stdout, github.stdout]) assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'only tabs and newlines');
    // JSON keeps the text as it is (escaped the JSON way).
    assert.equal(JSON.parse(cli(['commits', '--max-count', '1', '--json', '--repo', repo.dir]).stdout)[0].subject, 'Red \u001b[31malert\u001b[0m \u009b2J');
  });

  it('check --format sarif: SARIF 2.1.0, one result per diagnostic with its rule, level and region, and invalid links', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', `${YAML}    colour: blue\n  - id: docs\n    title: Docs\n    areas: [nowhere/]\n`).write('src/checkout/a.ts').commit('One\n');
    const bad = repo.write('src/checkout/b.ts').commit('Two\n\nOutcome: nope\n');
    const json = JSON.parse(cli(['check', '--json', '--repo', repo.dir]).stdout);
    const r = cli(['check', '--format', 'sarif', '--repo', repo.dir]);
    assert.equal(r.code, 1, 'an unsettled invalid link fails the gate; the SARIF is written all the same');
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0].tool;
    assert.equal(driver.name, 'Outcome Lens');
    assert.equal(driver.informationUri, undefined, 'no web page to name: the rules carry their help');
    const ruleIds = driver.rules.map((x: { id: string }) => x.id);
    assert.equal(new Set(ruleIds).size, ruleIds.length, 'rule ids are unique');
    const results = sarif.runs[0].results;
    assert.equal(results.length, json.diagnostics.length + 1, 'one result per diagnostic, plus the invalid link');
    assert.ok(json.diagnostics.length >= 2, JSON.stringify(json.diagnostics));
    json.diagnostics.forEach((d: { code: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }, i: number) => {
      const res = results[i];
      assert.equal(res.ruleId, d.code);
      assert.equal(driver.rules[res.ruleIndex].id, res.ruleId);
      assert.equal(res.level, d.severity);
      assert.equal(res.message.text, d.message);
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, 'outcomes.yaml');
      assert.deepEqual(loc.region, { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
    });
    assert.deepEqual(results.map((x: { ruleId: string }) => x.ruleId).sort(), ['invalid-link', 'pattern-matches-nothing', 'pattern-matches-nothing', 'pattern-matches-nothing', 'unknown-key'], '*.lock, src/search/ and nowhere/ match nothing here');
    const link = results.find((x: { ruleId: string }) => x.ruleId === 'invalid-link');
    assert.equal(link.level, 'error', 'an unsettled invalid link fails check');
    assert.ok(link.message.text.includes(bad) && link.message.text.includes('"nope"'), link.message.text);
    assert.deepEqual(link.locations[0].physicalLocation, { artifactLocation: { uri: 'outcomes.yaml' } });
    for (const res of results) assert.ok(ruleIds.includes(res.ruleId));
  });

  it('check --format sarif on a file with errors: error results at their regions, exit 1', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n  - id: a\n    title: Again\n    status: later\n').commit('One\n');
    const r = cli(['check', '--format', 'sarif', '--repo', repo.dir]);
    assert.equal(r.code, 1);
    const results = JSON.parse(r.stdout).runs[0].results;
    const byRule = Object.fromEntries(results.map((x: { ruleId: string; level: string; locations: { physicalLocation: { region: unknown } }[] }) => [x.ruleId, [x.level, x.locations[0].physicalLocation.region]]));
    assert.deepEqual(byRule['duplicate-id'], ['error', { startLine: 5, startColumn: 9, endLine: 5, endColumn: 10 }]);
    assert.deepEqual(byRule['unknown-status'], ['error', { startLine: 7, startColumn: 13, endLine: 7, endColumn: 18 }]);
    assert.equal(cli(['check', '--json', '--format', 'sarif', '--repo', repo.dir]).code, 2, 'two formats at once is a usage error');
  });

  it('report --range A..B --format md: the pull request summary', () => {
    const { repo } = make();
    const u = repo.write('notes/todo.txt').commit('Unlinked chore\n', { author: 'Dana Dev <dana@example.com>' });
    const r = cli(['report', '--range', 'main..HEAD', '--format', 'md', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^## Outcome Lens: main\.\.HEAD$/m);
    assert.match(md, /\*\*5 commits\*\* \(merges left out\), 1 of them needing no outcome/);
    assert.match(md, /\*\*Alignment: 75\.0%\*\*: 3 of the 4 commits that need an outcome serve one\./);
    assert.match(md, /^\| Faster search \(`search`\) \| 2 \| 1 \|$/m, 'search: the area commit and the trailer commit; one file in its areas');
    assert.match(md, /^\| Raise checkout conversion \(`checkout`\) \| 1 \| 0 \|$/m, 'the ticket commit, no file in its areas');
    assert.match(md, /^\| No outcome \| 1 \| 3 \|$/m);
    assert.ok(md.includes(`### 1 unlinked commit\n\n- ${u.slice(0, 10)} Dana Dev: Unlinked chore\n`), md);
    assert.doesNotMatch(md, /Checkout cart/, 'the base branch is not in the summary');
    assert.ok(md.split('\n').length < 40, 'short enough for a comment');
  });
});
