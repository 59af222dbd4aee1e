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

/** Reads `<root>/outcomes.yaml` as bytes (so that non-UTF-8 is reported) and parses it; never throws for bad content. */
export async function loadOutcomes(root: string): Promise<LoadedOutcomes> {
  const file = path.join(root, OUTCOMES_FILE);
  let bytes: Buffer;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { path: file, exists: true, result: { diagnostics: [{ severity: 'error', message: 'outcomes.yaml is not a regular file', line: 1, column: 1, endLine: 1, endColumn: 2, code: 'not-a-file' }] } };
    if (st.size > MAX_BYTES) return { path: file, exists: true, result: { diagnostics: [{ severity: 'error', message: `the file is ${st.size} bytes; outcomes.yaml may be at most ${MAX_BYTES} bytes`, line: 1, column: 1, endLine: 1, endColumn: 2, code: 'too-large' }] } };
    bytes = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, exists: false, result: { diagnostics: [] } };
    throw e;
  }
  return { path: file, exists: true, result: parseOutcomes(bytes) };
}
