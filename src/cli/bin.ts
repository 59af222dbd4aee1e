import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';
import { defaultCacheDir } from '../core/util/cacheDir';

/**
 * The `outcome-lens` command: runs the CLI bundle (dist/cli-main.js) with V8's code cache. A quick command
 * (`files` on 50k files) spent a fifth of its time compiling the bundle and the parts of yaml and simple-git
 * it runs; the cache, written once per bundle and Node version, skips that. Node 22 has this built in
 * (module.enableCompileCache); Node 20, which VS Code's users and CI still run, needs vm.Script.
 */
type ModuleInternals = typeof Module & {
  enableCompileCache?: (dir: string) => unknown;
  _nodeModulePaths(dir: string): string[];
};
type Cli = { runCli(): void };

function load(): Cli {
  const M = Module as ModuleInternals;
  const file = path.join(__dirname, 'cli-main.js');
  const cacheDir = path.join(defaultCacheDir(), 'v8');
  if (typeof M.enableCompileCache === 'function') {
    try { M.enableCompileCache(cacheDir); } catch { /* only a cache */ }
    return require(file) as Cli;
  }
  const src = fs.readFileSync(file, 'utf8');
  // V8 checks the source length, its version and flags itself, and rejects a cache that does not fit.
  const name = `cli-${process.versions.v8}-${process.arch}-${src.length}-${Math.floor(fs.statSync(file).mtimeMs)}.bin`;
  let cached: Buffer | undefined;
  try { cached = fs.readFileSync(path.join(cacheDir, name)); } catch { /* first run */ }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file, cachedData: cached });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = M._nodeModulePaths(path.dirname(file));
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  if (!cached || script.cachedDataRejected) {
    // At exit, so that the cache also holds the functions this run compiled lazily (most of them).
    process.once('exit', () => {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        for (const f of fs.readdirSync(cacheDir)) if (f.startsWith('cli-') && f !== name) fs.rmSync(path.join(cacheDir, f), { force: true });
        const tmp = path.join(cacheDir, `${name}.${process.pid}.tmp`);
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, path.join(cacheDir, name));
      } catch {
        // a read-only or full cache folder costs speed, never the command
      }
    });
  }
  return mod.exports as Cli;
}

load().runCli();
