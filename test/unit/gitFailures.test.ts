import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { gitShim, makeUnsafe, pathWithoutGit, REAL_GIT, removeObject } from './helpers/faults';
import * as os from 'node:os';
import { GitRepo } from '../../src/core/git/repo';
import { configureGit, GitError } from '../../src/core/git/runner';
import { tagCommits } from '../../src/core/git/outcomeNotes';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const YAML = 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A git failure in the CLI: exit 2, nothing on stdout, one line on stderr that names git's complaint, no stack trace. */
function assertGitFailure(r: ReturnType<typeof cli>, complaint: RegExp): void {
  assert.equal(r.code, 2, `exit 2, not ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '', 'no answer on stdout');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], /^outcome-lens: /);
  assert.match(lines[0], complaint);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, 'no stack trace');
}

/** A repository with one unlinked commit: a CI gate on `commits --unlinked` must fail on it, or on git failing. */
function oneUnlinked(): TempRepo {
  const repo = new TempRepo();
  repo.write('outcomes.yaml', YAML).write('docs/a.md').commit('Unlinked work\n');
  return repo;
}

describe('a git failure is never an empty answer (the CLI)', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  const make = () => { const r = oneUnlinked(); repos.push(r); return r; };
  after(() => { for (const r of repos) r.rm(); });

  it('the same repository, readable: the gate fails on the unlinked commit (exit 1)', () => {
    const r = cli(['commits', '--unlinked', '--repo', make().dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Unlinked work/);
  });

  it('unsafe ownership (a repository owned by another user): exit 2, git\'s complaint and the safe.directory fix', () => {
    const repo = make();
    const PATH = makeUnsafe(repo.dir);
    for (const cmd of [['commits', '--unlinked'], ['report'], ['files'], ['check']]) {
      const r = cli([...cmd, '--repo', repo.dir], { PATH });
      assertGitFailure(r, /detected dubious ownership/);
      assert.ok(r.stderr.includes(`git config --global --add safe.directory ${repo.dir}`), r.stderr);
    }
  });

  it('check with a broken outcomes.yaml still reports git failing (exit 2), not only the file\'s errors (exit 1)', () => {
    const repo = make();
    fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), 'version: 2\noutcomes: []\n');
    for (const format of ['text', 'sarif']) assertGitFailure(cli(['check', '--format', format, '--repo', repo.dir], { PATH: makeUnsafe(repo.dir) }), /detected dubious ownership/);
  });

  it('a corrupt HEAD: exit 2, git cannot read the repository', () => {
    const repo = make();
    fs.writeFileSync(path.join(repo.dir, '.git', 'HEAD'), 'garbage\n');
    assertGitFailure(cli(['commits', '--unlinked', '--repo', repo.dir]), /cannot read a repository at .*not a git repository/);
    assertGitFailure(cli(['report', '--repo', repo.dir]), /cannot read a repository/);
  });

  it('a corrupt branch ref is a broken repository, not an empty one: exit 2', () => {
    const repo = make();
    fs.writeFileSync(path.join(repo.dir, '.git', 'refs', 'heads', 'main'), 'garbage\n');
    assertGitFailure(cli(['commits', '--unlinked', '--repo', repo.dir]), /current branch appears to be broken/);
    assertGitFailure(cli(['check', '--repo', repo.dir]), /broken/);
  });

  it('a corrupt notes ref fails too, instead of reading as "no notes"', () => {
    const repo = make();
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: a', 'HEAD');
    fs.writeFileSync(path.join(repo.dir, '.git', 'refs', 'notes', 'outcomes'), 'garbage\n');
    assertGitFailure(cli(['commits', '--unlinked', '--repo', repo.dir]), /bad ref refs\/notes\/outcomes/);
  });

  it('a missing object (a tree of the history): exit 2 with git\'s "unable to read tree"', () => {
    const repo = make();
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    removeObject(repo.dir, tree);
    assertGitFailure(cli(['commits', '--unlinked', '--repo', repo.dir]), new RegExp(`unable to read tree ${tree}`));
  });

  it('git not on PATH: exit 2, says so', () => {
    assertGitFailure(cli(['commits', '--unlinked', '--repo', make().dir], { PATH: pathWithoutGit() }), /git is not installed or not on PATH/);
  });

  // Were the hang not stopped, cli()'s own 60 s limit would kill the CLI and the message would be missing.
  it('a git that hangs: the timeout stops it and says so', () => {
    const PATH = `${gitShim('exec sleep 600')}:${process.env.PATH}`;
    const r = cli(['commits', '--unlinked', '--repo', make().dir], { PATH, OUTCOME_LENS_GIT_TIMEOUT: '1' });
    assertGitFailure(r, /printed nothing for 1 s and was stopped \(timeout\)/);
  });

  it('a git whose child hangs holding its output open: stopped all the same, not when the child lets go', () => {
    const PATH = `${gitShim('sleep 600\nexec git "$@"')}:${process.env.PATH}`;
    const r = cli(['commits', '--unlinked', '--repo', make().dir], { PATH, OUTCOME_LENS_GIT_TIMEOUT: '1' });
    assertGitFailure(r, /printed nothing for 1 s and was stopped \(timeout\)/);
  });

  it('only an unborn HEAD is no history: exit 0, nothing listed, a report of 0 commits', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', YAML);
    const r = cli(['commits', '--unlinked', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(cli(['commits', '--json', '--repo', repo.dir]).stdout, '[]\n');
    assert.match(cli(['report', '--repo', repo.dir]).stdout, / 0 commits /);
  });
});

describe('a repository whose .git went away (the core, as the extension holds it)', () => {
  it('is "not a git repository", not the history of the repository that holds its folder', async () => {
    const outer = oneUnlinked();
    try {
      const inner = path.join(outer.dir, 'nested');
      fs.mkdirSync(inner);
      await assert.rejects(new GitRepo(inner).tips(), (e: Error & { kind?: string }) => e.kind === 'notRepository' && /not a git repository/.test(e.message));
      assert.ok((await new GitRepo(outer.dir).tips()).head, 'the outer repository itself reads');
    } finally {
      outer.rm();
    }
  });
});

/** A PATH whose first `git` records each start in `marker`, then runs the real one. */
function recordingGit(marker: string): string {
  return `${gitShim(`echo "$@" >> ${JSON.stringify(marker)}\nexec ${REAL_GIT} "$@"`)}:${process.env.PATH}`;
}

describe('the trust gate: git runs only where trust was stated', () => {
  let repo: TempRepo;
  let marker: string;
  const PATH = process.env.PATH;
  before(() => { repo = oneUnlinked(); });
  after(() => repo.rm());
  beforeEach(() => {
    marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-trust-')), 'started');
    process.env.PATH = recordingGit(marker);
  });
  afterEach(() => {
    process.env.PATH = PATH;
    configureGit({ trusted: () => true });
  });

  it('a runner nobody configured refuses (kind untrusted) and starts no process', async () => {
    // A second instance of the module, as a thread that never called configureGit has it.
    const file = require.resolve('../../src/core/git/runner');
    const kept = require.cache[file];
    delete require.cache[file];
    let fresh: typeof import('../../src/core/git/runner');
    try {
      fresh = require(file);
    } finally {
      require.cache[file] = kept;
    }
    assert.notEqual(fresh.configureGit, configureGit, 'a fresh instance');
    await assert.rejects(fresh.runGit(['rev-parse', 'HEAD'], { cwd: repo.dir }), (e: Error) => e instanceof fresh.GitError && e.kind === 'untrusted');
    assert.equal(fs.existsSync(marker), false, 'no git started');
  });

  it('trust taken back: every GitRepo call refuses (kind untrusted) and starts no process; stated again, git runs', async () => {
    configureGit({ trusted: () => false });
    const g = new GitRepo(repo.dir);
    for (const call of [() => g.tips(), () => g.notes(), () => g.trackedFiles(), () => g.configValue('user.name')]) {
      await assert.rejects(call(), (e: Error) => e instanceof GitError && e.kind === 'untrusted');
    }
    assert.equal(fs.existsSync(marker), false, 'no git started');
    configureGit({ trusted: () => true });
    assert.ok((await g.tips()).head);
    assert.match(fs.readFileSync(marker, 'utf8'), /show-ref/, 'the shim sees the starts it is meant to see');
  });
});

describe('reading notes runs no command of the repository\'s config', () => {
  it('with log.showSignature and a gpg.program, reading the notes and tagging (which reads them) run no gpg', async () => {
    const repo = new TempRepo();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-gpg-'));
    try {
      repo.write('outcomes.yaml', YAML).commit('Start\n');
      const signed = repo.commitSigned('Signed work\n');
      repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: a', signed);
      const marker = path.join(dir, 'gpg-ran');
      const gpg = path.join(dir, 'gpg');
      fs.writeFileSync(gpg, `#!/bin/sh\necho "$@" >> ${JSON.stringify(marker)}\nexit 1\n`, { mode: 0o755 });
      repo.git('config', 'log.showSignature', 'true');
      repo.git('config', 'gpg.program', gpg);
      repo.git('log', '-1', '--format=%H', signed);
      assert.ok(fs.existsSync(marker), 'git itself runs gpg.program for this commit');
      fs.rmSync(marker);

      const g = new GitRepo(repo.dir);
      assert.deepEqual([...await g.notes()], [[signed, 'Outcome: a\n']]);
      const [tagged] = await tagCommits(g, [signed], 'Outcome', { add: ['b'] });
      assert.deepEqual(tagged.after, ['a', 'b']);
      assert.equal(fs.existsSync(marker), false, 'gpg.program did not run');
    } finally {
      repo.rm();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
