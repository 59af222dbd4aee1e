import { promises as fs } from 'node:fs';
import path = require('node:path');
import { GitRepo, HistoryQuery } from '../core/git/repo';
import { logLine } from '../core/git/runner';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { readOutcomesFile } from '../core/usecases/outcomesFile';
import { linkHistory } from '../core/usecases/linkHistory';
import { formatDiagnostic, OutcomeMap, ParseResult } from '../core/outcomes/model';
import { CommitLink, Linker, repoMatchOptions } from '../core/links/link';
import { defaultCacheDir } from '../core/util/cacheDir';
import { isoInstant } from '../core/util/dates';
import { printable } from '../core/util/printable';
import { CommandSpec, commandHelp, date, flag, OptionTable, outFile, parseCommandLine, text, Values } from './options';

/** Where a command writes: stdout for the answer, stderr for problems (one line each). */
export interface Io {
  /** Writes exactly `s` (a line ends with its newline). */
  out(s: string): void;
  /** One line of a problem. */
  err(s: string): void;
}

/** One `outcome-lens <name>` command: its table of options, and what it does with the values the table gives it. */
export interface CommandDef<S extends OptionTable> extends CommandSpec<S> {
  run(values: Values<S>, args: string[], io: Io): Promise<number>;
}

/** A command as main() runs it, whatever its table. */
export interface Command {
  readonly spec: CommandSpec<OptionTable>;
  /** Prints its help, or runs it with the values its table makes of `argv` (a UsageError when they do not fit). */
  run(argv: string[], io: Io): Promise<number>;
}

/** A command from its table: the table parses, checks and explains the command line, `run` gets the values typed. */
export function command<S extends OptionTable>(def: CommandDef<S>): Command {
  return {
    spec: def,
    async run(argv, io) {
      const parsed = parseCommandLine(def, argv);
      if (parsed === 'help') { io.out(commandHelp(def)); return 0; }
      return def.run(parsed.values, parsed.args, io);
    },
  };
}

/** The options several commands share, each said once. */
export const REPO = text('DIR', 'the repository to read', '.', 'the repository of the current directory');
export const NO_CACHE = flag('read the whole history from git, not from the cache in $OUTCOME_LENS_CACHE_DIR');
export const UNTIL = date('end', 'the window\'s end');
export const OUT = outFile('write the report to FILE (its folder must exist), not to stdout');
export const RANGE = text('A..B', 'only the commits A..B brings, as git log A..B (a pull request: origin/main..HEAD)');

/** An expected failure: one line on stderr and an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

/** Why a file could not be read or written, in the system's words without the path (the message names it once). */
export const fileError = (e: unknown): string => (e as Error).message.replace(/, [a-z]+ '.*$/s, '');

/** The answer of a command that has `--out`, to FILE or to stdout: every such command writes here, so a file it cannot write is exit 2 with the path and the reason. */
export async function writeAnswer(answer: string, out: string | undefined, io: Io): Promise<number> {
  if (out === undefined) {
    io.out(answer.endsWith('\n') ? answer : answer + '\n');
    return 0;
  }
  try {
    await fs.writeFile(out, answer);
  } catch (e) {
    throw new CliError(`cannot write ${printable(out)}: ${fileError(e)}`, 2);
  }
  io.out(`wrote ${printable(out)}\n`);
  return 0;
}

/** One format of a list: each row a line of text, or an element of a JSON array. */
export interface ListFormat<R> {
  row(r: R): string;
  json?: boolean;
}

/** A list written a part at a time so that 100k rows are never held at once; a JSON array comes out as the bytes of one JSON.stringify. */
export function listWriter<R>(io: Io, format: ListFormat<R>): { write(rows: readonly R[]): void; end(): number } {
  let shown = 0;
  return {
    write(rows) {
      if (!rows.length) return;
      const each = rows.map(r => format.row(r));
      io.out(format.json ? `${shown ? ',' : '['}${each.join(',')}` : each.join('\n') + '\n');
      shown += rows.length;
    },
    end() {
      if (format.json) io.out(shown ? ']\n' : '[]\n');
      return shown;
    },
  };
}

export async function openRepo(dir: string): Promise<GitRepo> {
  const abs = path.resolve(dir);
  const repo = await GitRepo.find(abs);
  if (!repo) throw new CliError(`not a git repository: ${abs}`, 2);
  return repo;
}

/** outcomes.yaml for commands that need a usable map: errors are printed and end the command. */
export async function usableMap(repo: GitRepo, io: Io): Promise<OutcomeMap> {
  const result = readOutcomes(repo);
  for (const d of result.diagnostics) if (d.severity === 'error') io.err(formatDiagnostic(OUTCOMES_FILE, d));
  if (!result.map) throw new CliError(`${OUTCOMES_FILE} has errors; run 'outcome-lens check'`, 1);
  return result.map;
}

/**
 * The Linker of a command that needs a usable map: git's core.ignorecase is asked for first, so that the git process
 * runs while outcomes.yaml is parsed (errors end the command as usableMap says).
 */
export async function repoLinker(repo: GitRepo, io: Io): Promise<Linker> {
  const options = repoMatchOptions(repo);
  // Awaited below; without this, a map with errors would leave its failure unhandled.
  options.catch(() => undefined);
  const map = await usableMap(repo, io);
  return new Linker(map, await options);
}

/** outcomes.yaml parsed: an absent or unreadable file ends the command (exit 2), each with its own reason. */
export function readOutcomes(repo: GitRepo): ParseResult {
  const file = readOutcomesFile(repo.root);
  if (file.kind === 'absent') throw new CliError(`no ${OUTCOMES_FILE} at ${printable(repo.root)} (create one: \`outcome-lens init\`, or the extension's "Create outcomes.yaml")`, 2);
  if (file.kind === 'unreadable') throw new CliError(`cannot read ${printable(file.path)}: ${file.reason}`, 2);
  return file.result;
}

/**
 * Says on stderr why a query selected no commit at all, so that an empty answer is not mistaken for "all linked":
 * the window and the newest (or, for a window that ends before the history starts, the oldest) commit there is.
 */
export async function explainEmpty(repo: GitRepo, q: HistoryQuery, io: Io): Promise<void> {
  if (q.maxCount === 0) return;
  const tip = q.range ?? 'HEAD';
  // git prints the committer's own zone; the window is said in UTC, so the two compare at a glance.
  const instant = (d: string | undefined) => d && isoInstant(Date.parse(d));
  if (!q.range && !(await repo.tips()).head) { io.err('outcome-lens: no commits yet'); return; }
  const shown = q.range ? ` in ${printable(q.range)}` : '';
  if (q.since) {
    const newest = instant(await repo.newestCommitDate(tip));
    io.err(`outcome-lens: no commits${shown} since ${q.since}${q.until ? ` until ${q.until}` : ''}${newest ? `; the newest is ${newest}` : ''}`);
  } else if (q.until) {
    const oldest = instant(await repo.oldestCommitDate(tip));
    io.err(`outcome-lens: no commits${shown} until ${q.until}${oldest ? `; the oldest is ${oldest}` : ''}`);
  } else if (q.range) io.err(`outcome-lens: no commits${shown}`);
}

/** The cache folder, unless --no-cache or $OUTCOME_LENS_NO_CACHE says to read everything from git. */
export function cacheDirFor(noCache: boolean): string | undefined {
  return noCache || process.env.OUTCOME_LENS_NO_CACHE ? undefined : defaultCacheDir();
}

/**
 * Linked history (see linkHistory), through the cache unless `noCache`. `stream`: each part goes to it as it is
 * linked, in order, and nothing is kept (returns []): `commits --json` on 100k commits then holds a part at a time.
 */
export async function linkedHistory(repo: GitRepo, linker: Linker, q: HistoryQuery, noCache: boolean, stream?: (part: CommitLink[]) => void): Promise<CommitLink[]> {
  const t0 = performance.now();
  const links: CommitLink[] = [];
  const r = await linkHistory(repo, linker, q, part => { if (stream) stream(part); else for (const l of part) links.push(l); }, {
    cacheDir: cacheDirFor(noCache),
  });
  logLine(`${r.count} commits (${r.fromGit} read from git) in ${Math.round(performance.now() - t0)} ms`);
  return links;
}

/** One commit as `commits --json` prints it (DESIGN.md, "Command-line contract"). */
export function commitJson(c: CommitLink): string {
  const m = c.commit;
  return JSON.stringify({
    sha: m.sha, author: m.author, email: m.email, date: m.date, subject: m.subject,
    links: c.links.map(l => ({ outcome: l.outcome, via: l.via })), invalid: c.invalid, replaced: c.replaced, status: c.status, ignoredBy: c.ignoredBy ?? null,
  });
}
