import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { RepoHistory } from '../../src/core/history/service';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { authorEntry, planAddPattern } from '../../src/core/outcomes/edit';
import { NOTE_EVIDENCE, OUTCOMES_FILE_EVIDENCE } from '../../src/core/links/settle';

// Work that needs no outcome (README, "Work that needs no outcome"): bots by author, chores by subject, one commit by
// its note (`tag --none`), and outcomes.yaml itself; each ignored commit keeps the rule or note that ignored it.

const YAML = `version: 1
ignoreAuthors:
  - renovate[bot]
  - /^dependabot/
ignoreSubjects:
  - "chore(deps):"
outcomes:
  - id: checkout
    title: Raise checkout conversion
    areas: [src/checkout/]
`;

const RENOVATE = 'renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>';
const DEPENDABOT = 'dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>';

interface Row { sha: string; subject: string; status: string; ignoredBy: string | null; links: { outcome: string; via: string }[] }

/** A history with each way of needing no outcome, one linked commit, and two unlinked ones. */
function fixture() {
  const repo = new TempRepo();
  const sha = {
    initial: repo.write('outcomes.yaml', YAML).write('README.md').commit('Initial commit\n'),
    cart: repo.write('src/checkout/cart.ts').commit('Checkout cart\n'),
    bump: repo.write('package.json', '{"v":1}\n').commit('Update dependency left-pad to v2\n', { author: RENOVATE }),
    // A bot's change inside an area is still the bot's: the rule wins over the files.
    botInArea: repo.write('src/checkout/package.json', '{"v":1}\n').commit('Update dependency stripe to v9\n', { author: RENOVATE }),
    dependabot: repo.write('package.json', '{"v":2}\n').commit('Bump left-pad from 2 to 3\n', { author: DEPENDABOT }),
    chore: repo.write('package.json', '{"v":3}\n').commit('chore(deps): bump left-pad\n'),
    // What a commit says wins over a rule: a bot's commit with a trailer is linked.
    botLinked: repo.write('package.json', '{"v":4}\n').commit('Update checkout dependency\n\nOutcome: checkout\n', { author: RENOVATE }),
    yamlOnly: repo.write('outcomes.yaml', YAML + '  - id: search\n    title: Faster search\n    areas: [src/search/]\n').commit('Add the search outcome\n'),
    typo: repo.write('notes.txt').commit('Fix a typo in the notes\n'),
  };
  return { repo, sha };
}

const json = (repo: TempRepo, ...args: string[]): Row[] => {
  const r = cli(['commits', '--json', ...args, '--repo', repo.dir]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
};

describe('work that needs no outcome (ignoreAuthors, ignoreSubjects, tag --none, outcomes.yaml)', function () {
  this.timeout(180_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = () => { const f = fixture(); repos.push(f.repo); return f; };

  it('bots by author, chores by subject and outcomes.yaml alone are ignored, each with its evidence', () => {
    const { repo, sha } = make();
    const rows = new Map(json(repo).map(r => [r.sha, r]));
    const seen = (s: string) => { const r = rows.get(s)!; return [r.status, r.ignoredBy]; };
    assert.deepEqual(seen(sha.bump), ['ignored', 'ignoreAuthors: renovate[bot]']);
    assert.deepEqual(seen(sha.botInArea), ['ignored', 'ignoreAuthors: renovate[bot]']);
    assert.deepEqual(seen(sha.dependabot), ['ignored', 'ignoreAuthors: /^dependabot/']);
    assert.deepEqual(seen(sha.chore), ['ignored', 'ignoreSubjects: chore(deps):']);
    assert.deepEqual(seen(sha.yamlOnly), ['ignored', OUTCOMES_FILE_EVIDENCE]);
    assert.deepEqual(seen(sha.botLinked), ['linked', null]);
    assert.deepEqual(rows.get(sha.botLinked)!.links, [{ outcome: 'checkout', via: 'trailer' }]);
    assert.deepEqual(seen(sha.cart), ['linked', null]);
    assert.deepEqual(seen(sha.initial), ['unlinked', null], 'README.md needs an outcome: the initial commit is unlinked until settled');
    assert.deepEqual(seen(sha.typo), ['unlinked', null]);
    // The text of `commits` names the rule, too.
    const text = cli(['commits', '--repo', repo.dir]).stdout;
    assert.match(text, new RegExp(`^${sha.bump.slice(0, 10)} .* ignored {2}Update dependency left-pad to v2 {2}\\(ignoreAuthors: renovate\\[bot\\]\\)$`, 'm'));
    assert.match(text, /ignored {2}Add the search outcome {2}\(outcomes\.yaml needs no outcome\)$/m);
    // outcomes.yaml is an ignored file, not an unlinked one.
    const files = JSON.parse(cli(['files', '--json', '--repo', repo.dir]).stdout) as { path: string; ignored: boolean; outcomes: string[] }[];
    assert.deepEqual(files.find(f => f.path === 'outcomes.yaml'), { path: 'outcomes.yaml', outcomes: [], ignored: true, areas: [] });
    assert.doesNotMatch(cli(['files', '--unlinked', '--repo', repo.dir]).stdout, /outcomes\.yaml/);
  });

  it('tag --none marks one commit in its note; the commit is ignored with "note" as its evidence, and --remove takes it back', () => {
    const { repo, sha } = make();
    const r = cli(['tag', sha.typo, '--none', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${sha.typo.slice(0, 10)} marked: needs no outcome (its note says No-Outcome)\n`);
    assert.equal(repo.git('notes', '--ref=outcomes', 'show', sha.typo), 'No-Outcome: yes\n');
    let row = json(repo).find(x => x.sha === sha.typo)!;
    assert.deepEqual([row.status, row.ignoredBy], ['ignored', NOTE_EVIDENCE]);
    assert.equal(cli(['tag', sha.typo, '--none', '--repo', repo.dir]).stdout, `${sha.typo.slice(0, 10)} already marked: needs no outcome (its note says No-Outcome)\n`);
    // Taking the mark out: the commit is judged by its message and files again.
    const back = cli(['tag', sha.typo, '--none', '--remove', '--repo', repo.dir]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /unmarked: judged by its message and files again/);
    row = json(repo).find(x => x.sha === sha.typo)!;
    assert.deepEqual([row.status, row.ignoredBy], ['unlinked', null]);
    // Linked or needing no outcome, not both: the one asked for last replaces the other in the note.
    cli(['tag', sha.typo, '--none', '--repo', repo.dir]);
    assert.equal(cli(['tag', sha.typo, '--outcome', 'checkout', '--repo', repo.dir]).code, 0);
    assert.equal(repo.git('notes', '--ref=outcomes', 'show', sha.typo), 'Outcome: checkout\n');
    assert.equal(cli(['tag', sha.typo, '--none', '--repo', repo.dir]).code, 0);
    assert.equal(repo.git('notes', '--ref=outcomes', 'show', sha.typo), 'No-Outcome: yes\n');
    row = json(repo).find(x => x.sha === sha.typo)!;
    assert.deepEqual([row.status, row.ignoredBy, row.links], ['ignored', NOTE_EVIDENCE, []]);
    // --none and --outcome ask for two things.
    const usage = cli(['tag', sha.typo, '--none', '--outcome', 'checkout', '--repo', repo.dir]);
    assert.equal(usage.code, 2);
  });

  it('commits --unlinked, report and the history service count the same commits', async () => {
    const { repo, sha } = make();
    cli(['tag', sha.initial, '--none', '--repo', repo.dir]);
    const listed = cli(['commits', '--unlinked', '--repo', repo.dir]);
    assert.equal(listed.code, 1);
    const lines = listed.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, listed.stdout);
    assert.match(lines[0], /Fix a typo in the notes/);
    const report = cli(['report', '--all', '--format', 'json', '--no-lines', '--repo', repo.dir]);
    assert.equal(report.code, 0, report.stderr);
    const counts = (JSON.parse(report.stdout) as { counts: { unlinked: number; ignored: number; linked: number } }).counts;
    assert.equal(counts.unlinked, 1);
    assert.equal(counts.ignored, 6, JSON.stringify(counts));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-settle-'));
    try {
      const s = new RepoHistory(repo.dir, { cacheDir }, parseOutcomes(YAML).map!, 5000);
      await s.refresh();
      assert.equal(s.summary().history?.unlinked, 1);
      const row = s.commits({ kind: 'unlinked' }, 0, 10).rows;
      assert.deepEqual(row.map(x => x.subject), ['Fix a typo in the notes']);
      // Ignore on a commit row: the same note, through the service the extension uses.
      await s.settle([row[0].sha]);
      assert.equal(s.summary().history?.unlinked, 0);
      assert.equal((await s.commit(row[0].sha))?.ignoredBy, NOTE_EVIDENCE);
      assert.equal(cli(['commits', '--unlinked', '--repo', repo.dir]).code, 0, 'the CLI reads the same note');
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('outcomes.yaml: located errors for a bad regular expression, a wrong type and a mistyped key', () => {
    const r = parseOutcomes('version: 1\nignoreSubjects:\n  - "/chore(/"\n  - //\n  - /x/g\n  - 5\nignoreAuthor: [x]\noutcomes: []\n');
    assert.equal(r.map, undefined);
    const d = r.diagnostics.map(x => `${x.line}:${x.column}: ${x.severity}: ${x.message}`);
    const at = (p: string) => d.find(x => x.startsWith(p)) ?? `nothing at ${p}: ${d.join(' | ')}`;
    assert.match(at('3:5'), /^3:5: error: "\/chore\(\/" in ignoreSubjects is not a valid regular expression: \/chore\(\/: Unterminated group; write it as/);
    assert.match(at('4:5'), /^4:5: error: "\/\/" in ignoreSubjects is not a valid regular expression: it is empty/);
    assert.match(at('5:5'), /^5:5: error: .* flags "g" \(only i and u are allowed\)/);
    assert.match(at('6:5'), /each entry of ignoreSubjects must be a string \(the start of a commit subject\)/);
    assert.match(at('7:1'), /warning: unknown key "ignoreAuthor" in top level \(ignored\); did you mean `ignoreAuthors`\?/);
    assert.deepEqual(r.diagnostics.filter(x => x.code === 'bad-regex').length, 3);
    // A valid file: the entries as written, with where they were written.
    const ok = parseOutcomes(YAML);
    assert.deepEqual(ok.diagnostics, []);
    assert.deepEqual(ok.map!.ignoreAuthors!.map(e => [e.pattern, e.range.line]), [['renovate[bot]', 3], ['/^dependabot/', 4]]);
    assert.deepEqual(ok.map!.ignoreSubjects!.map(e => e.pattern), ['chore(deps):']);
  });

  it('Ignore on an author\'s group adds the author to ignoreAuthors, keeping the rest of the file', () => {
    const plain = 'version: 1\n# the outcomes\noutcomes: []\n';
    const add = (text: string, entry: string) => { const p = planAddPattern(text, 'ignoreAuthors', entry)!; return text.slice(0, p.offset) + p.text + text.slice(p.offset); };
    const once = add(plain, authorEntry('renovate[bot]'));
    assert.equal(once, 'version: 1\n# the outcomes\nignoreAuthors:\n  - "renovate[bot]"\noutcomes: []\n');
    const twice = add(once, authorEntry('dependabot[bot]'));
    assert.equal(twice, 'version: 1\n# the outcomes\nignoreAuthors:\n  - "renovate[bot]"\n  - "dependabot[bot]"\noutcomes: []\n');
    assert.deepEqual(parseOutcomes(twice).map!.ignoreAuthors!.map(e => e.pattern), ['renovate[bot]', 'dependabot[bot]']);
    // A name that would read as a regular expression is written as one that matches only that name.
    assert.equal(authorEntry('/odd/'), '/^\\/odd\\/$/i');
  });
});
