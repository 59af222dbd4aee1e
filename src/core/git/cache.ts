import { promises as fs, readFileSync } from 'node:fs';
import path = require('node:path');
import { FIRST_ROWS, GitRepo, HistoryQuery, RawCommit } from './repo';
import { breathe } from '../util/breathe';

/** Bumped whenever the cached shape or what git is asked changes. */
const FORMAT = 4;
/** Commits per line of the cache file: each line is parsed or built in a few milliseconds, also in a busy extension host (1,000 took 40-100 ms there). */
const PER_LINE = 250;
/** Commits handed to a caller at once: linking them takes a few milliseconds. */
const PART = 500;

/**
 * The cache file is JSON lines, so that it is read and written a line at a time, yielding between lines: in
 * the extension host no step may hold the thread for long, and a 100k-commit cache is tens of megabytes.
 *   line 1: Header
 *   then:   Part, Part, ... (paths are numbered across the file: each part adds the ones it uses first)
 *   last:   { order } when the full history's order at one HEAD is known
 */
interface Header {
  format: number;
  trailer: string;
  notesTip: string | null;
}
interface Part {
  /** Paths first used in this part: the same few thousand paths recur in most of the commits. */
  paths: string[];
  /** [sha, parents, author, email, date, subject, message, trailerValues, note, file numbers] */
  commits: [string, string, string, string, string, string, string, string[], string, number[]][];
}
interface Order {
  /** The full history at one HEAD, newest first, by position in the file: an unchanged HEAD needs no rev-list. */
  order: { head: string; indices: number[] };
}

export interface HistoryStats {
  /** Commits the query selected. */
  selected: number;
  /** Of those, how many were read from git (the rest came from the cache). */
  readFromGit: number;
  cacheFile?: string;
}

/** A file read straight into one buffer, 4 MB per read: fs.readFile of 30 MB held the thread for ~100 ms. */
async function readInParts(file: string): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, Math.min(4 << 20, size - at), at);
      if (!bytesRead) break;
      at += bytesRead;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}

/**
 * Commits by id, remembered between runs (the CLI's cache folder, the extension's global storage). A commit's
 * facts never change (its id is a hash of them); only the trailer key we ask git for and the notes ref can
 * change what we read, so those key the whole file. Links are not stored: they depend on outcomes.yaml and
 * are recomputed from these facts without git.
 */
export class CommitCache {
  private commits = new Map<string, RawCommit>();
  private dirty = false;
  /** HEAD and its full history, newest first, when known. */
  order?: { head: string; shas: string[] };

  private constructor(readonly file: string, private readonly trailer: string, private readonly notesTip: string | null) {}

  static fileFor(cacheDir: string, repoRoot: string): string {
    // node:crypto loads here, not with the CLI: `files` never needs it, and it costs ~10 ms to load.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const id = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
    return path.join(cacheDir, `${path.basename(repoRoot).replace(/[^\w.-]/g, '_')}-${id}.jsonl`);
  }

  static async open(cacheDir: string, repoRoot: string, trailer: string, notesTip: string | undefined | null): Promise<CommitCache> {
    const c = new CommitCache(CommitCache.fileFor(cacheDir, repoRoot), trailer, notesTip ?? null);
    let buf: Buffer;
    try {
      buf = await readInParts(c.file);
    } catch {
      return c; // no cache yet
    }
    try {
      // Bytes are decoded a line at a time: decoding tens of megabytes at once would hold the thread.
      const lineAt = (start: number) => { const end = buf.indexOf(10, start); return { text: buf.toString('utf8', start, end === -1 ? buf.length : end), next: end === -1 ? buf.length : end + 1 }; };
      let { text, next } = lineAt(0);
      const header = JSON.parse(text) as Header;
      if (header.format !== FORMAT || header.trailer !== trailer || header.notesTip !== c.notesTip) return c;
      const paths: string[] = [];
      const shas: string[] = [];
      while (next < buf.length) {
        ({ text, next } = lineAt(next));
        if (!text) continue;
        const line = JSON.parse(text) as Part | Order;
        if ('order' in line) {
          c.order = { head: line.order.head, shas: line.order.indices.map(i => shas[i]) };
          continue;
        }
        for (const p of line.paths) paths.push(p);
        for (const r of line.commits) {
          shas.push(r[0]);
          c.commits.set(r[0], {
            sha: r[0], parents: r[1] ? r[1].split(' ') : [], author: r[2], email: r[3], date: r[4], subject: r[5], message: r[6],
            trailerValues: r[7], note: r[8], files: r[9].map(i => paths[i]),
          });
        }
        await breathe();
      }
      if (c.order?.shas.some(s => s === undefined)) c.order = undefined;
    } catch {
      // an unreadable or cut-short cache: start empty (it is only a cache)
      c.commits.clear();
      c.order = undefined;
    }
    return c;
  }

  get size(): number {
    return this.commits.size;
  }

  get(sha: string): RawCommit | undefined {
    return this.commits.get(sha);
  }

  setOrder(head: string, shas: string[]): void {
    if (this.order?.head === head) return;
    this.order = { head, shas };
    this.dirty = true;
  }

  add(c: RawCommit): void {
    this.commits.set(c.sha, c);
    this.dirty = true;
  }

  /** Writes atomically (temporary file, then rename), so a crash never leaves half a cache; a line at a time. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const out = await fs.open(tmp, 'w');
    try {
      await out.write(JSON.stringify({ format: FORMAT, trailer: this.trailer, notesTip: this.notesTip } satisfies Header) + '\n');
      const index = new Map<string, number>();
      const at = new Map<string, number>();
      let part: Part = { paths: [], commits: [] };
      const intern = (p: string) => {
        let i = index.get(p);
        if (i === undefined) { i = index.size; index.set(p, i); part.paths.push(p); }
        return i;
      };
      const flush = async () => {
        if (part.commits.length) await out.write(JSON.stringify(part) + '\n');
        part = { paths: [], commits: [] };
      };
      for (const c of this.commits.values()) {
        at.set(c.sha, at.size);
        part.commits.push([c.sha, c.parents.join(' '), c.author, c.email, c.date, c.subject, c.message, c.trailerValues, c.note, c.files.map(intern)]);
        if (part.commits.length === PER_LINE) await flush();
      }
      await flush();
      if (this.order && this.order.shas.every(s => at.has(s))) {
        await out.write(JSON.stringify({ order: { head: this.order.head, indices: this.order.shas.map(s => at.get(s)!) } } satisfies Order) + '\n');
      }
    } finally {
      await out.close();
    }
    await fs.rename(tmp, this.file);
    this.dirty = false;
  }
}

/**
 * The newest commits of the last complete read of a window, in a small file of their own beside the cache: the
 * next session shows them as a view's first rows as soon as it knows HEAD, instead of asking `git log -n` (on two
 * cores busy with the workbench's start, that took 0.3-1 s, against 0.15 s alone). HEAD and the notes tip say
 * whether they are still the newest.
 */
export interface SavedNewest {
  format: number;
  trailer: string;
  head: string;
  notesTip: string | null;
  /** The window's start (git's --since) when they were read. */
  since: string | null;
  commits: RawCommit[];
}

/** A file kept beside a repository's cache file (`.newest.json`, `.files`). */
function besideCache(cacheDir: string, repoRoot: string, suffix: string): string {
  return CommitCache.fileFor(cacheDir, repoRoot).replace(/\.jsonl$/, suffix);
}

/**
 * The saved newest commits for this trailer key, or undefined; `stillNewest` then says whether they are the
 * query's newest at the current tips. Read synchronously, as `readSavedFiles`: the history worker reads them first
 * thing in its own thread, and an asynchronous read waited 200 ms for the I/O threads the host's startup kept busy.
 */
export function readSavedNewest(cacheDir: string, repoRoot: string, trailer: string): SavedNewest | undefined {
  try {
    const saved = JSON.parse(readFileSync(besideCache(cacheDir, repoRoot, '.newest.json'), 'utf8')) as SavedNewest;
    // A damaged file must not fail every first read after it: each commit is checked for what linking reads.
    const whole = (c: RawCommit) => typeof c?.sha === 'string' && typeof c.date === 'string' && typeof c.message === 'string'
      && [c.files, c.parents, c.trailerValues].every(a => Array.isArray(a) && a.every(x => typeof x === 'string'));
    return saved.format === FORMAT && saved.trailer === trailer && typeof saved.head === 'string' && Array.isArray(saved.commits)
      && saved.commits.every(whole) ? saved : undefined;
  } catch {
    return undefined; // none yet, or unreadable: git answers instead
  }
}

/**
 * Whether saved newest commits are what `git log -n FIRST_ROWS` would list now. The same HEAD and notes give the
 * same walk; a window that starts later (the next day) drops only commits older than its start, and none of these
 * is: git selects by committer date, which is not before the author date they carry. An earlier start could add
 * commits when fewer than FIRST_ROWS were saved.
 */
export function stillNewest(saved: SavedNewest, q: HistoryQuery, tips: { head?: string; notes?: string }): boolean {
  if (saved.head !== tips.head || saved.notesTip !== (tips.notes ?? null)) return false;
  if (q.range || q.until || q.maxCount !== undefined) return false;
  if ((q.since ?? null) === saved.since) return true;
  if (!q.since) return false; // the whole history, after a window: older commits may now be among the newest
  const start = Date.parse(q.since);
  if (saved.since !== null && start < Date.parse(saved.since) && saved.commits.length < FIRST_ROWS) return false;
  return saved.commits.every(c => Date.parse(c.date) >= start);
}

/** Atomically, as the cache: a crash leaves the old file or the new one. */
async function replaceFile(file: string, data: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

async function saveNewest(cacheDir: string, repoRoot: string, saved: SavedNewest): Promise<void> {
  await replaceFile(besideCache(cacheDir, repoRoot, '.newest.json'), JSON.stringify(saved));
}

/**
 * The tracked files of the last session, with the index file they were listed from (`indexStamp`): the next session
 * shows them while `ls-files` runs, which took 0.3-0.5 s on a busy two-core machine (20 ms alone). The file is a
 * JSON header line, then the paths, each ended by NUL (a path may hold a newline).
 */
export function readSavedFiles(cacheDir: string, repoRoot: string): { stamp: string; files: string[] } | undefined {
  try {
    const text = readFileSync(besideCache(cacheDir, repoRoot, '.files'), 'utf8');
    const nl = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, nl)) as { format: number; stamp: string; count: number };
    const files = text.slice(nl + 1).split('\0');
    files.pop(); // after the last NUL
    return header.format === FORMAT && files.length === header.count ? { stamp: header.stamp, files } : undefined;
  } catch {
    return undefined;
  }
}

export async function saveFiles(cacheDir: string, repoRoot: string, stamp: string, files: readonly string[]): Promise<void> {
  const body = files.length ? files.join('\0') + '\0' : '';
  await replaceFile(besideCache(cacheDir, repoRoot, '.files'), `${JSON.stringify({ format: FORMAT, stamp, count: files.length })}\n${body}`);
}

/** How a caller that shows commits as they come (the history worker) takes part in `readHistoryCached`. */
export interface StreamOptions {
  signal?: AbortSignal;
  /**
   * Sees the commits as they become known, each once: the newest few hundred first (see `newest`), then the cached
   * ones, a part at a time, then each part git reads. A complete read then saves its newest commits for the next
   * session (`readSavedNewest`).
   */
  onChunk?: (commits: RawCommit[], done: number, total: number) => void;
  /** HEAD and the notes tip, when the caller has just read them. */
  tips?: { head?: string; notes?: string };
  /**
   * The query's newest FIRST_ROWS commits, when the caller has them: its own `readNewest` under way, or the saved
   * ones that `stillNewest` accepted (`fromGit: false`; `handed`: the caller already gave them to `onChunk`).
   */
  newest?: { commits: Promise<RawCommit[]>; fromGit: boolean; handed?: boolean };
  /** Listing and reading the rest of the window wait for this too (the caller's own git work that a view shows first). */
  restAfter?: Promise<unknown>;
}

/**
 * The commits a query selects, newest first: cached ones from the cache, only the others from git
 * (after one new commit, git reads that one commit). The cache is updated and saved. With `onChunk`, the newest
 * few hundred come first, straight from `git log -n` or saved: 100k commits take seconds to list and to load.
 */
export async function readHistoryCached(repo: GitRepo, q: HistoryQuery, trailer: string, cacheDir: string,
  { signal, onChunk, tips: knownTips, newest, restAfter }: StreamOptions = {}): Promise<{ commits: RawCommit[]; stats: HistoryStats }> {
  const fullHistory = !q.range && !q.since && !q.until && q.maxCount === undefined;
  const tips = knownTips ?? await repo.tips();
  const head = fullHistory ? tips.head : undefined;
  const notesTip = tips.notes;
  const delivered = new Set<string>();
  let total = Infinity; // unknown until rev-list answers
  const hand = (commits: RawCommit[]) => {
    const fresh = commits.filter(c => !delivered.has(c.sha));
    for (const c of fresh) delivered.add(c.sha);
    if (fresh.length) onChunk!(fresh, delivered.size, total);
  };
  // A view's first rows: the newest commits straight from `git log -n`, a fraction of a second, while the
  // whole window is listed and the cache file read (each takes seconds with 100k commits).
  // `newest`: the caller started that read itself, before it asked git for the tips, or had them saved.
  // Read here, they are handed on a pipe-full at a time, as git writes them.
  const early = !onChunk || !tips.head ? undefined
    : newest ? newest.commits.then(cs => {
      if (newest.handed) for (const c of cs) delivered.add(c.sha); // the caller gave them to onChunk itself
      else hand(cs);
      return cs;
    }, () => [])
    : repo.readNewest(q, FIRST_ROWS, trailer, notesTip ?? null, hand).catch(() => []);
  // rev-list runs while the cache file is read (git's time and ours overlap), except for the full history,
  // whose order the cache may already know for this HEAD. Both start once the first rows are read: rev-list of
  // 100k commits is a second of CPU, and on two cores it delayed the newest commits' `git log -n` by as much.
  if (early) await early;
  await restAfter?.catch(() => undefined);
  const listing = head ? undefined : repo.revList(q);
  listing?.catch(() => undefined);
  const cache = await CommitCache.open(cacheDir, repo.root, trailer, notesTip);
  const shas = head && cache.order?.head === head ? cache.order.shas : await (listing ?? repo.revList(q));
  let earlyFromGit = 0;
  for (const c of early ? await early : []) if (!cache.get(c.sha)) { cache.add(c); if (newest?.fromGit !== false) earlyFromGit++; }
  total = shas.length;
  if (head) cache.setOrder(head, shas);
  // The cached commits, a part at a time: a caller links each part, and the host breathes in between.
  // The answer is filled in on the way (a last pass of 100k lookups held the extension host ~100 ms).
  const result = new Array<RawCommit>(shas.length);
  const missing: string[] = [];
  const missingAt = new Map<string, number>();
  for (let i = 0; i < shas.length; i += PART) {
    const part: RawCommit[] = [];
    for (let j = i; j < Math.min(shas.length, i + PART); j++) {
      const c = cache.get(shas[j]);
      if (c) part.push(result[j] = c);
      else { missing.push(shas[j]); missingAt.set(shas[j], j); }
    }
    if (onChunk) hand(part);
    await breathe();
  }
  try {
    if (missing.length) {
      await repo.readCommits(missing, trailer, chunk => {
        for (const c of chunk) { cache.add(c); result[missingAt.get(c.sha)!] = c; }
        if (onChunk) hand(chunk);
      }, signal, notesTip ?? null);
    }
  } finally {
    // Also when cancelled: what was read is kept for next time.
    if (missing.length || head || early) {
      try {
        await cache.save();
      } catch {
        // a read-only or full cache folder must not fail the command
      }
    }
  }
  if (onChunk && tips.head && !signal?.aborted && newest?.fromGit !== false) {
    try {
      await saveNewest(cacheDir, repo.root, { format: FORMAT, trailer, head: tips.head, notesTip: notesTip ?? null, since: q.since ?? null, commits: result.slice(0, FIRST_ROWS) });
    } catch {
      // as above: only a cache
    }
  }
  return { commits: result, stats: { selected: shas.length, readFromGit: missing.length + earlyFromGit, cacheFile: cache.file } };
}
