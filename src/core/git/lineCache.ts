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
  private readonly stats = new Map<string, LineStat>();
  /** Where appending may start: the file's state as read (absent, another key, or ending with a cut-short line). */
  private start: 'fresh' | 'append' | 'newline' = 'fresh';

  private constructor(readonly file: string, private readonly key: string) {}

  static fileFor(cacheDir: string, repoRoot: string): string {
    return `${CommitCache.fileFor(cacheDir, repoRoot)}.lines`;
  }

  /** Opens the repository's line counts; an unreadable or other-key file counts as empty (it is only a cache). */
  static async open(cacheDir: string, repo: GitRepo, signal?: AbortSignal): Promise<LineCache> {
    const c = new LineCache(LineCache.fileFor(cacheDir, repo.root), await numstatKey(repo, signal));
    const text = await fs.readFile(c.file, 'utf8').catch(() => '');
    const lines = text.split('\n');
    // The last piece has no newline after it: empty when the file ends cleanly, else a line a crash cut short.
    const tail = lines.pop();
    let header: Header | undefined;
    try { header = JSON.parse(lines[0] ?? '') as Header; } catch { header = undefined; }
    if (header?.format !== FORMAT || header.key !== c.key) return c;
    c.start = tail ? 'newline' : 'append';
    const interned = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      let part: Part;
      try { part = JSON.parse(lines[i]) as Part; } catch { continue; }
      if (!Array.isArray(part?.paths) || !Array.isArray(part.commits)) continue;
      // Paths stored once in memory however many commits and lines name them.
      const paths = part.paths.map(p => { let s = interned.get(p); if (s === undefined) interned.set(p, s = p); return s; });
      for (const [sha, flat] of part.commits) {
        const stat: LineStat = { lines: 0, binaryFiles: 0, files: [] };
        for (let k = 0; k + 1 < flat.length; k += 2) {
          const n = flat[k + 1] < 0 ? null : flat[k + 1];
          if (n === null) stat.binaryFiles++;
          else stat.lines += n;
          stat.files.push([paths[flat[k]], n]);
        }
        c.stats.set(sha, stat);
      }
    }
    return c;
  }

  get size(): number {
    return this.stats.size;
  }

  get(sha: string): LineStat | undefined {
    return this.stats.get(sha);
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
      if (this.stats.has(sha)) continue;
      this.stats.set(sha, s);
      const flat: number[] = [];
      for (const [p, n] of s.files) flat.push(num(p), n ?? -1);
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
