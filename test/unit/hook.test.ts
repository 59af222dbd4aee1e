import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo, TWO_OUTCOMES_YAML } from './helpers/repo';
import { cli } from './helpers/cli';
import { commentString, hookEdit } from '../../src/core/message/commitMessage';
import { amendsHead, commitAmends, gitInvocation } from '../../src/core/git/pendingCommit';

// `outcome-lens hook install|uninstall` and the hook it writes, with real `git commit`s in real repositories.

const YAML = TWO_OUTCOMES_YAML;

/** `git commit` as a user types it: hooks run (no --no-verify). Returns git's exit code and output. */
function commit(repo: TempRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('git', ['commit', '-q', ...args], { cwd: repo.dir, env: { ...repo.env(), GIT_EDITOR: 'true', ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** The commit message exactly (git log ends its output with one more newline). */
const message = (repo: TempRepo) => repo.git('log', '-1', '--format=%B').replace(/\n$/, '');
const trailers = (repo: TempRepo) => repo.git('log', '-1', '--format=%(trailers:key=Outcome,valueonly)').trim();

describe('hook install: the prepare-commit-msg hook, with real git commits', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  /** A repository with outcomes.yaml committed and the hook installed. */
  const make = (install = true) => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', YAML).write('README.md').commit('Start\n');
    if (install) {
      const r = cli(['hook', 'install', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `installed ${path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg')}\n`);
    }
    return repo;
  };

  it('one outcome staged: the trailer is added (git commit -m, -a and with paths)', () => {
    const repo = make();
    repo.write('src/checkout/cart.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Cart']).code, 0);
    assert.equal(message(repo), 'Cart\n\nOutcome: checkout\n');
    // -a stages into git's own temporary index, which the hook is given: the hook must read that one.
    repo.write('src/search/q.ts');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'Query');
    repo.write('src/search/q.ts', 'changed\n');
    assert.equal(commit(repo, ['-a', '-m', 'Query again']).code, 0);
    assert.equal(trailers(repo), 'search');
    repo.write('src/checkout/cart.ts', 'paths\n').write('src/search/q.ts', 'not in this commit\n');
    assert.equal(commit(repo, ['-m', 'Only the cart', '--', 'src/checkout/cart.ts']).code, 0);
    assert.equal(trailers(repo), 'checkout', 'the commit of one path reads that path, not the rest of the work tree');
  });

  it('two outcomes, or none, staged: the message is left exactly as typed', () => {
    const repo = make();
    repo.write('src/checkout/a.ts').write('src/search/b.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Both']).code, 0);
    assert.equal(message(repo), 'Both\n');
    repo.write('docs/guide.md');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Docs']).code, 0);
    assert.equal(message(repo), 'Docs\n');
  });

  it('a message that already names an outcome, a merge and an amended merge are left alone', () => {
    const repo = make();
    repo.write('src/checkout/a.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Typed\n\nOutcome: search']).code, 0);
    assert.equal(trailers(repo), 'search', 'the author\'s trailer, not a second one');
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('src/checkout/b.ts');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'On topic');
    repo.git('checkout', '-q', 'main');
    const r = spawnSync('git', ['merge', '--no-ff', '-q', '--no-edit', 'topic'], { cwd: repo.dir, env: repo.env(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(message(repo), "Merge branch 'topic'\n");
    repo.write('src/checkout/c.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['--amend', '--no-edit']).code, 0);
    assert.equal(message(repo), "Merge branch 'topic'\n");
  });

  it('git commit never fails because of the hook: outcomes.yaml broken or missing, the CLI gone', () => {
    const repo = make();
    repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: checkout\n    areas: [src/checkout/\n');
    repo.write('src/checkout/a.ts');
    repo.git('add', '-A');
    const broken = commit(repo, ['-m', 'Broken map']);
    assert.equal(broken.code, 0, broken.out);
    assert.equal(message(repo), 'Broken map\n');
    assert.match(broken.out, /outcomes\.yaml has errors, so no outcome trailer was added/);
    repo.git('rm', '-q', 'outcomes.yaml');
    repo.write('src/checkout/b.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'No map']).code, 0);
    assert.equal(message(repo), 'No map\n');
    // A hook whose CLI was moved away (a reinstalled Node, a removed package) still lets the commit through.
    const hook = path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg');
    fs.writeFileSync(hook, fs.readFileSync(hook, 'utf8').replace(/'[^']*cli\.js'/, `'${path.join(repo.dir, 'gone', 'cli.js')}'`));
    repo.write('src/checkout/c.ts');
    repo.git('add', '-A');
    const gone = commit(repo, ['-m', 'CLI gone']);
    assert.equal(gone.code, 0, gone.out);
    assert.equal(message(repo), 'CLI gone\n');
  });

  it('an editor commit gets the trailer as a comment, so that an empty message still aborts the commit', () => {
    const repo = make();
    repo.write('src/checkout/a.ts');
    repo.git('add', '-A');
    const before = repo.git('rev-parse', 'HEAD');
    // The editor leaves the message as the hook made it: git must still see an empty message.
    const aborted = commit(repo, [], { GIT_EDITOR: 'true' });
    assert.notEqual(aborted.code, 0);
    assert.match(aborted.out, /empty commit message/);
    assert.equal(repo.git('rev-parse', 'HEAD'), before);
    // An editor that types a subject and uncomments the hint line commits with the trailer.
    const editor = path.join(repo.dir, '..', `${path.basename(repo.dir)}-editor.sh`);
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i -e "1s/^$/Typed in the editor/" -e "s/^# Outcome: /Outcome: /" "$1"\n', { mode: 0o755 });
    assert.equal(commit(repo, [], { GIT_EDITOR: editor }).code, 0);
    assert.equal(message(repo), 'Typed in the editor\n\nOutcome: checkout\n');
    fs.rmSync(editor);
  });

  it('an existing hook still runs first, with git\'s arguments; its failure still stops the commit; uninstall restores it', () => {
    const repo = make(false);
    const hooks = path.join(repo.dir, '.git', 'hooks');
    const hook = path.join(hooks, 'prepare-commit-msg');
    const log = path.join(repo.dir, '..', `${path.basename(repo.dir)}-hook.log`);
    const original = `#!/bin/sh\necho "ran $# $2" >> '${log}'\n[ -e "$(dirname "$0")/fail" ] && exit 3\nexit 0\n`;
    fs.writeFileSync(hook, original, { mode: 0o750 });
    const installed = cli(['hook', 'install', '--repo', repo.dir]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /runs the hook that was there before first \(kept as .*prepare-commit-msg\.outcome-lens-chained\)/);
    // Installing again updates our hook; it does not chain itself.
    assert.match(cli(['hook', 'install', '--repo', repo.dir]).stdout, /^updated /);
    assert.equal(fs.readFileSync(path.join(hooks, 'prepare-commit-msg.outcome-lens-chained'), 'utf8'), original);
    repo.write('src/search/a.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Search']).code, 0);
    assert.equal(fs.readFileSync(log, 'utf8'), 'ran 2 message\n', 'the old hook ran once, with the message file and its source');
    assert.equal(trailers(repo), 'search');
    fs.writeFileSync(path.join(hooks, 'fail'), '');
    repo.write('src/search/b.ts');
    repo.git('add', '-A');
    assert.equal(commit(repo, ['-m', 'Refused']).code, 1, 'the old hook\'s refusal is kept');
    fs.rmSync(path.join(hooks, 'fail'));
    const removed = cli(['hook', 'uninstall', '--repo', repo.dir]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(fs.readFileSync(hook, 'utf8'), original);
    assert.equal(fs.statSync(hook).mode & 0o777, 0o750, 'the mode is the hook\'s own');
    assert.ok(!fs.existsSync(path.join(hooks, 'prepare-commit-msg.outcome-lens-chained')));
    assert.match(cli(['hook', 'uninstall', '--repo', repo.dir]).stdout, /^no Outcome Lens hook at .*; nothing to remove/);
    assert.equal(fs.readFileSync(hook, 'utf8'), original, 'a second uninstall leaves the user\'s hook alone');
    fs.rmSync(log);
  });

  it('uninstall without an earlier hook leaves no hook; install refuses to overwrite a kept hook', () => {
    const repo = make();
    const hooks = path.join(repo.dir, '.git', 'hooks');
    assert.equal(cli(['hook', 'uninstall', '--repo', repo.dir]).code, 0);
    assert.ok(!fs.existsSync(path.join(hooks, 'prepare-commit-msg')));
    fs.writeFileSync(path.join(hooks, 'prepare-commit-msg'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(hooks, 'prepare-commit-msg.outcome-lens-chained'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const r = cli(['hook', 'install', '--repo', repo.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already exists/);
    assert.equal(fs.readFileSync(path.join(hooks, 'prepare-commit-msg'), 'utf8'), '#!/bin/sh\nexit 0\n', 'nothing was overwritten');
    assert.equal(cli(['hook', 'reinstall', '--repo', repo.dir]).code, 2);
  });

  it('core.hooksPath is honoured (husky and friends): the hook goes where git runs hooks from', () => {
    const repo = make(false);
    repo.git('config', 'core.hooksPath', '.husky/_');
    const r = cli(['hook', 'install', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const hook = path.join(repo.dir, '.husky', '_', 'prepare-commit-msg');
    assert.equal(r.stdout, `installed ${hook}\n`);
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg')));
    repo.write('src/checkout/a.ts');
    repo.git('add', 'src');
    assert.equal(commit(repo, ['-m', 'Husky']).code, 0);
    assert.equal(trailers(repo), 'checkout');
    assert.equal(cli(['hook', 'uninstall', '--repo', repo.dir]).code, 0);
    assert.ok(!fs.existsSync(hook));
  });

  it('from a linked worktree: the hook goes to the repository\'s hooks, which the worktree\'s commits run', () => {
    const repo = make();
    const wt = `${repo.dir}-wt`;
    repo.git('worktree', 'add', '-q', '-b', 'side', wt);
    assert.equal(cli(['hook', 'install', '--repo', wt]).stdout, `updated ${path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg')}\n`);
    fs.mkdirSync(path.join(wt, 'src', 'search'), { recursive: true });
    fs.writeFileSync(path.join(wt, 'src', 'search', 'w.ts'), 'w\n');
    execFileSync('git', ['add', '-A'], { cwd: wt });
    const r = spawnSync('git', ['commit', '-q', '-m', 'In the worktree'], { cwd: wt, env: repo.env(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(execFileSync('git', ['log', '-1', '--format=%B'], { cwd: wt, encoding: 'utf8' }), 'In the worktree\n\nOutcome: search\n\n');
    execFileSync('git', ['worktree', 'remove', '--force', wt], { cwd: repo.dir });
  });
});

/** One way of making a commit, tried for real: what `git log -1 --format=%(trailers:key=Outcome,valueonly)` reads back. */
interface Way {
  way: string;
  /** The trailer the commit must carry ('' for none) and, when it is none or not obvious, why. */
  expected: string;
  why?: string;
  /** Makes the commit; returns the trailer read back where that is not the repository's HEAD (a linked worktree). */
  run: (t: Tools) => string | void;
}

interface Tools {
  repo: TempRepo;
  /** A git command as a user types it (hooks run), at the repository's fixed date; it must succeed. */
  git: (args: string[], env?: NodeJS.ProcessEnv, cwd?: string) => string;
  /** Writes and stages files (`src/checkout/x.ts`...). */
  stage: (...files: string[]) => void;
  /** A small sh script (GIT_EDITOR, GIT_SEQUENCE_EDITOR, a hook), given the file to edit as $1; returns its path. */
  script: (body: string) => string;
  install: () => void;
}

/** Types a subject on an empty first line and uncomments the hint, whatever the comment character. */
const TYPE_AND_UNCOMMENT = 'sed -i -e "1s/^$/Typed in the editor/" -e "s/^[#;@] Outcome: /Outcome: /" "$1"\n';

const WAYS: Way[] = [
  { way: 'git commit -m', expected: 'checkout', run: t => { t.stage('src/checkout/a.ts'); t.git(['commit', '-m', 'Cart']); } },
  { way: 'git commit -F FILE', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    const file = `${t.repo.dir}-msg.txt`;
    fs.writeFileSync(file, 'From a file\n\nWith a body.\n');
    t.git(['commit', '-F', file]);
    fs.rmSync(file);
  } },
  { way: 'git commit -a -m', expected: 'search', run: t => {
    t.stage('src/search/q.ts');
    t.git(['commit', '-m', 'Query']);
    fs.writeFileSync(path.join(t.repo.dir, 'src/search/q.ts'), 'changed\n');
    t.git(['commit', '-a', '-m', 'Query again']);
  } },
  { way: 'git commit -m MSG -- PATH (the other staged file stays out)', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts', 'src/search/b.ts');
    t.git(['commit', '-m', 'Only the cart', '--', 'src/checkout/a.ts']);
  } },
  { way: 'editor: the hint uncommented', expected: 'checkout', run: t => { t.stage('src/checkout/a.ts'); t.git(['commit'], { GIT_EDITOR: t.script(TYPE_AND_UNCOMMENT) }); } },
  { way: 'editor: a subject typed, the hint left commented', expected: '', why: 'the hint is a comment until the author uncomments it: an untouched or empty message still aborts', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit'], { GIT_EDITOR: t.script('sed -i -e "1s/^$/Typed in the editor/" "$1"\n') });
  } },
  { way: 'commit.template, the hint uncommented', expected: 'checkout', run: t => {
    const template = `${t.repo.dir}-template.txt`;
    fs.writeFileSync(template, 'Subject: \n\n# Say why.\n');
    t.repo.git('config', 'commit.template', template);
    t.stage('src/checkout/a.ts');
    t.git(['commit'], { GIT_EDITOR: t.script('sed -i -e "s/^Subject: $/Subject: typed/" -e "s/^# Outcome: /Outcome: /" "$1"\n') });
    fs.rmSync(template);
  } },
  { way: 'git commit -v, the hint uncommented', expected: 'checkout', run: t => { t.stage('src/checkout/a.ts'); t.git(['commit', '-v'], { GIT_EDITOR: t.script(TYPE_AND_UNCOMMENT) }); } },
  { way: 'commit.verbose=true, git commit -e -m', expected: 'checkout', run: t => {
    t.repo.git('config', 'commit.verbose', 'true');
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-e', '-m', 'Verbose']);
  } },
  { way: 'core.commentChar=";", git commit -v, the hint uncommented', expected: 'checkout', run: t => {
    t.repo.git('config', 'core.commentChar', ';');
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-v'], { GIT_EDITOR: t.script(TYPE_AND_UNCOMMENT) });
  } },
  { way: 'core.commentChar=auto, git commit -v -e -m "#12 …"', expected: 'checkout', run: t => {
    t.repo.git('config', 'core.commentChar', 'auto');
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-v', '-e', '-m', '#12 fix the cart']);
    assert.equal(message(t.repo), '#12 fix the cart\n\nOutcome: checkout\n');
  } },
  { way: 'git commit --no-verify -m', expected: 'checkout', why: 'prepare-commit-msg is no check: git runs it with --no-verify', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '--no-verify', '-m', 'Unverified']);
  } },
  { way: 'git commit --amend -m, a file of another outcome staged', expected: '', why: 'the amended commit holds files of two outcomes', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Cart']);
    t.stage('src/search/b.ts');
    t.git(['commit', '--amend', '-m', 'Cart and search']);
  } },
  { way: 'git commit --amend -m, a file of the same outcome staged', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Cart']);
    t.stage('src/checkout/b.ts');
    t.git(['commit', '--amend', '-m', 'Cart, again']);
  } },
  { way: 'git commit --amend --no-edit (HEAD without a trailer)', expected: 'checkout', run: t => {
    t.stage('docs/a.md');
    t.git(['commit', '-m', 'Docs']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '--amend', '--no-edit']);
  } },
  { way: 'git commit --amend (editor, HEAD without a trailer)', expected: 'checkout', run: t => {
    t.stage('docs/a.md');
    t.git(['commit', '-m', 'Docs']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '--amend']);
  } },
  { way: 'git commit --amend --no-edit (HEAD with a trailer), another outcome staged', expected: 'checkout', why: 'a trailer already in the message is never changed', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Cart']);
    t.stage('src/search/b.ts');
    t.git(['commit', '--amend', '--no-edit']);
  } },
  { way: 'git commit -C COMMIT (a message without a trailer)', expected: 'checkout', run: t => {
    t.stage('docs/a.md');
    t.git(['commit', '-m', 'Docs']);
    const docs = t.repo.git('rev-parse', 'HEAD').trim();
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-C', docs]);
  } },
  { way: 'git commit -c COMMIT (editor)', expected: 'checkout', run: t => {
    t.stage('docs/a.md');
    t.git(['commit', '-m', 'Docs']);
    const docs = t.repo.git('rev-parse', 'HEAD').trim();
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-c', docs]);
  } },
  { way: 'git merge --no-ff (a merge commit)', expected: '', why: 'a merge\'s work is in the commits it brings, which carry their own trailers', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'On topic']);
    t.git(['checkout', '-q', 'main']);
    t.git(['merge', '--no-ff', '--no-edit', 'topic']);
  } },
  { way: 'git merge with a conflict, concluded by git commit', expected: '', why: 'a merge, as above', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    fs.writeFileSync(path.join(t.repo.dir, 'src/checkout/a.ts'), 'topic\n');
    t.git(['add', '-A']);
    t.git(['commit', '-m', 'On topic']);
    t.git(['checkout', '-q', 'main']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'On main']);
    const r = spawnSync('git', ['merge', '--no-edit', 'topic'], { cwd: t.repo.dir, env: { ...t.repo.env(), GIT_EDITOR: 'true' }, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '--no-edit']);
  } },
  { way: 'git merge --squash, then git commit (editor)', expected: 'checkout', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'One']);
    t.stage('src/checkout/b.ts');
    t.git(['commit', '-m', 'Two']);
    t.git(['checkout', '-q', 'main']);
    t.git(['merge', '--squash', 'topic']);
    t.git(['commit']);
  } },
  { way: 'git merge --squash, then git commit -m', expected: 'checkout', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'One']);
    t.git(['checkout', '-q', 'main']);
    t.git(['merge', '--squash', 'topic']);
    t.git(['commit', '-m', 'Squashed']);
  } },
  { way: 'git cherry-pick (a commit without a trailer)', expected: 'checkout', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Before the hook');
    t.install();
    t.git(['checkout', '-q', 'main']);
    t.git(['cherry-pick', 'topic']);
  } },
  { way: 'git cherry-pick -e', expected: 'checkout', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Before the hook');
    t.install();
    t.git(['checkout', '-q', 'main']);
    t.git(['cherry-pick', '-e', 'topic']);
  } },
  { way: 'git cherry-pick -x', expected: 'checkout', run: t => {
    t.git(['checkout', '-q', '-b', 'topic']);
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Before the hook');
    t.install();
    t.git(['checkout', '-q', 'main']);
    t.git(['cherry-pick', '-x', 'topic']);
  } },
  { way: 'git revert --no-edit', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Cart']);
    t.git(['revert', '--no-edit', 'HEAD']);
  } },
  { way: 'git revert (editor)', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Cart']);
    t.git(['revert', '--edit', 'HEAD']);
  } },
  { way: 'git rebase -i: reword (a commit without a trailer)', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Before the hook');
    t.install();
    t.git(['rebase', '-i', 'HEAD~1'], { GIT_SEQUENCE_EDITOR: t.script('sed -i -e "1s/^pick/reword/" "$1"\n'), GIT_EDITOR: t.script('sed -i -e "1s/$/ (reworded)/" "$1"\n') });
    assert.match(message(t.repo), /^Before the hook \(reworded\)\n/);
  } },
  { way: 'git rebase -i: pick, re-made (a commit without a trailer)', expected: 'checkout', run: t => {
    t.stage('docs/a.md');
    t.repo.git('commit', '-q', '-m', 'Dropped');
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Before the hook');
    t.install();
    t.git(['rebase', '-i', 'HEAD~2'], { GIT_SEQUENCE_EDITOR: t.script('sed -i -e "1d" "$1"\n') });
  } },
  { way: 'git rebase -i: squash, commits of two outcomes', expected: '', why: 'the combined commit holds files of two outcomes', run: t => {
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Cart');
    t.stage('src/search/b.ts');
    t.repo.git('commit', '-q', '-m', 'Search');
    t.install();
    t.git(['rebase', '-i', 'HEAD~2'], { GIT_SEQUENCE_EDITOR: t.script('sed -i -e "2s/^pick/squash/" "$1"\n') });
  } },
  { way: 'git rebase -i: squash, commits of one outcome', expected: 'checkout', run: t => {
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Cart');
    t.stage('src/checkout/b.ts');
    t.repo.git('commit', '-q', '-m', 'Cart again');
    t.install();
    t.git(['rebase', '-i', 'HEAD~2'], { GIT_SEQUENCE_EDITOR: t.script('sed -i -e "2s/^pick/squash/" "$1"\n') });
  } },
  { way: 'git rebase -i: fixup, commits of two outcomes', expected: '', why: 'the combined commit holds files of two outcomes', run: t => {
    t.stage('src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Cart');
    t.install();
    t.stage('src/search/b.ts');
    t.git(['commit', '-m', 'fixup! Cart']);
    t.git(['rebase', '-i', '--autosquash', 'HEAD~2']);
  } },
  { way: 'git rebase -i: fixup, commits of one outcome', expected: 'checkout', run: t => {
    t.stage('docs/a.md', 'src/checkout/a.ts');
    t.repo.git('commit', '-q', '-m', 'Cart and docs');
    t.install();
    t.stage('src/checkout/b.ts');
    t.git(['commit', '-m', 'fixup! Cart and docs']);
    t.git(['rebase', '-i', '--autosquash', 'HEAD~2']);
  } },
  { way: 'two outcomes staged, git commit -m', expected: '', why: 'two outcomes', run: t => { t.stage('src/checkout/a.ts', 'src/search/b.ts'); t.git(['commit', '-m', 'Both']); } },
  { way: 'no outcome staged, git commit -m', expected: '', why: 'no outcome', run: t => { t.stage('docs/a.md'); t.git(['commit', '-m', 'Docs']); } },
  { way: 'git commit -m with its own Outcome trailer', expected: 'search', why: 'the author\'s trailer is kept', run: t => { t.stage('src/checkout/a.ts'); t.git(['commit', '-m', 'Typed\n\nOutcome: search']); } },
  { way: 'a linked worktree', expected: 'search', run: t => {
    const wt = `${t.repo.dir}-wt`;
    t.git(['worktree', 'add', '-q', '-b', 'side', wt]);
    fs.mkdirSync(path.join(wt, 'src', 'search'), { recursive: true });
    fs.writeFileSync(path.join(wt, 'src', 'search', 'w.ts'), 'w\n');
    t.git(['add', '-A'], {}, wt);
    t.git(['commit', '-m', 'In the worktree'], {}, wt);
    const got = t.git(['log', '-1', '--format=%(trailers:key=Outcome,valueonly)'], {}, wt).trim();
    t.git(['worktree', 'remove', '--force', wt]);
    return got;
  } },
  { way: 'core.hooksPath', expected: 'checkout', run: t => {
    const uninstalled = cli(['hook', 'uninstall', '--repo', t.repo.dir]);
    assert.equal(uninstalled.code, 0, uninstalled.stderr);
    const hooks = `${t.repo.dir}-hooks`;
    t.repo.git('config', 'core.hooksPath', hooks);
    t.install();
    assert.ok(fs.existsSync(path.join(hooks, 'prepare-commit-msg')));
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Hooks elsewhere']);
  } },
  { way: 'a chained hook (one that adds a Signed-off-by line)', expected: 'checkout', run: t => {
    const uninstalled = cli(['hook', 'uninstall', '--repo', t.repo.dir]);
    assert.equal(uninstalled.code, 0, uninstalled.stderr);
    const own = path.join(t.repo.dir, '.git', 'hooks', 'prepare-commit-msg');
    fs.writeFileSync(own, '#!/bin/sh\n[ "$2" = message ] && printf "\\nSigned-off-by: Test Author <test@example.com>\\n" >> "$1"\nexit 0\n', { mode: 0o755 });
    t.install();
    t.stage('src/checkout/a.ts');
    t.git(['commit', '-m', 'Signed']);
    assert.equal(message(t.repo), 'Signed\n\nSigned-off-by: Test Author <test@example.com>\nOutcome: checkout\n');
  } },
];

describe('every way a commit is made: the trailer git reads back', function () {
  this.timeout(120_000);
  const table: string[] = [];
  after(() => {
    // The table the README's Commit hook section shows, written where OUTCOME_LENS_HOOK_TABLE says.
    if (process.env.OUTCOME_LENS_HOOK_TABLE) fs.writeFileSync(process.env.OUTCOME_LENS_HOOK_TABLE, `| way | trailer read back | expected |\n| --- | --- | --- |\n${table.join('\n')}\n`);
  });
  for (const w of WAYS) {
    it(`${w.way}: ${w.expected || 'no trailer'}${w.why ? ` (${w.why})` : ''}`, () => {
      const repo = new TempRepo();
      const scripts: string[] = [];
      let installed = false;
      const tools: Tools = {
        repo,
        git(args, env = {}, cwd = repo.dir) {
          const r = spawnSync('git', args, { cwd, env: { ...repo.env(), GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true', ...env }, encoding: 'utf8' });
          assert.equal(r.status, 0, `git ${args.join(' ')} was refused (the hook must never block a commit):\n${r.stdout}${r.stderr}`);
          return r.stdout;
        },
        stage(...files) {
          for (const f of files) repo.write(f);
          repo.git('add', '-A');
        },
        script(body) {
          const file = `${repo.dir}-script-${scripts.length}.sh`;
          fs.writeFileSync(file, `#!/bin/sh\n${body}`, { mode: 0o755 });
          scripts.push(file);
          return file;
        },
        install() {
          const r = cli(['hook', 'install', '--repo', repo.dir]);
          assert.equal(r.code, 0, r.stderr);
          installed = true;
        },
      };
      try {
        repo.write('outcomes.yaml', YAML).write('README.md').commit('Start\n');
        // A way that needs commits made before the hook installs it itself.
        if (!/cherry-pick|rebase/.test(w.way)) tools.install();
        const readBack = w.run(tools);
        assert.ok(installed);
        const got = typeof readBack === 'string' ? readBack : trailers(repo);
        table.push(`| ${w.way} | ${got || '(none)'} | ${w.expected || '(none)'}${w.why ? `: ${w.why}` : ''} |`);
        assert.equal(got, w.expected, `${w.way}: the message is\n${message(repo)}`);
      } finally {
        for (const f of scripts) fs.rmSync(f, { force: true });
        fs.rmSync(`${repo.dir}-hooks`, { force: true, recursive: true });
        repo.rm();
      }
    });
  }
});

const EDITOR = { source: '', editor: true, comment: '#' };
const MESSAGE = { source: 'message', editor: false, comment: '#' };

describe('hookEdit: what the hook does to a message', () => {
  it('adds the trailer to a typed message, keeping the rest, before git\'s comments', () => {
    assert.deepEqual(hookEdit('Fix\n', 'Outcome', 'a', MESSAGE), { text: 'Fix\n\nOutcome: a\n', reason: 'trailer' });
    assert.equal(hookEdit('Fix\n\nSigned-off-by: X <x@y>\n# comment\n', 'Outcome', 'a', { ...MESSAGE, editor: true }).text, 'Fix\n\nSigned-off-by: X <x@y>\nOutcome: a\n# comment\n');
  });
  it('judges amends and squashes like any commit; leaves a message with the key alone', () => {
    for (const source of ['squash', 'commit']) assert.equal(hookEdit('Fix\n', 'Outcome', 'a', { ...MESSAGE, source }).text, 'Fix\n\nOutcome: a\n', source);
    assert.equal(hookEdit('Fix\n\noutcome: b\n', 'Outcome', 'a', MESSAGE).reason, 'has-trailer');
  });
  it('writes a hint, not a trailer, where the editor opens next (empty message, template)', () => {
    const r = hookEdit('\n# Please enter the commit message\n#\n', 'Outcome', 'a', EDITOR);
    assert.equal(r.reason, 'hint');
    assert.equal(r.text!.split('\n').slice(0, 3).join('\n'), '\n\n# Outcome: a');
    assert.equal(hookEdit('Subject: \n\n# Template\n', 'Outcome', 'a', { ...EDITOR, source: 'template' }).reason, 'hint');
    assert.equal(hookEdit('\n# ------------------------ >8 ------------------------\n# Do not modify\n', 'Outcome', 'a', EDITOR).text, undefined, 'scissors cleanup: nothing');
    assert.equal(hookEdit('', 'Outcome', 'a', { ...MESSAGE, source: '' }).reason, 'no-editor', 'no editor: no comment that git would keep');
  });
  it('with `commit -v`, the trailer and the hint go above the scissors line, never below it', () => {
    const verbose = (text: string) => `${text}\n# Please enter\n#\n# ------------------------ >8 ------------------------\n# Do not modify\ndiff --git a/x b/x\n+Fix\n`;
    assert.equal(hookEdit(verbose('Fix\n'), 'Outcome', 'a', { ...MESSAGE, editor: true }).text, verbose('Fix\n\nOutcome: a\n'));
    const hint = hookEdit(verbose('\n'), 'Outcome', 'a', EDITOR).text!;
    assert.ok(hint.indexOf('# Outcome: a') < hint.indexOf('>8'), hint);
  });
  it('reads the comment character git uses (core.commentChar, or the one `auto` picked)', () => {
    const semi = '\n; Please enter\n;\n; ------------------------ >8 ------------------------\ndiff --git a/x b/x\n';
    const r = hookEdit(semi, 'Outcome', 'a', { ...EDITOR, comment: ';' });
    assert.equal(r.reason, 'hint');
    assert.ok(r.text!.startsWith('\n\n; Outcome: a\n;   ^ outcome-lens'), r.text);
    // With ';' comments, a '#' line is text: the trailer goes after it, above git's comments.
    assert.equal(hookEdit('Fix\n\n#12 done\n\n; c\n', 'Outcome', 'a', { ...MESSAGE, editor: true, comment: ';' }).text, 'Fix\n\n#12 done\n\nOutcome: a\n\n; c\n');
    assert.equal(commentString('x\n', undefined), '#');
    assert.equal(commentString('x\n', ';'), ';');
    assert.equal(commentString('#12 fix\n\n; semi\n\n@ Please enter\n@\n', 'auto'), '@');
    assert.equal(commentString('#12 fix\n\n; Please\n;\n; ------------------------ >8 ------------------------\n@@ -1 +1 @@\n', 'AUTO'), ';');
    assert.equal(commentString('fix\n\n# Please\n#\n', 'auto'), '#');
    assert.equal(commentString('#12 fix\n', 'auto'), ';', 'no comment of git\'s: its own choice on the message');
  });
});

describe('pendingCommit: which commit the hook is asked about', () => {
  it('reads --amend from git commit\'s arguments as git\'s parse-options does', () => {
    assert.equal(commitAmends(['-q', '--amend', '-m', 'x']), true);
    assert.equal(commitAmends(['--am', '-mx']), true, 'an abbreviation');
    assert.equal(commitAmends(['-m', '--amend']), false, 'the value of -m');
    assert.equal(commitAmends(['-qam', '--amend']), false, 'the value of -m in a bundle');
    assert.equal(commitAmends(['--message', '--amend', '--file=--amend']), false);
    assert.equal(commitAmends(['--amend', '--no-amend']), false);
    assert.equal(commitAmends(['--', '--amend']), false, 'a path');
    assert.equal(commitAmends(['-n', '--amend', '--no-gpg-sign', '-F', '.git/SQUASH_MSG', '-e']), true);
    assert.deepEqual(gitInvocation(['git', '-C', 'dir', '-c', 'a.b=c', '--no-pager', 'commit', '--amend']), { command: 'commit', args: ['--amend'] });
  });
  it('tells an amend from the command line, the rebase step in progress and the hook\'s arguments', () => {
    const commit = (...args: string[]) => ({ command: 'commit', args });
    assert.equal(amendsHead({ source: 'message', git: commit('--amend', '-m', 'x') }), true);
    assert.equal(amendsHead({ source: 'message', git: commit('-m', 'x') }), false);
    assert.equal(amendsHead({ source: 'commit', sha: 'HEAD', git: commit('-C', 'HEAD') }), false, '-C HEAD makes a new commit');
    assert.equal(amendsHead({ source: 'message', git: { command: 'rebase', args: ['-i'] }, rebaseStep: 'fixup' }), true);
    assert.equal(amendsHead({ source: 'message', git: { command: 'rebase', args: ['-i'] }, rebaseStep: 'pick' }), false);
    assert.equal(amendsHead({ source: 'message', git: { command: 'cherry-pick', args: [] } }), false);
    // The command line unread (no /proc) or an alias: git's own arguments decide.
    assert.equal(amendsHead({ source: 'commit', sha: 'HEAD' }), true);
    assert.equal(amendsHead({ source: 'message', git: { command: 'ci', args: ['--amend'] } }), false);
    assert.equal(amendsHead({ source: 'message', rebaseStep: 'squash' }), true);
  });
});
