import type { RawCommit } from '../git/repo';

/** A commit's changed paths that live under another name today: the path at the time -> the path today. */
export type PathsToday = ReadonlyMap<string, string>;

/** In the walk's map: the file of that name no longer exists after this point (deleted), so older commits keep it. */
const GONE = '';

/**
 * Where the files a history's commits changed live today (README, "Renames and moves"): a commit's files are judged
 * where they are at the tip of the history read, following the renames git detects; a file deleted since keeps its
 * path at the time. Feed it the commits newest first, each once, as `git log` lists them (linkHistory does): each
 * commit's answer comes from the renames and deletions of the commits after it, which are all seen before it.
 * A rename from `old` to `new` sets old's today to new's (or `new` itself); a deletion ends the chain, so an older
 * file that had a name which a newer file re-uses never inherits the newer file's place.
 */
export class RenameWalk {
  /** Path at some older time -> its path today, or GONE; a path not here is its own. */
  private readonly today = new Map<string, string>();

  /** The paths of `c`'s files that differ today (undefined when none), then learns `c`'s renames for older commits. */
  step(c: Pick<RawCommit, 'files' | 'renames'>): PathsToday | undefined {
    const r = c.renames;
    let moved: Map<string, string> | undefined;
    if (this.today.size) {
      for (const f of c.files) {
        const t = this.today.get(f);
        // A file this commit deletes no longer exists: its path at the time, whatever a newer file of that name became.
        if (t !== undefined && t !== GONE && t !== f && !deletes(r, f)) (moved ??= new Map()).set(f, t);
      }
    }
    if (r?.length) {
      // Decided from the state after this commit for every pair first: a swap (a -> b, b -> a) reads both old answers.
      // (A rename's new name needs no end of its chain: an older file of that name was deleted before, and that
      // deletion ends it; a merge of the branch that renamed shows the same rename again.)
      const next: [string, string][] = [];
      for (let i = 0; i + 1 < r.length; i += 2) {
        const [a, b] = [r[i], r[i + 1]];
        const t = a === b ? GONE : this.today.get(b);
        next.push([a, t === undefined ? b : t]);
      }
      for (const [a, t] of next) this.today.set(a, t);
    }
    return moved;
  }
}

/** Whether `renames` (RawCommit's) deletes `path`. */
function deletes(renames: readonly string[] | undefined, path: string): boolean {
  if (renames) for (let i = 0; i + 1 < renames.length; i += 2) if (renames[i] === path && renames[i + 1] === path) return true;
  return false;
}

/**
 * Whether newer commits change where already linked older ones are judged: a rename does; a deletion only of a path
 * that some of them were judged at because their file moved there (any other deleted path kept its name).
 */
export function movesOlder(newer: readonly Pick<RawCommit, 'renames'>[], older: readonly { today?: PathsToday }[]): boolean {
  const deleted = new Set<string>();
  for (const c of newer) {
    const r = c.renames;
    if (r) for (let i = 0; i + 1 < r.length; i += 2) { if (r[i] !== r[i + 1]) return true; deleted.add(r[i]); }
  }
  if (!deleted.size) return false;
  return older.some(l => l.today && [...l.today.values()].some(p => deleted.has(p)));
}
