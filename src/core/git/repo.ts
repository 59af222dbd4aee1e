import { promises as fs } from 'node:fs';
import path = require('node:path');
import { StringDecoder } from 'node:string_decoder';
import { GitError, runGit, RunOptions } from './runner';

/** The notes ref that links old commits without rewriting history (DESIGN.md, "Links"). */
export const NOTES_REF = 'refs/notes/outcomes';
/** The fetch refspec that brings the outcome notes with every fetch (DESIGN.md, "tag"). */
export const NOTES_FETCH = `+${NOTES_REF}:${NOTES_REF}`;

/** One commit as git records it: only facts, no links (those depend on outcomes.yaml and are computed later). */
export interface RawCommit {
  sha: string;
  parents: string[];
  /** Author name and e-mail after .mailmap, as git's %aN and %aE print them. */
  author: string;
  email: string;
  /** Author date, strict ISO-8601 as git prints it. */
  date: string;
  /** Committer date: what `--since` selects by. */
  committed: string;
  subject: string;
  /** The whole message, for ticket keys. */
  message: string;
  /** The message's trailers as `git log --format=%(trailers:only,unfold)` reads them: [key, value]. */
  trailers: [string, string][];
  /** Paths changed against the first parent, as git prints them with -z. */
  files: string[];
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
/** The fields of a commit record, NUL-separated; each record starts with an empty field (see LogParser). */
const FIELDS = ['%H', '%P', '%aN', '%aE', '%aI', '%cI', '%s', '%(trailers:only,unfold)', '%B'];
// With -z paths come verbatim (core.quotepath does not apply), and no signature is checked (log.showSignature).
const LOG = [
  'log', '-z', '--no-show-signature', '--no-color', '--no-ext-diff', '--no-textconv', '--encoding=UTF-8', '--no-notes',
  '--root', '--no-renames', '--diff-merges=first-parent', '--name-only', '--no-relative',
  `--format=%x00${FIELDS.join('%x00')}`,
];

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

/** A copy that does not keep the chunk of git output it was cut from alive (V8 slices long substrings). */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

const EMPTY: never[] = [];

/**
 * Reads `git log -z --format=%x00<fields> --name-only` as git writes it, framed by NUL only (a path may hold any
 * other byte): a record is an empty token, the fields, then one token per changed path (the first one after a
 * newline) until the next empty token. Paths are never empty, so an empty token can only start a record.
 */
export class LogParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private field = -1;
  private fields: string[] = [];
  private files: string[] = [];
  private out: RawCommit[] = [];

  constructor(private readonly interned = new Map<string, string>()) {}

  private intern(s: string): string {
    let v = this.interned.get(s);
    if (v === undefined) this.interned.set(v = own(s), v);
    return v;
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
    if (this.field >= 0 && this.field < FIELDS.length) {
      this.fields[this.field++] = t;
      return;
    }
    if (t === '') {
      this.finish();
      this.field = 0;
      return;
    }
    // The file list follows the record after a newline.
    const p = this.files.length === 0 && t.startsWith('\n') ? t.slice(1) : t;
    if (p) this.files.push(this.intern(p));
  }

  private finish(): void {
    if (this.field < FIELDS.length) { this.files = []; return; }
    const [sha, parents, author, email, date, committed, subject, trailers, message] = this.fields;
    this.out.push({
      sha: own(sha), parents: parents ? parents.split(' ').map(own) : EMPTY, author: this.intern(author), email: this.intern(email),
      date: own(date), committed: own(committed), subject: own(subject), message: own(message), trailers: parseTrailerLines(trailers),
      files: this.files.length ? this.files : EMPTY,
    });
    this.files = [];
    this.field = -1;
    this.fields = [];
  }
}

/** `%(trailers:only,unfold)`: one `key: value` line per trailer (git prints ": " between them). */
function parseTrailerLines(text: string): [string, string][] {
  if (!text) return EMPTY;
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) out.push([own(line.slice(0, at)), own(line.slice(at + 1).trim())]);
  }
  return out;
}

/**
 * A repository, read through the git runner with argument arrays only and output that does not depend on the
 * user's configuration: -z and NUL separators, no colour, no external diff, no textconv, UTF-8, no renames.
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
    return runGit(args, { cwd: this.root, ...o });
  }

  /**
   * HEAD's commit and the notes tip, in one git call. An unborn HEAD (no commit yet) has no `head`: the one case that
   * means "no history". Everything git refuses is thrown.
   */
  async tips(signal?: AbortSignal): Promise<{ head?: string; notes?: string }> {
    // Exit 1 with no output: neither exists; a broken notes ref is a failure (exit 128).
    const { stdout } = await this.run(['show-ref', '--head', '--', NOTES_REF], { signal, ok: [1] });
    const tips: { head?: string; notes?: string } = {};
    for (const line of stdout.split('\n')) {
      const [sha, ref] = line.split(' ');
      if (ref === 'HEAD') tips.head = sha;
      else if (ref === NOTES_REF) tips.notes = sha;
    }
    if (!tips.head) {
      // No HEAD: git itself tells an unborn branch ("does not have any commits yet") from a broken one. Only the
      // first is "no history".
      try {
        const head = (await this.run(['log', '-1', '--format=%H'], { signal })).stdout.trim();
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
    // "<mode> <object> <stage>\t<path>" per entry
    for (const entry of stdout.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab === -1) continue;
      const p = entry.slice(tab + 1);
      if (p === files[files.length - 1]) continue;
      files.push(p);
      if (entry.startsWith('160000 ')) gitlinks.add(p);
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
      const { stdout } = await this.run(['log', '--no-walk=unsorted', '-z', '--no-color', '--no-ext-diff', '--no-textconv', '--root', '--no-renames',
        '--diff-merges=first-parent', '--numstat', '--format=%x00%H', '--stdin'], { signal, input: ids(part) });
      for (const [k, v] of parseNumstat(stdout)) stats.set(k, v);
    };
    for (let i = 0; i < shas.length; i += CHUNK) {
      const part = shas.slice(i, i + CHUNK);
      try {
        await read(part);
      } catch (e) {
        if (!(e instanceof GitError && e.kind === 'badObject')) throw e;
        // One commit at a time, to find the ones whose blobs are missing.
        for (const sha of part) await read([sha]).catch(err => { if (err instanceof GitError && err.kind === 'badObject') unknown.push(sha); else throw err; });
      }
    }
    return { stats, unknown };
  }

  /** The notes under refs/notes/outcomes, by commit id (two git calls, whatever the size of the history). */
  async notes(signal?: AbortSignal): Promise<Map<string, string>> {
    const list = (await this.run(['notes', `--ref=${NOTES_REF}`, 'list'], { signal })).stdout;
    const commits = list.split('\n').map(l => l.split(' ')[1]).filter((s): s is string => !!s && SHA_RE.test(s));
    const notes = new Map<string, string>();
    for (let i = 0; i < commits.length; i += CHUNK) {
      const { stdout } = await this.run(['log', '-z', '--no-walk=unsorted', '--ignore-missing', `--notes=${NOTES_REF}`, '--format=%H%x00%N', '--stdin'],
        { signal, input: ids(commits.slice(i, i + CHUNK)) });
      const f = stdout.split('\0');
      for (let k = 0; k + 1 < f.length; k += 2) if (f[k + 1]) notes.set(f[k], f[k + 1]);
    }
    return notes;
  }

  /** The notes of these commits under refs/notes/outcomes as they are now (one git call): commits without one are left out. */
  async notesOf(shas: readonly string[], signal?: AbortSignal): Promise<Map<string, string>> {
    checkShas(shas);
    const notes = new Map<string, string>();
    if (!shas.length) return notes;
    const { stdout } = await this.run(['log', '-z', '--no-walk=unsorted', `--notes=${NOTES_REF}`, '--format=%H%x00%N', '--stdin'], { signal, input: ids(shas) });
    const f = stdout.split('\0');
    for (let k = 0; k + 1 < f.length; k += 2) if (f[k + 1]) notes.set(f[k].replace(/^\n/, ''), f[k + 1]);
    return notes;
  }

  /**
   * Writes a commit's note under refs/notes/outcomes with git itself (`notes add -f`, the text on stdin), or removes
   * it when `text` is empty: other tools read such notes, and git records who changed them when.
   */
  async writeNote(sha: string, text: string, signal?: AbortSignal): Promise<void> {
    checkShas([sha]);
    if (text.trim()) await this.run(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', sha], { signal, input: text });
    else await this.run(['notes', `--ref=${NOTES_REF}`, 'remove', '--ignore-missing', sha], { signal });
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
    const { stdout } = await this.run(['config', '-z', '--get-regexp', '^remote\\..*\\.(url|fetch)$'], { signal, ok: [1] });
    const byName = new Map<string, { name: string; url: string; fetchesNotes: boolean }>();
    for (const entry of stdout.split('\0')) {
      const nl = entry.indexOf('\n');
      if (nl === -1) continue;
      const key = entry.slice(0, nl), value = entry.slice(nl + 1);
      const m = /^remote\.(.+)\.(url|fetch)$/.exec(key);
      if (!m) continue;
      const r = byName.get(m[1]) ?? { name: m[1], url: '', fetchesNotes: false };
      if (m[2] === 'url') r.url ||= value;
      else if (value.replace(/^\+/, '') === NOTES_FETCH.slice(1)) r.fetchesNotes = true;
      byName.set(m[1], r);
    }
    return [...byName.values()];
  }

  /** Adds the fetch refspec of the outcome notes to a remote (`git config --add`), so that every fetch brings them. */
  async addNotesFetch(remote: string, signal?: AbortSignal): Promise<void> {
    await this.checkRemote(remote, signal);
    await this.run(['config', '--add', `remote.${remote}.fetch`, NOTES_FETCH], { signal });
  }

  /** Pushes refs/notes/outcomes to a remote. */
  async pushNotes(remote: string, signal?: AbortSignal): Promise<string> {
    await this.checkRemote(remote, signal);
    const r = await this.run(['push', '--no-verify', '--end-of-options', remote, `${NOTES_REF}:${NOTES_REF}`], { signal });
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
    const { stdout } = await this.run(['rev-parse', '--git-path', 'shallow']);
    const file = path.resolve(this.root, stdout.trim());
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    return new Set(text.split('\n').filter(s => SHA_RE.test(s)));
  }

  /** Whether `a` is an ancestor of `b` (so `a..b` is exactly what `b` added). */
  async isAncestor(a: string, b: string, signal?: AbortSignal): Promise<boolean> {
    checkShas([a, b]);
    try {
      return (await this.run(['merge-base', '--is-ancestor', a, b], { signal, ok: [1] })).exitCode === 0;
    } catch (e) {
      // `a` is gone (pruned, or the repository was cloned again): it is no ancestor of anything now.
      if (e instanceof GitError && /not a valid commit name|bad object/i.test(e.stderr)) return false;
      throw e;
    }
  }

  /** `git show` of one commit, stat and patch, for a read-only diff document. */
  async show(sha: string, signal?: AbortSignal): Promise<string> {
    checkShas([sha]);
    return (await this.run(['show', '--no-color', '--no-ext-diff', '--no-textconv', '--stat', '--patch', '--format=fuller', '--encoding=UTF-8', sha, '--'], { signal })).stdout;
  }

  /**
   * The commit that last changed line `line` (1-based) of a file: all zeros for a line not committed yet, undefined
   * for a file git does not track.
   */
  async blameLine(relPath: string, line: number, contents?: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      // `contents`: an editor's unsaved text, blamed as it is (its changed lines are "not committed yet").
      const args = ['blame', '--porcelain', '--no-textconv', ...(contents === undefined ? [] : ['--contents', '-']), '-L', `${line},${line}`, '--', relPath];
      const { stdout } = await this.run(args, { signal, input: contents });
      const sha = stdout.slice(0, stdout.indexOf(' '));
      return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
    } catch (e) {
      // An untracked file or a line past the committed end: nothing to annotate. Everything else is a failure.
      if (e instanceof GitError && /no such path|has only \d+ lines?|no such ref/.test(e.stderr)) return undefined;
      throw e;
    }
  }
}

/** Parses `git log -z --numstat --format=%x00%H`: per commit, NUL-terminated "added\tdeleted\tpath" records. */
export function parseNumstat(out: string): Map<string, LineStat> {
  const m = new Map<string, LineStat>();
  let cur: LineStat | undefined;
  const tokens = out.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].replace(/^\n/, '');
    if (tokens[i] === '' && SHA_RE.test(tokens[i + 1] ?? '')) {
      m.set(tokens[++i], cur = { lines: 0, binaryFiles: 0, files: [] });
      continue;
    }
    const m1 = /^(-|\d+)\t(-|\d+)\t/.exec(t);
    if (!cur || !m1) continue;
    const file = t.slice(m1[0].length);
    if (m1[1] === '-' && m1[2] === '-') { cur.binaryFiles++; cur.files.push([file, null]); continue; }
    const n = (Number(m1[1]) || 0) + (Number(m1[2]) || 0);
    cur.lines += n;
    cur.files.push([file, n]);
  }
  return m;
}
