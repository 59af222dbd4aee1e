import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo } from '../../src/core/git/repo';
import { createOutcomesFile, readOutcomesFile } from '../../src/core/usecases/outcomesFile';
import { tagOutcomes, TagError } from '../../src/core/usecases/tag';
import { parseOutcomes } from '../../src/core/outcomes/parse';

const YAML = `version: 1
outcomes:
  - id: checkout
    title: Checkout
    areas: [services/checkout/]
`;

describe('the use cases the CLI and the extension share', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.write('services/checkout/pay.ts').write('docs/guide.md').commit('first\n');
  });
  afterEach(() => repo.rm());

  describe('reading outcomes.yaml: absent, unreadable and invalid told apart', () => {
    it('absent', () => {
      assert.deepEqual(readOutcomesFile(repo.dir), { kind: 'absent', path: path.join(repo.dir, 'outcomes.yaml') });
    });

    it('unreadable (a folder by that name): the reason, not "absent", and the CLI exits 2 naming it', () => {
      fs.mkdirSync(path.join(repo.dir, 'outcomes.yaml'));
      const r = readOutcomesFile(repo.dir);
      assert.equal(r.kind, 'unreadable');
      assert.match((r as { reason: string }).reason, /not a regular file/);
      for (const args of [['check'], ['files'], ['commits'], ['report', '--all']]) {
        const c = cli([...args, '--repo', repo.dir]);
        assert.equal(c.code, 2, `${args[0]}: ${c.stderr}`);
        assert.match(c.stderr, /^outcome-lens: cannot read .*outcomes\.yaml: it is not a regular file\n$/);
      }
      // the commit hook says why and never blocks a commit
      const hook = cli(['hook', 'run', path.join(repo.dir, '.git', 'COMMIT_EDITMSG'), 'message', '--repo', repo.dir]);
      assert.equal(hook.code, 0, hook.stderr);
      assert.match(hook.stderr, /outcomes\.yaml cannot be read \(it is not a regular file\), so no outcome trailer was added/);
    });

    it('invalid: read, with the errors and no map; valid: read, with the map; an editor\'s text instead of the file', () => {
      repo.write('outcomes.yaml', 'version: 2\noutcomes: []\n');
      const bad = readOutcomesFile(repo.dir);
      assert.equal(bad.kind, 'read');
      assert.equal(bad.kind === 'read' && bad.result.map, undefined);
      assert.ok(bad.kind === 'read' && bad.result.diagnostics.some(d => d.severity === 'error'));
      const good = readOutcomesFile(repo.dir, YAML);
      assert.deepEqual(good.kind === 'read' && good.result.map?.outcomes.map(o => o.id), ['checkout']);
      assert.equal(good.kind === 'read' && good.content, YAML);
    });

    it('a file over the size limit is refused as the parser refuses it, without being read', () => {
      fs.writeFileSync(path.join(repo.dir, 'outcomes.yaml'), Buffer.alloc(1024 * 1024 + 1, 0x20));
      const r = readOutcomesFile(repo.dir);
      assert.deepEqual(r.kind === 'read' && r.result.diagnostics.map(d => d.code), ['too-large']);
    });
  });

  describe('creating outcomes.yaml: one function, with the check, never over a file made meanwhile', () => {
    it('writes a file that parses without errors, from the tracked folders', async () => {
      const made = await createOutcomesFile(repo.dir, 'folders', { repo: new GitRepo(repo.dir) });
      assert.ok(!('refused' in made));
      const text = fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'), 'utf8');
      assert.equal(text, 'refused' in made ? '' : made.text);
      assert.ok(parseOutcomes(text).map, 'no errors');
    });

    it('refuses an existing file unless forced, and a CODEOWNERS import without a CODEOWNERS file', async () => {
      repo.write('outcomes.yaml', YAML);
      assert.deepEqual(await createOutcomesFile(repo.dir, 'folders', { repo: new GitRepo(repo.dir) }),
        { refused: 'exists', message: 'outcomes.yaml exists; --force writes over it' });
      assert.equal(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'), 'utf8'), YAML, 'kept as it was');
      const forced = await createOutcomesFile(repo.dir, 'folders', { repo: new GitRepo(repo.dir), force: true });
      assert.ok(!('refused' in forced));
      fs.rmSync(path.join(repo.dir, 'outcomes.yaml'));
      const none = await createOutcomesFile(repo.dir, 'codeowners', { repo: new GitRepo(repo.dir) });
      assert.deepEqual(none, { refused: 'noCodeowners', message: 'no CODEOWNERS file: GitHub reads .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS' });
      assert.ok(!fs.existsSync(path.join(repo.dir, 'outcomes.yaml')));
    });

    it('without git (Restricted Mode), the folders on disk stand for the tracked ones', async () => {
      const made = await createOutcomesFile(repo.dir, 'folders');
      assert.ok(!('refused' in made));
      assert.deepEqual(parseOutcomes(fs.readFileSync(path.join(repo.dir, 'outcomes.yaml'))).map?.outcomes.map(o => o.areas.map(a => a.pattern)), [['/docs/'], ['/services/']]);
    });
  });

  describe('tagging: one path for the CLI and the views', () => {
    it('refuses an unknown or malformed id and an unknown commit before writing anything', async () => {
      const map = parseOutcomes(YAML).map!;
      const git = new GitRepo(repo.dir);
      await assert.rejects(tagOutcomes(git, map, ['HEAD'], ['nope']), (e: Error) => e instanceof TagError && /defines no outcome "nope"; known: checkout/.test(e.message));
      await assert.rejects(tagOutcomes(git, map, ['HEAD'], ['Bad Id']), TagError);
      await assert.rejects(tagOutcomes(git, map, ['HEAD', 'no-such-branch'], ['checkout']), /not a commit: "no-such-branch"/);
      assert.equal(repo.git('notes', '--ref=outcomes', 'list'), '', 'no note written');
      const [r] = await tagOutcomes(git, map, ['HEAD'], ['checkout']);
      assert.deepEqual([r.changed, r.after, r.merge, r.inMessage], [true, ['checkout'], false, []]);
    });
  });
});
