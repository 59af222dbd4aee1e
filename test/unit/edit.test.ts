import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { planAddPattern, patternForPath } from '../../src/core/outcomes/edit';
import { parseOutcomes } from '../../src/core/outcomes/parse';

/** The text after the planned insertion, and what the validator makes of it. */
function apply(text: string, target: { outcome: string } | 'ignore', pattern: string) {
  const plan = planAddPattern(text, target, pattern);
  assert.ok(plan, 'an insertion is planned');
  const out = text.slice(0, plan.offset) + plan.text + text.slice(plan.offset);
  const r = parseOutcomes(out);
  assert.deepEqual(r.diagnostics.filter(d => d.severity === 'error'), [], `valid YAML after the edit:\n${out}`);
  return { out, map: r.map! };
}

describe('Link to Outcome… and Ignore: the edit of outcomes.yaml', () => {
  const head = '# keep me\nversion: 1\n';

  it('appends to a block list, keeping comments', () => {
    const { out, map } = apply(`${head}outcomes:\n  - id: a\n    title: A\n    areas:\n      - src/ # here\n`, { outcome: 'a' }, '/libs/');
    assert.ok(out.startsWith('# keep me\n') && out.includes('- src/ # here\n      - "/libs/"\n'), out);
    assert.deepEqual(map.outcomes[0].areas.map(x => x.pattern), ['src/', '/libs/']);
  });

  it('appends to a flow list', () => {
    const { map } = apply(`${head}outcomes:\n  - id: a\n    title: A\n    areas: [src/]\n`, { outcome: 'a' }, '/libs/');
    assert.deepEqual(map.outcomes[0].areas.map(x => x.pattern), ['src/', '/libs/']);
  });

  it('adds `areas:` to a block outcome without one', () => {
    const { map } = apply(`${head}outcomes:\n  - id: a\n    title: A\n  - id: b\n    title: B\n`, { outcome: 'a' }, '/libs/');
    assert.deepEqual(map.outcomes.map(o => o.areas.map(x => x.pattern)), [['/libs/'], []]);
  });

  it('adds `areas:` inside the braces of a flow-mapping outcome (it wrote invalid YAML)', () => {
    const { out, map } = apply(`${head}outcomes:\n  - {id: a, title: A}\n  - {id: b, title: B}\n`, { outcome: 'b' }, '/libs/');
    assert.ok(out.includes('- {id: b, title: B, areas: ["/libs/"]}'), out);
    assert.deepEqual(map.outcomes.map(o => o.areas.map(x => x.pattern)), [[], ['/libs/']]);
  });

  it('creates the ignore list, or appends to it', () => {
    assert.deepEqual(apply(`${head}outcomes: []\n`, 'ignore', '/dist/').map.ignore.map(x => x.pattern), ['/dist/']);
    assert.deepEqual(apply(`${head}ignore: [vendor/]\noutcomes: []\n`, 'ignore', '/dist/').map.ignore.map(x => x.pattern), ['vendor/', '/dist/']);
  });

  it('refuses a file that is not valid, or an outcome that is not there', () => {
    assert.equal(planAddPattern('version: 1\noutcomes: [\n', { outcome: 'a' }, '/x/'), undefined);
    assert.equal(planAddPattern(`${head}outcomes: []\n`, { outcome: 'nope' }, '/x/'), undefined);
  });

  it('writes a pattern that matches exactly the path', () => {
    assert.equal(patternForPath('libs', true), '/libs/');
    assert.equal(patternForPath('a [b]*.ts', false), '/a \\[b\\]\\*.ts');
    assert.equal(patternForPath('a\\b', true), '/a\\\\b/', 'a backslash is part of a name in git\'s paths');
  });

  it('each pattern matches exactly its path in git (backslashes, brackets, stars, #, !, spaces)', function () {
    this.timeout(60_000);
    const repo = new TempRepo();
    try {
      const files = ['a\\b/x.ts', 'a/b/y.ts', 'ab/z.ts', 'q\\/f.ts', 'c[1]*/d?.ts', 'c1x/d1.ts', '#h/!b.ts', 'sp /t .md', 'sp/t.md', 'e\\'];
      for (const f of files) repo.write(f);
      repo.commit('files\n');
      const tracked = repo.git('ls-files', '-z').split('\0').filter(Boolean);
      const byGit = (pattern: string) => {
        const listFile = path.join(repo.dir, '.git', 'patterns');
        fs.writeFileSync(listFile, pattern + '\n');
        return repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean);
      };
      for (const f of tracked) {
        assert.deepEqual(byGit(patternForPath(f, false)), [f], `${JSON.stringify(f)} as a file: ${patternForPath(f, false)}`);
        const folder = f.slice(0, f.lastIndexOf('/'));
        if (folder) assert.deepEqual(byGit(patternForPath(folder, true)), tracked.filter(g => g.startsWith(folder + '/')), `${JSON.stringify(folder)} as a folder`);
      }
    } finally {
      repo.rm();
    }
  });
});
