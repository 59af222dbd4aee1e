import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliAsync, CliResult } from './helpers/cli';
import * as odd from './helpers/oddRepos';
import { GitRepo } from '../../src/core/git/repo';

// Every command of the CLI, run as a process, on each odd or hostile kind of repository (issue 17): the truthful
// answer, exit code and message, and never a hang, a crash or a stack trace.

const COMMANDS = {
  check: ['check'],
  files: ['files', '--json'],
  filesText: ['files'],
  commits: ['commits', '--json'],
  commitsText: ['commits'],
  unlinked: ['commits', '--unlinked'],
  json: ['report', '--all', '--format', 'json'],
  md: ['report', '--all', '--format', 'md'],
} as const;
type Name = keyof typeof COMMANDS;
type Answers = Record<Name, CliResult>;

interface CommitRow { sha: string; author: string; email: string; subject: string; links: { outcome: string; via: string }[]; invalid: string[]; status: string }
interface FileRow { path: string; outcomes: string[]; ignored: boolean }
interface ReportRow { id: string; commits: number; lines: number | null }
interface Report { commits: number; linesUnknown: string[]; shallowBoundary: string[]; outcomes: ReportRow[] }

/** What no answer may be: a process that did not end, an exit code outside the contract, a stack trace. */
function assertSane(what: string, r: CliResult): void {
  assert.notEqual(r.code, null, `${what}: the process ended by itself (no hang, no signal): ${r.stderr}`);
  assert.ok([0, 1, 2].includes(r.code!), `${what}: exit ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n {4}at |internal error/, `${what}: no stack trace`);
}

/** Every run of the CLI in this file, for the matrix printed at the end (kinds × commands, hangs, crashes, traces). */
interface Run { kind: string; command: string; matrix: boolean; code: number | null; stderr: string }
const runs: Run[] = [];

/** `outcome-lens ARGS` on the repository of kind `kind`, recorded for the matrix, and never a hang, crash or trace. */
async function run(kind: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; matrix?: boolean } = {}): Promise<CliResult> {
  const r = await cliAsync(args, { cwd: o.cwd, env: o.env });
  runs.push({ kind, command: args.filter((a, i) => a !== '--repo' && args[i - 1] !== '--repo').join(' '), matrix: !!o.matrix, code: r.code, stderr: r.stderr });
  assertSane(`${kind}: ${args.join(' ')}`, r);
  return r;
}

/** Every command at once on one repository, by `--repo` or (with `cwd`) from inside it. */
async function runAll(kind: string, dir: string, o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Answers> {
  const names = Object.keys(COMMANDS) as Name[];
  const got = await Promise.all(names.map(n => run(kind, [...COMMANDS[n], ...(o.cwd ? [] : ['--repo', dir])], { ...o, matrix: true })));
  const out = {} as Answers;
  names.forEach((n, i) => { out[n] = got[i]; });
  return out;
}

const isHang = (r: Run) => r.code === null;
const isCrash = (r: Run) => r.code !== null && ![0, 1, 2].includes(r.code);
const hasTrace = (r: Run) => /\n {4}at |internal error/.test(r.stderr);
/** What a run got, for the matrix: "works" (with what it says on stderr), or its exit code and first line of stderr. */
function answerOf(r: Run): string {
  const line = r.stderr.split('\n').find(Boolean)?.replace(/^outcome-lens: /, '').replace(/\/\S*ol-odd-[^\s:]*/g, 'DIR');
  if (r.code === 1 && r.command === 'commits --unlinked' && !line) return 'exit 1: lists the unlinked commits';
  if (r.code === 0) return line ? `works, says "${line}"` : 'works';
  return `exit ${r.code}${line ? `: ${line}` : ''}`;
}
/** The commands in COMMANDS's order, then the others. */
const ORDER = Object.values(COMMANDS).map(c => c.join(' '));
const byOrder = (a: string, b: string) => ((ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99)) || a.localeCompare(b);

// The matrix: one line of counts always; the table by kind (Markdown) in the file OUTCOME_LENS_MATRIX names.
after(() => {
  if (!runs.length) return;
  const kinds = [...new Set(runs.map(r => r.kind))];
  const matrix = runs.filter(r => r.matrix);
  const commands = new Set(matrix.map(r => r.command));
  process.stdout.write(`  odd repositories: ${kinds.length} kinds, ${commands.size} commands each, ${runs.length} runs of the CLI: ` +
    `${runs.filter(isHang).length} hangs, ${runs.filter(isCrash).length} crashes, ${runs.filter(hasTrace).length} stack traces\n`);
  const file = process.env.OUTCOME_LENS_MATRIX;
  if (!file) return;
  const rows = kinds.map(kind => {
    const mine = runs.filter(r => r.kind === kind);
    const byAnswer = new Map<string, string[]>();
    for (const r of mine.filter(r => r.matrix).sort((a, b) => byOrder(a.command, b.command))) byAnswer.set(answerOf(r), [...(byAnswer.get(answerOf(r)) ?? []), r.command]);
    const answers = [...byAnswer].map(([answer, cmds]) => `${cmds.map(c => `\`${c}\``).join(', ')}: ${answer.replace(/\|/g, '\\|')}`).join('<br>');
    return `| ${kind} | ${mine.length} | ${answers || `works (${[...new Set(mine.map(r => r.command))].sort(byOrder).map(c => `\`${c}\``).join(', ')})`} | ${mine.filter(isHang).length} | ${mine.filter(isCrash).length} | ${mine.filter(hasTrace).length} |`;
  });
  fs.writeFileSync(file, ['| Repository kind | CLI runs | What each command gets | Hangs | Crashes | Stack traces |', '|---|---|---|---|---|---|', ...rows,
    `| **${kinds.length} kinds** | **${runs.length}** | | **${runs.filter(isHang).length}** | **${runs.filter(isCrash).length}** | **${runs.filter(hasTrace).length}** |`, ''].join('\n'));
});

const commitsOf = (r: CliResult) => JSON.parse(r.stdout) as CommitRow[];
const filesOf = (r: CliResult) => JSON.parse(r.stdout) as FileRow[];
const reportOf = (r: CliResult) => JSON.parse(r.stdout) as Report;
const outcome = (rep: Report, id: string) => rep.outcomes.find(o => o.id === id)!;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
/** `check`'s last line: the counts. */
const checkLine = (errors: number, warnings: number, invalid = 0) => `outcomes.yaml: ${errors} error(s), ${warnings} warning(s), ${invalid} commit(s) with invalid links\n`;
/** The answers of a repository whose every command succeeded, `commits --unlinked` aside. */
function assertAllZero(a: Answers, unlinkedCode = 0): void {
  for (const n of Object.keys(a) as Name[]) assert.equal(a[n].code, n === 'unlinked' ? unlinkedCode : 0, `${n}: ${a[n].stderr}`);
}
/** Neither the JSON nor the Markdown report says the history is shallow or names unknown line counts. */
function assertWhole(a: Answers): void {
  assert.deepEqual(reportOf(a.json).shallowBoundary, []);
  assert.deepEqual(reportOf(a.json).linesUnknown, []);
  assert.doesNotMatch(a.md.stdout, /shallow|unknown/i);
}

describe('odd repositories: every command, as a process', function () {
  this.timeout(180_000);
  const made: odd.OddRepo[] = [];
  const keep = <T extends odd.OddRepo>(r: T): T => { made.push(r); return r; };
  after(() => { for (const r of made) r.rm(); });

  it('no commit yet: exit 0, no history, a report of 0 commits (the only empty answer there is)', async () => {
    const r = keep(odd.unbornRepo());
    const a = await runAll('no commit yet', r.dir);
    assertAllZero(a);
    assert.equal(a.check.stdout, checkLine(0, 2));
    assert.deepEqual(filesOf(a.files).map(f => f.path), r.expectFiles);
    assert.equal(a.commits.stdout, '[]\n');
    assert.equal(a.unlinked.stdout, '');
    for (const n of ['commits', 'unlinked', 'json', 'md'] as const) assert.equal(a[n].stderr, 'outcome-lens: no commits yet\n', n);
    assert.equal(reportOf(a.json).commits, 0);
    assert.match(a.md.stdout, / · 0 commits \(merges left out\) · /);
    assertWhole(a);
  });

  it('an orphan branch checked out, commits on another branch: no history on this one, the index\'s files', async () => {
    const r = keep(odd.orphanRepo());
    assert.equal(git(r.dir, 'branch', '--show-current').trim(), 'fresh');
    assert.equal(git(r.dir, 'rev-list', '--count', 'main').trim(), '2', 'main has commits');
    const a = await runAll('orphan branch', r.dir);
    assertAllZero(a);
    assert.deepEqual(filesOf(a.files).map(f => f.path), r.expectFiles);
    assert.equal(a.commits.stdout, '[]\n', 'main\'s commits are not this branch\'s history');
    assert.equal(a.unlinked.stderr, 'outcome-lens: no commits yet\n');
    assert.equal(reportOf(a.json).commits, 0);
  });

  it('a shallow clone: the boundary commit\'s whole tree does not swamp the line figures, and the report says the history is shallow', async () => {
    const r = keep(odd.shallowClone());
    assert.equal(git(r.dir, 'rev-parse', '--is-shallow-repository').trim(), 'true');
    const boundaryLines = git(r.dir, 'show', '--numstat', '--format=', r.expectBoundary).split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split('\t')[0]), 0);
    assert.ok(boundaryLines > 2000, `the boundary lists its whole tree as added (${boundaryLines} lines)`);
    const a = await runAll('shallow clone', r.dir);
    assertAllZero(a);
    assert.deepEqual(commitsOf(a.commits).map(c => c.subject), r.expectSubjects);
    const rep = reportOf(a.json);
    assert.equal(rep.commits, 3);
    assert.deepEqual(rep.shallowBoundary, [r.expectBoundary]);
    assert.equal(outcome(rep, 'app').lines, r.expectLines.app);
    assert.equal(outcome(rep, 'docs').lines, r.expectLines.docs);
    assert.equal(outcome(rep, '(unlinked)').lines, 0);
    assert.ok(a.md.stdout.includes('The history is shallow: 1 boundary commit(s), which git shows as adding their whole tree, are left out of the line figures.'), a.md.stdout);
  });

  it('a detached HEAD: the history of the commit checked out', async () => {
    const r = keep(odd.detachedHead());
    assert.throws(() => git(r.dir, 'symbolic-ref', '-q', 'HEAD'), 'HEAD names no branch');
    const a = await runAll('detached HEAD', r.dir);
    assertAllZero(a);
    assert.deepEqual(commitsOf(a.commits).map(c => c.subject), r.expectSubjects);
    assert.deepEqual(filesOf(a.files).map(f => f.path), ['docs/x.md', 'outcomes.yaml', 'src/a.ts']);
    assert.equal(reportOf(a.json).commits, 2);
    assertWhole(a);
  });

  it('a linked worktree, run from inside it: its own outcomes.yaml, the shared notes, a cache that stays true', async () => {
    const r = keep(odd.linkedWorktree());
    const a = await runAll('linked worktree', r.dir, { cwd: r.dir });
    assertAllZero(a);
    const rows = commitsOf(a.commits);
    assert.deepEqual(rows.map(c => c.subject), r.expectSubjects);
    assert.deepEqual(rows[0].links, [{ outcome: 'web', via: 'area' }], 'outcome web exists only in the worktree\'s outcomes.yaml');
    assert.deepEqual(rows[1].links, [{ outcome: 'docs', via: 'note' }], 'the note made in the main checkout');
    assert.deepEqual(filesOf(a.files).find(f => f.path === 'web/page.ts')?.outcomes, ['web']);
    const warm = await run('linked worktree', ['commits', '--json'], { cwd: r.dir, env: { OUTCOME_LENS_TRACE: '1' } });
    assert.equal(warm.stdout, a.commits.stdout, 'the second run answers the same');
    assert.match(warm.stderr, /: 3 commits \(0 read from git\)/, 'from the cache');
    r.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: app', r.webCommit);
    const noted = commitsOf(await run('linked worktree', ['commits', '--json'], { cwd: r.dir }));
    assert.deepEqual(noted[0].links, [{ outcome: 'app', via: 'note' }, { outcome: 'web', via: 'area' }], 'a note added in the main checkout reaches the warm worktree');
  });

  it('a submodule: vendor/dep/ matches the gitlink, check does not call it unmatched, the commits that change it link to it', async () => {
    const r = keep(odd.withSubmodule());
    assert.match(git(r.dir, 'ls-files', '--stage', 'vendor/dep'), /^160000 /);
    const a = await runAll('submodule', r.dir);
    assertAllZero(a);
    const dep = filesOf(a.files).find(f => f.path === 'vendor/dep') as FileRow & { areas?: { outcome: string; pattern: string }[] };
    assert.deepEqual({ ...dep, areas: dep.areas?.map(x => `${x.outcome}:${x.pattern}`) }, { path: 'vendor/dep', outcomes: ['dep'], ignored: false, areas: ['dep:vendor/dep/'] });
    assert.doesNotMatch(a.check.stderr, /vendor\/dep/);
    const rows = commitsOf(a.commits);
    for (const sha of [r.added, r.bumped]) assert.deepEqual(rows.find(c => c.sha === sha)?.links, [{ outcome: 'dep', via: 'area' }], sha);
    assert.equal(outcome(reportOf(a.json), 'dep').commits, 2);
    const warm = await run('submodule', ['commits', '--json', '--repo', r.dir], { env: { OUTCOME_LENS_TRACE: '1' } });
    assert.match(warm.stderr, /: 3 commits \(0 read from git\)/);
    assert.equal(warm.stdout, a.commits.stdout, 'the cache keeps which paths are gitlinks');
  });

  it('a bare repository: exit 2, "is a bare repository", from every command', async () => {
    const r = keep(odd.bareRepo());
    const a = await runAll('bare repository', r.dir);
    for (const n of Object.keys(a) as Name[]) {
      assert.equal(a[n].code, 2, n);
      assert.equal(a[n].stdout, '', n);
      assert.equal(a[n].stderr, `outcome-lens: ${r.dir} is a bare repository: it has no work tree, so there are no files to link\n`, n);
    }
  });

  for (const [kind, build] of [['blobless partial clone (sparse checkout)', odd.partialClone], ['mirror missing one blob', odd.missingBlob]] as const) {
    it(`a ${kind}: files and commits stand, the commits whose blobs are missing have unknown line counts, named`, async () => {
      const r = keep(build());
      const a = await runAll(kind, r.dir);
      assertAllZero(a);
      assert.deepEqual(commitsOf(a.commits).map(c => c.subject), r.expectSubjects);
      const rep = reportOf(a.json);
      assert.deepEqual([...rep.linesUnknown].sort(), r.expectUnknown);
      assert.equal(outcome(rep, 'app').lines, r.expectLines.app, 'the rest of the report stands (outcomes.yaml\'s lines count for nobody)');
      assert.equal(rep.commits, r.expectSubjects.length);
      assert.ok(a.md.stdout.includes(`Line counts are unknown for ${r.expectUnknown.length} commit(s) whose objects git cannot read`), a.md.stdout);
      for (const sha of r.expectUnknown) assert.ok(a.md.stdout.includes(sha.slice(0, 10)), `names ${sha}`);
      const markers = (r as { root?: string }).root;
      if (markers) assert.deepEqual(odd.markersWritten(markers), [], 'nothing was fetched: the remote\'s upload-pack never ran');
    });
  }

  it('a blobless clone of 600 commits: the report names the 300 whose blobs are missing, reading them in a few git processes', async () => {
    const r = keep(odd.bloblessHistory(600));
    const got = await run('blobless clone, 600 commits', ['report', '--all', '--format', 'json', '--repo', r.dir], { env: { OUTCOME_LENS_TRACE: '1' } });
    assert.equal(got.code, 0, got.stderr);
    const rep = reportOf(got);
    assert.equal(rep.commits, 600);
    assert.deepEqual([...rep.linesUnknown].sort(), r.expectUnknown);
    assert.equal(outcome(rep, 'app').lines, r.expectAppLines);
    const started = got.stderr.split('\n').filter(l => l.startsWith('outcome-lens: > git ')).length;
    assert.ok(started < 20, `${started} git processes, not one per commit`);
  });

  it('a treeless partial clone: the files stand; reading history is exit 2 naming the missing tree, and nothing is fetched', async () => {
    const r = keep(odd.treelessClone());
    const a = await runAll('treeless partial clone', r.dir);
    assert.equal(a.files.code, 0, a.files.stderr);
    assert.deepEqual(filesOf(a.files).map(f => f.path), r.expectFiles);
    for (const n of ['check', 'commits', 'unlinked', 'json', 'md'] as const) {
      assert.equal(a[n].code, 2, n);
      assert.equal(a[n].stdout, '', n);
      assert.match(a[n].stderr, /^outcome-lens: git log failed: object [0-9a-f]{40} is not in this partial clone, and Outcome Lens does not fetch \(that would run the remote's commands\)\n$/, n);
    }
    assert.deepEqual(odd.markersWritten(r.root), [], 'the remote\'s upload-pack never ran');
  });

  it('a SHA-256 repository: 64-hex ids, links by area, trailer and note, the same answer from the cache', async () => {
    const r = keep(odd.sha256Repo());
    const a = await runAll('SHA-256', r.dir);
    assertAllZero(a);
    const rows = commitsOf(a.commits);
    assert.deepEqual(rows.map(c => c.sha), git(r.dir, 'rev-list', 'HEAD').trim().split('\n'));
    for (const c of rows) assert.match(c.sha, /^[0-9a-f]{64}$/);
    assert.deepEqual(rows.map(c => c.links), [[{ outcome: 'docs', via: 'trailer' }], [{ outcome: 'app', via: 'note' }], [{ outcome: 'app', via: 'area' }]]);
    const warm = await run('SHA-256', ['commits', '--json', '--repo', r.dir], { env: { OUTCOME_LENS_TRACE: '1' } });
    assert.equal(warm.stdout, a.commits.stdout);
    assert.match(warm.stderr, /: 3 commits \(0 read from git\)/);
    assert.equal(reportOf(a.json).commits, 3);
  });

  it('a message and an author name in ISO-8859-1 (with the encoding header): correct UTF-8 in JSON', async () => {
    const r = keep(odd.latin1Repo());
    const raw = execFileSync('git', ['cat-file', 'commit', r.sha], { cwd: r.dir });
    assert.ok(raw.includes('\nencoding ISO-8859-1\n') && raw.includes(Buffer.from(r.expectSubject, 'latin1')) && raw.includes(Buffer.from(r.expectAuthor, 'latin1')), 'the commit holds Latin-1 bytes');
    const a = await runAll('ISO-8859-1 message and author', r.dir);
    assertAllZero(a);
    const [row] = commitsOf(a.commits);
    assert.equal(row.subject, r.expectSubject);
    assert.equal(row.author, r.expectAuthor);
    assert.deepEqual(reportOf(a.json).outcomes.find(o => o.id === 'app')?.commits, 2);
  });

  it('an octopus merge: not judged by its first-parent diff (the merge rule), ignored; left out of the report', async () => {
    const r = keep(odd.octopusMerge());
    assert.equal(git(r.dir, 'rev-list', '--parents', '-1', r.merge).trim().split(' ').length, 5, 'four parents');
    const a = await runAll('octopus merge', r.dir);
    assertAllZero(a, 1);
    const merge = commitsOf(a.commits).find(c => c.sha === r.merge)!;
    assert.deepEqual(merge.links, [], `its first-parent diff (${r.expectFiles.join(', ')}) is the work of the commits it brings`);
    assert.equal(merge.status, 'ignored');
    assert.equal(reportOf(a.json).commits, 5, 'merges are left out');
    assert.deepEqual(a.unlinked.stdout.split('\n').filter(Boolean).map(l => l.split(' ').slice(3).join(' ')), ['Main moves on', 'Work on b3', 'Start']);
  });

  it('a commit adding 50,000 files: every command completes, with exact counts', async () => {
    const r = keep(odd.fiftyThousandFiles());
    const a = await runAll('50,000 files in one commit', r.dir);
    assertAllZero(a);
    const files = filesOf(a.files);
    assert.equal(files.length, r.expectTracked);
    assert.equal(files.filter(f => f.outcomes.join() === 'app').length, r.expectSrc);
    assert.equal(files.filter(f => !f.outcomes.length).length, r.expectTracked - r.expectSrc);
    const rows = commitsOf(a.commits);
    assert.deepEqual(rows.map(c => [c.sha === r.big, c.status, c.links]), [[true, 'linked', [{ outcome: 'app', via: 'area' }]], [false, 'ignored', []]], 'the start changed only outcomes.yaml');
    assert.equal(a.unlinked.stdout.split('\n').filter(Boolean).length, 0);
    const rep = reportOf(a.json);
    assert.equal(rep.commits, 2);
    assert.equal(outcome(rep, 'app').lines, 50_000);
    assert.equal(outcome(rep, '(unlinked)').lines, 0);
    assert.match(a.md.stdout, /^\| App \(`app`\) \| {2}\| 1 \| 50\.0% \| 50000 \| /m);
    assert.equal(a.check.stdout, checkLine(0, 2));
  });

  it('paths with spaces, quotes, newlines, tabs, leading dashes, backslashes, NFC and NFD, 0x1E, 0x1F and other controls', async () => {
    const r = keep(odd.oddPathsRepo());
    const a = await runAll('odd paths', r.dir);
    assertAllZero(a);
    const tracked = git(r.dir, 'ls-files', '-z').split('\0').filter(Boolean);
    assert.equal(tracked.length, odd.ODD_PATHS.length + 1);
    const files = filesOf(a.files);
    assert.deepEqual(files.map(f => f.path), tracked, 'every path once, byte for byte, in git\'s order');
    // git is the oracle of what each outcome's areas match.
    const matched = (areas: string[]) => {
      const list = path.join(r.dir, '..', 'areas.txt');
      fs.writeFileSync(list, areas.join('\n') + '\n');
      return new Set(git(r.dir, 'ls-files', '-z', '-c', '-i', `--exclude-from=${list}`).split('\0').filter(Boolean));
    };
    const oracle: Record<string, Set<string>> = { app: matched(['src/']), docs: matched(['docs/']), nfc: matched(['src/caf\u00e9.ts']), dash: matched(['/-rf', '/--help']) };
    assert.deepEqual([...oracle.nfc], ['src/caf\u00e9.ts'], 'NFC and NFD are two names');
    for (const f of files) assert.deepEqual(f.outcomes, Object.keys(oracle).filter(id => oracle[id].has(f.path)), JSON.stringify(f.path));
    const rows = commitsOf(a.commits);
    assert.deepEqual(rows.map(c => c.sha), git(r.dir, 'rev-list', 'HEAD').trim().split('\n'), 'no commit forged from a path or a message holding 0x1E');
    assert.deepEqual(rows.map(c => c.subject), r.expectSubjects);
    assert.deepEqual(rows[0].links, [{ outcome: 'app', via: 'area' }], 'the forging path is one file of the commit that changed it');
    assert.deepEqual(rows[1].links.map(l => l.outcome), ['dash', 'app', 'nfc']);
    assert.equal(reportOf(a.json).commits, 3);
    assert.ok(!a.json.stdout.includes(odd.FORGED_SHA) && !a.md.stdout.includes('Mallory'), 'no forged commit in the report');
    const text = await run('odd paths', ['files', '--repo', r.dir]);
    assert.equal(text.stdout.split('\n').filter(Boolean).length, tracked.length, 'text output: one line per file, whatever its name holds');
  });

  it('a merge conflict in progress: files --json lists each path once', async () => {
    const r = keep(odd.mergeConflict());
    assert.ok(git(r.dir, 'ls-files', '--stage').trim().split('\n').length > r.expectFiles.length, 'several stages per path');
    const a = await runAll('merge conflict in progress', r.dir);
    assertAllZero(a);
    assert.deepEqual(filesOf(a.files).map(f => f.path), r.expectFiles);
    assert.deepEqual(commitsOf(a.commits).map(c => c.subject), ['Main', 'Start']);
  });
});

describe('hostile repository config: nothing runs, nothing changes', function () {
  this.timeout(180_000);
  let clean: ReturnType<typeof odd.cleanConfig>;
  let hostile: ReturnType<typeof odd.hostileConfig>;
  before(() => { clean = odd.cleanConfig(); hostile = odd.hostileConfig(); });
  after(() => { clean?.rm(); hostile?.rm(); });

  /** The answer without what differs by nature between two folders: the name and the time of the report. */
  const normal = (s: string, dir: string) => s.split(path.basename(dir)).join('<repo>').replace(/"generatedAt": "[^"]*"|generated \S+/g, '<when>');

  it('the same commits, so the same ids: what is compared is the config', () => {
    assert.equal(hostile.head, clean.head);
  });

  it('every command answers exactly as in a clean repository, and no driver, filter, monitor, pager, alias or gpg ran', async () => {
    const [c, h] = await Promise.all([runAll('clean config (hostile\'s twin)', clean.dir), runAll('hostile config', hostile.dir)]);
    assertAllZero(c);
    for (const n of Object.keys(COMMANDS) as Name[]) {
      assert.equal(h[n].code, c[n].code, n);
      assert.equal(normal(h[n].stdout, hostile.dir), normal(c[n].stdout, clean.dir), n);
      assert.equal(normal(h[n].stderr, hostile.dir), normal(c[n].stderr, clean.dir), n);
    }
    const rows = commitsOf(c.commits);
    assert.deepEqual(rows.map(r => [r.subject, r.links]), [
      ['Add a gitlink', [{ outcome: 'docs', via: 'area' }, { outcome: 'dep', via: 'area' }]],
      ['Signed work', [{ outcome: 'docs', via: 'note' }]],
      ['Both areas', [{ outcome: 'app', via: 'area' }, { outcome: 'web', via: 'area' }]],
      ['Start', [{ outcome: 'docs', via: 'area' }, { outcome: 'app', via: 'area' }, { outcome: 'web', via: 'area' }]],
    ], 'a note under refs/notes/commits is no link');
    assert.deepEqual(odd.markersWritten(hostile.root), []);
  });

  it('blame (the current line) and show (a commit\'s diff) run no filter, textconv or gpg either, and answer as in a clean repository', async () => {
    const both = await Promise.all([clean, hostile].map(async r => {
      const g = new GitRepo(r.dir);
      return [await g.blameLine('src/a.ts', 3), await g.blameLine('src/a.ts', 4, 'one\ntwo\nthree\nfour\n'), await g.blameLine('docs/c.md', 1), (await g.show(r.head)).length > 0];
    }));
    const both2 = git(clean.dir, 'rev-parse', 'HEAD~2', 'HEAD~3').trim().split('\n');
    assert.deepEqual(both[0], [both2[0], '0'.repeat(40), both2[1], true]);
    assert.deepEqual(both[1], both[0]);
    assert.deepEqual(odd.markersWritten(hostile.root), []);
  });

  it('a filter driver named so that -c cannot switch it off (a=b) is not run: blame refuses that file, saying why', async () => {
    const dir = path.join(hostile.root, 'eq');
    fs.mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, '.gitattributes'), '*.ts filter=a=b\n');
    fs.writeFileSync(path.join(dir, 'x.ts'), 'x\n');
    git(dir, 'add', '-A');
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'x'], { cwd: dir });
    git(dir, 'config', 'filter.a=b.clean', odd.markerScript(hostile.root, 'eq-clean'));
    await assert.rejects(new GitRepo(dir).blameLine('x.ts', 1), /"x\.ts" is not blamed: git cannot be told to skip its filter driver "a=b"/);
    assert.deepEqual(odd.markersWritten(hostile.root), []);
  });
});

describe('what git prints names and commits as reaches a warm cache', function () {
  this.timeout(180_000);
  let r: ReturnType<typeof odd.rewritableNames>;
  before(() => { r = odd.rewritableNames(); });
  after(() => r?.rm());
  const rows = async (...extra: string[]) => {
    const got = await run('.mailmap and git replace', ['commits', '--json', '--repo', r.dir, ...extra]);
    assert.equal(got.code, 0, got.stderr);
    return commitsOf(got).map(c => `${c.subject}: ${c.author} <${c.email}>`);
  };

  it('.mailmap, mailmap.file, git replace, core.useReplaceRefs and mailmap.blob, each on the second run as on --no-cache', async () => {
    assert.deepEqual(await rows(), ['Third: Dev One <one@example.com>', 'Second: Dev Two <two@example.com>', 'Start: Dev One <one@example.com>']);
    r.write('.mailmap', 'Grace Hopper <grace@example.com> <two@example.com>\n');
    const mapped = ['Third: Dev One <one@example.com>', 'Second: Grace Hopper <grace@example.com>', 'Start: Dev One <one@example.com>'];
    assert.deepEqual(await rows(), mapped, '.mailmap added');
    assert.deepEqual(await rows('--no-cache'), mapped);
    const people = path.join(r.dir, '..', 'people.map');
    fs.writeFileSync(people, 'Ada <ada@example.com> <one@example.com>\n');
    r.git('config', 'mailmap.file', people);
    assert.deepEqual(await rows(), ['Third: Ada <ada@example.com>', 'Second: Grace Hopper <grace@example.com>', 'Start: Ada <ada@example.com>'], 'mailmap.file set');
    fs.writeFileSync(people, 'Ada Lovelace <ada@example.com> <one@example.com>\n');
    const lovelace = ['Third: Ada Lovelace <ada@example.com>', 'Second: Grace Hopper <grace@example.com>', 'Start: Ada Lovelace <ada@example.com>'];
    assert.deepEqual(await rows(), lovelace, 'mailmap.file changed');
    const replacement = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: r.dir, encoding: 'utf8', input: r.git('cat-file', 'commit', r.second).replace('\n\nSecond\n', '\n\nReplaced\n') }).trim();
    r.git('replace', r.second, replacement);
    const replaced = [lovelace[0], 'Replaced: Grace Hopper <grace@example.com>', lovelace[2]];
    assert.deepEqual(await rows(), replaced, 'git replace');
    assert.deepEqual(await rows('--no-cache'), replaced);
    r.git('config', 'core.useReplaceRefs', 'false');
    assert.deepEqual(await rows(), lovelace, 'replace refs switched off');
    // mailmap.blob names a blob by a branch that moves while HEAD does not.
    r.git('config', '--unset', 'mailmap.file');
    r.git('config', 'mailmap.blob', 'people:map');
    const names = (text: string) => {
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: r.dir, input: text, encoding: 'utf8' }).trim();
      const tree = execFileSync('git', ['mktree'], { cwd: r.dir, input: `100644 blob ${blob}\tmap\n`, encoding: 'utf8' }).trim();
      r.git('update-ref', 'refs/heads/people', execFileSync('git', ['commit-tree', tree, '-m', 'names'], { cwd: r.dir, env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' }, encoding: 'utf8' }).trim());
    };
    names('Margaret <margaret@example.com> <one@example.com>\n');
    assert.deepEqual(await rows(), ['Third: Margaret <margaret@example.com>', 'Second: Grace Hopper <grace@example.com>', 'Start: Margaret <margaret@example.com>'], 'mailmap.blob set');
    names('Margaret Hamilton <margaret@example.com> <one@example.com>\n');
    assert.deepEqual(await rows(), ['Third: Margaret Hamilton <margaret@example.com>', 'Second: Grace Hopper <grace@example.com>', 'Start: Margaret Hamilton <margaret@example.com>'], 'the blob it names changed');
  });
});
