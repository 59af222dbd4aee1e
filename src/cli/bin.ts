import path = require('node:path');
import Module = require('node:module');
import { defaultCacheDir } from '../core/util/cacheDir';
import { loadWithCodeCache } from '../core/util/codeCache';

/**
 * The `outcome-lens` command: runs the CLI bundle (dist/cli-main.js) with V8's code cache. A quick command
 * (`files` on 50k files) spent a fifth of its time compiling the bundle and the parts of yaml and simple-git
 * it runs; the cache, written once per bundle and Node version, skips that. Node 22 has this built in
 * (module.enableCompileCache); Node 20, which VS Code's users and CI still run, needs vm.Script.
 */
type Cli = { runCli(): void };

function load(): Cli {
  const file = path.join(__dirname, 'cli-main.js');
  const cacheDir = path.join(defaultCacheDir(), 'v8');
  const enableCompileCache = (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof enableCompileCache === 'function') {
    try { enableCompileCache(cacheDir); } catch { /* only a cache */ }
    return require(file) as Cli;
  }
  const loaded = loadWithCodeCache<Cli>(file, cacheDir, 'cli', module);
  // At exit, so that the cache also holds the functions this run compiled lazily (most of them).
  process.once('exit', () => loaded.save());
  return loaded.exports;
}

load().runCli();
