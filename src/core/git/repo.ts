import type { SimpleGit } from 'simple-git';
import type * as SimpleGitModule from 'simple-git';
import { lazy } from '../util/lazy';
import { promises as fs } from 'node:fs';
import path = require('node:path');
import { StringDecoder } from 'node:string_decoder';
import { breathe } from '../util/breathe';
import { NOTES_REF, tipsFromFiles } from './refFiles';

const sg = lazy(() => require('simple-git') as typeof SimpleGitModule);
/**
 * A history query as rev-list and log read it: values as `--opt=value`, then the range (HEAD by default) after an
 * end-of-options check, so that no user-supplied string is ever read as an option.
 */
function queryArgs(q: HistoryQuery): string[] {
  const args: string[] = [];
  if (q.since) args.push(`--since=${q.since}`);
  if (q.until) args.push(`--until=${q.until}`);
  if (q.maxCount !== undefined) args.push(`--max-count=${Math.max(0, Math.floor(q.maxCount))}`);
  const range = q.range ?? 'HEAD';
  if (range.startsWith('-')) throw new GitError(`invalid range ${JSON.stringify(range)}: it must not start with '-'`);
  args.push(range, '--');
  return args;
}

/**
 * A command is done when git has exited and closed its output. simple-git's default also arms a 50 ms timer at
 * exit, as a fallback for a process whose output stays open; the timer outlives the command and kept every CLI
 * run alive 50 ms longer. None of our commands leaves a child holding the pipe, so 'close' alone decides.
 */
const simpleGit = (options: Partial<SimpleGitModule.SimpleGitOptions>): SimpleGit => sg().simpleGit({ completion: { onClose: true, onExit: false }, ...options });

/**
 * How many of the newest commits a view gets first, before the cache and rev-list answer: read from git (`readNewest`)
 * or saved by the last session. The views show these as they come, and later parts at most a few times a second.
 */
export const FIRST_ROWS = 200;

/** One commit as read from git: only facts, no links (those depend on outcomes.yaml and are computed later). */
export interface RawCommit {
  sha: string;
  parents: string[];
  author: string;
  email: string;
  /** Author date, strict ISO-8601 as git prints it. */
  date: string;
  subject: string;
  /** The whole message, for ticket keys. */
  message: string;
  /** Values of the message's trailers with the configured key, as git's `%(trailers)` reads them. */
  trailerValues: string[];
  /** The note under refs/notes/outcomes, if any. */
  note: string;
  /** Paths changed against the first parent (both sides of a rename), as git prints them with -z. */
  files: string[];
}

export interface HistoryQuery {
  /** `A..B`, a branch, a commit; default HEAD. */
  range?: string;
  since?: string;
  until?: string;
  maxCount?: number;
}

export class GitError extends Error {}

/** Every git process this module starts is counted, so that "no git in Restricted Mode" can be asserted. */
export const gitProcesses = { started: 0 };

/** Hex object names only: anything else from a user never reaches git as an argument that could be an option. */
const SHA_RE = /^[0-9a-f]{7,64}$/;
/** Commits per `git log --no-walk` call: bounds memory per call and lets two calls run at once on two cores. */
const CHUNK = 2000;
const RS = '\x1e';
/** Commits parsed between two pauses (see readCommits). */
const PARSE_STEP = 400;
const LS_FILES = ['-c', 'core.quotepath=off', 'ls-files', '-z', '--full-name'];

/**
 * The environment git runs in: the user's, with stable C-locale messages, minus the variables simple-git's
 * environment guard refuses (GIT_*, EDITOR, PAGER, ...): none of them may redirect what a read-only query does.
 */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(process.env)) {
    if (val === undefined || /^(git_|editor$|visual$|pager$|prefix$|ssh_askpass$)/i.test(k)) continue;
    env[k] = val;
  }
  env.LC_ALL = 'C';
  return env;
}

/**
 * git, through simple-git, with argument arrays only and output that does not depend on the user's config:
 * -z / NUL separators, no colour, no external diff, no textconv, UTF-8, explicit --root and --no-renames.
 */
export class GitRepo {
  /** Paths, names and e-mails recur in thousands of commits: one copy each. */
  private readonly interned = new Map<string, string>();

  constructor(readonly root: string, private readonly signal?: AbortSignal) {}

  /**
   * Made on first use: loading simple-git (72 KB to compile) held back a first session's `git log -n`, which spawns
   * git itself, while the worker's thread shared two CPUs with the workbench's start.
   */
  private get git(): SimpleGit {
    return this.instance ??= simpleGit({ baseDir: this.root, maxConcurrentProcesses: 2, abort: this.signal, trimmed: false }).env(gitEnv());
  }
  private instance?: SimpleGit;

  /**
   * The repository containing `dir`, or undefined when there is none. The common case (a `.git` folder or
   * file above `dir`) is found on disk without starting git; anything unusual (GIT_DIR, a bare repository)
   * is left to `git rev-parse`.
   */
  static async find(dir: string, signal?: AbortSignal): Promise<GitRepo | undefined> {
    try {
      const st = await fs.stat(dir);
      if (!st.isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE) {
      for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
        try {
          await fs.stat(path.join(cur, '.git'));
          return new GitRepo(cur, signal);
        } catch {
          // not here: look one level up
        }
        if (path.dirname(cur) === cur) break;
      }
    }
    gitProcesses.started++;
    try {
      const g = simpleGit({ baseDir: dir, abort: signal }).env(gitEnv());
      const top = (await g.raw(['rev-parse', '--show-toplevel'])).trim();
      return top ? new GitRepo(path.resolve(top), signal) : undefined;
    } catch {
      return undefined;
    }
  }

  private async raw(args: string[]): Promise<string> {
    gitProcesses.started++;
    try {
      return await this.git.raw(args);
    } catch (e) {
      throw new GitError(`git ${args[0]} failed: ${String((e as Error).message ?? e).trim().split('\n')[0]}`);
    }
  }

  /** HEAD's commit id, or undefined in a repository with no commits yet. */
  async head(): Promise<string | undefined> {
    gitProcesses.started++;
    try {
      const out = await this.git.raw(['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The commit that last changed line `line` (1-based) of a file, all zeros when not committed yet. */
  async blameLine(relPath: string, line: number): Promise<string | undefined> {
    gitProcesses.started++;
    try {
      const out = await this.git.raw(['blame', '--porcelain', '-L', `${line},${line}`, '--', relPath]);
      const sha = out.slice(0, out.indexOf(' '));
      return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
    } catch {
      return undefined; // untracked file, line past the saved end: nothing to annotate
    }
  }

  /**
   * Changed lines per commit (added + deleted against the first parent, from --numstat); binary files have no
   * line counts and are counted as changed files instead. About ten times dearer than --name-only on real
   * repositories, so callers ask for it lazily, for the commits they show, and cache it.
   */
  async numstat(shas: readonly string[], onChunk?: (m: Map<string, LineStat>) => void, signal?: AbortSignal): Promise<Map<string, LineStat>> {
    for (const s of shas) if (!SHA_RE.test(s)) throw new GitError(`not a commit id: ${JSON.stringify(s)}`);
    const all = new Map<string, LineStat>();
    for (let i = 0; i < shas.length; i += CHUNK) {
      if (signal?.aborted) throw new GitError('cancelled');
      const out = await this.raw(['log', '--no-walk=unsorted', '-z', '--no-color', '--no-ext-diff', '--no-textconv', '--root', '--no-renames',
        '--diff-merges=first-parent', '--numstat', `--format=${RS}%H`, ...shas.slice(i, i + CHUNK), '--']);
      const part = parseNumstat(out);
      for (const [k, v] of part) all.set(k, v);
      onChunk?.(part);
    }
    return all;
  }

  /** `git show` of one commit, stat and patch, for a read-only diff document. */
  async show(sha: string): Promise<string> {
    if (!SHA_RE.test(sha)) throw new GitError(`not a commit id: ${JSON.stringify(sha)}`);
    return this.raw(['show', '--no-color', '--no-ext-diff', '--stat', '--patch', '--format=fuller', '--encoding=UTF-8', sha, '--']);
  }

  /** Tracked files (the index), as `git ls-files -z` prints them. */
  async trackedFiles(): Promise<string[]> {
    const out = await this.raw([...LS_FILES]);
    return out.split('\0').filter(Boolean);
  }

  /**
   * The same list, handed to `onPaths` a pipe-full at a time (about 1,300 paths) while git is still listing:
   * git waits whenever the pipe is full, so a caller that works on each part as it comes (`files --json` on
   * 50k files) overlaps git's time with its own instead of adding the two. Returns how many paths there were.
   */
  async streamTrackedFiles(onPaths: (paths: string[]) => void): Promise<number> {
    gitProcesses.started++;
    let rest = '';
    let count = 0;
    const decoder = new StringDecoder('utf8'); // a pipe-full can end inside a multi-byte character
    const take = (text: string, last: boolean) => {
      const parts = (rest + text).split('\0');
      rest = last ? '' : parts.pop()!;
      const paths = parts.filter(Boolean);
      count += paths.length;
      if (paths.length) onPaths(paths);
    };
    // A git of its own: simple-git's output handler applies to every command an instance runs.
    const git = simpleGit({ baseDir: this.root, abort: this.signal, trimmed: false }).env(gitEnv())
      .outputHandler((_cmd, stdout) => { stdout.on('data', (b: Buffer) => take(decoder.write(b), false)); });
    try {
      await git.raw([...LS_FILES]);
    } catch (e) {
      throw new GitError(`git ls-files failed: ${String((e as Error).message ?? e).trim().split('\n')[0]}`);
    }
    take(decoder.end(), true);
    return count;
  }

  async notesTip(): Promise<string | undefined> {
    return (await this.tips()).notes;
  }

  /**
   * HEAD and the notes ref in one git call that prints something whenever HEAD exists: simple-git waits an
   * extra 50 ms after a command that prints nothing, which probing a missing notes ref alone would cost.
   */
  async tips(): Promise<{ head?: string; notes?: string }> {
    gitProcesses.started++;
    try {
      // `show-ref --head` labels each line ("<sha> HEAD", "<sha> refs/notes/outcomes"), so nothing is guessed.
      const out = await this.git.raw(['show-ref', '--head', NOTES_REF]);
      const tips: { head?: string; notes?: string } = {};
      for (const line of out.split('\n')) {
        const [sha, ref] = line.split(' ');
        if (ref === 'HEAD') tips.head = sha;
        else if (ref === NOTES_REF) tips.notes = sha;
      }
      return tips;
    } catch {
      return {}; // no commit yet: show-ref finds nothing and exits 1
    }
  }

  /**
   * The commits a history query selects, newest first, as `git log` lists them.
   * User-supplied values are passed as `--opt=value` or after an end-of-options check, never as bare options.
   */
  async revList(q: HistoryQuery = {}): Promise<string[]> {
    const range = q.range ?? 'HEAD';
    const args = ['rev-list', ...queryArgs(q)];
    try {
      const out = await this.raw(args);
      // 100k ids are split a part at a time, with pauses: all at once held the thread for ~100 ms.
      const shas: string[] = [];
      for (let i = 0; i < out.length;) {
        for (let k = 0; k < 20000 && i < out.length; k++) {
          const nl = out.indexOf('\n', i);
          const end = nl === -1 ? out.length : nl;
          if (end > i) shas.push(out.slice(i, end));
          i = end + 1;
        }
        if (i < out.length) await breathe();
      }
      return shas;
    } catch (e) {
      // A repository without commits has no HEAD yet: its history is empty, not an error.
      if (range === 'HEAD' && !(await this.head())) return [];
      throw e;
    }
  }

  /**
   * Reads commits by id, in the order given, in chunks (two git processes at a time).
   * `onChunk` sees each chunk as it arrives so that views can show first rows early.
   */
  async readCommits(shas: readonly string[], trailerKey: string, onChunk?: (c: RawCommit[]) => void, signal?: AbortSignal,
    notesTip?: string | null): Promise<RawCommit[]> {
    for (const s of shas) if (!SHA_RE.test(s)) throw new GitError(`not a commit id: ${JSON.stringify(s)}`);
    if (!shas.length) return [];
    const log = await this.logCommand(trailerKey, notesTip);
    const chunks: string[][] = [];
    // A window of a few thousand commits is cut in four, not 2,000 + the rest: both git processes work from the
    // start, and the first parts are parsed while git writes the others (a 90-day window: ~600 -> ~490 ms).
    const size = Math.min(CHUNK, Math.max(250, Math.ceil(shas.length / 4)));
    for (let i = 0; i < shas.length; i += size) chunks.push(shas.slice(i, i + size));
    // Each chunk's output is parsed a few hundred commits at a time, with a pause between (2,000 at once held the
    // thread for ~100 ms); parts are handed over in the order asked for, although two chunks run at once.
    const parts: RawCommit[][][] = chunks.map(() => []);
    const complete: boolean[] = chunks.map(() => false);
    let chunkAt = 0;
    let partAt = 0;
    const deliver = () => {
      while (chunkAt < chunks.length) {
        const ready = parts[chunkAt];
        // (not `onChunk?.(ready[partAt++])`: with no onChunk, `?.` would skip the increment too)
        for (; partAt < ready.length; partAt++) if (onChunk) onChunk(ready[partAt]);
        if (!complete[chunkAt]) break;
        chunkAt++;
        partAt = 0;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        if (signal?.aborted) throw new GitError('cancelled');
        const idx = next++;
        const out = await this.raw([...log, '--no-walk=unsorted', ...chunks[idx], '--']);
        for (let at = 0; at < out.length;) {
          const part = parseLogFrom(out, this.interned, at, PARSE_STEP);
          at = part.next;
          parts[idx].push(part.commits);
          deliver();
          if (at < out.length) await breathe();
        }
        complete[idx] = true;
        deliver();
      }
    };
    await Promise.all([worker(), worker()]);
    return parts.flat(2);
  }

  /**
   * Every commit a query selects, newest first, from one `git log` whose output is parsed while git writes it
   * (`onChunk` gets the commits of each pipe-full, in order); returns how many. For a whole history without a
   * cache this is git's own speed: rev-list and then commits by id cost one process per 2,000 commits, and git
   * reads ids given to it more slowly than it walks (Homebrew/brew: 7.5 s against git's 3.4 s).
   * A child process of our own, not simple-git: simple-git keeps the whole output (tens of megabytes) until the end.
   */
  async streamLog(q: HistoryQuery, trailerKey: string, notesTip: string | null | undefined | 'if-any', onChunk: (c: RawCommit[]) => void,
    signal?: AbortSignal): Promise<number> {
    const range = q.range ?? 'HEAD';
    const args = [...await this.logCommand(trailerKey, notesTip), ...queryArgs(q)];
    gitProcesses.started++;
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    const child = spawn('git', args, { cwd: this.root, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'], signal: signal ?? this.signal, windowsHide: true });
    const decoder = new StringDecoder('utf8'); // a pipe-full can end inside a multi-byte character
    let rest = '';
    let count = 0;
    let stderr = '';
    // A record is complete once the next one starts (each starts with RS); the last one, when git is done.
    const take = (text: string, last: boolean) => {
      const buf = rest + text;
      const cut = last ? buf.length : buf.lastIndexOf(RS);
      if (cut <= 0) { rest = buf; return; }
      rest = buf.slice(cut);
      const { commits } = parseLogFrom(buf.slice(0, cut), this.interned, 0, Infinity);
      count += commits.length;
      if (commits.length) onChunk(commits);
    };
    // A caller that throws stops git, and the read fails with its error, not as an uncaught exception.
    let failure: unknown;
    child.stdout.on('data', (b: Buffer) => {
      if (failure !== undefined) return;
      try { take(decoder.write(b), false); } catch (e) { failure = e; child.kill(); }
    });
    child.stderr.on('data', (b: Buffer) => { if (stderr.length < 4000) stderr += b.toString(); });
    const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve); })
      .catch(e => { throw new GitError((signal ?? this.signal)?.aborted ? 'cancelled' : `git log failed: ${(e as Error).message}`); });
    if (failure !== undefined) throw failure;
    if (code !== 0) {
      if (range === 'HEAD' && !(await this.head())) return 0; // no commits yet: an empty history
      throw new GitError(`git log failed: ${stderr.trim().split('\n')[0]}`);
    }
    take(decoder.end(), true);
    return count;
  }

  /**
   * The newest `count` commits of a query, read directly (no rev-list first): the first rows of a view while
   * the whole window is still being listed. `onPart` gets them a pipe-full at a time, as git writes them: on two
   * busy cores git took up to 1.2 s to write 200 commits with their paths, and a view can show the first ones.
   */
  async readNewest(q: HistoryQuery, count: number, trailerKey: string, notesTip?: string | null | 'if-any',
    onPart?: (commits: RawCommit[]) => void): Promise<RawCommit[]> {
    const all: RawCommit[] = [];
    await this.streamLog({ ...q, maxCount: count }, trailerKey, notesTip, part => {
      for (const c of part) all.push(c);
      onPart?.(part);
    });
    return all;
  }

  /** `git log` with the fields RawCommit holds, in a form no user configuration changes. */
  private async logCommand(trailerKey: string, notesTip?: string | null | 'if-any'): Promise<string[]> {
    if (!/^[A-Za-z0-9-]+$/.test(trailerKey)) throw new GitError(`invalid trailer key ${JSON.stringify(trailerKey)}`);
    // null: the caller looked and there is no notes ref; undefined: look now (a git process); 'if-any': the
    // repository's ref files say, with no git process, and where they cannot, the ref is passed anyway (git shows no
    // note, and only warns, when it does not exist). Not passing a ref that does not exist matters: git then looks for
    // it at every commit (git log of the 20k-commit bench repository: 2.3-2.6 s of CPU without it, 2.8-2.9 s with it).
    const withNotes = notesTip === 'if-any' ? notesMayExist(tipsFromFiles(this.root))
      : notesTip === undefined ? !!(await this.notesTip()) : notesTip !== null;
    const format = [
      `${RS}%H`, '%P', '%aN', '%aE', '%aI', '%s',
      `%(trailers:key=${trailerKey},valueonly,unfold)`,
      withNotes ? '%N' : '', '%B',
    ].join('%x00') + '%x00';
    return [
      '-c', 'log.showSignature=false', '-c', 'core.quotepath=off',
      'log', '-z', '--no-color', '--no-ext-diff', '--no-textconv', '--encoding=UTF-8',
      '--root', '--no-renames', '--diff-merges=first-parent', '--name-only', '--no-relative',
      ...(withNotes ? ['--no-notes', `--notes=${NOTES_REF}`] : ['--no-notes']),
      `--format=${format}`,
    ];
  }
}

/** Whether the notes ref may exist, by what the ref files said: undefined when they could not tell. */
const notesMayExist = (tips: { notes?: string } | undefined) => !tips || tips.notes !== undefined;

/**
 * A copy of a substring that does not keep the string it was cut from alive. V8 represents substrings of 13
 * characters or more as slices of their parent: a commit's fields would pin megabytes of git output each.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

export interface LineStat {
  /** Added + deleted lines over the text files. */
  lines: number;
  /** Files git reports as binary ("-\t-"). */
  binaryFiles: number;
}

/** Parses `git log -z --numstat --format=<RS>%H`: per commit, NUL-terminated "added\tdeleted\tpath" records. */
export function parseNumstat(out: string): Map<string, LineStat> {
  const m = new Map<string, LineStat>();
  for (const rec of out.split(RS)) {
    if (!rec) continue;
    const nl = rec.indexOf('\n');
    const sha = (nl === -1 ? rec : rec.slice(0, nl)).replace(/\0/g, '').trim();
    const st: LineStat = { lines: 0, binaryFiles: 0 };
    if (nl !== -1) {
      for (const entry of rec.slice(nl + 1).split('\0')) {
        const t1 = entry.indexOf('\t');
        if (t1 === -1) continue;
        const t2 = entry.indexOf('\t', t1 + 1);
        const a = entry.slice(0, t1), d = entry.slice(t1 + 1, t2 === -1 ? undefined : t2);
        if (a === '-' && d === '-') st.binaryFiles++;
        else st.lines += (Number(a) || 0) + (Number(d) || 0);
      }
    }
    if (sha) m.set(sha, st);
  }
  return m;
}

/**
 * Parses the output of `git log -z --format=<RS>%H%x00...%B%x00 --name-only`.
 * Fields cannot contain NUL; file names follow after a newline, each NUL-terminated, until the next record.
 */
export function parseLog(out: string, interned = new Map<string, string>()): RawCommit[] {
  return parseLogFrom(out, interned, 0, Infinity).commits;
}

/** The same, from offset `from`, for at most `max` commits; `next` is where the next record starts. */
export function parseLogFrom(out: string, interned: Map<string, string>, from: number, max: number): { commits: RawCommit[]; next: number } {
  const commits: RawCommit[] = [];
  const intern = (x: string) => {
    let v = interned.get(x);
    if (v === undefined) { v = own(x); interned.set(v, v); }
    return v;
  };
  let i = from;
  const n = out.length;
  const field = (): string => {
    const z = out.indexOf('\0', i);
    const end = z === -1 ? n : z;
    const s = out.slice(i, end);
    i = end + 1;
    return s;
  };
  while (i < n && commits.length < max) {
    if (out[i] !== RS) { i++; continue; }
    i++;
    const sha = field();
    const parents = field();
    const author = field();
    const email = field();
    const date = field();
    const subject = field();
    const trailers = field();
    const note = field();
    const message = field();
    // -z puts a NUL after the formatted part, then "\n" before the file list (absent when no file changed).
    if (out[i] === '\0') i++;
    if (out[i] === '\n') i++;
    const files: string[] = [];
    while (i < n && out[i] !== RS) {
      const f = field();
      if (f) files.push(f);
    }
    commits.push({
      sha: own(sha), parents: parents ? parents.split(' ').map(own) : [], author: intern(author), email: intern(email), date: own(date),
      subject: own(subject), message: own(message), note: own(note), files: files.map(intern),
      // git prints one value per line, an empty trailer as an empty line.
      trailerValues: trailers === '' ? [] : trailers.replace(/\n$/, '').split('\n').map(own),
    });
  }
  return { commits, next: i };
}
