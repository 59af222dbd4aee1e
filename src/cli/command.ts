import path = require('node:path');
import { GitRepo, HistoryQuery } from '../core/git/repo';
import { logLine } from '../core/git/runner';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { readOutcomesFile } from '../core/usecases/outcomesFile';
import { linkHistory } from '../core/usecases/linkHistory';
import { formatDiagnostic, OutcomeMap, ParseResult } from '../core/outcomes/model';
import { CommitLink, Linker } from '../core/links/link';
import { defaultCacheDir } from '../core/util/cacheDir';
import { DATE_FORMS, isoInstant, resolveDate } from '../core/util/dates';
import { printable, quoted } from '../core/util/printable';

/** Where a command writes: stdout for the answer, stderr for problems (one line each). */
export interface Io {
  /** Writes exactly `s` (a line ends with its newline). */
  out(s: string): void;
  /** One line of a problem. */
  err(s: string): void;
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One `outcome-lens <name>` command: its usage line, its options, and what it does. */
export interface Command {
  name: string;
  /** What follows `outcome-lens <name>` in the usage, and what the command does. */
  usage: string;
  options: OptionSpec;
  /** Whether it takes arguments besides options (`tag COMMIT...`). */
  positionals?: boolean;
  run(values: Values, positionals: string[], io: Io): Promise<number>;
}

/** An expected failure: one line on stderr and an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

export const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? v[k] as string : undefined);

export async function openRepo(v: Values): Promise<GitRepo> {
  const dir = path.resolve(str(v, 'repo') ?? '.');
  const repo = await GitRepo.find(dir);
  if (!repo) throw new CliError(`not a git repository: ${dir}`, 2);
  return repo;
}

/** outcomes.yaml for commands that need a usable map: errors are printed and end the command. */
export async function usableMap(repo: GitRepo, io: Io): Promise<OutcomeMap> {
  const result = readOutcomes(repo);
  for (const d of result.diagnostics) if (d.severity === 'error') io.err(formatDiagnostic(OUTCOMES_FILE, d));
  if (!result.map) throw new CliError(`${OUTCOMES_FILE} has errors; run 'outcome-lens check'`, 1);
  return result.map;
}

/** outcomes.yaml parsed: an absent or unreadable file ends the command (exit 2), each with its own reason. */
export function readOutcomes(repo: GitRepo): ParseResult {
  const file = readOutcomesFile(repo.root);
  if (file.kind === 'absent') throw new CliError(`no ${OUTCOMES_FILE} at ${printable(repo.root)} (create one: \`outcome-lens init\`, or the extension's "Create outcomes.yaml")`, 2);
  if (file.kind === 'unreadable') throw new CliError(`cannot read ${printable(file.path)}: ${file.reason}`, 2);
  return file.result;
}

/** `--format`, with `--json` as the alias it has always been; both at once must agree. */
export function formatOf(v: Values, formats: readonly string[]): string {
  const f = typeof v.format === 'string' ? v.format : undefined;
  if (f !== undefined && !formats.includes(f)) throw new CliError(`--format must be one of ${formats.join(', ')}, not ${quoted(f)}`, 2);
  if (v.json && f !== undefined && f !== 'json') throw new CliError(`--json and --format ${f} ask for two formats; give one`, 2);
  return v.json ? 'json' : f ?? 'text';
}

export function maxCount(v: Values): number | undefined {
  const s = str(v, 'max-count');
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new CliError(`--max-count must be a whole number, not '${s}'`, 2);
  return Number(s);
}

/** `--since` / `--until` resolved to an instant git reads one way only (see resolveDate); anything else is exit 2. */
export function checkDate(v: Values, name: 'since' | 'until'): string | undefined {
  const s = str(v, name);
  if (s === undefined) return undefined;
  const resolved = resolveDate(s, name === 'since' ? 'start' : 'end');
  if (resolved === undefined) throw new CliError(`--${name} ${quoted(s)} is not a date; use ${DATE_FORMS}`, 2);
  return resolved;
}

/**
 * Says on stderr why a query selected no commit at all, so that an empty answer is not mistaken for "all linked":
 * the window and the newest (or, for a window that ends before the history starts, the oldest) commit there is.
 */
export async function explainEmpty(repo: GitRepo, q: HistoryQuery, io: Io): Promise<void> {
  if (q.maxCount === 0) return;
  const tip = q.range ?? 'HEAD';
  const dates = async (args: string[]) => (await repo.run(['log', '--no-show-signature', '--format=%cI', ...args, '--end-of-options', tip, '--']))
    .stdout.split('\n').filter(Boolean).map(d => isoInstant(Date.parse(d)));
  if (!q.range && !(await repo.tips()).head) { io.err('outcome-lens: no commits yet'); return; }
  const shown = q.range ? ` in ${printable(q.range)}` : '';
  if (q.since) {
    const [newest] = await dates(['-1']);
    io.err(`outcome-lens: no commits${shown} since ${q.since}${q.until ? ` until ${q.until}` : ''}${newest ? `; the newest is ${newest}` : ''}`);
  } else if (q.until) {
    const oldest = (await dates(['--max-parents=0'])).sort()[0];
    io.err(`outcome-lens: no commits${shown} until ${q.until}${oldest ? `; the oldest is ${oldest}` : ''}`);
  } else if (q.range) io.err(`outcome-lens: no commits${shown}`);
}

/**
 * Linked history (see linkHistory), through the cache unless --no-cache. `stream`: each part goes to it as it is
 * linked, in order, and nothing is kept (returns []): `commits --json` on 100k commits then holds a part at a time.
 */
export async function linkedHistory(repo: GitRepo, linker: Linker, q: HistoryQuery, v: Values, stream?: (part: CommitLink[]) => void): Promise<CommitLink[]> {
  const t0 = performance.now();
  const links: CommitLink[] = [];
  const r = await linkHistory(repo, linker, q, part => { if (stream) stream(part); else for (const l of part) links.push(l); }, {
    cacheDir: v['no-cache'] || process.env.OUTCOME_LENS_NO_CACHE ? undefined : defaultCacheDir(),
  });
  logLine(`${r.count} commits (${r.fromGit} read from git) in ${Math.round(performance.now() - t0)} ms`);
  return links;
}

/** One commit as `commits --json` prints it (DESIGN.md, "Command-line contract"). */
export function commitJson(c: CommitLink): string {
  const m = c.commit;
  return JSON.stringify({
    sha: m.sha, author: m.author, email: m.email, date: m.date, subject: m.subject,
    links: c.links.map(l => ({ outcome: l.outcome, via: l.via })), invalid: c.invalid, status: c.status,
  });
}
