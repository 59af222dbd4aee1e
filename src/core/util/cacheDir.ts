import os = require('node:os');
import path = require('node:path');

/** Where the CLI keeps its caches: $OUTCOME_LENS_CACHE_DIR, else $XDG_CACHE_HOME/outcome-lens, else ~/.cache/outcome-lens. */
export function defaultCacheDir(): string {
  return process.env.OUTCOME_LENS_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'outcome-lens');
}
