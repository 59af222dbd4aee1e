import { GitRepo, HistoryQuery } from '../git/repo';
import { readHistory } from '../git/history';
import { CommitLink, Linker } from '../links/link';
import { RenameWalk } from '../links/renames';

export interface LinkHistoryOptions {
  /** Where commits are kept between runs; without it every commit is read from git. */
  cacheDir?: string;
  signal?: AbortSignal;
  /** HEAD and the notes tip, when the caller has just read them. */
  tips?: { head?: string; notes?: string };
  /** The notes of that notes tip, when the caller keeps them (else they are read). */
  notes?: ReadonlyMap<string, string>;
  /** Read the newest commits straight from git before the cache file (a view's first rows). */
  newestFirst?: boolean;
  /** Lets other work run between parts. */
  pause?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface LinkedHistory {
  count: number;
  /** How many of them git had to read (the rest came from the cache). */
  fromGit: number;
  tips: { head?: string; notes?: string };
  notes: ReadonlyMap<string, string>;
}

/**
 * The commits a query selects, newest first, each linked with outcomes.yaml and its note under refs/notes/outcomes
 * (DESIGN.md, "Links"): the one way the CLI, the views, the dashboard and the reports link history. `onLinks` gets each
 * part as it is linked, in order; nothing is kept here, so a whole history can stream to stdout a part at a time.
 */
export async function linkHistory(repo: GitRepo, linker: Linker, query: HistoryQuery, onLinks: (part: CommitLink[]) => void, o: LinkHistoryOptions = {}): Promise<LinkedHistory> {
  const tips = o.tips ?? await repo.tips(o.signal);
  const notes = o.notes ?? (tips.notes ? await repo.notes(o.signal) : new Map<string, string>());
  // Newest first, so each commit's files are judged where they live at the tip read (README, "Renames and moves").
  const walk = new RenameWalk();
  const r = await readHistory(repo, query, {
    tips, cacheDir: o.cacheDir, signal: o.signal, newestFirst: o.newestFirst, keep: false, pause: o.pause, log: o.log,
    onCommits: part => onLinks(part.map(c => linker.commit(c, notes.get(c.sha), walk.step(c)))),
  });
  return { count: r.count, fromGit: r.fromGit, tips, notes };
}
