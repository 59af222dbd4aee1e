import { promises as fs, realpathSync } from 'node:fs';
import path = require('node:path');
import { GitRepo } from '../../core/git/repo';
import { gitCommandLine, pendingCommit } from '../../core/git/pendingCommit';
import { commentString, hookEdit, hookMessageText } from '../../core/message/commitMessage';
import { unknownTrailerIds } from '../../core/message/unknownIds';
import { nearestKey } from '../../core/outcomes/parse';
import { Linker, suggestOutcomes } from '../../core/links/link';
import { readOutcomesFile } from '../../core/usecases/outcomesFile';
import { printable } from '../../core/util/printable';
import { CliError, command, Io, openRepo, REPO } from '../command';

const HOOK = 'prepare-commit-msg';
/** Where an existing hook is kept while ours runs it first; `uninstall` puts it back. */
const CHAINED = `${HOOK}.outcome-lens-chained`;
/** The line that tells our hook from anyone else's. */
const MARKER = '# outcome-lens prepare-commit-msg hook';

/** A word for sh, single-quoted: nothing in it is expanded. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The hook: the chained hook first (its failure is its own and still stops the commit, as before), then this CLI,
 * whose part can never make the hook fail: whatever it does, the hook exits 0.
 */
export function hookScript(node: string, cli: string): string {
  return `#!/bin/sh
${MARKER}, written by \`outcome-lens hook install\`.
# It adds the outcome trailer when the commit's files point to exactly one outcome, and never fails a commit.
# A hook that was here before is kept as ${CHAINED} and runs first;
# \`outcome-lens hook uninstall\` puts it back.
chained="$(dirname "$0")/${CHAINED}"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi
${sh(node)} ${sh(cli)} hook run "$1" "$2" "$3" </dev/null || :
exit 0
`;
}

const exists = (p: string) => fs.lstat(p).then(() => true, () => false);
const isOurs = async (p: string) => (await fs.readFile(p, 'utf8').catch(() => '')).includes(MARKER);

/** Our hook and the one it keeps, in the folder git runs hooks from (core.hooksPath when set: husky and friends). */
async function hookPaths(repo: GitRepo): Promise<{ dir: string; hook: string; chained: string }> {
  const dir = await repo.gitPath('hooks');
  return { dir, hook: path.join(dir, HOOK), chained: path.join(dir, CHAINED) };
}

async function install(repo: GitRepo, io: Io): Promise<number> {
  const { dir, hook, chained } = await hookPaths(repo);
  await fs.mkdir(dir, { recursive: true });
  let kept: boolean;
  const updating = await isOurs(hook);
  if (await exists(hook) && !updating) {
    if (await exists(chained)) {
      throw new CliError(`${printable(chained)} already exists (a hook kept by an earlier install); move it or ${printable(hook)} away, then install again`, 2);
    }
    // A rename keeps the hook exactly: its bytes, its mode, or the symlink it is.
    await fs.rename(hook, chained);
    kept = true;
  } else kept = await exists(chained);
  const cli = realpathSync(process.argv[1]);
  const tmp = `${hook}.outcome-lens-${process.pid}`;
  await fs.writeFile(tmp, hookScript(process.execPath, cli), { mode: 0o755 });
  await fs.chmod(tmp, 0o755);
  await fs.rename(tmp, hook);
  io.out(`${updating ? 'updated' : 'installed'} ${printable(hook)}${kept ? `; it runs the hook that was there before first (kept as ${printable(chained)})` : ''}\n`);
  return 0;
}

async function uninstall(repo: GitRepo, io: Io): Promise<number> {
  const { hook, chained } = await hookPaths(repo);
  if (!(await exists(hook)) || !(await isOurs(hook))) {
    io.out(`no Outcome Lens hook at ${printable(hook)}; nothing to remove\n`);
    return 0;
  }
  await fs.unlink(hook);
  if (await exists(chained)) {
    await fs.rename(chained, hook);
    io.out(`removed the Outcome Lens hook; ${printable(hook)} is the hook that was there before\n`);
  } else io.out(`removed ${printable(hook)}\n`);
  return 0;
}

/**
 * `hook run MSGFILE [SOURCE [SHA]]`, as git calls prepare-commit-msg: adds the trailer when the commit being made
 * points to exactly one outcome (see pendingCommit for which files that is, hookEdit for where the trailer goes). It
 * never blocks a commit: without a usable outcomes.yaml, or when git cannot be read, it says why and exits 0.
 */
async function run(dir: string, args: string[], io: Io): Promise<number> {
  const [msgFile, source = '', sha] = args;
  if (!msgFile) throw new CliError('hook run needs the commit message file (git gives it to prepare-commit-msg)', 2);
  try {
    await edit(dir, path.resolve(msgFile), source, sha, io);
  } catch (e) {
    io.err(`outcome-lens: no outcome trailer was added: ${printable(e instanceof Error ? e.message : String(e))}`);
  }
  return 0;
}

async function edit(dir: string, file: string, source: string, sha: string | undefined, io: Io): Promise<void> {
  const repo = await openRepo(dir);
  const loaded = readOutcomesFile(repo.root);
  if (loaded.kind === 'absent') return;
  if (loaded.kind === 'unreadable') {
    io.err(`outcome-lens: outcomes.yaml cannot be read (${loaded.reason}), so no outcome trailer was added`);
    return;
  }
  if (!loaded.result.map) {
    io.err('outcome-lens: outcomes.yaml has errors, so no outcome trailer was added (outcome-lens check shows them)');
    return;
  }
  const map = loaded.result.map;
  const message = await fs.readFile(file, 'utf8');
  // git runs its commit hooks with GIT_EDITOR=: when no editor opens after them.
  const editor = process.env.GIT_EDITOR !== ':';
  const comment = editor ? commentString(message, await repo.configValue('core.commentChar')) : '#';
  warnUnknownIds(hookMessageText(message, { editor, comment }), map.trailer, map.outcomes.map(o => o.id), io);
  // git gives its hooks the index of the commit being made (`commit -a` and `commit <paths>` use another one).
  const indexFile = process.env.GIT_INDEX_FILE ? path.resolve(process.env.GIT_INDEX_FILE) : undefined;
  const pending = await pendingCommit(repo, { source, sha, indexFile, argv: await gitCommandLine() });
  // A merge's work is in the commits it brings, which carry their own links.
  if (pending.kind === 'merge') return;
  const ids = suggestOutcomes(await Linker.forRepo(map, repo), pending.files);
  if (ids.length !== 1) return;
  const edited = hookEdit(message, map.trailer, ids[0], { source, editor, comment });
  if (edited.text !== undefined && edited.text !== message) await fs.writeFile(file, edited.text);
}

/** A typo in the trailer would make an invalid link: said on stderr, with the id it likely means; the commit goes on. */
function warnUnknownIds(text: string, key: string, known: readonly string[], io: Io): void {
  const seen = new Set<string>();
  for (const u of unknownTrailerIds(text, key, known)) {
    if (seen.has(u.id)) continue;
    seen.add(u.id);
    const nearest = nearestKey(u.id, known);
    io.err(`outcome-lens: warning: ${printable(key)}: ${JSON.stringify(printable(u.id))} is not an outcome id in outcomes.yaml${nearest ? `; did you mean ${JSON.stringify(nearest)}?` : ''} (the commit is made; \`outcome-lens tag COMMIT --outcome ID\` links it afterwards)`);
  }
}

export const hook = command({
  name: 'hook',
  summary: 'a prepare-commit-msg hook that adds the outcome trailer when the commit\'s files point to one outcome',
  description: 'It never blocks a commit, and runs a hook that was there before first (uninstall puts that one back)',
  args: 'install|uninstall',
  options: { repo: REPO },
  async run(o, p, io) {
    const [sub, ...rest] = p;
    if (sub === 'run') return run(o.repo, rest, io);
    if (rest.length) throw new CliError(`hook ${sub ?? ''}: unexpected ${printable(rest.join(' '))}`, 2);
    if (sub === 'install') return install(await openRepo(o.repo), io);
    if (sub === 'uninstall') return uninstall(await openRepo(o.repo), io);
    throw new CliError(`hook needs install or uninstall${sub ? `, not ${JSON.stringify(printable(sub))}` : ''}`, 2);
  },
});
