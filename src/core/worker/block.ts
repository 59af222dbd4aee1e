import type { CommitStatus, LinkedCommit } from '../links/link';
import { bucketStart } from '../links/allocation';

/**
 * Linked commits as the history worker hands them to the extension host: a few typed arrays and one string per
 * part, not an object graph. Each commit is its LinkedCommit as UTF-8 JSON in `json`, decoded only when a view
 * shows it; what the views compute over every commit (status, outcomes, author, week, id) sits in columns. The
 * arrays' memory is outside V8's heap and moves between the threads without a copy, so 100k commits cost the
 * host's garbage collector almost nothing (as objects they were millions of them, and pauses of 100-300 ms).
 */
export interface CommitBlock {
  n: number;
  json: Uint8Array;
  /** Row r's JSON is json[ends[r - 1] ?? 0 .. ends[r]). */
  ends: Int32Array;
  /** The ids, each followed by '\n', all of one length (a repository's ids are all SHA-1 or all SHA-256). */
  shas: string;
  /** 0 linked, 1 unlinked, 2 ignored. */
  status: Uint8Array;
  /** 1 when the commit names ids that outcomes.yaml does not define. */
  invalid: Uint8Array;
  /** Row r's outcome ids are sets[outcomeSet[r]]; authors and weeks likewise. */
  outcomeSet: Int32Array;
  sets: string[][];
  author: Int32Array;
  authors: string[];
  week: Int32Array;
  weeks: string[];
}

export const STATUSES: readonly CommitStatus[] = ['linked', 'unlinked', 'ignored'];

/** A small table of distinct values: rows store their index. */
function table<T>(key: (v: T) => string) {
  const at = new Map<string, number>();
  const values: T[] = [];
  return { values, index(v: T): number { const k = key(v); let i = at.get(k); if (i === undefined) { at.set(k, i = values.length); values.push(v); } return i; } };
}

export function encodeBlock(links: readonly LinkedCommit[]): CommitBlock {
  const n = links.length;
  const texts = links.map(l => JSON.stringify(l));
  const ends = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) ends[i] = size += Buffer.byteLength(texts[i]);
  const json = new Uint8Array(size);
  let at = 0;
  for (const t of texts) at += Buffer.from(json.buffer, json.byteOffset + at).write(t);
  const status = new Uint8Array(n);
  const invalid = new Uint8Array(n);
  const outcomeSet = new Int32Array(n);
  const author = new Int32Array(n);
  const week = new Int32Array(n);
  const sets = table<string[]>(v => v.join('\n'));
  const authors = table<string>(v => v);
  const weeks = table<string>(v => v);
  const width = links[0]?.commit.sha.length ?? 0;
  for (let i = 0; i < n; i++) {
    const l = links[i];
    if (l.commit.sha.length !== width) throw new Error(`commit ids of two lengths in one repository: ${links[0].commit.sha}, ${l.commit.sha}`);
    status[i] = STATUSES.indexOf(l.status);
    invalid[i] = l.invalid.length ? 1 : 0;
    outcomeSet[i] = sets.index(l.outcomes);
    author[i] = authors.index(l.commit.author);
    week[i] = weeks.index(bucketStart(l.commit.date, 'week'));
  }
  return { n, json, ends, shas: links.map(l => l.commit.sha + '\n').join(''), status, invalid, outcomeSet, sets: sets.values, author, authors: authors.values, week, weeks: weeks.values };
}

/** The buffers postMessage can move instead of copying. */
export function blockBuffers(b: CommitBlock): ArrayBuffer[] {
  return [b.json, b.ends, b.status, b.invalid, b.outcomeSet, b.author, b.week].map(a => a.buffer as ArrayBuffer);
}

const utf8 = new TextDecoder();

export function decodeRow(b: CommitBlock, r: number): LinkedCommit {
  return JSON.parse(utf8.decode(b.json.subarray(r ? b.ends[r - 1] : 0, b.ends[r]))) as LinkedCommit;
}

/** The row of `sha` in the block, or -1. */
export function rowOfSha(b: CommitBlock, sha: string): number {
  if (!b.n) return -1;
  const width = b.shas.indexOf('\n') + 1;
  if (sha.length !== width - 1) return -1;
  for (let at = b.shas.indexOf(sha + '\n'); at >= 0; at = b.shas.indexOf(sha + '\n', at + 1)) if (at % width === 0) return at / width;
  return -1;
}
