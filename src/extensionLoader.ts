// The extension's entry point (dist/extension.js). On activation it loads the extension's bundle (dist/main.js, from
// src/extension.ts) with V8's code cache kept in the extension's global storage, and stamps what that cost the host's
// thread: reading, compiling and running the bundle. A stamp inside the bundle runs only after V8 has compiled it,
// and the compile was the largest part of loading it (7 of 15 ms in the extension host, under a profiler); the code
// cache skips most of it from the second session on. activate() adds its own part (src/extension.ts).
import type * as vscode from 'vscode';
import path = require('node:path');
import { loadWithCodeCache } from './core/util/codeCache';
import { loadStamps, threadCpu } from './core/util/loadStamps';

type Main = typeof import('./extension');
const g = loadStamps();
/**
 * When the code cache is written, if it has to be: after the first scan and the views' first rows, so that it holds
 * the code they ran too, and soon enough that a short session still writes it (1-3 ms, once per bundle and V8).
 * At 20 s, the bench's sessions on Homebrew/brew (12 s) never wrote it.
 */
const SAVE_AFTER_MS = 3_000;
let main: Main | undefined;

export function activate(context: vscode.ExtensionContext) {
  g.__outcomeLensLoadStart = performance.now();
  g.__outcomeLensCpuStart = threadCpu();
  const file = path.join(__dirname, 'main.js');
  const storage = context.globalStorageUri;
  const loaded = storage.scheme === 'file'
    ? loadWithCodeCache<Main>(file, path.join(storage.fsPath, 'v8'), 'main', module)
    : { exports: require(file) as Main, fromCache: false, save() {} };
  main = loaded.exports;
  g.__outcomeLensLoadEnd = performance.now();
  g.__outcomeLensCpuEnd = threadCpu();
  g.__outcomeLensFromCodeCache = loaded.fromCache;
  const api = main.activate(context);
  if (!loaded.fromCache) {
    const timer = setTimeout(() => loaded.save(), SAVE_AFTER_MS);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  return api;
}

export function deactivate(): void {
  main?.deactivate();
}
