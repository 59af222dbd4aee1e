import { promises as fs } from 'node:fs';
import path = require('node:path');
import { ParseResult } from './model';
import { MAX_BYTES, parseOutcomes } from './parse';

export const OUTCOMES_FILE = 'outcomes.yaml';

export interface LoadedOutcomes {
  path: string;
  /** False when the repository has no outcomes.yaml at its root. */
  exists: boolean;
  result: ParseResult;
}

/**
 * Where parses are remembered between runs (the CLI's): a parse is reused only for the same bytes and the same
 * `build` of the parser, so it can never be stale. It saves a short command the parse's time (tens of
 * milliseconds in a new process, where yaml's code runs cold), a tenth of `files` on 50k files.
 */
export interface ParseCache {
  dir: string;
  /** Identifies the parser's code (the CLI passes its bundle's size and time). */
  build: string;
}

/** Reads `<root>/outcomes.yaml` as bytes (so that non-UTF-8 is reported) and parses it; never throws for bad content. */
export async function loadOutcomes(root: string, cache?: ParseCache): Promise<LoadedOutcomes> {
  const file = path.join(root, OUTCOMES_FILE);
  let bytes: Buffer;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { path: file, exists: true, result: { diagnostics: [{ severity: 'error', message: 'outcomes.yaml is not a regular file', line: 1, column: 1, endLine: 1, endColumn: 2 }] } };
    if (st.size > MAX_BYTES) return { path: file, exists: true, result: { diagnostics: [{ severity: 'error', message: `the file is ${st.size} bytes; outcomes.yaml may be at most ${MAX_BYTES} bytes`, line: 1, column: 1, endLine: 1, endColumn: 2 }] } };
    bytes = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, exists: false, result: { diagnostics: [] } };
    throw e;
  }
  if (!cache) return { path: file, exists: true, result: parseOutcomes(bytes) };
  const cacheFile = path.join(cache.dir, 'parsed', `${fnv1a(path.resolve(root))}.json`);
  try {
    const c = JSON.parse(await fs.readFile(cacheFile, 'utf8')) as CachedParse;
    if (c.build === cache.build && c.root === path.resolve(root) && bytes.equals(Buffer.from(c.bytes, 'base64'))) return { path: file, exists: true, result: c.result };
  } catch {
    // none yet, or unreadable: parse
  }
  const result = parseOutcomes(bytes);
  try {
    const c: CachedParse = { build: cache.build, root: path.resolve(root), bytes: bytes.toString('base64'), result };
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(c));
    await fs.rename(tmp, cacheFile);
  } catch {
    // a read-only cache folder costs speed only
  }
  return { path: file, exists: true, result };
}

interface CachedParse {
  build: string;
  root: string;
  bytes: string;
  result: ParseResult;
}

/** A short, stable file name for a path (FNV-1a, 32 bits); the path itself is checked inside the file. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
