import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));

describe('the docs that ship', () => {
  const docs = ['README.md', 'CHANGELOG.md', ...walk(path.join(ROOT, 'docs')).map(f => path.relative(ROOT, f))].filter(f => f.endsWith('.md'));

  it('have no unfilled placeholder (__LIKE_THIS__) that could reach a release', () => {
    assert.ok(docs.length >= 3, `README, CHANGELOG and docs/: ${docs.join(', ')}`);
    for (const f of docs) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const hits = text.split('\n').map((l, i) => [i + 1, l] as const).filter(([, l]) => /__[A-Z_]+__/.test(l));
      assert.deepEqual(hits.map(([n, l]) => `${f}:${n}: ${l.trim()}`), []);
    }
  });

  it('the CHANGELOG is in Keep a Changelog form, with the version package.json names', () => {
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    assert.match(changelog, /keepachangelog\.com/);
    assert.match(changelog, new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm'));
  });

  it('the README starts with the set-up command and the test command CI runs', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /^```sh\n([\s\S]*?)```/m.exec(readme)?.[1] ?? '';
    assert.match(block.split('\n')[0], /^npm ci && npm run demo\b/);
    assert.match(block.split('\n')[1], /^npm test\b/);
    assert.match(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8'), /^npm test$/m, '.ci/run runs the README\'s test command');
  });

  it('every setting in package.json is in the README\'s settings table', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const settings = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties);
    for (const s of settings) assert.ok(readme.includes(`| \`${s}\` |`), `${s} is documented`);
  });
});
