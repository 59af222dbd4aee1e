import type * as SimpleGitModule from 'simple-git';
import type { Readable } from 'node:stream';
import { DEFAULT_GIT_TIMEOUT_SECONDS } from '../util/settingDefaults';

/**
 * The one place where the product starts git (DESIGN.md, "One place per concern"): the CLI, the history worker and
 * anything else call `runGit`. It owns the environment, the timeout, cancellation, the trust gate, the process count,
 * the log line and the classified error. simple-git is the engine; this module is its only user.
 */

export type GitErrorKind =
  /** git refuses a repository owned by someone else ("detected dubious ownership"). */
  | 'unsafe'
  | 'notRepository'
  /** A bare repository: it has no work tree, so there are no files to link. */
  | 'bare'
  /** A bad, missing or corrupt object, ref or revision. */
  | 'badObject'
  /** A commit id this repository does not have (pruned, or recorded by another clone): `merge-base` names no commit. */
  | 'unknownCommit'
  /** blame of a path or line with no committed version: an untracked file, a line past the end, no commit yet. */
  | 'noSuchPath'
  /** update-ref found the ref moved, made or locked by another writer since it was read (a compare-and-swap lost). */
  | 'refMoved'
  /** HEAD names a branch with no commit yet: the one failure that means "no history". */
  | 'unborn'
  | 'missingGit'
  | 'timeout'
  | 'cancelled'
  /** Restricted Mode: nothing was started. */
  | 'untrusted'
  | 'other';

export class GitError extends Error {
  constructor(message: string, readonly kind: GitErrorKind, readonly exitCode: number | null = null, readonly stderr = '') {
    super(message);
  }
}

export interface GitSettings {
  /** Whether git may run at all: false in an untrusted workspace (VS Code's Restricted Mode). */
  trusted: () => boolean;
  /** One line per command, `> git log ... [123 ms]`, and git's stderr when it failed. */
  log: (line: string) => void;
  /** A command that prints nothing for this long is stopped. */
  timeoutMs: number;
}

/** Trust is stated, never assumed: until an entry point says otherwise (configureGit), no git process starts. */
const settings: GitSettings = { trusted: () => false, log: () => undefined, timeoutMs: DEFAULT_GIT_TIMEOUT_SECONDS * 1000 };

/** Sets the trust gate, the log and the timeout for every later command of this thread. */
export function configureGit(s: Partial<GitSettings>): void {
  Object.assign(settings, s);
}

/** A line in the same log as the commands' (what a read found, how long it took). */
export function logLine(line: string): void {
  settings.log(line);
}

export interface RunOptions {
  cwd: string;
  signal?: AbortSignal;
  /** Exit codes that are answers rather than failures (`merge-base --is-ancestor` exits 1 for "no"). */
  ok?: readonly number[];
  /** Written to git's stdin. */
  input?: string;
  /** Each chunk of stdout as git writes it; the output is then not kept (a history can be hundreds of megabytes). */
  onStdout?: (chunk: Buffer) => void;
  /**
   * The index to read (GIT_INDEX_FILE), the one GIT_* value passed on: a commit hook is given git's index of the
   * commit being made, which `git commit -a` or `git commit <paths>` keep apart from .git/index.
   */
  indexFile?: string;
  /**
   * A folder git must not look above for the repository (GIT_CEILING_DIRECTORIES): a repository whose .git went
   * away is then "not a git repository", not the history of whatever repository holds its folder.
   */
  ceiling?: string;
  /** A push the user confirmed: the remote's transport is allowed (every other command has none, see gitEnv). */
  network?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const sg = (() => {
  let m: typeof SimpleGitModule | undefined;
  // Loaded on first use: the extension host never runs git, and a CLI command that fails early needs no engine.
  return () => (m ??= require('simple-git') as typeof SimpleGitModule);
})();

/**
 * The user's environment with C-locale messages (the classifier reads them), minus what could redirect a query:
 * GIT_* (simple-git's environment guard refuses them too), editors, pagers and askpass helpers.
 */
function gitEnv(network = false): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(git_|editor$|visual$|pager$|prefix$|ssh_askpass$)/i.test(k)) env[k] = v;
  }
  env.LC_ALL = 'C';
  // No transport at all: a partial clone's missing objects are not fetched, which would run the commands its config
  // names (remote.*.uploadpack, core.sshCommand, credential helpers) and wait on a network; they are reported instead.
  if (!network) env.GIT_ALLOW_PROTOCOL = '';
  // git flushes its output after every commit when it writes to a pipe; buffered, a history arrives in a tenth of
  // the chunks, and git spends its time reading history instead of waiting on writes.
  env.GIT_FLUSH = '0';
  return env;
}

/** `> git log -z ... [123 ms]`: long argument lists (thousands of commit ids) are cut. */
function commandLine(args: readonly string[]): string {
  const cut = args.length > 30;
  const shown = (cut ? args.slice(0, 20) : args).map(a => (/^[\w./:=@^~%,+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  return `git ${shown}${cut ? ` … (${args.length} arguments)` : ''}`;
}

/**
 * Runs `git -c core.fsmonitor=false <args>` in `cwd` and resolves with its output when git exits with an accepted
 * code; anything else rejects with a classified GitError. Arguments are an array (never a shell string) and callers
 * put user-supplied values after `--` or in `--opt=value` form, so that none is read as an option.
 */
export async function runGit(args: readonly string[], o: RunOptions): Promise<RunResult> {
  if (!settings.trusted()) throw new GitError('git does not run in an untrusted workspace (Restricted Mode)', 'untrusted');
  if (o.signal?.aborted) throw new GitError('cancelled', 'cancelled');
  // Stops git when the caller cancels, when git prints nothing for the timeout, or when the caller's handler of the
  // output throws (its error is the answer).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let handlerFailed: { error: unknown } | undefined;
  let timedOut = false;
  let watchdog: NodeJS.Timeout | undefined;
  const quiet = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => { timedOut = true; stop.abort(); }, settings.timeoutMs);
  };
  // A read-only query must not start the repository's configured file-system monitor (a command of its choosing).
  const full = ['-c', 'core.fsmonitor=false', ...args];
  let exitCode: number | null = null;
  let stderr = '';
  let plugin: string | undefined;
  let git: SimpleGitModule.SimpleGit;
  try {
    git = sg().simpleGit({
      baseDir: o.cwd,
      trimmed: false,
      abort: stop.signal,
      // Done when git has exited and closed its output; simple-git's default also waits 50 ms after exit.
      completion: { onClose: true, onExit: false },
      // core.fsmonitor is only ever set to false here (see above), a filter driver's commands only to nothing
      // (GitRepo.blameLine); simple-git blocks any mention of them by default.
      unsafe: { allowUnsafeFsMonitor: true, allowUnsafeFilter: true },
      allowEnvironment: ['GIT_FLUSH', 'GIT_INDEX_FILE', 'GIT_ALLOW_PROTOCOL', 'GIT_CEILING_DIRECTORIES'],
      input: o.input === undefined ? undefined : () => o.input,
      // Every outcome is judged below by exit code, not by whether stderr is empty (simple-git's default).
      errors: (error, result) => {
        exitCode = result.exitCode;
        stderr = Buffer.concat(result.stdErr).toString('utf8');
        if (error instanceof Error && 'plugin' in error) plugin = String((error as { plugin: unknown }).plugin);
        return undefined;
      },
    }).env({
      ...gitEnv(o.network),
      ...(o.indexFile === undefined ? {} : { GIT_INDEX_FILE: o.indexFile }),
      ...(o.ceiling === undefined ? {} : { GIT_CEILING_DIRECTORIES: o.ceiling }),
    });
  } catch (e) {
    throw new GitError(`cannot run git in ${o.cwd}: ${(e as Error).message}`, 'notRepository');
  }
  const take = o.onStdout;
  let streams: Readable[] = [];
  git = git.outputHandler((_cmd, stdout, stderrStream) => {
    streams = [stdout as Readable, stderrStream as Readable]; // the child's pipes
    // simple-git waits 50 ms more for a command that printed nothing (`merge-base --is-ancestor`, an unset config
    // key); with completion on close every byte is in by then, so an empty chunk tells it there was output.
    process.nextTick(() => stdout.emit('data', Buffer.alloc(0)));
    quiet();
    stderrStream.on('data', quiet);
    if (!take) { stdout.on('data', quiet); return; }
    // simple-git has just attached its own collector, which keeps every chunk until git exits: hand them on instead.
    const own = stdout.listeners('data');
    if (own.length === 1) stdout.removeListener('data', own[0] as (...a: unknown[]) => void);
    stdout.on('data', (b: Buffer) => {
      quiet();
      if (handlerFailed || !b.length) return;
      try { take(b); } catch (e) { handlerFailed = { error: e }; stop.abort(); }
    });
  });
  const t0 = performance.now();
  let stdout = '';
  // Stopped is answered at once: a child git left behind (a hook, a credential helper) may hold the pipes open
  // long after git itself was killed, and simple-git waits for them to close.
  let stopped: (() => void) | undefined;
  const whenStopped = new Promise<'stopped'>(resolve => { stopped = () => resolve('stopped'); stop.signal.addEventListener('abort', stopped, { once: true }); });
  try {
    const raw = git.raw(full);
    raw.catch(() => undefined);
    const r = await Promise.race([raw, whenStopped]);
    if (r === 'stopped') {
      plugin = timedOut ? 'timeout' : 'abort';
      // Our ends of the pipes, which would otherwise keep this process alive for as long as that child lives.
      for (const st of streams) st.destroy();
    }
    else stdout = r;
  } catch (e) {
    stderr ||= String((e as Error).message ?? e);
  } finally {
    clearTimeout(watchdog);
    if (stopped) stop.signal.removeEventListener('abort', stopped);
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (handlerFailed) throw handlerFailed.error;
  const ms = Math.round(performance.now() - t0);
  const ok = exitCode !== null && (exitCode === 0 || (o.ok ?? []).includes(exitCode));
  if (ok) {
    settings.log(`> ${commandLine(args)} [${ms} ms]`);
    return { stdout, stderr, exitCode: exitCode! };
  }
  const err = classify(args, exitCode, stderr, plugin, o.cwd);
  if (err.kind !== 'cancelled') settings.log(`> ${commandLine(args)} [${ms} ms] failed (${exitCode ?? err.kind}): ${stderr.trim() || err.message}`);
  throw err;
}

/** git's own complaint, one line, without its "fatal: " and hint lines. */
function firstComplaint(stderr: string): string {
  const lines = stderr.split('\n').map(l => l.trim()).filter(l => l && !/^(hint:|To add an exception|git config --global|Use '--'|'git <command>)/.test(l));
  const pick = lines.find(l => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
  return pick.replace(/^(fatal|error):\s*/, '');
}

function classify(args: readonly string[], exitCode: number | null, stderr: string, plugin: string | undefined, cwd: string): GitError {
  const what = `git ${args.find(a => !a.startsWith('-') && !a.includes('=')) ?? ''}`.trim();
  if (plugin === 'abort') return new GitError('cancelled', 'cancelled', exitCode, stderr);
  if (plugin === 'timeout') return new GitError(`${what} printed nothing for ${Math.round(settings.timeoutMs / 1000)} s and was stopped (timeout)`, 'timeout', exitCode, stderr);
  if (exitCode === -2 || /spawn \S+ ENOENT/.test(stderr)) return new GitError('git is not installed or not on PATH', 'missingGit', exitCode, stderr);
  const complaint = firstComplaint(stderr) || `exit code ${exitCode}`;
  // merge-base of a commit id this repository does not have (elsewhere, "bad object" is a bad object).
  if (what === 'git merge-base' && /not a valid commit name|bad object/i.test(stderr)) return new GitError(`${what} failed: ${complaint}`, 'unknownCommit', exitCode, stderr);
  // blame of a path git does not track there, of a line past its end, or before the first commit.
  if (what === 'git blame' && /no such path|has only \d+ lines?|no such ref/.test(stderr)) return new GitError(`${what} failed: ${complaint}`, 'noSuchPath', exitCode, stderr);
  if (what === 'git update-ref' && /is at [0-9a-f]+ but expected|reference already exists|\.lock'?: File exists/.test(stderr)) return new GitError(`${what} failed: ${complaint}`, 'refMoved', exitCode, stderr);
  const dubious = /detected dubious ownership in repository at '([^']*)'/.exec(stderr);
  if (dubious) {
    return new GitError(`git refuses the repository at ${dubious[1]}: detected dubious ownership (it belongs to another user); if you trust it, run: git config --global --add safe.directory ${dubious[1]}`, 'unsafe', exitCode, stderr);
  }
  if (/does not have any commits yet/.test(stderr)) return new GitError(complaint, 'unborn', exitCode, stderr);
  const unfetched = /could not fetch ([0-9a-f]+) from promisor remote/.exec(stderr);
  if (unfetched) {
    return new GitError(`${what} failed: object ${unfetched[1]} is not in this partial clone, and Outcome Lens does not fetch (that would run the remote's commands)`, 'badObject', exitCode, stderr);
  }
  if (/must be run in a work tree/.test(stderr)) return new GitError(`${cwd} is a bare repository: it has no work tree, so there are no files to link`, 'bare', exitCode, stderr);
  // Also what git says of a repository whose HEAD or config it cannot read.
  if (/not a git repository/i.test(stderr)) return new GitError(`git cannot read a repository at ${cwd}: ${complaint}`, 'notRepository', exitCode, stderr);
  if (/bad object|bad revision|unknown revision|invalid object|not a valid object|unable to read|could not read|missing (blob|tree|commit)|corrupt|bad tree|failed to traverse|unable to parse|does not point to a valid|bad (default )?revision|ambiguous argument/i.test(stderr)) {
    return new GitError(`${what} failed: ${complaint}`, 'badObject', exitCode, stderr);
  }
  return new GitError(`${what} failed: ${complaint}`, 'other', exitCode, stderr);
}
