import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo, TWO_OUTCOMES_YAML } from './helpers/repo';
import { cli } from './helpers/cli';
import { hookEdit } from '../../src/core/message/commitMessage';

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

  it('a message that already names an outcome, a merge and an amend are left alone', () => {
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

describe('hookEdit: what the hook does to a message', () => {
  it('adds the trailer to a typed message, keeping the rest, before git\'s comments', () => {
    assert.deepEqual(hookEdit('Fix\n', 'Outcome', 'a', 'message'), { text: 'Fix\n\nOutcome: a\n', reason: 'trailer' });
    assert.equal(hookEdit('Fix\n\nSigned-off-by: X <x@y>\n# comment\n', 'Outcome', 'a', 'message').text, 'Fix\n\nSigned-off-by: X <x@y>\nOutcome: a\n# comment\n');
  });
  it('leaves merges, squashes, amends and messages with the key alone', () => {
    for (const source of ['merge', 'squash', 'commit']) assert.equal(hookEdit('Fix\n', 'Outcome', 'a', source).text, undefined, source);
    assert.equal(hookEdit('Fix\n\noutcome: b\n', 'Outcome', 'a', 'message').reason, 'has-trailer');
  });
  it('writes a hint, not a trailer, where the editor opens next (empty message, template)', () => {
    const r = hookEdit('\n# Please enter the commit message\n#\n', 'Outcome', 'a', '');
    assert.equal(r.reason, 'hint');
    assert.equal(r.text!.split('\n').slice(0, 3).join('\n'), '\n\n# Outcome: a');
    assert.equal(hookEdit('Subject: \n\n# Template\n', 'Outcome', 'a', 'template').reason, 'hint');
    assert.equal(hookEdit('\n# c\n', 'Outcome', 'a', '', ';').text, undefined, 'another comment character: nothing');
    assert.equal(hookEdit('\n# ------------------------ >8 ------------------------\n', 'Outcome', 'a', '').text, undefined, 'scissors cleanup: nothing');
  });
});
