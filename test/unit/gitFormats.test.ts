import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { COMMIT, field, GitRecord, parseConfigEntries, parseNumstatEntry, parseRawChange } from '../../src/core/git/formats';
import { CommitCache } from '../../src/core/git/cache';
import { GitRepo, LogParser, RawCommit } from '../../src/core/git/repo';
import { GitError, runGit } from '../../src/core/git/runner';

describe('git records, each described once', () => {
  it('the commit record makes the --format string from its fields, in their order', () => {
    assert.equal(COMMIT.format, '--format=%x00%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%s%x00%(trailers:only,unfold)%x00%B');
    assert.deepEqual(COMMIT.names, ['sha', 'parents', 'author', 'email', 'date', 'committed', 'subject', 'trailers', 'message']);
  });

  it('one more field is one more line: the format, the parse and the cache row follow', () => {
    const R = new GitRecord({ sha: field('%H', t => t), tree: field('%T', t => t), parents: field('%P', t => t.split(' '), { store: v => v.join(','), load: (s: string) => s.split(',') }) }, 'whole');
    assert.equal(R.format, '--format=%H%x00%T%x00%P');
    const [rec] = R.all('a1\0t1\0p1 p2\0');
    assert.deepEqual(rec, { sha: 'a1', tree: 't1', parents: ['p1', 'p2'] });
    const row = R.toRow(rec);
    assert.deepEqual(row, ['a1', 't1', 'p1,p2']);
    assert.deepEqual(R.fromRow(JSON.parse(JSON.stringify(row))), rec);
  });

  it('a whole record per commit: `log -z` output read however many records, a newline before a record dropped', () => {
    const R = new GitRecord({ sha: field('%H', t => t), note: field('%N', t => t) }, 'whole');
    assert.deepEqual(R.all(''), []);
    assert.deepEqual(R.all('a\0x\n\0\nb\0\0'), [{ sha: 'a', note: 'x\n' }, { sha: 'b', note: '' }]);
  });

  it('the small parsers: config entries, --raw changes, --numstat entries', () => {
    assert.deepEqual(parseConfigEntries('a.b\nx\0a.flag\0a.c\nmulti\nline\0'), [['a.b', 'x'], ['a.flag', undefined], ['a.c', 'multi\nline']]);
    assert.deepEqual(parseRawChange('\n:100644 160000 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 M'),
      { oldMode: '100644', newMode: '160000', oldId: '0'.repeat(40), newId: '1'.repeat(40), status: 'M' });
    assert.equal(parseRawChange('src/a.ts'), undefined);
    assert.deepEqual(parseNumstatEntry('3\t4\tsrc/a b.ts'), { path: 'src/a b.ts', lines: 7 });
    assert.deepEqual(parseNumstatEntry('-\t-\timg.png'), { path: 'img.png', lines: null });
  });

  it('the log parser, fed a byte at a time, reads what it reads in one piece', () => {
    const repo = new TempRepo();
    try {
      repo.write('a.txt').commit('First\n\nOutcome: x\n');
      repo.write('b c.txt').write('d/é.txt').commit('Second\n');
      const out = repo.git('log', '-z', '--raw', '--no-abbrev', '--no-renames', '--root', COMMIT.format);
      const whole = new LogParser();
      const all = [...whole.push(out), ...whole.end()];
      const bytes = Buffer.from(out);
      const slow = new LogParser();
      const got: RawCommit[] = [];
      for (let i = 0; i < bytes.length; i++) got.push(...slow.push(bytes.subarray(i, i + 1)));
      got.push(...slow.end());
      assert.deepEqual(got, all);
      assert.deepEqual(all.map(c => [c.subject, c.files, c.trailers]), [['Second', ['b c.txt', 'd/é.txt'], []], ['First', ['a.txt'], [['Outcome', 'x']]]]);
    } finally {
      repo.rm();
    }
  });
});

describe('the commit cache keeps rows as COMMIT describes them', () => {
  let repo: TempRepo;
  let cacheDir: string;
  before(() => {
    repo = new TempRepo();
    repo.write('a.txt').commit('First\n\nOutcome: x\n');
    repo.write('b.txt').commit('Second\n');
  });
  after(() => repo.rm());
  beforeEach(() => { cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-cache-')); });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('a saved commit reads back as git printed it', async () => {
    const g = new GitRepo(repo.dir);
    const commits: RawCommit[] = [];
    await g.log({}, part => commits.push(...part));
    const cache = await CommitCache.create(cacheDir, repo.dir);
    cache.add(commits);
    await cache.finish(commits[0].sha);
    const again = await CommitCache.open(cacheDir, repo.dir);
    assert.equal(again.size, 2);
    assert.deepEqual([...again.parts()].flat(), commits);
  });

  it('a file written with other fields is not trusted', async () => {
    const g = new GitRepo(repo.dir);
    const cache = await CommitCache.create(cacheDir, repo.dir);
    let tip = '';
    await g.log({}, part => { tip ||= part[0].sha; cache.add(part); });
    await cache.finish(tip);
    const file = CommitCache.fileFor(cacheDir, repo.dir);
    assert.equal((await CommitCache.open(cacheDir, repo.dir)).size, 2);
    const text = fs.readFileSync(file, 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n')));
    header.fields = header.fields.replace('%aE', '%ae');
    fs.writeFileSync(file, JSON.stringify(header) + text.slice(text.indexOf('\n')));
    assert.equal((await CommitCache.open(cacheDir, repo.dir)).size, 0);
  });
});

describe('GitRepo: the questions the CLI asks, without raw git arguments', () => {
  let repo: TempRepo;
  const sha: Record<string, string> = {};
  before(() => {
    repo = new TempRepo();
    sha.first = repo.write('a.txt').commit('First\n');
    sha.second = repo.write('b.txt').commit('Second\n');
    repo.git('checkout', '-q', '--orphan', 'other');
    sha.otherRoot = repo.write('c.txt').commit('Older root\n', { date: '2023-06-01T12:00:00Z' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--allow-unrelated-histories', '--no-ff', 'other', '-m', 'Join');
  });
  after(() => repo.rm());

  it('configEntries and configValue read config with one reader (exit 1: none)', async () => {
    const g = new GitRepo(repo.dir);
    repo.git('config', 'ol.test.value', 'one two');
    repo.git('config', '--add', 'ol.test.multi', 'first');
    repo.git('config', '--add', 'ol.test.multi', 'second');
    fs.appendFileSync(path.join(repo.dir, '.git', 'config'), '[ol "test"]\n\tflag\n');
    assert.deepEqual(await g.configEntries('^ol\\.test\\.'), [['ol.test.value', 'one two'], ['ol.test.multi', 'first'], ['ol.test.multi', 'second'], ['ol.test.flag', undefined]]);
    assert.deepEqual(await g.configEntries('^ol\\.nothing\\.'), []);
    assert.equal(await g.configValue('ol.test.value'), 'one two');
    assert.equal(await g.configValue('ol.test.multi'), 'second', 'the last one, as git reads it');
    assert.equal(await g.configValue('ol.test.flag'), '');
    assert.equal(await g.configValue('core.commentChar'), undefined);
    repo.git('config', 'core.commentChar', ';');
    assert.equal(await g.configValue('core.commentChar'), ';');
  });

  it('remotes come from the same reader', async () => {
    const g = new GitRepo(repo.dir);
    repo.git('remote', 'add', 'origin', 'https://example.invalid/a.git');
    repo.git('config', '--add', 'remote.origin.fetch', '+refs/notes/outcomes:refs/notes/outcomes');
    repo.git('remote', 'add', 'up', 'https://example.invalid/b.git');
    assert.deepEqual(await g.remotes(), [
      { name: 'origin', url: 'https://example.invalid/a.git', fetchesNotes: true },
      { name: 'up', url: 'https://example.invalid/b.git', fetchesNotes: false },
    ]);
  });

  it('gitPath: .git/hooks, or core.hooksPath', async () => {
    const g = new GitRepo(repo.dir);
    assert.equal(await g.gitPath('hooks'), path.join(repo.dir, '.git', 'hooks'));
    repo.git('config', 'core.hooksPath', '.husky');
    try {
      assert.equal(await g.gitPath('hooks'), path.join(repo.dir, '.husky'));
    } finally {
      repo.git('config', '--unset', 'core.hooksPath');
    }
  });

  it('stagedFiles: the index of .git, or the one a hook is given', async () => {
    const g = new GitRepo(repo.dir);
    assert.deepEqual(await g.stagedFiles(), []);
    repo.write('new file.txt').write('src/x.ts');
    repo.git('add', 'new file.txt');
    try {
      assert.deepEqual(await g.stagedFiles(), ['new file.txt']);
      const other = path.join(repo.dir, '.git', 'other-index');
      fs.copyFileSync(path.join(repo.dir, '.git', 'index'), other);
      execGit(repo, { GIT_INDEX_FILE: other }, 'add', 'src/x.ts');
      assert.deepEqual(await g.stagedFiles(other), ['new file.txt', 'src/x.ts']);
      assert.deepEqual(await g.stagedFiles(), ['new file.txt'], '.git/index is untouched');
    } finally {
      repo.git('reset', '-q');
      fs.rmSync(path.join(repo.dir, 'new file.txt'));
      fs.rmSync(path.join(repo.dir, 'src'), { recursive: true });
    }
  });

  it('newestCommitDate and oldestCommitDate: committer dates of a range, the oldest of several roots', async () => {
    const g = new GitRepo(repo.dir);
    const date = (rev: string) => repo.git('log', '-1', '--format=%cI', rev).trim();
    assert.equal(await g.newestCommitDate('HEAD'), date('HEAD'));
    assert.equal(await g.oldestCommitDate('HEAD'), date(sha.otherRoot));
    assert.equal(await g.oldestCommitDate('main~1'), date(sha.first));
    assert.equal(await g.newestCommitDate(`${sha.second}..${sha.second}`), undefined);
    assert.equal(await g.oldestCommitDate(`${sha.second}..${sha.second}`), undefined);
    await assert.rejects(g.newestCommitDate('--all'), /must name commits/);
  });
});

describe('the classifier names what git did not find; GitRepo decides by kind', () => {
  let repo: TempRepo;
  before(() => {
    repo = new TempRepo();
    repo.write('a.txt', 'one\ntwo\n').commit('First\n');
  });
  after(() => repo.rm());

  const kindOf = (args: string[]) => runGit(args, { cwd: repo.dir }).then(() => 'ok', (e: GitError) => e.kind);

  it('merge-base of a commit this repository does not have: unknownCommit, and isAncestor says no', async () => {
    const gone = '1'.repeat(40);
    assert.equal(await kindOf(['merge-base', '--is-ancestor', gone, 'HEAD']), 'unknownCommit');
    assert.equal(await new GitRepo(repo.dir).isAncestor(gone, repo.git('rev-parse', 'HEAD').trim()), false);
    assert.equal(await kindOf(['log', '--no-walk', gone]), 'badObject', 'another command\'s "bad object" stays a bad object');
  });

  it('blame of an untracked path or a line past the end: noSuchPath, and blameLine has nothing to annotate', async () => {
    assert.equal(await kindOf(['blame', '--porcelain', '-L', '1,1', '--', 'nope.txt']), 'noSuchPath');
    assert.equal(await kindOf(['blame', '--porcelain', '-L', '9,9', '--', 'a.txt']), 'noSuchPath');
    const g = new GitRepo(repo.dir);
    assert.equal(await g.blameLine('nope.txt', 1), undefined);
    assert.equal(await g.blameLine('a.txt', 9), undefined);
    assert.equal(await g.blameLine('a.txt', 2), repo.git('rev-parse', 'HEAD').trim());
  });

  it('blame before the first commit: noSuchPath too', async () => {
    const empty = new TempRepo();
    try {
      empty.write('a.txt');
      assert.equal(await new GitRepo(empty.dir).blameLine('a.txt', 1), undefined);
    } finally {
      empty.rm();
    }
  });
});

function execGit(repo: TempRepo, env: Record<string, string>, ...args: string[]): void {
  require('node:child_process').execFileSync('git', args, { cwd: repo.dir, env: { ...repo.env(), ...env } });
}
