import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import path = require('node:path');
import { CommitCache } from './cache';
import { GitRepo, LineStat, NUMSTAT_LOG } from './repo';

/** Bumped whenever the file's layout changes; what git is asked (NUMSTAT_LOG) is in the key by itself. */
const FORMAT = 1;
/** Commits per appended line: a line is parsed in a few milliseconds, and a reader skips a torn one whole. */
const PER_LINE = 500;

/**
 * JSON lines, appended and never rewritten (a commit's counts never change):
 *   line 1: { format, key }
 *   then:   { paths, commits: [[sha, [path number, lines (-1: binary), ...]], ...] }, each line with its own paths,
 *           so that a line stands alone: two writers appending at once, or a line cut short by a crash, cost only
 *           that line (a reader skips what does not parse), never what the others say.
 */
interface Header {
  format: number;
  key: string;
}
interface Part {
  paths: string[];
  commits: [string, number[]][];
}

/**
 * Changed-line counts by commit id, kept beside the commit cache (`<its file>.lines`): a warm `report` or dashboard
 * line measure asks git only for the commits it has not seen. A commit's `--numstat` changes only with what git is
 * asked and what decides which files are binary (the repository's root .gitattributes, info/attributes and
 * core.attributesFile), which key the file; a file of another key is started afresh.
 */
export class LineCache {
  /**
   * Per commit, its files and counts as [path number, lines (-1: binary), ...], each path kept once for all commits: a
   * whole history's counts held as objects per file would take several times the memory (get makes the object).
   */
  private readonly at = new Map<string, number>();
  /** Every commit's entry, one after another: [files, then path number and lines for each]; `at` says where each starts. */
  private pool = new Int32Array(1 << 16);
  private used = 0;
  private readonly paths: string[] = [];
  private readonly pathNumber = new Map<string, number>();
  /** Where appending may start: the file's state as read (absent, another key, or ending with a cut-short line). */
  private start: 'fresh' | 'append' | 'newline' = 'fresh';

  private constructor(readonly file: string, private readonly key: string) {}

  static fileFor(cacheDir: string, repoRoot: string): string {
    return `${CommitCache.fileFor(cacheDir, repoRoot)}.lines`;
  }

  /** Opens the repository's line counts; an unreadable or other-key file counts as empty (it is only a cache). */
  static async open(cacheDir: string, repo: GitRepo, signal?: AbortSignal): Promise<LineCache> {
    const c = new LineCache(LineCache.fileFor(cacheDir, repo.root), await numstatKey(repo, signal));
    // Read a line at a time (a whole history's counts are tens of megabytes): a line is whole once its newline is read.
    let handle: fs.FileHandle;
    try { handle = await fs.open(c.file, 'r'); } catch { return c; }
    try {
      await c.read(handle);
    } catch {
      // (a file that cannot be read, a folder in its place: as if there were none, as a cache is only a cache)
      return new LineCache(c.file, c.key);
    } finally {
      await handle.close();
    }
    return c;
  }

  /** The file's lines, the header first: another key leaves this empty ('fresh'). */
  private async read(handle: fs.FileHandle): Promise<void> {
    const chunk = Buffer.alloc(1 << 20);
    let carry: Buffer[] = [];
    let first = true;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (!bytesRead) break;
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1 && nl < bytesRead; nl = chunk.indexOf(10, from)) {
        const line = Buffer.concat([...carry, chunk.subarray(from, nl)]).toString('utf8');
        carry = [];
        from = nl + 1;
        if (first) {
          first = false;
          let header: Header | undefined;
          try { header = JSON.parse(line) as Header; } catch { header = undefined; }
          if (header?.format !== FORMAT || header.key !== this.key) return;
          this.start = 'append';
        } else this.take(line);
      }
      if (from < bytesRead) carry.push(Buffer.from(chunk.subarray(from, bytesRead)));
    }
    // What follows the last newline is a line a crash cut short.
    if (carry.length && this.start === 'append') this.start = 'newline';
  }

  /** One line of counts, kept as `pool` keeps them; a line that does not parse (cut short, mixed) is skipped. */
  private take(text: string): void {
    let part: Part;
    try { part = JSON.parse(text) as Part; } catch { return; }
    if (!Array.isArray(part?.paths) || !Array.isArray(part.commits)) return;
    const numbers = part.paths.map(p => this.number(p));
    for (const [sha, flat] of part.commits) {
      if (typeof sha !== 'string' || !Array.isArray(flat)) continue;
      const files = flat.length >> 1;
      // (a commit whose entry does not read as written is left out: asked of git again, as if not cached)
      let whole = true;
      for (let k = 0; k < 2 * files && whole; k += 2) whole = numbers[flat[k]] !== undefined && Number.isInteger(flat[k + 1]);
      if (whole) this.keep(sha, files, k => numbers[flat[2 * k]], k => flat[2 * k + 1]);
    }
  }

  get size(): number {
    return this.at.size;
  }

  /** A commit's counts, made from what is kept (see pool). */
  get(sha: string): LineStat | undefined {
    const at = this.at.get(sha);
    if (at === undefined) return undefined;
    const stat: LineStat = { lines: 0, binaryFiles: 0, files: [] };
    const pool = this.pool, end = at + 1 + 2 * pool[at];
    for (let k = at + 1; k < end; k += 2) {
      const n = pool[k + 1] < 0 ? null : pool[k + 1];
      if (n === null) stat.binaryFiles++;
      else stat.lines += n;
      stat.files.push([this.paths[pool[k]], n]);
    }
    return stat;
  }

  /** Keeps a commit's counts: `path(k)` and `lines(k)` (negative: binary) of its k-th file. */
  private keep(sha: string, files: number, path: (k: number) => number, lines: (k: number) => number): void {
    if (this.at.has(sha)) return; // (two writers' lines may both hold a commit: its counts are the same)
    const need = this.used + 1 + 2 * files;
    if (need > this.pool.length) {
      const grown = new Int32Array(Math.max(need, this.pool.length * 2));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    const at = this.used;
    this.pool[at] = files;
    for (let k = 0; k < files; k++) { this.pool[at + 1 + 2 * k] = path(k); this.pool[at + 2 + 2 * k] = lines(k) < 0 ? -1 : lines(k); }
    this.used = need;
    this.at.set(sha, at);
  }

  private number(p: string): number {
    let i = this.pathNumber.get(p);
    if (i === undefined) { this.pathNumber.set(p, i = this.paths.length); this.paths.push(p); }
    return i;
  }

  /**
   * Appends these commits' counts (those not kept yet) in whole lines. A file of another key, or none, is replaced at
   * once by one with this key (a temporary file, then rename); a file cut short by a crash gets a newline first.
   */
  async append(stats: ReadonlyMap<string, LineStat>): Promise<void> {
    const lines: string[] = [];
    let part: Part = { paths: [], commits: [] };
    let index = new Map<string, number>();
    const num = (p: string) => {
      let i = index.get(p);
      if (i === undefined) { index.set(p, i = index.size); part.paths.push(p); }
      return i;
    };
    for (const [sha, s] of stats) {
      if (this.at.has(sha)) continue;
      const flat: number[] = [];
      for (const [p, n] of s.files) flat.push(num(p), n ?? -1);
      this.keep(sha, s.files.length, k => this.number(s.files[k][0]), k => s.files[k][1] ?? -1);
      part.commits.push([sha, flat]);
      if (part.commits.length === PER_LINE) { lines.push(JSON.stringify(part)); part = { paths: [], commits: [] }; index = new Map(); }
    }
    if (part.commits.length) lines.push(JSON.stringify(part));
    if (!lines.length) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const body = lines.join('\n') + '\n';
    if (this.start === 'fresh') {
      // A name of its own: two writers may start the file at once (the last rename wins, whole either way).
      const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ format: FORMAT, key: this.key } satisfies Header) + '\n' + body);
      await fs.rename(tmp, this.file);
    } else {
      // One write in append mode: another writer's lines go before or after this one, not into it.
      await fs.appendFile(this.file, (this.start === 'newline' ? '\n' : '') + body);
    }
    this.start = 'append';
  }
}

/**
 * What a commit's `--numstat` depends on besides the commit, as a short hash: the command itself and the attribute
 * files that can mark a file binary (`-diff`, `binary`) for the whole repository.
 */
async function numstatKey(repo: GitRepo, signal?: AbortSignal): Promise<string> {
  const read = (f: string) => fs.readFile(f, 'utf8').catch(() => '');
  const [info, config] = await Promise.all([repo.gitPath('info/attributes', signal), repo.configValue('core.attributesFile', signal)]);
  const parts = [JSON.stringify(NUMSTAT_LOG), await read(path.join(repo.root, '.gitattributes')), await read(info)];
  if (config) parts.push(config, await read(config.startsWith('~/') ? path.join(os.homedir(), config.slice(2)) : path.resolve(repo.root, config)));
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}
