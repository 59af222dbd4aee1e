import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import path = require('node:path');
import { COMMIT } from './formats';
import { GitRepo, RawCommit } from './repo';

/** Bumped whenever the file's layout or what git is asked changes (a change of COMMIT's fields is seen by itself). */
const FORMAT = 8;
const NONE: never[] = [];
/** Commits per line of the cache file: a line is parsed in a few milliseconds, so the thread can answer between lines. */
const PER_LINE = 500;

/**
 * JSON lines, so that the file is read and written a line at a time:
 *   line 1: Header
 *   then:   Part, Part, ... (paths are numbered across the file: each part adds the ones it uses first)
 *   last:   { order } when the full history's order at one HEAD is known
 */
interface Header {
  format: number;
  /** COMMIT's `--format=`: its fields, in the order of a row. */
  fields: string;
  /** What git's answers depend on beyond the commits themselves (see historyKey). */
  depends: string;
}
interface Part {
  paths: string[];
  /** Per commit: COMMIT.toRow's fields, then its file numbers, then its gitlink numbers if any. */
  commits: unknown[][];
}
interface Order {
  order: { head: string; indices: number[] };
}

/**
 * Commits by id, kept between runs (the CLI's cache folder, the extension's global storage). A commit's facts never
 * change (its id is a hash of them), except what .mailmap maps names to, which keys the whole file. Links and notes
 * are not stored: they depend on outcomes.yaml and on the notes ref, and are computed from these facts.
 */
export class CommitCache {
  private readonly commits = new Map<string, RawCommit>();
  private dirty = false;
  /** HEAD and its full history, newest first, when known: an unchanged HEAD needs no rev-list. */
  order?: { head: string; shas: string[] };

  private constructor(readonly file: string, private readonly depends: string) {}

  static fileFor(cacheDir: string, repoRoot: string): string {
    const id = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
    return path.join(cacheDir, `${path.basename(repoRoot).replace(/[^\w.-]/g, '_')}-${id}.jsonl`);
  }

  /** Whether the repository has a cache file (which may still turn out to be old or damaged). */
  static exists(cacheDir: string, repoRoot: string): boolean {
    return (statSync(CommitCache.fileFor(cacheDir, repoRoot), { throwIfNoEntry: false })?.size ?? 0) > 0;
  }

  /** Opens the repository's cache; an unreadable, old or cut-short file counts as empty (it is only a cache). */
  static async open(cacheDir: string, repoRoot: string, pause: () => Promise<void> = async () => undefined): Promise<CommitCache> {
    const depends = await historyKey(repoRoot);
    const c = new CommitCache(CommitCache.fileFor(cacheDir, repoRoot), depends);
    let text: string;
    try {
      text = await fs.readFile(c.file, 'utf8');
    } catch {
      return c;
    }
    try {
      const lines = text.split('\n');
      const header = JSON.parse(lines[0]) as Header;
      if (header.format !== FORMAT || header.fields !== COMMIT.format || header.depends !== depends) return c;
      const paths: string[] = [];
      const shas: string[] = [];
      for (let i = 1; i < lines.length; i++) {
        if (!lines[i]) continue;
        const line = JSON.parse(lines[i]) as Part | Order;
        if ('order' in line) {
          c.order = { head: line.order.head, shas: line.order.indices.map(k => shas[k]) };
          continue;
        }
        for (const p of line.paths) paths.push(p);
        for (const r of line.commits) {
          const commit = COMMIT.fromRow(r) as RawCommit;
          const nums = r[COMMIT.width] as number[], links = r[COMMIT.width + 1] as number[] | undefined;
          const files = new Array<string>(nums.length);
          for (let k = 0; k < nums.length; k++) files[k] = paths[nums[k]];
          commit.files = files;
          commit.gitlinks = links ? links.map(k => paths[k]) : NONE;
          shas.push(commit.sha);
          c.commits.set(commit.sha, commit);
        }
        await pause();
      }
      if (c.order?.shas.some(s => s === undefined)) c.order = undefined;
    } catch {
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

  add(c: RawCommit): void {
    if (this.commits.has(c.sha)) return;
    this.commits.set(c.sha, c);
    this.dirty = true;
  }

  setOrder(head: string, shas: string[]): void {
    if (this.order?.head === head) return;
    this.order = { head, shas };
    this.dirty = true;
  }

  /** Writes atomically (a temporary file, then rename), so that a crash never leaves half a cache. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const lines: string[] = [JSON.stringify({ format: FORMAT, fields: COMMIT.format, depends: this.depends } satisfies Header)];
    const index = new Map<string, number>();
    const at = new Map<string, number>();
    let part: Part = { paths: [], commits: [] };
    const num = (p: string) => {
      let i = index.get(p);
      if (i === undefined) { index.set(p, i = index.size); part.paths.push(p); }
      return i;
    };
    for (const c of this.commits.values()) {
      at.set(c.sha, at.size);
      const row = COMMIT.toRow(c);
      row.push(c.files.map(num));
      if (c.gitlinks?.length) row.push(c.gitlinks.map(num));
      part.commits.push(row);
      if (part.commits.length === PER_LINE) { lines.push(JSON.stringify(part)); part = { paths: [], commits: [] }; }
    }
    if (part.commits.length) lines.push(JSON.stringify(part));
    if (this.order?.shas.every(s => at.has(s))) lines.push(JSON.stringify({ order: { head: this.order.head, indices: this.order.shas.map(s => at.get(s)!) } } satisfies Order));
    // A name of its own: two reads of one repository may save at once (the last rename wins, whole either way).
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, lines.join('\n') + '\n');
    await fs.rename(tmp, this.file);
    this.dirty = false;
  }
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
