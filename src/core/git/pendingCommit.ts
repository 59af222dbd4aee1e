import { promises as fs } from 'node:fs';
import path = require('node:path');
import { GitRepo } from './repo';

/**
 * The commit a prepare-commit-msg hook is asked about, as the hook can tell it: a merge (left alone), or a commit with
 * the files it changes against its first parent. An amend (`commit --amend`, a rebase's reword, squash and fixup)
 * replaces HEAD, so its files are HEAD^..index, not HEAD..index.
 */
export type PendingCommit = { kind: 'merge' } | { kind: 'commit'; amend: boolean; files: string[] };

/** A git command line: the command (`commit`, `rebase`, an alias) and its arguments, git's own options skipped. */
export interface GitInvocation {
  command: string;
  args: string[];
}

/** git's own options that take their value as the next argument (`git -C DIR commit`). */
const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env', '--list-cmds']);

/** The command and its arguments in git's argv (argv[0] is git itself), or undefined when there is no command. */
export function gitInvocation(argv: readonly string[]): GitInvocation | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) return { command: a, args: argv.slice(i + 1) };
    if (GLOBAL_WITH_VALUE.has(a)) i++;
  }
  return undefined;
}

/** `git commit`'s long options in git 2.39 (`git commit --git-completion-helper-all`); `=`: it takes a value. */
const COMMIT_LONG = (() => {
  const names = ('quiet verbose file= author= date= message= reedit-message= reuse-message= fixup= squash= reset-author trailer= signoff '
    + 'template= edit cleanup= status gpg-sign all include interactive patch only no-verify dry-run short branch ahead-behind porcelain '
    + 'long null amend no-post-rewrite untracked-files pathspec-from-file= pathspec-file-nul allow-empty allow-empty-message verify '
    + 'post-rewrite').split(' ');
  const options = new Map<string, boolean>();
  for (const n of names) {
    const name = n.replace(/=$/, '');
    options.set(name, n.endsWith('='));
    if (!name.startsWith('no-')) options.set(`no-${name}`, false);
  }
  return options;
})();
/** Short options whose value is the rest of the argument or the next one (`-m MSG`, `-mMSG`). */
const SHORT_WITH_VALUE = 'mFcCt';
/** Short options whose optional value can only be the rest of the argument (`-Skey`, `-uno`). */
const SHORT_OPTIONAL_VALUE = 'Su';

/** A long option as git's parse-options reads it: the exact name, else the one option the name abbreviates. */
function longOption(name: string): [string, boolean] | undefined {
  const exact = COMMIT_LONG.get(name);
  if (exact !== undefined) return [name, exact];
  const matches = [...COMMIT_LONG].filter(([n]) => n.startsWith(name));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Whether `git commit ARGS` amends HEAD: `--amend` (or an abbreviation) not undone by a later `--no-amend`. */
export function commitAmends(args: readonly string[]): boolean {
  let amend = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--' || a === '--end-of-options') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const option = longOption(a.slice(2, eq === -1 ? undefined : eq));
      if (!option) continue;
      if (option[0] === 'amend') amend = true;
      else if (option[0] === 'no-amend') amend = false;
      if (option[1] && eq === -1) i++;
    } else if (a.startsWith('-')) {
      for (let j = 1; j < a.length; j++) {
        if (SHORT_WITH_VALUE.includes(a[j])) {
          if (j === a.length - 1) i++;
          break;
        }
        if (SHORT_OPTIONAL_VALUE.includes(a[j])) break;
      }
    }
  }
  return amend;
}

/** The sequencer's steps that fold a commit into the one before it: the commit they make amends HEAD. */
const FOLDING = new Set(['s', 'squash', 'f', 'fixup']);
/** git commands that make commits in their own process and never amend, or that run `git commit` (or `rebase`) as a child. */
const NEVER_AMEND = new Set(['cherry-pick', 'revert', 'merge', 'am', 'pull', 'stash']);

/**
 * Whether the commit being made amends HEAD, from what the hook can see: git's command line (`git` is undefined where it
 * cannot be read), the rebase step in progress, and the hook's arguments. `commit --amend` and a rebase's reword and
 * squash run `git commit --amend`; a rebase's fixup (and a squash left unedited) amends inside `git rebase`. Without the
 * command line (or behind an alias), `commit HEAD` (`--amend`, or `-c`/`-C HEAD`, which git reports alike) counts as
 * an amend, and `--amend -m`/`-F` cannot be told from `-m`/`-F`.
 */
export function amendsHead(o: { source: string; sha?: string; git?: GitInvocation; rebaseStep?: string }): boolean {
  const folding = o.rebaseStep !== undefined && FOLDING.has(o.rebaseStep);
  if (o.git?.command === 'commit') return commitAmends(o.git.args);
  if (o.git?.command === 'rebase') return folding;
  if (o.git && NEVER_AMEND.has(o.git.command)) return false;
  return (o.source === 'commit' && o.sha === 'HEAD') || folding;
}

/**
 * The command line of the git process that runs this hook: the nearest ancestor process that is git, read from /proc
 * (Linux); undefined where that cannot be read.
 */
export async function gitCommandLine(): Promise<string[] | undefined> {
  let pid = process.ppid;
  // The hook's shell, a hook manager's scripts, then git: a few levels at most.
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (raw === undefined) return undefined;
    const argv = raw.split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    if (argv.length && /^git(\.exe)?$/.test(path.basename(argv[0]))) return argv;
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // The fields after the process's name (which may hold spaces and parentheses) are its state, then its parent.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid) || ppid <= 0) return undefined;
    pid = ppid;
  }
  return undefined;
}

const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

/** The step of an interactive rebase that was done last (`pick`, `fixup`, ...), or undefined outside a rebase. */
async function rebaseStep(repo: GitRepo): Promise<string | undefined> {
  const done = await fs.readFile(await repo.gitPath('rebase-merge/done'), 'utf8').catch(() => '');
  const steps = done.split('\n').map(l => l.trim()).filter(l => l && /^[a-z]/.test(l));
  return steps.length ? steps[steps.length - 1].split(/\s+/)[0] : undefined;
}

/** HEAD's parents, from its commit object. */
async function headParents(repo: GitRepo): Promise<string[]> {
  const { stdout } = await repo.run(['cat-file', 'commit', 'HEAD']);
  const header = stdout.slice(0, stdout.indexOf('\n\n') === -1 ? undefined : stdout.indexOf('\n\n'));
  return header.split('\n').filter(l => l.startsWith('parent ')).map(l => l.slice('parent '.length).trim());
}

/**
 * The commit being made, as prepare-commit-msg sees it (`source` and `sha`: its second and third arguments;
 * `indexFile`: GIT_INDEX_FILE; `argv`: git's command line, see gitCommandLine). A merge is one while MERGE_HEAD exists
 * (`git merge`, or the `git commit` that concludes it), or when the amended HEAD is one.
 */
export async function pendingCommit(repo: GitRepo, o: { source: string; sha?: string; indexFile?: string; argv?: readonly string[] }): Promise<PendingCommit> {
  if (await exists(await repo.gitPath('MERGE_HEAD'))) return { kind: 'merge' };
  const amend = amendsHead({ source: o.source, sha: o.sha, git: o.argv && gitInvocation(o.argv), rebaseStep: await rebaseStep(repo) });
  if (!amend) return { kind: 'commit', amend, files: await repo.stagedFiles(o.indexFile) };
  const parents = await headParents(repo);
  if (parents.length > 1) return { kind: 'merge' };
  const read = parents.length
    ? ['diff', '--cached', '--name-only', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color', parents[0], '--']
    // Amending a root commit: every file of the index is the commit's change.
    : ['ls-files', '-z', '--cached'];
  const { stdout } = await repo.run(read, { indexFile: o.indexFile });
  return { kind: 'commit', amend, files: [...new Set(stdout.split('\0').filter(Boolean))] };
}
