import type { GitRepo } from '../git/repo';
import { GitError } from '../git/runner';
import { repoMatchOptions } from '../links/link';
import { diffOutcomeMaps, DiffInput, DiffSide, OutcomesDiff } from '../links/outcomesDiff';
import { OUTCOMES_FILE } from '../outcomes/load';
import { Diagnostic } from '../outcomes/model';
import { parseOutcomes } from '../outcomes/parse';
import { readOutcomesFile } from './outcomesFile';

/** outcomes.yaml does not parse on one side: its errors, located at that side (`A:outcomes.yaml`). */
export class DiffSideError extends Error {
  constructor(readonly file: string, readonly diagnostics: Diagnostic[]) {
    super(`${file} has errors`);
  }
}

export interface DiffRequest {
  /**
   * What to compare: `A..B` (A to B), `A...B` (their merge base to B, as a pull request shows it), `A` (A to the
   * working tree); undefined: the merge base of HEAD with the default branch to the working tree.
   */
  spec?: string;
  /** The working tree's outcomes.yaml as an editor holds it (unsaved), instead of the file on disk. */
  text?: string;
  signal?: AbortSignal;
}

type Resolved = { label: string; commit: string | null; note?: string };

/** The two sides a request names, as commits (null: the working tree). */
async function resolveSides(repo: GitRepo, spec: string | undefined, signal?: AbortSignal): Promise<{ from: Resolved | undefined; to: Resolved }> {
  const tree: Resolved = { label: 'working tree', commit: null };
  const commit = async (rev: string): Promise<Resolved> => ({ label: rev, commit: await repo.resolveCommit(rev, signal) });
  if (spec === undefined) {
    const head = (await repo.tips(signal)).head;
    if (!head) return { from: undefined, to: tree };
    const branch = await repo.defaultBranch(signal);
    const tip = branch && await repo.resolveCommit(branch, signal);
    const base = tip ? await repo.mergeBase(head, tip, signal) : undefined;
    if (!branch || !base) return { from: { label: 'HEAD', commit: head, note: branch ? `HEAD shares no history with ${branch}` : 'no default branch (origin/HEAD, main or master) to start from' }, to: tree };
    return { from: { label: `merge base with ${branch}`, commit: base }, to: tree };
  }
  const three = spec.indexOf('...');
  if (three !== -1) {
    const a = await commit(spec.slice(0, three) || 'HEAD'), b = await commit(spec.slice(three + 3) || 'HEAD');
    const base = await repo.mergeBase(a.commit!, b.commit!, signal);
    if (!base) throw new GitError(`${a.label} and ${b.label} share no history: there is no merge base to compare from`, 'badObject');
    return { from: { label: `merge base of ${a.label} and ${b.label}`, commit: base }, to: b };
  }
  const two = spec.indexOf('..');
  if (two !== -1) return { from: await commit(spec.slice(0, two) || 'HEAD'), to: await commit(spec.slice(two + 2) || 'HEAD') };
  return { from: await commit(spec), to: tree };
}

/** One side's outcomes.yaml and tracked files; a file with errors is thrown with its errors, located at that side. */
async function readSide(repo: GitRepo, side: Resolved | undefined, text: string | undefined, signal?: AbortSignal): Promise<DiffInput & { present: boolean }> {
  if (!side) return { files: [], present: false };
  if (side.commit === null) {
    const file = readOutcomesFile(repo.root, text);
    const files = await repo.trackedFiles(signal);
    if (file.kind === 'absent') return { files, present: false };
    if (file.kind === 'unreadable') throw new DiffSideError(OUTCOMES_FILE, [{ severity: 'error', message: `cannot be read: ${file.reason}`, line: 1, column: 1, endLine: 1, endColumn: 1 }]);
    if (!file.result.map) throw new DiffSideError(OUTCOMES_FILE, file.result.diagnostics);
    return { map: file.result.map, files, present: true };
  }
  const [[blob], files] = await Promise.all([repo.fileAt([side.commit], OUTCOMES_FILE, signal), repo.treeFiles(side.commit, signal)]);
  if (!blob) return { files, present: false };
  const parsed = parseOutcomes(blob);
  // Located as git names the blob, so `git show A:outcomes.yaml` shows the line the error names.
  if (!parsed.map) throw new DiffSideError(`${side.label}:${OUTCOMES_FILE}`, parsed.diagnostics);
  return { map: parsed.map, files, present: true };
}

/**
 * What a change to outcomes.yaml means between two sides of a repository (DESIGN.md, `outcome-lens diff`): each
 * side's outcomes.yaml and tracked files read from git (a commit's tree, or the working tree's index and file), then
 * compared by diffOutcomeMaps. A side without outcomes.yaml has no outcomes; a name git does not know is its error.
 */
export async function diffOutcomes(repo: GitRepo, r: DiffRequest = {}): Promise<OutcomesDiff> {
  const { from, to } = await resolveSides(repo, r.spec, r.signal);
  const [before, after, options] = await Promise.all([readSide(repo, from, undefined, r.signal), readSide(repo, to, r.text, r.signal), repoMatchOptions(repo, r.signal)]);
  const side = (s: Resolved | undefined, present: boolean): DiffSide => ({
    label: s?.label ?? 'no commit yet', commit: s?.commit ?? null, outcomesFile: present, ...(s?.note ? { note: s.note } : {}),
  });
  return diffOutcomeMaps(before, after, { from: side(from, before.present), to: side(to, after.present) }, options);
}

/** Whether outcomes.yaml differs between two commits (full ids): only then does a pull request's summary carry the diff. */
export async function outcomesFileChanged(repo: GitRepo, a: string, b: string, signal?: AbortSignal): Promise<boolean> {
  const [x, y] = await repo.fileAt([a, b], OUTCOMES_FILE, signal);
  return !(x === null ? y === null : y !== null && x.equals(y));
}
