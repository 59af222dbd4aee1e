import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GitRepo, HistoryQuery, RawCommit } from './repo';

/** Bumped whenever the cached shape or what git is asked changes. */
const FORMAT = 3;

interface CacheFile {
  format: number;
  trailer: string;
  notesTip: string | null;
  /** Paths interned once: the same few thousand paths recur in most of the commits. */
  paths: string[];
  /** [sha, parents, author, email, date, subject, message, trailerValues, note, file indices] */
  commits: [string, string, string, string, string, string, string, string[], string, number[]][];
  /** The full history's order at one HEAD (indices into commits): an unchanged HEAD needs no rev-list. */
  order?: { head: string; indices: number[] };
}

export interface HistoryStats {
  /** Commits the query selected. */
  selected: number;
  /** Of those, how many were read from git (the rest came from the cache). */
  readFromGit: number;
  cacheFile?: string;
}

/**
 * Commits by id, remembered between runs. A commit's facts never change (its id is a hash of them); only the
 * trailer key we ask git for and the notes ref can change what we read, so those key the whole file.
 */
export class CommitCache {
  private commits = new Map<string, RawCommit>();
  private dirty = false;
  /** HEAD and its full history, newest first, when known. */
  order?: { head: string; shas: string[] };

  private constructor(readonly file: string, private readonly trailer: string, private readonly notesTip: string | null) {}

  static async open(cacheDir: string, repoRoot: string, trailer: string, notesTip: string | undefined): Promise<CommitCache> {
    // node:crypto loads here, not with the CLI: `files` never needs it, and it costs ~10 ms to load.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const id = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
    const c = new CommitCache(path.join(cacheDir, `${path.basename(repoRoot).replace(/[^\w.-]/g, '_')}-${id}.json`), trailer, notesTip ?? null);
    try {
      const data = JSON.parse(await fs.readFile(c.file, 'utf8')) as CacheFile;
      if (data.format === FORMAT && data.trailer === trailer && data.notesTip === c.notesTip) {
        for (const r of data.commits) {
          c.commits.set(r[0], {
            sha: r[0], parents: r[1] ? r[1].split(' ') : [], author: r[2], email: r[3], date: r[4], subject: r[5], message: r[6],
            trailerValues: r[7], note: r[8], files: r[9].map(i => data.paths[i]),
          });
        }
        if (data.order) c.order = { head: data.order.head, shas: data.order.indices.map(i => data.commits[i][0]) };
      }
    } catch {
      // no cache yet, or an unreadable one: start empty (it is only a cache)
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

  /** Writes atomically (temporary file, then rename), so a crash never leaves half a cache. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const paths: string[] = [];
    const index = new Map<string, number>();
    const intern = (p: string) => {
      let i = index.get(p);
      if (i === undefined) { i = paths.length; paths.push(p); index.set(p, i); }
      return i;
    };
    const commits: CacheFile['commits'] = [];
    const at = new Map<string, number>();
    for (const c of this.commits.values()) {
      at.set(c.sha, commits.length);
      commits.push([c.sha, c.parents.join(' '), c.author, c.email, c.date, c.subject, c.message, c.trailerValues, c.note, c.files.map(intern)]);
    }
    const order = this.order && this.order.shas.every(s => at.has(s)) ? { head: this.order.head, indices: this.order.shas.map(s => at.get(s)!) } : undefined;
    const data: CacheFile = { format: FORMAT, trailer: this.trailer, notesTip: this.notesTip, paths, commits, order };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(data));
    await fs.rename(tmp, this.file);
    this.dirty = false;
  }
}

/**
 * The commits a query selects, newest first: cached ones from the cache, only the others from git
 * (after one new commit, git reads that one commit). The cache is updated and saved.
 */
export async function readHistoryCached(repo: GitRepo, q: HistoryQuery, trailer: string, cacheDir: string, signal?: AbortSignal): Promise<{ commits: RawCommit[]; stats: HistoryStats }> {
  const fullHistory = !q.range && !q.since && !q.until && q.maxCount === undefined;
  const tips = await repo.tips();
  const head = fullHistory ? tips.head : undefined;
  const notesTip = tips.notes;
  const cache = await CommitCache.open(cacheDir, repo.root, trailer, notesTip);
  // Same HEAD as last time: its history is the same list, and git need not walk it again.
  const shas = head && cache.order?.head === head ? cache.order.shas : await repo.revList(q);
  if (head) cache.setOrder(head, shas);
  const missing = shas.filter(s => !cache.get(s));
  if (missing.length) for (const c of await repo.readCommits(missing, trailer, undefined, signal, notesTip ?? null)) cache.add(c);
  if (missing.length || head) {
    try {
      await cache.save();
    } catch {
      // a read-only or full cache folder must not fail the command
    }
  }
  return { commits: shas.map(s => cache.get(s)!), stats: { selected: shas.length, readFromGit: missing.length, cacheFile: cache.file } };
}
