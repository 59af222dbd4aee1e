import * as assert from 'node:assert/strict';
import { comparePaths, lowerBound } from '../../src/core/util/sortedPaths';
import { TempRepo } from './helpers/repo';

describe('file lists in git order (the explorer asks whether a path is a tracked file or folder)', () => {
  let repo: TempRepo;
  let files: string[];
  // names whose order differs between bytes and naive comparisons: '-', '!' and '.' sort before '/', a BMP
  // private-use character (U+E000) before an emoji (a surrogate pair in UTF-16, four bytes in UTF-8)
  const names = ['a/b.ts', 'a-b/c.ts', 'a!x', 'a.ts', 'ab/c/d.ts', 'é/x', '\ue000/y', '😀/z', '😀z', 'z', 'Z/a', 'x y/q'];

  before(() => {
    repo = new TempRepo();
    for (const n of names) repo.write(n, 'x\n');
    repo.commit('files\n');
    files = repo.git('-c', 'core.quotepath=off', 'ls-files', '-z').split('\0').filter(Boolean);
  });
  after(() => repo.rm());

  it('sorts paths the way git lists them', () => {
    assert.equal(files.length, names.length);
    assert.deepEqual([...files].reverse().sort(comparePaths), files);
    assert.notDeepEqual([...files].sort(), files, 'a plain sort would not do (the fixture tells the two apart)');
  });

  it('finds every file and every folder, and nothing else', () => {
    for (const f of files) assert.equal(files[lowerBound(files, f)], f, f);
    const folders = new Set(files.flatMap(f => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
    for (const d of folders) assert.ok(files[lowerBound(files, d + '/')].startsWith(d + '/'), d);
    for (const missing of ['a/c', 'ab/c/e', '😀/y', 'zz', '']) assert.notEqual(files[lowerBound(files, missing)], missing, missing);
  });
});
