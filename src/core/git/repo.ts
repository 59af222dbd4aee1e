import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import path = require('node:path');
import { StringDecoder } from 'node:string_decoder';
import { COMMIT, COMMIT_ID, COMMIT_PARENTS, COMMITTED, DATED, EMPTY, GitRecord, Intern, isAddition, isDeletion, isGitlinkChange, isRenameChange, isTwoPathChange, NOTE, own,
  parseConfigEntries, parseNumstatEntry, parsePairs, parseRawChange, parseStageEntries, RecordValues, Values } from './formats';
import { GitError, logLine, runGit, RunOptions } from './runner';
import { quoted } from '../util/printable';
import { comparePaths } from '../util/sortedPaths';

/** The notes ref that links old commits without rewriting history (DESIGN.md, "Links"). */
export const NOTES_REF = 'refs/notes/outcomes';
/** The fetch refspec that brings the outcome notes with every fetch (DESIGN.md, "tag"). */
export const NOTES_FETCH = `+${NOTES_REF}:${NOTES_REF}`;
/**
 * Where a writer builds its notes commits before it publishes them: a private ref each, under refs/notes/ because
 * `git notes` writes nowhere else, so that refs/notes/outcomes only ever moves by compare-and-swap.
 */
export const NOTES_DRAFTS = 'refs/notes/outcome-lens-tmp/';
/** How often a writer re-reads and re-applies its change after another writer moved refs/notes/outcomes first. */
export const NOTES_ATTEMPTS = 30;

/** refs/notes/outcomes moved under a writer at every attempt: nothing it wrote was published. */
export class NotesRaceError extends GitError {
  constructor(readonly attempts: number) {
    super(`${NOTES_REF} was moved by another writer each of the ${attempts} times this one tried: nothing was written`, 'other');
  }
}

/** The notes as a writer sees them: read and written like refs/notes/outcomes, published at once by changeNotes. */
export interface NotesDraft {
  /** The notes of these commits (commits without one are left out). */
  read(shas: readonly string[]): Promise<Map<string, string>>;
  /** Writes a commit's note with git itself (`notes add -f`, the text on stdin), or removes it when `text` is empty. */
  write(sha: string, text: string): Promise<void>;
}

/** The facts of a commit that COMMIT reads, by field name. */
export type CommitFacts = Values<typeof COMMIT extends GitRecord<infer D> ? D : never>;

/** One commit as git records it: only facts, no links (those depend on outcomes.yaml and are computed later). */
export interface RawCommit extends CommitFacts {
  /** Paths changed against the first parent, as git prints them with -z. */
  files: string[];
  /** Those of `files` that are submodules (gitlinks) on either side of the change: patterns match them as folders. */
  gitlinks?: string[];
  /**
   * The paths this commit moves or ends, as flat pairs `[from0, to0, from1, to1, ...]`: a rename git detects (exact
   * renames, see LOG) from `from` to `to`, which is in `files` (`from` is not); a pair whose two paths are the same is
   * a deletion of that path (in `files` too), after which an older file of that name is another file (see
   * links/renames.ts).
   */
  renames?: readonly string[];
}

/** A file list as git lists it, with the paths that are submodules (gitlinks): patterns match those as folders. */
export type TrackedFiles = string[] & { gitlinks: ReadonlySet<string> };

export interface HistoryQuery {
  /** `A..B`, a branch, a commit; default HEAD. */
  range?: string;
  since?: string;
  until?: string;
  maxCount?: number;
}

export interface LineStat {
  /** Added + deleted lines over the text files. */
  lines: number;
  /** Files git reports as binary ("-\t-"): they have no line counts. */
  binaryFiles: number;
  /** Per changed file: its added + deleted lines, or null for a binary file (a measure may leave some files out). */
  files: [string, number | null][];
}

/** Hex object names only: nothing else from a user reaches git where it could be read as an option. */
const SHA_RE = /^[0-9a-f]{7,64}$/;
/** Commits per `git log --no-walk` call: bounds the argument list and lets two calls run at once on two cores. */
const CHUNK = 2000;
/**
 * What every `git log` of a commit's changes passes, so that the answer is the same whatever the repository's config
 * says: no signature checked (log.showSignature would run gpg.program), no colour, no external diff or textconv
 * command, no renames or copies, every submodule change (diff.ignoreSubmodules hides them), git's own file order
 * (diff.orderFile reorders them, and the order of links with them), git's default diff (diff.algorithm changes the
 * line counts), and paths from the root (diff.relative). LOG alone asks for renames (see RENAMES).
 */
const PLAIN_DIFF = [
  '--no-show-signature', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--ignore-submodules=none', '-O/dev/null',
  '--diff-algorithm=myers', '--no-relative', '--root', '--diff-merges=first-parent',
];
/**
 * Exact renames only (100% similarity: the same blob id under another path): found from the object ids git already
 * compares, so they cost no blob read (a partial clone fetches nothing, a mirror without some blobs still answers),
 * no time (docs/renames-cost.md) and no diff.renameLimit (git skips similarity search above it and says so on stderr;
 * exact renames are never skipped), and a folder move made with `git mv` is one.
 */
const RENAMES = '--find-renames=100%';
// With -z paths come verbatim (core.quotepath does not apply). --raw rather than --name-only: its file modes tell a
// submodule (gitlink) from a file, its status a rename or a deletion; unabbreviated, so git looks no object up to
// shorten an id.
const LOG = ['log', '-z', ...PLAIN_DIFF.map(a => (a === '--no-renames' ? RENAMES : a)), '--encoding=UTF-8', '--no-notes', '--raw', '--no-abbrev', COMMIT.format];

/** Commit ids for `--stdin`, one a line: a command line of thousands of ids is too long for some systems. */
const ids = (shas: readonly string[]) => shas.join('\n') + '\n';

function checkShas(shas: readonly string[]): void {
  for (const s of shas) if (!SHA_RE.test(s)) throw new GitError(`not a commit id: ${JSON.stringify(s)}`, 'badObject');
}

/** rev-list / log selection: values as `--opt=value`, the range after `--end-of-options`, so no value is an option. */
function queryArgs(q: HistoryQuery): string[] {
  const range = q.range ?? 'HEAD';
  if (!range || range.startsWith('-')) throw new GitError(`invalid range ${JSON.stringify(range)}: it must name commits, not start with '-'`, 'badObject');
  return [
    ...(q.since ? [`--since=${q.since}`] : []),
    ...(q.until ? [`--until=${q.until}`] : []),
    ...(q.maxCount !== undefined ? [`--max-count=${Math.max(0, Math.floor(q.maxCount))}`] : []),
    '--end-of-options', range, '--',
  ];
}

/**
 * Reads `git log -z --format=%x00<fields> --raw` as git writes it, framed by NUL only (a path may hold any other
 * byte): a record is an empty token, the fields, then per changed path a `:<old mode> <new mode> <ids> <status>`
 * token (the first one after a newline) and the path (a rename or copy: the old path, then the new one), until the
 * next empty token. Neither is ever empty, so an empty token can only start a record.
 */
export class LogParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private field = -1;
  /** The record's fields as git printed them, refilled for each commit. */
  private readonly fields: string[] = [];
  private files: string[] = [];
  private gitlinks: string[] = [];
  private renames: string[] = [];
  /** The paths the commit adds, while some exact rename may tell that a folder moved (see movedWithFolder). */
  private added: string[] = [];
  /** The `:<modes> <ids> <status>` token of the path that comes next. */
  private change?: string;
  /** A rename's or copy's old path, while its new one is still to come. */
  private from?: string;
  private out: RawCommit[] = [];

  private readonly intern: Intern;

  constructor(interned = new Map<string, string>()) {
    this.intern = s => {
      let v = interned.get(s);
      if (v === undefined) interned.set(v = own(s), v);
      return v;
    };
  }

  /** Adds output; returns the commits completed by it. */
  push(chunk: Buffer | string): RawCommit[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const tokens = text.split('\0');
    this.rest = tokens.pop()!;
    for (const t of tokens) this.token(t);
    return this.out.splice(0);
  }

  /** The commits still held once git is done. */
  end(): RawCommit[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    if (last) this.token(last);
    this.finish();
    return this.out.splice(0);
  }

  private token(t: string): void {
    if (this.field >= 0 && this.field < COMMIT.width) {
      this.fields[this.field++] = t;
      return;
    }
    if (t === '') {
      this.finish();
      this.field = 0;
      return;
    }
    if (this.change === undefined) {
      // The file list follows the record after a newline.
      this.change = this.files.length === 0 && t.startsWith('\n') ? t.slice(1) : t;
      return;
    }
    const p = this.intern(t);
    if (this.from === undefined && isTwoPathChange(this.change)) {
      this.from = p;
      return;
    }
    this.files.push(p);
    if (isGitlinkChange(this.change)) this.gitlinks.push(p);
    if (this.from !== undefined) {
      if (isRenameChange(this.change)) this.renames.push(this.from, p);
    } else if (isDeletion(this.change)) this.renames.push(p, p);
    else if (isAddition(this.change)) this.added.push(p);
    this.change = undefined;
    this.from = undefined;
  }

  private finish(): void {
    this.change = undefined;
    this.from = undefined;
    if (this.field < COMMIT.width) { this.files = []; this.gitlinks = []; this.renames = []; this.added = []; return; }
    const c = COMMIT.decode(this.fields, 0, this.intern) as RawCommit;
    c.files = this.files.length ? this.files : EMPTY;
    c.gitlinks = this.gitlinks.length ? this.gitlinks : EMPTY;
    if (this.renames.length) c.renames = this.added.length ? movedWithFolder(this.renames, this.added) : this.renames;
    this.out.push(c);
    this.files = [];
    this.gitlinks = [];
    this.renames = [];
    this.added = [];
    this.field = -1;
  }
}

/**
 * A commit's renames with the files that moved with their folder: an exact rename `X/rest -> Y/rest` says folder X
 * moved to Y (the longest such X: the path below it is the same); a file under X that the commit deletes becomes a
 * rename to the same path under Y when the commit adds that path. A move that also edits some files (a package.json
 * that names its new place) is then followed whole, with no similarity search: only paths are compared. Identical
 * files (LICENSE) may pair across folders, so a folder's destinations are tried most renames first, and a deeper
 * folder's before its parents'. `renames` as RawCommit has them (a deletion: a pair of the same path); returns them,
 * changed in place.
 */
export function movedWithFolder(renames: string[], added: readonly string[]): string[] {
  /** Old folder (with its '/') -> its new folders, with how many exact renames went there. */
  const folders = new Map<string, Map<string, number>>();
  for (let i = 0; i + 1 < renames.length; i += 2) {
    const from = renames[i], to = renames[i + 1];
    if (from === to) continue;
    // The longest same tail, then from the first '/' in it: what is before is the folder that moved, in each.
    let a = from.length, b = to.length;
    while (a > 0 && b > 0 && from.charCodeAt(a - 1) === to.charCodeAt(b - 1)) { a--; b--; }
    const k = from.indexOf('/', a);
    if (k === -1) continue;
    const x = from.slice(0, k + 1), y = to.slice(0, b + (k - a) + 1);
    let dests = folders.get(x);
    if (!dests) folders.set(x, dests = new Map());
    dests.set(y, (dests.get(y) ?? 0) + 1);
  }
  if (!folders.size) return renames;
  const adds = new Set(added);
  const ranked = new Map<string, string[]>();
  for (const [x, dests] of folders) ranked.set(x, [...dests].sort((p, q) => q[1] - p[1]).map(([y]) => y));
  for (let i = 0; i + 1 < renames.length; i += 2) {
    const p = renames[i];
    if (p !== renames[i + 1]) continue;
    found: for (let slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
      for (const to of ranked.get(p.slice(0, slash + 1)) ?? []) {
        const moved = to + p.slice(slash + 1);
        if (adds.has(moved)) { renames[i + 1] = moved; adds.delete(moved); break found; }
      }
    }
  }
  return renames;
}

/**
 * A repository, read through the git runner with argument arrays only and output that does not depend on the
 * user's configuration: -z and NUL separators, no colour, no external diff, no textconv, UTF-8, exact renames only.
 */
export class GitRepo {
  /** Paths, names and e-mails recur in thousands of commits: one copy each. */
  private readonly interned = new Map<string, string>();

  constructor(readonly root: string) {}

  /**
   * The repository whose work tree holds `dir`, or undefined when there is none. The common case (a `.git` folder or
   * file at or above `dir`) is found on disk; anything else is asked of git, whose refusals (a bare repository, unsafe
   * ownership) are thrown rather than read as "no repository".
   */
  static async find(dir: string, signal?: AbortSignal): Promise<GitRepo | undefined> {
    const abs = path.resolve(dir);
    try {
      if (!(await fs.stat(abs)).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    for (let cur = abs; ; cur = path.dirname(cur)) {
      if (await fs.stat(path.join(cur, '.git')).then(() => true, () => false)) return new GitRepo(cur);
      if (path.dirname(cur) === cur) break;
    }
    try {
      const top = (await runGit(['rev-parse', '--show-toplevel'], { cwd: abs, signal })).stdout.trim();
      return top ? new GitRepo(path.resolve(top)) : undefined;
    } catch (e) {
      if (e instanceof GitError && e.kind === 'notRepository') return undefined;
      throw e;
    }
  }

  run(args: readonly string[], o: Omit<RunOptions, 'cwd'> = {}) {
    return runGit(args, { cwd: this.root, ceiling: path.dirname(this.root), ...o });
  }

  /**
   * HEAD's commit and the notes tip, in one git call. An unborn HEAD (no commit yet) has no `head`: the one case that
   * means "no history". Everything git refuses is thrown.
   */
  async tips(signal?: AbortSignal): Promise<{ head?: string; notes?: string }> {
    // Exit 1 with no output: neither exists; a broken notes ref is a failure (exit 128).
    const { stdout } = await this.run(['show-ref', '--head', '--', NOTES_REF], { signal, ok: [1] });
    const tips: { head?: string; notes?: string } = {};
    for (const [sha, ref] of parsePairs(stdout)) {
      if (ref === 'HEAD') tips.head = sha;
      else if (ref === NOTES_REF) tips.notes = sha;
    }
    if (!tips.head) {
      // No HEAD: git itself tells an unborn branch ("does not have any commits yet") from a broken one. Only the
      // first is "no history".
      try {
        const head = (await this.run(['log', '-1', '--no-show-signature', '--format=%H'], { signal })).stdout.trim();
        if (head) tips.head = head;
      } catch (e) {
        if (!(e instanceof GitError && e.kind === 'unborn')) throw e;
      }
    }
    return tips;
  }

  /**
   * Tracked files (the index), as `git ls-files -z` prints them, each once (a conflict lists a path per stage), and
   * which of them are submodules (gitlinks), which patterns match as directories.
   */
  async trackedFiles(signal?: AbortSignal): Promise<TrackedFiles> {
    const { stdout } = await this.run(['ls-files', '-z', '--full-name', '--stage'], { signal });
    const files: string[] = [];
    const gitlinks = new Set<string>();
    for (const { mode, path: p } of parseStageEntries(stdout)) {
      if (p === files[files.length - 1]) continue;
      files.push(p);
      if (mode === '160000') gitlinks.add(p);
    }
    return Object.assign(files, { gitlinks });
  }

  /**
   * Every commit a query selects, newest first, from one `git log` whose output is parsed while git writes it:
   * `onCommits` gets each pipe-full's commits, in order. Returns how many there were. Only an unborn HEAD reads as
   * an empty history.
   */
  async log(q: HistoryQuery, onCommits: (c: RawCommit[]) => void, signal?: AbortSignal): Promise<number> {
    const parser = new LogParser(this.interned);
    let count = 0;
    const hand = (c: RawCommit[]) => { if (c.length) { count += c.length; onCommits(c); } };
    await this.run([...LOG, ...queryArgs(q)], { signal, onStdout: b => hand(parser.push(b)) });
    hand(parser.end());
    return count;
  }

  /** The ids a query selects, newest first, as `git log` lists them. */
  async revList(q: HistoryQuery, signal?: AbortSignal): Promise<string[]> {
    const { stdout } = await this.run(['rev-list', ...queryArgs(q)], { signal });
    return stdout.split('\n').filter(Boolean);
  }

  /** Commits by id, in the order given, two git processes at a time; `onPart` sees each chunk in order. */
  async readCommits(shas: readonly string[], onPart?: (c: RawCommit[]) => void, signal?: AbortSignal): Promise<RawCommit[]> {
    checkShas(shas);
    const chunks: string[][] = [];
    for (let i = 0; i < shas.length; i += CHUNK) chunks.push(shas.slice(i, i + CHUNK));
    const parts: RawCommit[][] = [];
    let next = 0;
    let handed = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const idx = next++;
        const parser = new LogParser(this.interned);
        const got: RawCommit[] = [];
        await this.run([...LOG, '--no-walk=unsorted', '--stdin'], { signal, input: ids(chunks[idx]), onStdout: b => got.push(...parser.push(b)) });
        got.push(...parser.end());
        parts[idx] = got;
        for (; parts[handed]; handed++) onPart?.(parts[handed]);
      }
    };
    await Promise.all([worker(), worker()]);
    return parts.flat();
  }

  /**
   * Changed lines per commit (added + deleted against the first parent); binary files have no line counts. About
   * ten times dearer than --name-only, so callers ask for the commits they show, and keep the answers. A commit
   * whose blobs git cannot read (a partial clone, a mirror without its largest files) is in `unknown`: that costs
   * its line counts, not the answer.
   */
  async numstat(shas: readonly string[], signal?: AbortSignal): Promise<{ stats: Map<string, LineStat>; unknown: string[] }> {
    checkShas(shas);
    const stats = new Map<string, LineStat>();
    const unknown: string[] = [];
    const read = async (part: readonly string[]) => {
      const { stdout } = await this.run(NUMSTAT_LOG, { signal, input: ids(part) });
      for (const [k, v] of parseNumstat(stdout)) stats.set(k, v);
    };
    const bad = (e: unknown) => e instanceof GitError && e.kind === 'badObject';
    /** true when read, false when some object is missing; any other failure is thrown. */
    const tryRead = (part: readonly string[]) => read(part).then(() => true, e => { if (bad(e)) return false; throw e; });
    const readPart = async (part: string[]) => {
      if (await tryRead(part)) return;
      // Some object is missing: the commits that need one are set aside in three git calls, the rest read at once.
      const needing = await this.needingMissing(part, signal).catch(e => { if (bad(e)) return undefined; throw e; });
      if (needing) {
        for (const sha of part) if (needing.has(sha)) unknown.push(sha);
        part = part.filter(sha => !needing.has(sha));
        if (!part.length || await tryRead(part)) return;
      }
      // Still failing (or the changes themselves cannot be read): one commit at a time.
      for (const sha of part) if (!await tryRead([sha])) unknown.push(sha);
    };
    // Two git processes at once when a core is free for the second (each diff is git's CPU, not ours): about half
    // the time on an idle machine, and no slower than one at a time on a busy one.
    const cores = os.availableParallelism();
    const width = cores >= 2 && os.loadavg()[0] <= cores - 1 && shas.length >= 64 ? 2 : 1;
    const size = Math.min(CHUNK, Math.ceil(shas.length / width));
    const chunks: string[][] = [];
    for (let i = 0; i < shas.length; i += size) chunks.push(shas.slice(i, i + size));
    let next = 0;
    const worker = async () => { while (next < chunks.length) await readPart(chunks[next++]); };
    await Promise.all(Array.from({ length: width }, worker));
    return { stats, unknown };
  }

  /**
   * The commits of `shas` whose changes name a blob git does not have: the blob ids of their changes (`--raw`), and
   * the objects their trees and their first parents' trees lack, as `rev-list --missing=print` lists them without
   * fetching anything.
   */
  private async needingMissing(shas: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const raw = (await this.run(['log', '--no-walk=unsorted', '-z', ...PLAIN_DIFF, '--raw', '--no-abbrev', COMMIT_PARENTS.format, '--stdin'],
      { signal, input: ids(shas) })).stdout.split('\0');
    const changes = new Map<string, string[]>();
    const trees = new Set<string>();
    let blobs: string[] = [];
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] === '' && SHA_RE.test(raw[k + 1] ?? '')) {
        const { sha, parents } = COMMIT_PARENTS.decode(raw, k + 1);
        changes.set(sha, blobs = []);
        trees.add(sha);
        if (parents.length) trees.add(parents[0]);
        k += COMMIT_PARENTS.width;
        continue;
      }
      const change = parseRawChange(raw[k]);
      if (change) {
        for (const id of [change.oldId, change.newId]) if (!/^0+$/.test(id)) blobs.push(id);
        k++; // its path
      }
    }
    const listed = (await this.run(['rev-list', '--objects', '--no-walk', '--missing=print', '--stdin'], { signal, input: ids([...trees]) })).stdout;
    const missing = new Set(listed.split('\n').filter(l => l.startsWith('?')).map(l => l.slice(1)));
    return new Set([...changes].filter(([, b]) => b.some(id => missing.has(id))).map(([sha]) => sha));
  }

  /** The notes under refs/notes/outcomes, by commit id (two git calls, whatever the size of the history). */
  async notes(signal?: AbortSignal): Promise<Map<string, string>> {
    const list = (await this.run(['notes', `--ref=${NOTES_REF}`, 'list'], { signal })).stdout;
    // "<note object> <commit>" per line; a note may outlive its commit (pruned, or never fetched): it is skipped.
    const commits = parsePairs(list).map(([, sha]) => sha).filter(sha => SHA_RE.test(sha));
    return this.readNotes(commits, { ignoreMissing: true, signal });
  }

  /**
   * The one reader of notes: `git log --no-walk` of the commits, CHUNK at a time, with no signature checked
   * (log.showSignature would run gpg.program). `ignoreMissing`: a commit git does not have is skipped rather than
   * an error.
   */
  private async readNotes(shas: readonly string[], o: { ignoreMissing: boolean; signal?: AbortSignal; ref?: string }): Promise<Map<string, string>> {
    const notes = new Map<string, string>();
    for (let i = 0; i < shas.length; i += CHUNK) {
      const args = ['log', '-z', '--no-walk=unsorted', '--no-show-signature', '--no-color', ...(o.ignoreMissing ? ['--ignore-missing'] : []), `--notes=${o.ref ?? NOTES_REF}`, NOTE.format, '--stdin'];
      const { stdout } = await this.run(args, { signal: o.signal, input: ids(shas.slice(i, i + CHUNK)) });
      for (const { sha, note } of NOTE.all(stdout)) if (note) notes.set(sha, note);
    }
    return notes;
  }

  /**
   * Changes the notes under refs/notes/outcomes as `edit` says, without losing another writer's change made at the
   * same time: `edit` reads and writes a private draft ref seeded from the tip read (one notes commit per change, by
   * `git notes` itself, so other tools read them as before), and refs/notes/outcomes then moves from that tip to the
   * draft's by compare-and-swap (`update-ref NEW OLD`). When another writer moved it first, the draft is dropped and
   * `edit` runs again on the new tip, after a random pause that grows with each attempt; after NOTES_ATTEMPTS lost
   * races it throws NotesRaceError, having published nothing. `edit` must derive its writes from what it reads.
   */
  async changeNotes<T>(edit: (draft: NotesDraft) => Promise<T>, o: { signal?: AbortSignal; attempts?: number } = {}): Promise<T> {
    const signal = o.signal;
    const attempts = Math.max(1, o.attempts ?? NOTES_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      const base = await this.refTip(NOTES_REF, signal);
      const draft = `${NOTES_DRAFTS}${process.pid}-${randomBytes(8).toString('hex')}`;
      // Without a notes ref there is nothing to seed: `git notes` makes the draft's first commit.
      let exists = base !== undefined;
      let wrote = false;
      try {
        if (base !== undefined) await this.run(['update-ref', '--no-deref', draft, base, ''], { signal });
        const result = await edit({
          read: async shas => {
            checkShas(shas);
            return exists ? this.readNotes(shas, { ignoreMissing: false, signal, ref: draft }) : new Map();
          },
          write: async (sha, text) => {
            checkShas([sha]);
            wrote = true;
            if (text.trim()) {
              await this.run(['notes', `--ref=${draft}`, 'add', '-f', '-F', '-', sha], { signal, input: text });
              exists = true;
            } else if (exists) await this.run(['notes', `--ref=${draft}`, 'remove', '--ignore-missing', sha], { signal });
          },
        });
        const tip = wrote ? await this.refTip(draft, signal) : base;
        if (tip === base || tip === undefined) return result;
        if (await this.swapNotes(tip, base, signal)) return result;
      } finally {
        // (not cancellable: a cancelled run still takes its draft away)
        if (exists) await this.dropDraft(draft);
      }
      if (attempt >= attempts) throw new NotesRaceError(attempts);
      logLine(`${NOTES_REF} moved since it was read (attempt ${attempt} of ${attempts}): reading it again`);
      // Random, so that writers who lost together do not meet again; growing, so that many writers spread out.
      await pause(Math.random() * Math.min(2000, 20 * 2 ** attempt), signal);
    }
  }

  /** The commit a full ref name points at, or undefined when it does not exist. */
  private async refTip(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    // Exit 1: no such ref.
    const { stdout } = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], { signal, ok: [1] });
    return stdout.trim() || undefined;
  }

  /**
   * Moves refs/notes/outcomes from `base` (undefined: it must not exist) to `tip`, only if it is still there: true when
   * it moved, false when another writer moved it first (or holds its lock); anything else git refuses is thrown.
   */
  private async swapNotes(tip: string, base: string | undefined, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.run(['update-ref', '-m', 'notes: outcome-lens tag', '--no-deref', NOTES_REF, tip, base ?? ''], { signal });
      return true;
    } catch (e) {
      if (!(e instanceof GitError) || e.kind === 'cancelled' || e.kind === 'timeout') throw e;
      // Another writer moved it, made it, or is moving it now (its lock file); anything else (permissions) is thrown.
      if (e.kind === 'refMoved') return false;
      if ((await this.refTip(NOTES_REF, signal)) !== base) return false;
      throw e;
    }
  }

  /** Deletes a draft ref (if it was made); one left behind by a failure is logged, not fatal: nothing reads it. */
  private async dropDraft(draft: string): Promise<void> {
    try {
      await this.run(['update-ref', '-d', '--no-deref', draft]);
    } catch (e) {
      logLine(`could not delete ${draft} (delete it with: git update-ref -d ${draft}): ${(e as Error).message}`);
    }
  }

  /**
   * The commit a user's argument names (a sha, a branch, `HEAD~2`), as a full id: `rev-parse --verify` after
   * `--end-of-options`, so that no argument is read as an option; anything that names no commit is thrown.
   */
  async resolveCommit(rev: string, signal?: AbortSignal): Promise<string> {
    if (!rev) throw new GitError('an empty commit name', 'badObject');
    try {
      return (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { signal })).stdout.trim();
    } catch (e) {
      if (e instanceof GitError && e.exitCode === 1) throw new GitError(`not a commit: ${JSON.stringify(rev)}`, 'badObject', e.exitCode, e.stderr);
      throw e;
    }
  }

  /** The remotes, each with its URL and whether it already fetches the outcome notes (one git call). */
  async remotes(signal?: AbortSignal): Promise<{ name: string; url: string; fetchesNotes: boolean }[]> {
    const byName = new Map<string, { name: string; url: string; fetchesNotes: boolean }>();
    for (const [key, value] of await this.configEntries('^remote\\..*\\.(url|fetch)$', signal)) {
      const m = /^remote\.(.+)\.(url|fetch)$/.exec(key);
      if (!m || value === undefined) continue;
      const r = byName.get(m[1]) ?? { name: m[1], url: '', fetchesNotes: false };
      if (m[2] === 'url') r.url ||= value;
      else if (value.replace(/^\+/, '') === NOTES_FETCH.slice(1)) r.fetchesNotes = true;
      byName.set(m[1], r);
    }
    return [...byName.values()];
  }

  /**
   * The config entries whose keys match `regexp` (git's `--get-regexp`, keys as git prints them: section and name in
   * lower case), in the order git reads them; a key set with no value (which means true) has an undefined value.
   */
  async configEntries(regexp: string, signal?: AbortSignal): Promise<[key: string, value: string | undefined][]> {
    // Exit 1: no key matches.
    const { stdout } = await this.run(['config', '-z', '--get-regexp', regexp], { signal, ok: [1] });
    return parseConfigEntries(stdout);
  }

  /** One config key's value (the last one, when it is set more than once), or undefined when it is not set. */
  async configValue(key: string, signal?: AbortSignal): Promise<string | undefined> {
    // Exit 1: not set; else the value, NUL-terminated (empty for a key set with no value).
    const { stdout } = await this.run(['config', '-z', '--get', key], { signal, ok: [1] });
    const end = stdout.indexOf('\0');
    return end === -1 ? undefined : stdout.slice(0, end);
  }

  /** Adds the fetch refspec of the outcome notes to a remote (`git config --add`), so that every fetch brings them. */
  async addNotesFetch(remote: string, signal?: AbortSignal): Promise<void> {
    await this.checkRemote(remote, signal);
    await this.run(['config', '--add', `remote.${remote}.fetch`, NOTES_FETCH], { signal });
  }

  /** Pushes refs/notes/outcomes to a remote. */
  async pushNotes(remote: string, signal?: AbortSignal): Promise<string> {
    await this.checkRemote(remote, signal);
    const r = await this.run(['push', '--no-verify', '--end-of-options', remote, `${NOTES_REF}:${NOTES_REF}`], { signal, network: true });
    return (r.stderr || r.stdout).trim();
  }

  private async checkRemote(remote: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.remotes(signal)).some(r => r.name === remote)) throw new GitError(`no remote named ${JSON.stringify(remote)}`, 'badObject');
  }

  /**
   * The commits at a shallow clone's boundary (git lists their whole tree as changed, since their parents are not
   * there): the repository's `shallow` file, which git names. Empty for a full clone.
   */
  async shallowBoundary(): Promise<Set<string>> {
    const text = await fs.readFile(await this.gitPath('shallow'), 'utf8').catch(() => '');
    return new Set(text.split('\n').filter(s => SHA_RE.test(s)));
  }

  /**
   * Where git keeps `name` of this repository (`hooks`, `shallow`), as an absolute path: `rev-parse --git-path`,
   * which follows core.hooksPath, a linked worktree's common folder and GIT_DIR layouts.
   */
  async gitPath(name: string, signal?: AbortSignal): Promise<string> {
    const { stdout } = await this.run(['rev-parse', '--git-path', name], { signal });
    return path.resolve(this.root, stdout.replace(/\n$/, ''));
  }

  /**
   * The paths staged in an index (`git diff --cached`, against HEAD), as git prints them with -z; `indexFile`: the
   * index a commit hook is given (GIT_INDEX_FILE) instead of .git/index.
   */
  async stagedFiles(indexFile?: string, signal?: AbortSignal): Promise<string[]> {
    const { stdout } = await this.run(['diff', '--cached', '--name-only', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color'], { signal, indexFile });
    return stdout.split('\0').filter(Boolean);
  }

  /** The committer date (as git prints %cI) of the newest commit `range` selects, or undefined when it selects none. */
  async newestCommitDate(range: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.committerDates(range, ['-1'], signal))[0];
  }

  /**
   * The committer date (as git prints %cI) of the oldest root commit `range` reaches (the earliest, when there are
   * several), or undefined when it selects none.
   */
  async oldestCommitDate(range: string, signal?: AbortSignal): Promise<string | undefined> {
    const dates = await this.committerDates(range, ['--max-parents=0'], signal);
    return dates.reduce<string | undefined>((a, d) => (a === undefined || Date.parse(d) < Date.parse(a) ? d : a), undefined);
  }

  private async committerDates(range: string, select: string[], signal?: AbortSignal): Promise<string[]> {
    const { stdout } = await this.run(['log', '-z', '--no-show-signature', '--no-color', COMMITTED.format, ...select, ...queryArgs({ range })], { signal });
    return COMMITTED.all(stdout).map(c => c.committed);
  }

  /**
   * `-c` options that switch off the filter driver .gitattributes gives a path: blame runs its clean command (a command
   * of the repository's config) on the text it blames. check-attr prints the driver's name, or a word (`unspecified`,
   * `set`) that could itself be a driver's name: whatever it prints is switched off.
   */
  private async filterOff(relPath: string, signal?: AbortSignal): Promise<string[]> {
    const [, , driver] = (await this.run(['check-attr', '-z', 'filter', '--', relPath], { signal })).stdout.split('\0');
    if (!driver) return [];
    // `-c name=value` is split at the first '=': a driver whose name holds one cannot be named there.
    if (/[=\n]/.test(driver)) throw new GitError(`${quoted(relPath)} is not blamed: git cannot be told to skip its filter driver ${quoted(driver)}`, 'other');
    return ['clean', 'smudge', 'process'].flatMap(k => ['-c', `filter.${driver}.${k}=`]).concat('-c', `filter.${driver}.required=false`);
  }

  /** Whether `a` is an ancestor of `b` (so `a..b` is exactly what `b` added). */
  async isAncestor(a: string, b: string, signal?: AbortSignal): Promise<boolean> {
    checkShas([a, b]);
    try {
      return (await this.run(['merge-base', '--is-ancestor', a, b], { signal, ok: [1] })).exitCode === 0;
    } catch (e) {
      // `a` is gone (pruned, or the repository was cloned again): it is no ancestor of anything now.
      if (e instanceof GitError && e.kind === 'unknownCommit') return false;
      throw e;
    }
  }

  /**
   * The commits that changed one file, newest first, with the facts of DATED, as `git log -- FILE` lists them; `from`:
   * only those after that commit (what a HEAD that moved forward added).
   */
  async fileCommits(file: string, o: { from?: string; head?: string; signal?: AbortSignal } = {}): Promise<RecordValues<typeof DATED>[]> {
    checkShas([o.from, o.head].filter((x): x is string => !!x));
    const tip = o.head ?? 'HEAD';
    const range = o.from ? `${o.from}..${tip}` : tip;
    const { stdout } = await this.run(['log', '-z', '--no-show-signature', '--no-color', DATED.format, '--end-of-options', range, '--', file], { signal: o.signal });
    return DATED.all(stdout).filter(c => SHA_RE.test(c.sha));
  }

  /**
   * One file's contents at each of many commits, from one `git cat-file --batch` (not a process per commit): the
   * blob's bytes, or null where the commit has no such file.
   */
  async fileAt(shas: readonly string[], file: string, signal?: AbortSignal): Promise<(Buffer | null)[]> {
    checkShas(shas);
    if (!shas.length) return [];
    if (/[\n\r]/.test(file)) throw new GitError(`a path with a line break cannot be read in a batch: ${JSON.stringify(file)}`, 'other');
    const chunks: Buffer[] = [];
    await this.run(['cat-file', '--batch'], { signal, input: shas.map(s => `${s}:${file}\n`).join(''), onStdout: b => chunks.push(b) });
    return parseCatFileBatch(Buffer.concat(chunks), shas.length);
  }

  /**
   * The files of a commit's tree, as `git ls-tree -r -z --full-tree` lists them, sorted as `trackedFiles` is and with
   * its submodules (gitlinks): what `files --json` would classify had that commit been checked out.
   */
  async treeFiles(sha: string, signal?: AbortSignal): Promise<TrackedFiles> {
    checkShas([sha]);
    const { stdout } = await this.run(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', sha], { signal });
    const entries = parseStageEntries(stdout).sort((a, b) => comparePaths(a.path, b.path));
    const gitlinks = new Set(entries.filter(e => e.mode === '160000').map(e => e.path));
    return Object.assign(entries.map(e => e.path), { gitlinks });
  }

  /**
   * The branch a pull request would go into: what origin/HEAD points at, else the first of main, master, origin/main,
   * origin/master that exists; undefined when none does.
   */
  async defaultBranch(signal?: AbortSignal): Promise<string | undefined> {
    // Exit 1: origin/HEAD is not set (a repository never cloned, or cloned without it).
    const { stdout } = await this.run(['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'], { signal, ok: [1] });
    if (stdout.trim()) return stdout.trim();
    for (const [ref, name] of [['refs/heads/main', 'main'], ['refs/heads/master', 'master'], ['refs/remotes/origin/main', 'origin/main'], ['refs/remotes/origin/master', 'origin/master']]) {
      if (await this.refTip(ref, signal)) return name;
    }
    return undefined;
  }

  /** The local branches, then the remote-tracking ones, by short name (`main`, `origin/main`); no symbolic refs. */
  async branches(signal?: AbortSignal): Promise<string[]> {
    const { stdout } = await this.run(['for-each-ref', '--format=%(refname:short)%00%(symref)', 'refs/heads', 'refs/remotes'], { signal });
    return stdout.split('\n').map(l => l.split('\0')).filter(([name, symref]) => name && !symref).map(([name]) => name);
  }

  /** The best common ancestor of two commits (full ids), or undefined when they share no history. */
  async mergeBase(a: string, b: string, signal?: AbortSignal): Promise<string | undefined> {
    checkShas([a, b]);
    // Exit 1: no common ancestor.
    const { stdout } = await this.run(['merge-base', a, b], { signal, ok: [1] });
    return stdout.trim() || undefined;
  }

  /** `git show` of one commit, stat and patch, for a read-only diff document. */
  async show(sha: string, signal?: AbortSignal): Promise<string> {
    checkShas([sha]);
    return (await this.run(['show', '--no-show-signature', '--no-color', '--no-ext-diff', '--no-textconv', '--stat', '--patch', '--format=fuller', '--encoding=UTF-8', sha, '--'], { signal })).stdout;
  }

  /**
   * The commit that last changed line `line` (1-based) of a file: all zeros for a line not committed yet, undefined
   * for a file git does not track.
   */
  async blameLine(relPath: string, line: number, contents?: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.blameLineAt(relPath, line, contents, signal))?.sha;
  }

  /**
   * blameLine's commit, and the path the file had in it (git blame follows the file's renames): the path at the time,
   * which the rename rule judges at `relPath`.
   */
  async blameLineAt(relPath: string, line: number, contents?: string, signal?: AbortSignal): Promise<{ sha: string; path: string } | undefined> {
    try {
      // `contents`: an editor's unsaved text, blamed as it is (its changed lines are "not committed yet").
      const args = [...await this.filterOff(relPath, signal), 'blame', '--porcelain', '--no-textconv', ...(contents === undefined ? [] : ['--contents', '-']),
        '-L', `${line},${line}`, '--', relPath];
      const { stdout } = await this.run(args, { signal, input: contents });
      const sha = stdout.slice(0, stdout.indexOf(' '));
      // `filename <path>`, C-quoted (in double quotes) when the path has unusual bytes: then it is taken as unchanged.
      const named = /\nfilename ([^\n]*)/.exec(stdout)?.[1];
      return /^[0-9a-f]{40,64}$/.test(sha) ? { sha, path: named && !named.startsWith('"') ? named : relPath } : undefined;
    } catch (e) {
      // An untracked file or a line past the committed end: nothing to annotate. Everything else is a failure.
      if (e instanceof GitError && e.kind === 'noSuchPath') return undefined;
      throw e;
    }
  }

  /**
   * A data file at each of many commits, as git resolves it with `--follow-symlinks` (a link inside the tree is
   * followed; one that leaves the repository is reported, never read): the blob's bytes when at most `maxBytes`, else
   * why not. Two `git cat-file` processes whatever the number of commits.
   */
  async dataFileAt(shas: readonly string[], file: string, maxBytes: number, signal?: AbortSignal): Promise<DataFile[]> {
    checkShas(shas);
    if (!shas.length) return [];
    if (/[\n\r]/.test(file)) throw new GitError(`a path with a line break cannot be read in a batch: ${JSON.stringify(file)}`, 'other');
    const { stdout } = await this.run(['cat-file', '--batch-check', '--follow-symlinks'], { signal, input: shas.map(s => `${s}:${file}\n`).join('') });
    const facts = parseBatchCheckFollow(stdout, shas.length);
    const wanted = facts.flatMap(f => (f.kind === 'blob' && f.size <= maxBytes ? [f.oid] : []));
    const chunks: Buffer[] = [];
    if (wanted.length) await this.run(['cat-file', '--batch'], { signal, input: wanted.map(o => `${o}\n`).join(''), onStdout: b => chunks.push(b) });
    const blobs = wanted.length ? parseCatFileBatch(Buffer.concat(chunks), wanted.length) : [];
    let k = 0;
    return facts.map(f => {
      if (f.kind !== 'blob') return f;
      if (f.size > maxBytes) return { kind: 'tooLarge', size: f.size };
      const bytes = blobs[k++];
      return bytes ? { kind: 'blob', size: f.size, bytes } : { kind: 'missing' };
    });
  }
}

/** Parses `git cat-file --batch` output: per object `<oid> <type> <size>\\n<bytes>\\n`, or `<name> missing\\n`. */
/** A data file at one commit (dataFileAt): its bytes, or why there are none. */
export type DataFile =
  | { kind: 'blob'; size: number; bytes: Buffer }
  | { kind: 'tooLarge'; size: number }
  | { kind: 'missing' }
  | { kind: 'outside'; target: string }
  | { kind: 'notFile'; what: string };

/** `git cat-file --batch-check --follow-symlinks`: a fact per line, and the target line after a link it would not follow. */
export function parseBatchCheckFollow(out: string, expected: number): (Exclude<DataFile, { kind: 'blob' | 'tooLarge' }> | { kind: 'blob'; oid: string; size: number })[] {
  const lines = out.split('\n');
  const result: ReturnType<typeof parseBatchCheckFollow> = [];
  for (let i = 0; i < lines.length && result.length < expected; i++) {
    const l = lines[i];
    let m: RegExpExecArray | null;
    if ((m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(l))) result.push(m[2] === 'blob' ? { kind: 'blob', oid: m[1], size: Number(m[3]) } : { kind: 'notFile', what: m[2] });
    else if ((m = /^(symlink|dangling|loop|notdir) \d+$/.exec(l))) {
      const target = lines[++i] ?? '';
      result.push(m[1] === 'symlink' ? { kind: 'outside', target } : m[1] === 'dangling' ? { kind: 'missing' } : { kind: 'notFile', what: m[1] === 'loop' ? 'a loop of links' : 'not a folder' });
    } else if (/ missing$/.test(l)) result.push({ kind: 'missing' });
    else if (l !== '') throw new GitError(`git cat-file --batch-check answered ${JSON.stringify(l.slice(0, 80))}`, 'other');
  }
  if (result.length !== expected) throw new GitError(`git cat-file --batch-check answered ${result.length} of ${expected} objects`, 'other');
  return result;
}

export function parseCatFileBatch(out: Buffer, expected: number): (Buffer | null)[] {
  const result: (Buffer | null)[] = [];
  let at = 0;
  while (result.length < expected && at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl === -1) break;
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) { result.push(null); continue; } // "<name> missing" (or ambiguous): no such file at that commit
    const size = Number(m[2]);
    result.push(m[1] === 'blob' ? out.subarray(at, at + size) : null);
    at += size + 1;
  }
  if (result.length !== expected) throw new GitError(`git cat-file --batch answered ${result.length} of ${expected} objects`, 'other');
  return result;
}

/** The `git log` of changed-line counts (commit ids on stdin): the line cache is keyed by it, as its answers are. */
export const NUMSTAT_LOG: readonly string[] = ['log', '--no-walk=unsorted', '-z', ...PLAIN_DIFF, '--numstat', COMMIT_ID.format, '--stdin'];

/** Parses `git log -z --numstat` with COMMIT_ID's format: per commit, the record, then NUL-terminated entries. */
export function parseNumstat(out: string): Map<string, LineStat> {
  const m = new Map<string, LineStat>();
  let cur: LineStat | undefined;
  const tokens = out.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '' && SHA_RE.test(tokens[i + 1] ?? '')) {
      m.set(COMMIT_ID.decode(tokens, i + 1).sha, cur = { lines: 0, binaryFiles: 0, files: [] });
      i += COMMIT_ID.width;
      continue;
    }
    const entry = cur && parseNumstatEntry(tokens[i]);
    if (!cur || !entry) continue;
    if (entry.lines === null) cur.binaryFiles++;
    else cur.lines += entry.lines;
    cur.files.push([entry.path, entry.lines]);
  }
  return m;
}

/** Waits `ms`, or until `signal` aborts (then throws the runner's cancellation). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new GitError('cancelled', 'cancelled')); return; }
    const onAbort = () => { clearTimeout(t); reject(new GitError('cancelled', 'cancelled')); };
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
