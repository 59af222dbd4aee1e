import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { parseTrailers, trailerValues, idsFromValues, noteTrailerValues, valuesFor } from '../../src/core/message/trailers';
import { GitRepo } from '../../src/core/git/repo';

// Every expectation here comes from git itself: each message is committed verbatim (commit-tree, no cleanup)
// and git's own `%(trailers)` output is the reference for both our port and the history reader.
const CASES: { name: string; message: string; expect?: string[] }[] = [
  { name: 'simple trailer', message: 'Subject\n\nBody.\n\nOutcome: checkout\n', expect: ['checkout'] },
  { name: 'trailer block is the last paragraph only', message: 'Subject\n\nOutcome: early\n\nBody text.\n\nOutcome: late\n', expect: ['late'] },
  { name: 'trailer paragraph followed by another paragraph', message: 'Subject\n\nOutcome: a\n\nJust a closing remark.\n', expect: [] },
  { name: 'subject-only message that looks like a trailer', message: 'Outcome: a\n', expect: [] },
  { name: 'subject then trailer-looking second line, no blank', message: 'Outcome: a\nOutcome: b\n', expect: [] },
  { name: 'case-insensitive key', message: 'S\n\noutcome: lower\nOUTCOME: upper\n', expect: ['lower', 'upper'] },
  { name: 'several ids in one trailer', message: 'S\n\nOutcome: a, b,c\n', expect: ['a, b,c'] },
  { name: 'several trailers', message: 'S\n\nOutcome: a\nReviewed-by: X <x@e>\nOutcome: b\n', expect: ['a', 'b'] },
  { name: 'Key : value (space before the colon)', message: 'S\n\nOutcome : spaced\n', expect: ['spaced'] },
  { name: 'continuation line', message: 'S\n\nOutcome: a,\n  b\n', expect: ['a, b'] },
  { name: 'tab continuation after another trailer', message: 'S\n\nFoo: x\nOutcome: first\n\tsecond\n', expect: ['first second'] },
  { name: 'CRLF message', message: 'Subject\r\n\r\nBody\r\n\r\nOutcome: crlf\r\n' },
  { name: 'CRLF with two trailers', message: 'Subject\r\n\r\nOutcome: a\r\nOutcome: b\r\n' },
  { name: '--- line in the body', message: 'Subject\n\nBody\n---\nnot a patch\n\nOutcome: after-dashes\n', expect: ['after-dashes'] },
  { name: 'trailer before a --- line', message: 'Subject\n\nOutcome: before\n---\nfoo\n' },
  { name: '25% rule: git-generated trailer makes a mostly-text block count', message: 'S\n\nOutcome: a\nsome text\nmore text\nSigned-off-by: A <a@e>\n', expect: ['a'] },
  { name: '25% rule: 2 of 8 lines is not enough', message: 'S\n\nOutcome: a\nt1\nt2\nt3\nt4\nt5\nt6\nt7\nSigned-off-by: A <a@e>\n', expect: [] },
  { name: '25% rule: exactly a quarter', message: 'S\n\nOutcome: a\nt1\nt2\nt3\nt4\nt5\nSigned-off-by: A <a@e>\n', expect: ['a'] },
  { name: 'no git-generated trailer: one text line spoils the block', message: 'S\n\nOutcome: a\nnot a trailer\n', expect: [] },
  { name: 'cherry-picked marker counts as git-generated', message: 'S\n\nOutcome: a\nfree text here\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n', expect: ['a'] },
  { name: 'trailing blank lines and comments', message: 'S\n\nOutcome: a\n\n# a comment\n\n', expect: ['a'] },
  { name: 'empty value', message: 'S\n\nOutcome:\n' },
  { name: 'value with a URL', message: 'S\n\nOutcome: a (see https://x.example/1)\n' },
  { name: 'key with a space is not a trailer key', message: 'S\n\nOutcome Id: x\n', expect: [] },
  { name: 'other key with the same prefix', message: 'S\n\nOutcome-Id: x\nOutcomes: y\n', expect: [] },
  { name: 'no trailing newline', message: 'S\n\nOutcome: a', expect: ['a'] },
  { name: 'empty message', message: '' },
  { name: 'blank-only body', message: 'S\n\n   \n\n' },
  { name: 'unicode around', message: 'Ünïcode subject\n\nBody 日本\n\nOutcome: ü-x\n' },
  { name: 'leading whitespace line is not a trailer', message: 'S\n\n Outcome: a\n', expect: [] },
  { name: 'conflicts block ignored', message: 'S\n\nOutcome: a\n\nConflicts:\n\tfile.c\n', expect: ['a'] },
  // counterexamples the property test (properties.test.ts) found, shrunk
  { name: 'blank lines before the subject: the first paragraph after them is the title', message: '\n\nOutcome: a\n', expect: [] },
  { name: 'whitespace-only lines before the subject', message: ' \n\t\nS\n\nOutcome: b\n', expect: ['b'] },
  { name: 'a vertical tab is not whitespace to git', message: 'S\n\nOutcome: \va\n', expect: ['\va'] },
  { name: 'a form feed is kept at the end of a value', message: 'S\n\nOutcome: a \f\n', expect: ['a \f'] },
  { name: 'a line holding a vertical tab is not blank', message: 'S\n\nOutcome: a\n\v\nOutcome: b\n', expect: [] },
];

describe('trailers, checked against git', function () {
  let repo: TempRepo;
  const shas: string[] = [];
  before(() => {
    repo = new TempRepo();
    repo.write('f').commit('root\n');
    for (const c of CASES) shas.push(repo.commitRaw(c.message));
  });
  after(() => repo.rm());

  const gitValues = (sha: string) =>
    lines(repo.git('log', '-1', '--format=%(trailers:key=Outcome,valueonly,unfold)%x00', sha).split('\0')[0]);
  const gitAll = (sha: string) =>
    lines(repo.git('log', '-1', '--format=%(trailers:only,unfold)%x00', sha).split('\0')[0]);
  // one entry per line git printed (an empty trailer value is an empty line)
  const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

  CASES.forEach((c, i) => {
    it(`${c.name}: our parser agrees with git`, () => {
      const sha = shas[i];
      assert.equal(repo.git('log', '-1', '--format=%B%x00', sha).split('\0')[0].replace(/\n$/, ''), c.message.replace(/\n$/, ''), 'message stored verbatim');
      const fromGit = gitValues(sha);
      if (c.expect) assert.deepEqual(fromGit, c.expect, 'the table states what git says');
      assert.deepEqual(trailerValues(c.message, 'Outcome'), fromGit);
      assert.deepEqual(parseTrailers(c.message).map(t => `${t.key}: ${t.value}`), gitAll(sha));
    });
  });

  it('the history reader returns git\'s trailer values for every case', async () => {
    const g = new GitRepo(repo.dir);
    const commits = await g.readCommits(shas);
    assert.equal(commits.length, CASES.length);
    commits.forEach((c, i) => {
      assert.equal(c.sha, shas[i]);
      assert.deepEqual(valuesFor(c.trailers, 'Outcome'), gitValues(shas[i]), CASES[i].name);
    });
  });

  it('a custom trailer key is honoured by git and by the port', async () => {
    const sha = repo.commitRaw('S\n\nBusiness-Outcome: z\nOutcome: a\n');
    const g = new GitRepo(repo.dir);
    const [c] = await g.readCommits([sha]);
    assert.deepEqual(valuesFor(c.trailers, 'Business-Outcome'), ['z']);
    assert.deepEqual(valuesFor(c.trailers, 'business-outcome'), ['z'], 'keys match case-insensitively, as git\'s key= does');
    assert.deepEqual(trailerValues('S\n\nBusiness-Outcome: z\nOutcome: a\n', 'business-outcome'), ['z']);
  });
});

describe('trailer values to outcome ids', () => {
  it('splits on commas, trims, drops empties and repeats', () => {
    assert.deepEqual(idsFromValues(['a, b,,c ', 'b', ' ']), ['a', 'b', 'c']);
  });
  it('reads a one-line note as a trailer block', () => {
    assert.deepEqual(noteTrailerValues('Outcome: x\n', 'Outcome'), ['x']);
    assert.deepEqual(noteTrailerValues('Some words first.\n\nOutcome: y, z\n', 'outcome'), ['y, z']);
    assert.deepEqual(noteTrailerValues('no trailer here\n', 'Outcome'), []);
  });
});
