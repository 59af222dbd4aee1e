import * as assert from 'node:assert/strict';
import { TempRepo, TWO_OUTCOMES_YAML } from './helpers/repo';
import { cli, cliAsync } from './helpers/cli';
import { noteTrailerValues, noteWithIds } from '../../src/core/message/trailers';
import { GitRepo, NOTES_DRAFTS, NotesDraft, NotesRaceError } from '../../src/core/git/repo';
import { noteIds, tagCommits } from '../../src/core/git/outcomeNotes';
import { TagError, tagOutcomes } from '../../src/core/usecases/tag';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { RepoActions } from '../../src/core/history/actions';

// `outcome-lens tag`, run as a process on real repositories: the note git itself holds afterwards, and what
// `commits --json` then says of the commit.

const YAML = TWO_OUTCOMES_YAML;

describe('tag: linking existing commits through refs/notes/outcomes', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => { for (const r of repos) r.rm(); });
  const make = () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('outcomes.yaml', YAML).commit('Start\n');
    const docs = repo.write('docs/guide.md').commit('Write the guide\n');
    const trailer = repo.write('docs/more.md').commit('More docs\n\nOutcome: search\n');
    return { repo, docs, trailer };
  };
  const note = (repo: TempRepo, sha: string) => repo.git('notes', '--ref=outcomes', 'list').includes(sha) ? repo.git('notes', '--ref=outcomes', 'show', sha) : undefined;
  const commitsJson = (repo: TempRepo) => {
    const r = cli(['commits', '--json', '--repo', repo.dir, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { sha: string; links: { outcome: string; via: string }[]; status: string; invalid: string[] }[];
  };

  it('adds a note line, and commits --json then shows the commit linked via note', () => {
    const { repo, docs } = make();
    assert.equal(commitsJson(repo).find(c => c.sha === docs)!.status, 'unlinked');
    const r = cli(['tag', docs.slice(0, 8), '--outcome', 'checkout', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${docs.slice(0, 10)} added: checkout; note now names checkout\n`);
    assert.equal(note(repo, docs), 'Outcome: checkout\n');
    const c = commitsJson(repo).find(x => x.sha === docs)!;
    assert.deepEqual(c.links, [{ outcome: 'checkout', via: 'note' }]);
    assert.equal(c.status, 'linked');
    // the note commit is git's own, with the committer git was configured with
    assert.match(repo.git('log', '-1', '--format=%an %s', 'refs/notes/outcomes'), /^Test Author Notes added by 'git notes add'/);
  });

  it('extends the note without duplicates and keeps what else it says', () => {
    const { repo, docs } = make();
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Discussed in planning.', '-m', 'Reviewed-by: Someone <s@example.com>', docs);
    assert.equal(cli(['tag', docs, '--outcome', 'search', '--repo', repo.dir]).code, 0);
    const r = cli(['tag', 'HEAD~1', '--outcome', 'search,checkout', '--outcome', 'search', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${docs.slice(0, 10)} added: search, checkout; note now names search, checkout\n`);
    assert.equal(note(repo, docs), 'Discussed in planning.\n\nReviewed-by: Someone <s@example.com>\nOutcome: search, checkout\n');
    const again = cli(['tag', docs, '--outcome', 'checkout', '--repo', repo.dir]);
    assert.equal(again.stdout, `${docs.slice(0, 10)} already in its note: checkout; note now names search, checkout\n`);
    assert.equal(repo.git('rev-list', '--count', 'refs/notes/outcomes'), '3\n', 'a note that already says it is not written again');
    assert.deepEqual(commitsJson(repo).find(x => x.sha === docs)!.links, [{ outcome: 'search', via: 'note' }, { outcome: 'checkout', via: 'note' }]);
  });

  it('--remove takes ids out; the last one takes the note away', () => {
    const { repo, docs } = make();
    cli(['tag', docs, '--outcome', 'checkout,search', '--repo', repo.dir]);
    const r = cli(['tag', docs, '--outcome', 'checkout', '--remove', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(note(repo, docs), 'Outcome: search\n');
    assert.equal(cli(['tag', docs, '--outcome', 'search', '--remove', '--repo', repo.dir]).code, 0);
    assert.equal(note(repo, docs), undefined);
    assert.equal(commitsJson(repo).find(x => x.sha === docs)!.status, 'unlinked');
  });

  it('removes an id outcomes.yaml does not define (an invalid link), which adding refuses', () => {
    const { repo, docs } = make();
    repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: chekout', docs);
    assert.deepEqual(commitsJson(repo).find(x => x.sha === docs)!.invalid, ['chekout']);
    assert.equal(cli(['tag', docs, '--outcome', 'chekout', '--remove', '--repo', repo.dir]).code, 0);
    assert.deepEqual(commitsJson(repo).find(x => x.sha === docs)!.invalid, []);
  });

  it('refuses unknown ids and commits with exit 2, writing nothing', () => {
    const { repo, docs } = make();
    const before = repo.git('for-each-ref');
    const unknown = cli(['tag', docs, '--outcome', 'checkout,nope', '--repo', repo.dir]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'outcome-lens: outcomes.yaml defines no outcome "nope"; known: checkout, search\n');
    const bad = cli(['tag', docs, 'no-such-branch', '--outcome', 'checkout', '--repo', repo.dir]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'outcome-lens: not a commit: "no-such-branch"\n');
    const option = cli(['tag', '--outcome', 'checkout', '--repo', repo.dir, '--', '--output=/tmp/x']);
    assert.equal(option.code, 2);
    assert.equal(option.stderr, 'outcome-lens: not a commit: "--output=/tmp/x"\n', 'an argument is never read as an option');
    assert.equal(cli(['tag', docs, '--repo', repo.dir]).code, 2, 'no --outcome');
    assert.equal(cli(['tag', '--outcome', 'checkout', '--repo', repo.dir]).code, 2, 'no commit');
    assert.equal(cli(['tag', docs, '--outcome', 'Bad Id', '--repo', repo.dir]).code, 2);
    assert.equal(repo.git('for-each-ref'), before, 'no ref moved: nothing was written');
  });

  it('says when --remove cannot take out a link the commit message makes (exit 1)', () => {
    const { repo, trailer } = make();
    const r = cli(['tag', trailer, '--outcome', 'search', '--remove', '--repo', repo.dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /its commit message names search in a Outcome: trailer, which a note cannot take out/);
    assert.equal(commitsJson(repo).find(x => x.sha === trailer)!.links[0].via, 'trailer');
  });

  it('tagging a merge (which reports leave out) says how to link the commits it brought in', () => {
    const { repo, docs } = make();
    repo.git('checkout', '-q', '-b', 'topic');
    const inTopic = repo.write('docs/topic.md').commit('Topic work\n');
    repo.git('checkout', '-q', 'main');
    repo.git('-c', 'user.name=Test Author', 'merge', '-q', '--no-ff', '--no-edit', 'topic');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    const r = cli(['tag', 'HEAD', '--outcome', 'search', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const m = merge.slice(0, 10);
    assert.equal(r.stderr, `outcome-lens: ${m} is a merge, which reports leave out; to link the work it brought in: outcome-lens tag $(git rev-list --no-merges ${m}^1..${m}) --outcome search\n`);
    assert.equal(note(repo, merge), 'Outcome: search\n', 'written all the same: it was asked for');
    assert.equal(repo.git('rev-list', '--no-merges', `${m}^1..${m}`).trim(), inTopic, 'the command it names lists the topic\'s commit');
    assert.equal(cli(['tag', docs, '--outcome', 'search', '--repo', repo.dir]).stderr, '', 'no word for a plain commit');
  });

  it('noteWithIds: git reads exactly the ids it writes, and keeps the rest of the note', () => {
    const cases: [string, string[], string][] = [
      ['', ['a'], 'Outcome: a\n'],
      ['Outcome: a\n', ['a', 'b'], 'Outcome: a, b\n'],
      ['outcome: a\nOUTCOME: b\n', ['b'], 'Outcome: b\n'],
      ['Some prose.\n', ['a'], 'Some prose.\n\nOutcome: a\n'],
      ['Some prose.\n\nOutcome: a\nSee-also: x\n', [], 'Some prose.\n\nSee-also: x\n'],
      ['Outcome: a,\n  b\nFoo: bar\n', ['c'], 'Foo: bar\nOutcome: c\n'],
      ['Outcome: a\n', [], ''],
    ];
    for (const [note, ids, want] of cases) {
      const got = noteWithIds(note, 'Outcome', ids);
      assert.equal(got, want, JSON.stringify(note));
      assert.deepEqual(noteTrailerValues(got, 'Outcome').flatMap(v => v.split(',').map(s => s.trim())).filter(Boolean), ids, JSON.stringify(note));
    }
  });

  describe('writers at once: refs/notes/outcomes moves only from the tip each one read', () => {
    const ROUNDS = 20;
    const RUNS = 10;
    // o0…o19, so that each round adds ids no earlier round added.
    const MANY_YAML = `version: 1\noutcomes:\n${Array.from({ length: ROUNDS }, (_, i) => `  - id: o${i}\n    title: O${i}\n    areas: [o${i}/]\n`).join('')}`;
    const idsOf = (repo: TempRepo, sha: string) => noteIds(note(repo, sha), 'Outcome');
    const drafts = (repo: TempRepo) => repo.git('for-each-ref', '--format=%(refname)', NOTES_DRAFTS);
    const notesCommits = (repo: TempRepo) => Number(repo.git('rev-list', '--count', 'refs/notes/outcomes').trim());
    /** Each run either said "added" (exit 0) or that it wrote nothing (exit 2): returns whether its link was made. */
    const judge = (r: { code: number | null; stdout: string; stderr: string }, id: string): boolean => {
      if (r.code === 0) {
        assert.match(r.stdout, new RegExp(`added: ${id}; note now names`), r.stdout);
        return true;
      }
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`nothing was written: this run did not link [0-9a-f]{10} to ${id}; run it again`), r.stderr);
      return false;
    };

    it(`${ROUNDS} rounds of ${RUNS} tag runs at once on one commit: no link is lost`, async function () {
      this.timeout(900_000);
      const repo = new TempRepo();
      repos.push(repo);
      repo.write('outcomes.yaml', MANY_YAML).commit('Start\n');
      let failed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const sha = repo.write(`work/${round}.txt`).commit(`Round ${round}\n`);
        const commitsBefore = round ? notesCommits(repo) : 0;
        const runs = await Promise.all(Array.from({ length: RUNS }, (_, i) => cliAsync(['tag', sha, '--outcome', `o${i}`, '--repo', repo.dir])));
        const made = runs.map((r, i) => judge(r, `o${i}`));
        const ids = idsOf(repo, sha);
        const linked = made.flatMap((ok, i) => (ok ? [`o${i}`] : []));
        failed += RUNS - linked.length;
        // Exactly the runs that said "added" are in the note, each once.
        assert.deepEqual([...ids].sort(), linked.sort(), `round ${round}: the note names ${ids.join(', ')}`);
        // git's own format, one trailer line, and a notes commit per change
        assert.equal(note(repo, sha), `Outcome: ${ids.join(', ')}\n`);
        assert.equal(notesCommits(repo) - commitsBefore, made.filter(Boolean).length, 'a notes commit per run that linked');
      }
      assert.equal(drafts(repo), '', 'no private ref left behind');
      if (failed) console.log(`      (${failed} of ${ROUNDS * RUNS} runs said they wrote nothing)`);
    });

    it(`${ROUNDS} rounds of ${RUNS} tag runs at once on ${RUNS} commits: no note is lost`, async function () {
      this.timeout(900_000);
      const repo = new TempRepo();
      repos.push(repo);
      repo.write('outcomes.yaml', MANY_YAML).commit('Start\n');
      const shas = Array.from({ length: RUNS }, (_, i) => repo.write(`work/${i}.txt`).commit(`Work ${i}\n`));
      const want: string[][] = shas.map(() => []);
      let failed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const id = `o${round}`;
        const runs = await Promise.all(shas.map(sha => cliAsync(['tag', sha, '--outcome', id, '--repo', repo.dir])));
        runs.forEach((r, i) => { if (judge(r, id)) want[i].push(id); else failed++; });
        // Every run's link is there, in the order the runs made them on each commit, and nothing else is.
        assert.deepEqual(shas.map(sha => idsOf(repo, sha)), want, `round ${round}`);
      }
      assert.equal(notesCommits(repo), want.flat().length, 'a notes commit per change');
      assert.equal(drafts(repo), '', 'no private ref left behind');
      if (failed) console.log(`      (${failed} of ${ROUNDS * RUNS} runs said they wrote nothing)`);
    });

    it('Link to Outcome… on a group (the extension\'s path, RepoActions.tag) and CLI runs at once: every link kept', async () => {
      const repo = new TempRepo();
      repos.push(repo);
      repo.write('outcomes.yaml', MANY_YAML).commit('Start\n');
      const group = Array.from({ length: 4 }, (_, i) => repo.write(`work/${i}.txt`).commit(`Work ${i}\n`));
      const map = parseOutcomes(MANY_YAML).map!;
      // Five groups linked from the editor (each its own GitRepo, as each window's worker has) and five CLI runs.
      const [views, runs] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, (_, i) => new RepoActions(new GitRepo(repo.dir)).tag(map, group, [`o${i}`], false))),
        Promise.all(Array.from({ length: 5 }, (_, i) => cliAsync(['tag', ...group, '--outcome', `o${5 + i}`, '--repo', repo.dir]))),
      ]);
      for (const r of views) assert.ok(r.every(x => x.changed));
      runs.forEach((r, i) => assert.equal(r.code, 0, `o${5 + i}: ${r.stderr}`));
      for (const sha of group) assert.deepEqual(idsOf(repo, sha).sort(), Array.from({ length: 10 }, (_, i) => `o${i}`).sort());
      assert.equal(notesCommits(repo), 40, 'a notes commit per change');
      assert.equal(drafts(repo), '');
    });

    it('a writer that lost the race reads the notes again and keeps both changes', async () => {
      const { repo, docs, trailer } = make();
      cli(['tag', trailer, '--outcome', 'search', '--repo', repo.dir]);
      const start = repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
      const g = new GitRepo(repo.dir);
      let calls = 0;
      const results = await g.changeNotes(async draft => {
        const read = await draft.read([docs, trailer, start]);
        // Another writer publishes between this one's read and its swap, the first time only.
        if (calls++ === 0) repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: checkout', start);
        await draft.write(docs, 'Outcome: checkout\n');
        return read;
      });
      assert.equal(calls, 2, 'tried again after losing once');
      assert.equal(results.get(start), 'Outcome: checkout\n', 'the second try read what the other writer wrote');
      assert.equal(note(repo, start), 'Outcome: checkout\n');
      assert.equal(note(repo, trailer), 'Outcome: search\n');
      assert.equal(note(repo, docs), 'Outcome: checkout\n');
      assert.equal(drafts(repo), '');
    });

    it('one that loses every race writes nothing, and tag says so by name (a TagError: exit 2 in the CLI)', async () => {
      const { repo, docs, trailer } = make();
      // Another writer moves refs/notes/outcomes between every read and swap of this one.
      class Busy extends GitRepo {
        tries = 0;
        override changeNotes<T>(edit: (draft: NotesDraft) => Promise<T>, o: { signal?: AbortSignal } = {}): Promise<T> {
          return super.changeNotes(async draft => {
            const r = await edit(draft);
            repo.git('notes', '--ref=outcomes', 'append', '-m', `Try: ${++this.tries}`, trailer);
            return r;
          }, { ...o, attempts: 3 });
        }
      }
      const busy = new Busy(repo.dir);
      const map = parseOutcomes(YAML).map!;
      await assert.rejects(tagCommits(busy, [docs], 'Outcome', { add: ['checkout'] }), (e: Error) => e instanceof NotesRaceError && e.attempts === 3);
      await assert.rejects(tagOutcomes(busy, map, [docs], ['checkout']), (e: Error) => e instanceof TagError
        && e.message === `other writers changed refs/notes/outcomes each of the 3 times this run tried, so nothing was written: this run did not link ${docs.slice(0, 10)} to checkout; run it again`);
      assert.equal(busy.tries, 6);
      assert.equal(note(repo, docs), undefined, 'nothing written');
      assert.match(note(repo, trailer)!, /^Try: 6$/m, "the other writer's notes stand");
      assert.equal(drafts(repo), '');
    });
  });
});
