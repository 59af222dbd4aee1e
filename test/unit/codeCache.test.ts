import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

// Each load runs in a process of its own, as the extension host and the CLI do: within one process V8 may find the
// script in its own compilation cache and never look at the code cache it is given.
const REGISTER = path.join(__dirname, 'register.js');
const HELPER = path.join(__dirname, '../../src/core/util/codeCache.ts');

describe('V8 code cache for a bundle (the extension\'s main.js, the CLI)', () => {
  let dir: string;
  let bundle: string;
  let cacheDir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-codecache-'));
    bundle = path.join(dir, 'bundle.js');
    cacheDir = path.join(dir, 'cache', 'v8');
    fs.writeFileSync(path.join(dir, 'sibling.js'), 'module.exports = "sibling";\n');
    // Enough functions for V8 to have compiled code worth caching, called before the save.
    const fns = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
    fs.writeFileSync(bundle, `${fns}\nexports.sum = () => [${Array.from({ length: 200 }, (_, i) => `f${i}(1)`).join(', ')}].reduce((a, b) => a + b);\n` +
      'exports.sibling = require("./sibling.js");\nexports.file = __filename;\nexports.same = module.exports === exports;\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Loads the bundle in a new process, calls it, saves the cache; returns what it saw. */
  const load = () => {
    const script = `const { loadWithCodeCache } = require(${JSON.stringify(HELPER)});
      const l = loadWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)}, 'main', module);
      const e = l.exports;
      console.log(JSON.stringify({ fromCache: l.fromCache, sum: e.sum(), sibling: e.sibling, file: e.file, same: e.same }));
      l.save();`;
    const r = spawnSync(process.execPath, ['-r', REGISTER, '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { fromCache: boolean; sum: number; sibling: string; file: string; same: boolean };
  };
  const bins = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []);

  it('loads like require, writes the cache once, then compiles from it', () => {
    const first = load();
    assert.deepEqual(first, { fromCache: false, sum: 200 + 199 * 100, sibling: 'sibling', file: bundle, same: true });
    assert.equal(bins().length, 1, `one cache file: ${bins()}`);
    const bin = path.join(cacheDir, bins()[0]);
    assert.ok(bin.includes(`main-${process.versions.v8}-`), bin);
    assert.ok(fs.statSync(bin).size > 2_000, 'it holds compiled code');
    const stamp = fs.statSync(bin).mtimeMs;
    const second = load();
    assert.deepEqual(second, { ...first, fromCache: true });
    assert.equal(fs.statSync(bin).mtimeMs, stamp, 'a cache that was used is not written again');
  });

  it('replaces a damaged cache and the cache of an older bundle', () => {
    load();
    const bin = path.join(cacheDir, bins()[0]);
    fs.writeFileSync(bin, 'damaged');
    assert.equal(load().fromCache, false, 'V8 rejects it');
    assert.ok(fs.statSync(bin).size > 2_000, 'and it is written again');
    assert.equal(load().fromCache, true);

    fs.appendFileSync(bundle, 'exports.more = 1;\n');
    const rebuilt = load();
    assert.equal(rebuilt.fromCache, false, 'a rebuilt bundle never meets its old cache');
    assert.equal(bins().length, 1, `the old one is gone: ${bins()}`);
    assert.notEqual(path.join(cacheDir, bins()[0]), bin);
  });

  it('a cache folder it cannot write costs the cache, never the load', () => {
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
    fs.writeFileSync(cacheDir, 'a file where the folder should be');
    const r = load();
    assert.equal(r.sum, 200 + 199 * 100);
    assert.equal(load().fromCache, false);
  });
});
