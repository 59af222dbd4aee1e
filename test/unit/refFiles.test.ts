import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { GitRepo } from '../../src/core/git/repo';
import { tipsFromFiles } from '../../src/core/git/refFiles';

describe('HEAD and the notes tip from the repository\'s files (no git process)', () => {
  let repo: TempRepo;
  let worktree: string | undefined;
  before(() => {
    repo = new TempRepo();
    repo.write('a.txt').commit('one\n');
    repo.write('b.txt').commit('two\n');
  });
  after(() => {
    repo.rm();
    if (worktree) fs.rmSync(worktree, { recursive: true, force: true });
  });

  /** What git itself says (show-ref), for the same folder. */
  const fromGit = (dir: string) => new GitRepo(dir).tips();

  it('agrees with git for loose refs, packed refs, notes and a detached HEAD', async () => {
    assert.deepEqual(tipsFromFiles(repo.dir), await fromGit(repo.dir), 'loose branch, no notes');
    assert.equal((tipsFromFiles(repo.dir))?.notes, undefined);
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: x', 'HEAD');
    const loose = tipsFromFiles(repo.dir);
    assert.ok(loose?.notes, 'a loose notes ref');
    assert.deepEqual(loose, await fromGit(repo.dir));
    repo.git('pack-refs', '--all');
    assert.ok(!fs.existsSync(path.join(repo.dir, '.git/refs/heads/main')), 'the branch is packed now');
    assert.deepEqual(tipsFromFiles(repo.dir), await fromGit(repo.dir), 'packed branch and notes');
    repo.write('c.txt').commit('three\n'); // a loose ref again, newer than the packed one: the loose one counts
    assert.deepEqual(tipsFromFiles(repo.dir), await fromGit(repo.dir), 'a loose ref over a packed one');
    repo.git('checkout', '-q', '--detach', 'HEAD~1');
    try {
      assert.deepEqual(tipsFromFiles(repo.dir), await fromGit(repo.dir), 'detached HEAD');
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  });

  it('follows a worktree to its own HEAD and the shared refs', async () => {
    worktree = `${repo.dir}-wt`;
    repo.git('worktree', 'add', '-q', '-b', 'side', worktree, 'HEAD~1');
    const tips = tipsFromFiles(worktree);
    assert.deepEqual(tips, await fromGit(worktree));
    assert.notEqual(tips?.head, (tipsFromFiles(repo.dir))?.head);
    assert.ok(tips?.notes, 'the notes ref is shared');
  });

  it('gives no answer where git must decide: an unborn branch, an unknown HEAD, a path out of the refs', async () => {
    const empty = new TempRepo();
    try {
      assert.equal(tipsFromFiles(empty.dir), undefined, 'no commit yet');
      fs.writeFileSync(path.join(empty.dir, '.git/HEAD'), 'ref: refs/heads/../../../../etc/passwd\n');
      assert.equal(tipsFromFiles(empty.dir), undefined);
      fs.writeFileSync(path.join(empty.dir, '.git/HEAD'), 'garbage\n');
      assert.equal(tipsFromFiles(empty.dir), undefined);
      assert.equal(tipsFromFiles(path.join(empty.dir, 'nowhere')), undefined, 'not a repository');
    } finally {
      empty.rm();
    }
  });
});
