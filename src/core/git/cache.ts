import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import path = require('node:path');
import { COMMIT, EMPTY } from './formats';
import { GitRepo, RawCommit } from './repo';

/** Bumped whenever the file's layout or what git is asked changes (a change of COMMIT's fields is seen by itself). */
const FORMAT = 9;
/** The path lists of a commit, each kept as path numbers (a path is written once per file, not once per commit). */
const PATH_FIELDS = ['files', 'gitlinks', 'renames'] as const;
/** Commits per line of the cache file: a line is parsed in a few milliseconds, so the thread can answer between lines. */
const PER_LINE = 500;

/**
 * JSON lines, appended to and never rewritten while HEAD only moves forward (docs/cache-format.md):
 *   line 1: Header
 *   then, in any mix:
 *     {"p":P,"paths":[...]}       new paths, numbered from P (the paths written before)
 *     {"c":C,"n":N,"rows":[...]}  N commits, numbered from C, in git's order (COMMIT.toRow's fields, then a list of
 *                                 path numbers or null per PATH_FIELDS)
 *     {"seg":{...}}               closes the rows written since the last seg: see Seg
 * A line is trusted only when its P or C is what the lines before it make (else it and all after it are dropped), and
 * rows count only once a seg closes them: a write cut short by a crash, or two writers appending at once, leave lines
 * that are seen as not belonging and are cut off by the next append.
 */
interface Header {
  format: number;
  /** COMMIT's `--format=`: its fields, in the order of a row. */
  fields: string;
  paths: string;
  /** What git's answers depend on beyond the commits themselves (see historyKey). */
  depends: string;
}
/** `base..tip` in git's order (the whole history of `tip` when base is null): HEAD's history is the newest seg's rows, then its base's, and so on. */
interface Seg {
  tip: string;
  /** The tip's committer time (seconds): whether newer commits can simply go first (see follows). */
  at: number;
  base: string | null;
  /** The first commit's number, and how many. */
  c: number;
  n: number;
  /** Only some of `base..tip` (a window read first): the commits are facts to take, their order is asked of git. */
  part?: true;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The history of one HEAD, kept between runs (the CLI's cache folder, the extension's global storage) as a chain of
 * segments: the whole history once, then each `oldTip..newTip` appended as HEAD moves forward. A commit's facts never
 * change (its id is a hash of them), except what .mailmap maps names to, which keys the whole file. Links and notes
 * are not stored: they depend on outcomes.yaml and on the notes ref, and are computed from these facts.
 * Opening reads the file's bytes and its paths, not its commits: those are decoded a line at a time as they are
 * handed on, so memory holds the paths and one line's commits, not the history.
 */
export class CommitCache {
  private buf: Buffer = Buffer.alloc(0);
  /** The paths the trusted lines number. */
  private paths: string[] = [];
  /** The trusted segments, oldest first, with the byte ranges of their rows lines. */
  private segs: { seg: Seg; lines: [number, number][] }[] = [];
  private commitCount = 0;
  /** Bytes of the trusted part of the file, and the file's size when read: an append goes at `good` of a file that did not change meanwhile. */
  private good = 0;
  private readSize = 0;
  private headerOk = false;
  private readonly names = new Map<string, string>();

  private constructor(readonly file: string, private readonly depends: string) {}

  static fileFor(cacheDir: string, repoRoot: string): string {
    const id = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
    return path.join(cacheDir, `${path.basename(repoRoot).replace(/[^\w.-]/g, '_')}-${id}.jsonl`);
  }

  /** Whether the repository has a cache file (which may still turn out to be old or damaged). */
  static exists(cacheDir: string, repoRoot: string): boolean {
    return (statSync(CommitCache.fileFor(cacheDir, repoRoot), { throwIfNoEntry: false })?.size ?? 0) > 0;
  }

  /** Opens the repository's cache; an unreadable, old or cut-short file counts as empty, or as far as it is whole (it is only a cache). */
  static async open(cacheDir: string, repoRoot: string): Promise<CommitCache> {
    const c = new CommitCache(CommitCache.fileFor(cacheDir, repoRoot), await historyKey(repoRoot));
    try {
      c.buf = await fs.readFile(c.file);
    } catch {
      return c;
    }
    c.readSize = c.buf.length;
    try {
      c.scan();
    } catch {
      c.segs = [];
      c.commitCount = 0;
      c.good = 0;
      c.headerOk = false;
    }
    return c;
  }

  /** Finds the trusted lines: paths are parsed, rows lines only located (their prefix says where they belong). */
  private scan(): void {
    const b = this.buf;
    let nl = b.indexOf(10);
    if (nl < 0) return;
    const header = JSON.parse(b.toString('utf8', 0, nl)) as Header;
    if (header.format !== FORMAT || header.fields !== COMMIT.format || header.paths !== PATH_FIELDS.join(' ') || header.depends !== this.depends) return;
    this.headerOk = true;
    this.good = nl + 1;
    let pathsAtGood = 0;
    let pending: [number, number][] = [];
    let pendingN = 0;
    // A line that is not JSON (a write cut short, two writes mixed) ends the trusted part like any other mismatch.
    const parse = (s: number, e: number): unknown => { try { return JSON.parse(b.toString('utf8', s, e)); } catch { return undefined; } };
    for (let start = nl + 1; start < b.length; start = nl + 1) {
      nl = b.indexOf(10, start);
      if (nl < 0) break; // a line cut short
      if (nl === start) continue;
      // '{"p"', '{"c"' or '{"s'
      const kind = b[start + 2];
      if (kind === 0x70) {
        const line = parse(start, nl) as { p: number; paths: string[] } | undefined;
        if (line?.p !== this.paths.length || !Array.isArray(line.paths)) break;
        for (const p of line.paths) this.paths.push(p);
      } else if (kind === 0x63) {
        const m = /^\{"c":(\d+),"n":(\d+),/.exec(b.toString('latin1', start, Math.min(nl, start + 40)));
        if (!m || Number(m[1]) !== this.commitCount + pendingN) break;
        pending.push([start, nl]);
        pendingN += Number(m[2]);
      } else if (kind === 0x73) {
        const seg = (parse(start, nl) as { seg?: Seg } | undefined)?.seg;
        const last = this.segs.at(-1)?.seg;
        if (!seg || seg.c !== this.commitCount || seg.n !== pendingN || seg.base !== (last ? last.tip : null)) break;
        this.segs.push({ seg, lines: pending });
        this.commitCount += pendingN;
        pending = [];
        pendingN = 0;
        this.good = nl + 1;
        pathsAtGood = this.paths.length;
      } else break;
    }
    this.paths.length = pathsAtGood;
  }

  /** Commits in the cached history. */
  get size(): number {
    return this.commitCount;
  }

  /** The HEAD whose history is cached, and its committer time (seconds). */
  get tip(): { sha: string; at: number } | undefined {
    const s = this.segs.at(-1)?.seg;
    return s && { sha: s.tip, at: s.at };
  }

  /** Whether parts() is the whole history of the tip in git's order (no segment holds only a window). */
  get whole(): boolean {
    return this.segs.every(s => !s.seg.part);
  }

  /** The cached history newest first, in git's order, a line at a time (decoded as it is asked for). */
  *parts(): Generator<RawCommit[]> {
    for (const [s, e] of this.lineRanges()) yield this.decode(s, e);
  }

  /** The byte ranges of the rows lines, in parts()' order (the trusted lines are known once the file is opened). */
  private lineRanges(): [number, number][] {
    return (this.ranges ??= this.segs.slice().reverse().flatMap(s => s.lines));
  }
  private ranges?: [number, number][];

  /**
   * Where each cached commit is: the number of its line in parts()' order (see line), from the ids in each line's text
   * (see shasOf), so that a history can be read in another order without holding it (see readHistory).
   */
  locate(): Map<string, number> {
    const at = new Map<string, number>();
    this.lineRanges().forEach(([s, e], n) => { for (const sha of this.shasOf(s, e)) at.set(sha, n); });
    return at;
  }

  /**
   * A line's commit ids, read from its text (each row starts with its id) without decoding its commits; a line where
   * that finds another count than its rows' (a 40-digit trailer key) is decoded.
   */
  private shasOf(start: number, end: number): string[] {
    const text = this.buf.toString('latin1', start, end);
    const rows = Number(/^\{"c":\d+,"n":(\d+),/.exec(text)?.[1]);
    // (each id copied out of the bytes: a piece of the line's text would keep the whole line alive)
    const shas = Array.from(text.matchAll(/(?:"rows":\[|\],)\["[0-9a-f]{40}"/g), m => this.buf.toString('latin1', start + m.index + m[0].length - 41, start + m.index + m[0].length - 1));
    return shas.length === rows ? shas : this.decode(start, end).map(c => c.sha);
  }

  /** The commits of the n-th line of parts(). */
  line(n: number): RawCommit[] {
    const [s, e] = this.lineRanges()[n];
    return this.decode(s, e);
  }

  private decode(start: number, end: number): RawCommit[] {
    const line = JSON.parse(this.buf.toString('utf8', start, end)) as { rows: unknown[][] };
    const paths = this.paths, names = this.names;
    const name = (s: string) => { let v = names.get(s); if (v === undefined) names.set(v = s, v); return v; };
    const out = new Array<RawCommit>(line.rows.length);
    for (let i = 0; i < line.rows.length; i++) {
      const r = line.rows[i];
      const commit = COMMIT.fromRow(r) as RawCommit;
      commit.author = name(commit.author);
      commit.email = name(commit.email);
      const target = commit as unknown as Record<string, readonly string[]>;
      for (let k = 0; k < PATH_FIELDS.length; k++) {
        const nums = r[COMMIT.width + k] as number[] | null;
        if (nums === null || nums === undefined) continue;
        if (!nums.length) { target[PATH_FIELDS[k]] = EMPTY; continue; }
        const list = new Array<string>(nums.length);
        for (let j = 0; j < nums.length; j++) {
          const p = paths[nums[j]];
          // Never a commit with a path missing: the numbers were checked when the line was trusted, this is damage.
          if (p === undefined) throw new Error(`the history cache ${this.file} is damaged (path ${nums[j]}); remove it to read history from git`);
          list[j] = p;
        }
        target[PATH_FIELDS[k]] = list;
      }
      out[i] = commit;
    }
    return out;
  }

  /**
   * Appends `base..tip` (`commits`, in git's order) to the cached history, whose tip must be `base`: one write at the
   * end of the file, which is neither read again nor rewritten. A file another run changed since it was read is left
   * as it is (false): the two would number their paths alike.
   */
  async append(tip: string, commits: readonly RawCommit[], part = false): Promise<boolean> {
    // More of the same tip's history (a longer window): the tip's time stays.
    const at = tip === this.tip?.sha ? this.tip.at : seconds(commits[0]?.committed ?? '');
    const last = this.tip;
    if (!last || !this.headerOk || !commits.length) return false;
    const handle = await fs.open(this.file, 'r+');
    try {
      if ((await handle.stat()).size !== this.readSize) return false;
      // Lines a crash or another writer left after the trusted part are cut off first.
      if (this.good < this.readSize) await handle.truncate(this.good);
    } finally {
      await handle.close();
    }
    const w = new SegmentWriter(this.paths, this.commitCount);
    w.add(commits);
    // One O_APPEND write: another writer's lines, if any, come whole before or after it (and then do not fit).
    await fs.appendFile(this.file, w.close(tip, at, last.sha, part));
    return true;
  }

  /** A new file for the whole history of one HEAD, written as it is read and put in place whole when `finish` is called. */
  static async create(cacheDir: string, repoRoot: string): Promise<FreshCache> {
    const file = CommitCache.fileFor(cacheDir, repoRoot);
    const depends = await historyKey(repoRoot);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await dropStale(file);
    // A name of its own: two reads of one repository may write at once (the last rename wins, whole either way).
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'w');
    return new FreshCache(file, tmp, handle, JSON.stringify({ format: FORMAT, fields: COMMIT.format, paths: PATH_FIELDS.join(' '), depends } satisfies Header) + '\n');
  }
}

/** The lines of one segment: paths the file does not have yet, then the rows. */
class SegmentWriter {
  private readonly index = new Map<string, number>();
  private pathCount: number;
  private n = 0;
  private text = '';

  constructor(paths: readonly string[], private readonly c0: number) {
    for (let i = 0; i < paths.length; i++) this.index.set(paths[i], i);
    this.pathCount = paths.length;
  }

  /** Adds commits (in git's order); their lines are then taken with `take`. */
  add(commits: readonly RawCommit[]): void {
    const fresh: string[] = [];
    const p0 = this.pathCount;
    const num = (p: string) => {
      let i = this.index.get(p);
      if (i === undefined) { this.index.set(p, i = this.pathCount++); fresh.push(p); }
      return i;
    };
    const rows: string[] = [];
    for (let i = 0; i < commits.length; i += PER_LINE) {
      const chunk = commits.slice(i, i + PER_LINE).map(c => {
        const row = COMMIT.toRow(c);
        const source = c as unknown as Record<string, readonly string[] | undefined>;
        for (const f of PATH_FIELDS) { const list = source[f]; row.push(list ? list.map(num) : null); }
        return row;
      });
      rows.push(`{"c":${this.c0 + this.n},"n":${chunk.length},"rows":${JSON.stringify(chunk)}}\n`);
      this.n += chunk.length;
    }
    if (fresh.length) this.text += JSON.stringify({ p: p0, paths: fresh }) + '\n';
    this.text += rows.join('');
  }

  take(): string {
    const t = this.text;
    this.text = '';
    return t;
  }

  close(tip: string, at: number, base: string | null, part: boolean): string {
    return this.take() + JSON.stringify({ seg: { tip, at, base, c: this.c0, n: this.n, ...(part ? { part: true as const } : {}) } satisfies Seg }) + '\n';
  }
}

/** A cache file being written for the whole history of a HEAD, read from git newest first. */
export class FreshCache {
  private readonly w = new SegmentWriter([], 0);
  private writing: Promise<unknown>;
  private failed?: Error;
  private at?: number;

  constructor(private readonly file: string, private readonly tmp: string, private readonly handle: fs.FileHandle, header: string) {
    this.writing = this.write(header);
  }

  private write(text: string): Promise<unknown> {
    this.writing = (this.writing ?? Promise.resolve()).then(() => (this.failed ? undefined : this.handle.writeFile(text))).catch(e => { this.failed = e as Error; });
    return this.writing;
  }

  /** When what was added so far is written (a caller that adds faster than the disk takes it waits for this). */
  written(): Promise<unknown> {
    return this.writing;
  }

  /** Commits as git hands them on (newest first); written meanwhile, not kept. */
  add(commits: readonly RawCommit[]): void {
    if (!commits.length) return;
    this.at ??= seconds(commits[0].committed);
    this.w.add(commits);
    void this.write(this.w.take());
  }

  /**
   * Puts the file in place as the history of `tip`, or some of it when `part` (or drops it, when nothing was added or
   * `keep` is false).
   */
  async finish(tip: string | undefined, keep = true, part = false): Promise<void> {
    if (keep && tip && this.at !== undefined) void this.write(this.w.close(tip, this.at, null, part));
    await this.writing;
    await this.handle.close().catch(() => undefined);
    if (!keep || !tip || this.at === undefined || this.failed) {
      await fs.rm(this.tmp, { force: true });
      if (this.failed) throw this.failed;
      return;
    }
    await fs.rename(this.tmp, this.file);
  }
}

/** Removes what runs killed while writing left of this file (an hour old: a live writer is not that slow). */
async function dropStale(file: string): Promise<void> {
  const dir = path.dirname(file), prefix = `${path.basename(file)}.`;
  for (const f of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
    const st = await fs.stat(path.join(dir, f)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 3600_000) await fs.rm(path.join(dir, f), { force: true });
  }
}

/**
 * Whether `base..tip` (`fresh`, in git's order) followed by the cached history of `base` is git's order of the whole
 * history of `tip`: every commit's parents are new or `base` itself, and every new commit is newer than `base`
 * (git walks newest first, so none of base's history comes out before them). A merge of an older branch is not: its
 * order is asked of git.
 */
export function follows(fresh: readonly RawCommit[], base: { sha: string; at: number }): boolean {
  if (!fresh.length) return false;
  const ids = new Set(fresh.map(c => c.sha));
  let reachesBase = false;
  for (const c of fresh) {
    if (seconds(c.committed) <= base.at) return false;
    for (const p of c.parents) {
      if (p === base.sha) reachesBase = true;
      else if (!ids.has(p)) return false;
    }
  }
  return reachesBase;
}

/**
 * What the commits git prints depend on besides their ids, as a short hash: .mailmap and the mailmap.file and
 * mailmap.blob it names (the names), and the shallow boundary, grafts, replace refs and core.useReplaceRefs (which
 * parents and which commits a walk sees). When any of them changes, nothing cached is trusted.
 */
async function historyKey(root: string): Promise<string> {
  const read = (f: string) => fs.readFile(f, 'utf8').catch(() => '');
  const common = await commonDir(root);
  const repo = new GitRepo(root);
  const parts = [await read(path.join(root, '.mailmap'))];
  const config = await repo.configEntries('^(mailmap\\.(file|blob)|core\\.usereplacerefs)$');
  parts.push(config.map(([key, value]) => (value === undefined ? key : `${key}\n${value}`)).join('\0'));
  for (const [key, value = ''] of config) {
    // git reads mailmap.file relative to the work tree's root, `~/` from the home folder.
    if (key === 'mailmap.file') parts.push(await read(value.startsWith('~/') ? path.join(os.homedir(), value.slice(2)) : path.resolve(root, value)));
    if (key === 'mailmap.blob' && value && !value.startsWith('-')) parts.push((await repo.run(['rev-parse', '--verify', '-q', value], { ok: [1] })).stdout);
  }
  if (common) {
    parts.push(await read(path.join(common, 'shallow')), await read(path.join(common, 'info', 'grafts')));
    parts.push((await read(path.join(common, 'packed-refs'))).split('\n').filter(l => l.includes(' refs/replace/')).join('\n'));
    const replace = path.join(common, 'refs', 'replace');
    for (const f of await fs.readdir(replace, { recursive: true }).catch(() => [] as string[])) parts.push(`${f} ${await read(path.join(replace, f))}`);
  }
  const text = parts.join('\0');
  return text.replace(/\0/g, '') ? createHash('sha256').update(text).digest('hex').slice(0, 16) : 'none';
}

/** The folder with the repository's refs and objects: `.git`, or what a `.git` file and its commondir name. */
async function commonDir(root: string): Promise<string | undefined> {
  const dotGit = path.join(root, '.git');
  const st = await fs.stat(dotGit).catch(() => undefined);
  if (!st) return undefined;
  if (st.isDirectory()) return dotGit;
  const m = /^gitdir: (.+)$/m.exec(await fs.readFile(dotGit, 'utf8').catch(() => ''));
  if (!m) return undefined;
  const gitDir = path.resolve(root, m[1].trim());
  const common = (await fs.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}
