import { configureGit, GitError } from '../core/git/runner';
import { DEFAULT_GIT_TIMEOUT_SECONDS } from '../core/util/settingDefaults';
import { CliError, Command, Io } from './command';
import { columns, DATE_HELP, EXIT_HELP, invocation, UsageError, wrap } from './options';
import { check } from './commands/check';
import { files } from './commands/files';
import { commits } from './commands/commits';
import { report } from './commands/report';
import { hook } from './commands/hook';
import { rollup } from './commands/rollup';
import { tag } from './commands/tag';
import { init } from './commands/init';
import { suggest } from './commands/suggest';
import { diff } from './commands/diff';

/** package.json's version, written in by the build (scripts/build.mjs), so that the CLI does not load package.json. */
declare const OUTCOME_LENS_VERSION: string;

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [check, files, commits, report, diff, rollup, init, tag, suggest, hook];

/** `outcome-lens --help`: each command with its one-line summary, from the commands' own tables. */
function usage(): string {
  return [
    'outcome-lens: outcome-linked development from outcomes.yaml and git history',
    '',
    'usage: outcome-lens <command> [options]; outcome-lens <command> --help lists its options, their values and defaults;',
    'outcome-lens --version prints the version',
    '',
    'commands:',
    columns(COMMANDS.map(c => [invocation(c.spec), c.spec.summary])),
    '',
    DATE_HELP,
    '--json is --format json, for every command whose --format has json.',
    '',
    wrap('History is cached per repository in $OUTCOME_LENS_CACHE_DIR (default ~/.cache/outcome-lens): a second run reads only new commits '
      + 'from git; --no-cache reads everything from git. OUTCOME_LENS_TRACE=1 prints each git command with its time on stderr; '
      + `OUTCOME_LENS_GIT_TIMEOUT=SECONDS stops a git command that prints nothing for that long (default ${DEFAULT_GIT_TIMEOUT_SECONDS}).`, 0, ''),
    '',
    EXIT_HELP,
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) { io.err(usage()); return 2; }
  if (name === '--help' || name === '-h' || name === 'help') {
    // `help <command>` is that command's help, as `<command> --help`.
    const of = COMMANDS.find(c => c.spec.name === rest[0]);
    if (of) return of.run(['--help'], io);
    io.out(usage());
    return 0;
  }
  if (name === '--version' || name === '-V') { io.out(`outcome-lens ${OUTCOME_LENS_VERSION}`); return 0; }
  const cmd = COMMANDS.find(c => c.spec.name === name);
  if (!cmd) { io.err(`outcome-lens: unknown command '${name}'\nRun 'outcome-lens --help' for usage.`); return 2; }
  const timeout = Number(process.env.OUTCOME_LENS_GIT_TIMEOUT);
  configureGit({
    // Whoever runs the command line in a repository trusts it as they trust git there.
    trusted: () => true,
    log: process.env.OUTCOME_LENS_TRACE ? line => io.err(`outcome-lens: ${line}`) : () => undefined,
    timeoutMs: (timeout > 0 ? timeout : DEFAULT_GIT_TIMEOUT_SECONDS) * 1000,
  });
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    // Usage errors, git's refusals and our own expected failures are one line; anything else is a bug, and says so.
    if (e instanceof UsageError) { io.err(`outcome-lens ${name}: ${e.message}`); return 2; }
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
