import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';

/**
 * A workflow command read as the Actions runner reads it (actions/runner, ActionCommand.TryParseV2): the command name
 * up to the first space, properties split at `,` then at the first `=`, the property text trimmed at its two ends, and
 * each value unescaped `%0D`, `%0A`, `%3A`, `%2C`, then `%25`.
 */
function asRunnerReadsIt(line: string): { command: string; properties: Record<string, string>; data: string } | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const p of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = p.indexOf('=');
      if (eq > 0 && eq < p.length - 1) properties[p.slice(0, eq)] = p.slice(eq + 1).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
    }
  }
  const data = message.slice(end + 2).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { command: space < 0 ? info : info.slice(0, space), properties, data };
}

describe('commits --format github: each annotation names its file as the runner reads it', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.write('outcomes.yaml', 'version: 1\nignore: [/outcomes.yaml]\noutcomes:\n  - id: o\n    title: O\n    areas: [o/]\n').commit('start\n');
  });
  afterEach(() => repo.rm());

  it('a path with a TAB (or a comma, colon, percent) is named exactly', () => {
    const paths = ['notes/a\tb.txt', 'notes/x,y:z%25\t.md', 'notes/tab\t'];
    for (const p of paths) repo.write(p).commit(`add ${p.replace(/\t/g, ' ')}\n`);
    const r = cli(['commits', '--max-count', String(paths.length), '--format', 'github', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    const got = r.stdout.trim().split('\n').map(asRunnerReadsIt);
    assert.deepEqual(got.map(c => c?.command), ['warning', 'warning', 'warning']);
    assert.deepEqual(got.map(c => c?.properties.file), [...paths].reverse(), r.stdout);
    assert.deepEqual(got.map(c => c?.properties.title), ['Unlinked commit', 'Unlinked commit', 'Unlinked commit']);
  });

  it('a path no property can name (another control character) is passed over for one that can, or left out; the log stays clean', () => {
    repo.write('notes/\u001b[31mred.txt').write('notes/plain.txt').commit('two files\n');
    repo.write('notes/\u0007bell.txt').commit('one file\n');
    const r = cli(['commits', '--max-count', '2', '--format', 'github', '--repo', repo.dir]);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no control character but TAB and newline reaches the log');
    const got = r.stdout.trim().split('\n').map(asRunnerReadsIt);
    assert.deepEqual(got.map(c => c?.properties.file), [undefined, 'notes/plain.txt']);
    assert.match(got[0]!.data, /"one file" by Test Author serves no outcome/);
  });
});
