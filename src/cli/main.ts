import { parseArgs } from 'node:util';
import { configureGit, GitError } from '../core/git/runner';
import { CliError, Command, Io } from './command';
import { check } from './commands/check';
import { files } from './commands/files';
import { commits } from './commands/commits';
import { report } from './commands/report';
import { hook } from './commands/hook';
import { rollup } from './commands/rollup';
import { tag } from './commands/tag';
import { init } from './commands/init';
import { suggest } from './commands/suggest';

/** Every command, in the order the usage lists them. */
const COMMANDS: Command[] = [check, files, commits, report, rollup, init, tag, suggest, hook];

const USAGE = `outcome-lens: outcome-linked development from outcomes.yaml and git history

usage:
${COMMANDS.map(c => `  outcome-lens ${c.name.padEnd(7)} ${c.usage}`).join('\n')}

DATE is an ISO-8601 date or date-time (2024-05-01, 2024-05-01T09:30:00Z; without a zone, local time), "N <unit>s
ago" (second, minute, hour, day, week, month, year), yesterday, today or now; a day alone means from its start
(--since) or to its end (--until). --json is --format json.

History is cached per repository in $OUTCOME_LENS_CACHE_DIR (default ~/.cache/outcome-lens): a second run
reads only new commits from git; --no-cache reads everything from git. OUTCOME_LENS_TRACE=1 prints each git
command with its time on stderr; OUTCOME_LENS_GIT_TIMEOUT=SECONDS stops a git command that prints nothing for
that long (default 60).

exit codes: 0 all good; 1 problems found (errors in outcomes.yaml, or --unlinked listed something);
            2 usage error, no repository or no outcomes.yaml, or git failed
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) { io.err(USAGE); return 2; }
  if (name === '--help' || name === '-h' || name === 'help') { io.out(USAGE); return 0; }
  const cmd = COMMANDS.find(c => c.name === name);
  if (!cmd) { io.err(`outcome-lens: unknown command '${name}'\nRun 'outcome-lens --help' for usage.`); return 2; }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: !!cmd.positionals, strict: true });
  } catch (e) {
    io.err(`outcome-lens ${name}: ${(e as Error).message.split('\n')[0]}\nRun 'outcome-lens --help' for usage.`);
    return 2;
  }
  if (parsed.values.help) { io.out(USAGE); return 0; }
  const timeout = Number(process.env.OUTCOME_LENS_GIT_TIMEOUT);
  configureGit({
    log: process.env.OUTCOME_LENS_TRACE ? line => io.err(`outcome-lens: ${line}`) : () => undefined,
    ...(timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
  });
  try {
    return await cmd.run(parsed.values, parsed.positionals, io);
  } catch (e) {
    // git's refusals and our own usage errors are one line; anything else is a bug, and says so.
    if (e instanceof CliError) { io.err(`outcome-lens: ${e.message}`); return e.code; }
    if (e instanceof GitError) { io.err(`outcome-lens: ${e.message}`); return 2; }
    if (process.env.OUTCOME_LENS_DEBUG) io.err(String((e as Error).stack));
    io.err(`outcome-lens: internal error: ${String((e as Error).message ?? e).split('\n')[0]} (OUTCOME_LENS_DEBUG=1 shows where)`);
    return 2;
  }
}

/** Runs the command line of this process; dist/cli.js calls it. */
export function runCli(): void {
  // A closed pipe (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); });
  // The answer is written exactly as the command gives it (parts of a JSON array, lines with their newlines).
  const out = (s: string) => { if (s) process.stdout.write(s); };
  const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  // Exits once the answer is written: a child of a git stopped by the timeout may live on and must not hold the CI job.
  void main(process.argv.slice(2), { out, err }).then(code => {
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}
