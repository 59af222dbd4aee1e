import * as fs from 'node:fs';
import path = require('node:path');
import type { GitRepo } from '../git/repo';
import { ParseResult } from '../outcomes/model';
import { MAX_BYTES, parseOutcomes, tooLarge } from '../outcomes/parse';
import { CODEOWNERS_LOCATIONS } from '../outcomes/codeowners';
import { findCodeowners, initOutcomes, InitResult, outcomesFromFolders } from '../outcomes/init';
import { OUTCOMES_FILE } from '../outcomes/load';

/**
 * outcomes.yaml as a repository has it: absent, there but unreadable (permissions, a folder), or
 * read and parsed (with a map, or with the errors that keep it from being used). The CLI and the extension both read
 * it here, so that an unreadable file is never taken for an absent one.
 */
export type OutcomesFile =
  | { kind: 'absent'; path: string }
  | { kind: 'unreadable'; path: string; reason: string }
  /** `content`: what the file holds (bytes as latin1), to tell a changed file from the same one read again. */
  | { kind: 'read'; path: string; result: ParseResult; content: string };

/** Reads `<root>/outcomes.yaml` as bytes (so that non-UTF-8 is reported) and parses it; `text`: an editor's unsaved text instead. */
export function readOutcomesFile(root: string, text?: string | Uint8Array): OutcomesFile {
  const file = path.join(root, OUTCOMES_FILE);
  if (text !== undefined) return { kind: 'read', path: file, result: parseOutcomes(text), content: typeof text === 'string' ? text : Buffer.from(text).toString('latin1') };
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { kind: 'unreadable', path: file, reason: 'it is not a regular file' };
    // Refused as the parser refuses a text that large, without reading it.
    if (st.size > MAX_BYTES) return { kind: 'read', path: file, result: tooLarge(st.size), content: `\0size ${st.size} ${st.mtimeMs}` };
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent', path: file };
    return { kind: 'unreadable', path: file, reason: code ?? String((e as Error).message ?? e) };
  }
  return { kind: 'read', path: file, result: parseOutcomes(bytes), content: bytes.toString('latin1') };
}

/** Why outcomes.yaml was not created: a message of ours (no file text, no git output). */
export interface CreateRefused {
  refused: 'exists' | 'noCodeowners';
  message: string;
}

export interface CreatedOutcomes extends InitResult {
  path: string;
  /** With `from: folders`: the CODEOWNERS file that could have been used instead. */
  codeowners?: string;
}

/**
 * Writes a first outcomes.yaml (DESIGN.md, `init`): one outcome per top-level folder of the tracked files, or one per
 * CODEOWNERS owner. Without `repo` (Restricted Mode: no git) the folders on disk stand for the tracked ones. What is
 * written must parse without errors (else it is a bug here, thrown); an existing file is kept unless `force`, and the
 * check and the write are one step (a file made meanwhile is not written over).
 */
export async function createOutcomesFile(root: string, from: 'folders' | 'codeowners', o: { repo?: GitRepo; force?: boolean; signal?: AbortSignal } = {}): Promise<CreatedOutcomes | CreateRefused> {
  const file = path.join(root, OUTCOMES_FILE);
  const exists: CreateRefused = { refused: 'exists', message: `${OUTCOMES_FILE} exists; --force writes over it` };
  const noCodeowners: CreateRefused = { refused: 'noCodeowners', message: `no CODEOWNERS file: GitHub reads ${CODEOWNERS_LOCATIONS.slice(0, -1).join(', ')} or ${CODEOWNERS_LOCATIONS[CODEOWNERS_LOCATIONS.length - 1]}` };
  if (!o.force && fs.existsSync(file)) return exists;
  const codeowners = await findCodeowners(root);
  if (from === 'codeowners' && !codeowners) return noCodeowners;
  let made: InitResult;
  if (o.repo) made = await initOutcomes(o.repo, from, o.signal);
  else if (from === 'folders') {
    const entries = fs.readdirSync(root, { withFileTypes: true }).filter(e => e.name !== '.git');
    made = outcomesFromFolders(entries.map(e => (e.isDirectory() ? `${e.name}/` : e.name)));
  } else throw new Error('reading CODEOWNERS needs the tracked files, which needs git');
  const parsed = parseOutcomes(made.text);
  if (!parsed.map) throw new Error(`the written outcomes.yaml would have errors: ${parsed.diagnostics.find(d => d.severity === 'error')?.message}`);
  try {
    fs.writeFileSync(file, made.text, { flag: o.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return exists;
    throw e;
  }
  return { ...made, path: file, ...(from === 'folders' && codeowners ? { codeowners: codeowners.source } : {}) };
}
