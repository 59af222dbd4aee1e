/**
 * Whether `path` is a path as git lists it (relative to the repository root, so neither empty nor starting with `/`):
 * any other path is no file of the repository, and no pattern matches it.
 */
export function isRepoPath(path: string): boolean {
  return path.length > 0 && path.charCodeAt(0) !== 47;
}

/**
 * Visits paths[start..end) each with its directory's answer, every directory decided once from its parent's (so a
 * file under an excluded directory stays excluded, as in git), on a stack, since `git ls-files` lists a directory's
 * files together; any order still gives the right answers.
 *
 * - `dirIn(parent, dir, nameStart)`: a directory's answer given its parent's; its name starts at `nameStart`.
 * - `visit(i, path, answer, nameStart, isDir)`: a path with its directory's answer, or, for a submodule (a gitlink,
 *   listed in `paths.gitlinks` by GitRepo.trackedFiles), with its own answer as the directory it is (`isDir`), since
 *   git matches `vendor/dep/` against the gitlink `vendor/dep`.
 *
 * A path that is not a repository path (see isRepoPath) is not visited; returns how many were left out.
 */
export function walkDirectories<A>(
  paths: readonly string[], start: number, end: number, root: A,
  dirIn: (parent: A, dir: string, nameStart: number) => A,
  visit: (i: number, path: string, answer: A, nameStart: number, isDir: boolean) => void,
): number {
  const gitlinks = (paths as { gitlinks?: ReadonlySet<string> }).gitlinks;
  const dirs: string[] = [''];
  const answers: A[] = [root];
  let skipped = 0;
  for (let i = start; i < end; i++) {
    const p = paths[i];
    if (!isRepoPath(p)) { skipped++; continue; }
    const slash = p.lastIndexOf('/');
    const dir = slash === -1 ? '' : p.slice(0, slash);
    let top = dirs.length - 1;
    if (dir !== dirs[top]) {
      // keep the directories that hold p (the root always does), then push the ones below them
      while (top > 0 && !(dir.length > dirs[top].length && dir.charCodeAt(dirs[top].length) === 47 && dir.slice(0, dirs[top].length) === dirs[top])) top--;
      if (top + 1 < dirs.length) dirs.length = answers.length = top + 1;
      for (let from = top === 0 ? 0 : dirs[top].length + 1; from <= slash;) {
        let next = dir.indexOf('/', from);
        if (next === -1) next = slash;
        const d = next === slash ? dir : dir.slice(0, next);
        answers.push(dirIn(answers[answers.length - 1], d, from));
        dirs.push(d);
        from = next + 1;
      }
      top = dirs.length - 1;
    }
    if (gitlinks?.has(p)) visit(i, p, dirIn(answers[top], p, slash + 1), slash + 1, true);
    else visit(i, p, answers[top], slash + 1, false);
  }
  return skipped;
}
