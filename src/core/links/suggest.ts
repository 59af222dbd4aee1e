import type { CommitLink, FileLink, Linker } from './link';
import { compilePatterns, PathMatcher } from '../patterns/matcher';

/** Where an unlinked folder's work probably belongs, and the evidence (DESIGN.md, "suggest"). */
export interface FolderSuggestion {
  /** The folder, with a trailing `/`. */
  folder: string;
  /** Commits of the window (merges left out) that changed a file in it, one deleted since too: what `git log -- DIR` lists. */
  commits: number;
  /** The outcome whose areas those commits changed most often, when at least `minSupport` did and no other as often. */
  outcome?: string;
  /** How many of the commits changed that outcome's areas too. */
  together: number;
  /** "changed with services/checkout/ in 37 of 41 commits" */
  evidence?: string;
  /** Every outcome whose areas changed with it, most first (outcomes.yaml's order among equals). */
  all: { outcome: string; together: number }[];
  /** The outcomes that changed with it most often when two or more did so equally (then none is suggested); else empty. */
  tied: string[];
}

/**
 * The folders whose tracked files include unlinked ones and no linked one, outermost only (`libs/`, not also
 * `libs/util/`): the places to ask "which outcome does this serve". Files at the root are in no folder.
 */
export function unlinkedFolders(files: readonly FileLink[]): string[] {
  const linked = new Set<string>();
  const unlinked = new Set<string>();
  for (const f of files) {
    if (f.status === 'ignored') continue;
    for (let at = f.path.indexOf('/'); at !== -1; at = f.path.indexOf('/', at + 1)) (f.status === 'linked' ? linked : unlinked).add(f.path.slice(0, at));
  }
  const candidate = (d: string) => unlinked.has(d) && !linked.has(d);
  return [...unlinked].filter(d => candidate(d) && !(d.includes('/') && candidate(d.slice(0, d.lastIndexOf('/'))))).sort().map(d => `${d}/`);
}

/**
 * The share of a folder's commits that must change an outcome's areas too for a suggestion: below it the folder's
 * work mostly goes on without that outcome (on gh's own history, `pkg/cmd/repo/` changed with codespaces' areas in
 * 2 of 47 commits), and a one-click apply would put it in the wrong place.
 */
export const MIN_SHARE = 0.25;

/** What one changed path adds to its commit, as indices: its outcomes, its areas, and its folders. */
interface PathPart { outcomes: readonly number[]; areas: readonly number[]; folders: readonly number[] }

/**
 * For every folder, counts over a set of commits that commits can be added to and taken from, so that a new
 * commit costs its own files and not the window's (merges left out: a merge's first-parent diff repeats its
 * branch's work). A folder's commits are those that changed any file in it, tracked, ignored or deleted since, as
 * `git log -- DIR` lists them; a folder that `ignore` covers whole is not counted, since it holds no unlinked file to
 * suggest for. Only the files' paths count, never a commit's own links: a note does not change a suggestion.
 * Outcomes, areas and folders are numbered, so that counting is arithmetic on arrays, not on maps of strings.
 */
export class SuggestionCounts {
  /** Per folder number: its commits, then per outcome, then per area (one array, `1 + outcomes + areas` long). */
  private readonly counts: Int32Array[] = [];
  private readonly folderNo = new Map<string, number>();
  private readonly parts = new Map<string, PathPart>();
  private readonly ids: string[];
  /** Every area, `[outcome number, pattern]`, numbered in the order of outcomes.yaml. */
  private readonly areas: [number, string][] = [];
  private readonly areaMatchers: [number, PathMatcher][][];
  /** Per number, the last commit that counted it: each counts once per commit. */
  private seen: { folders: Int32Array; slots: Int32Array };
  private commitNo = 0;

  constructor(readonly linker: Linker) {
    this.ids = linker.map.outcomes.map(o => o.id);
    // Which of an outcome's area patterns claims a changed file: the evidence names the area that really changed with it.
    this.areaMatchers = linker.map.outcomes.map((o, i) => o.areas.filter(x => !x.pattern.startsWith('!')).map(x => {
      this.areas.push([i, x.pattern]);
      return [this.areas.length - 1, compilePatterns([x.pattern], linker.options)] as [number, PathMatcher];
    }));
    // A file of an outcome that none of its area patterns claims (only a negation is left) counts under its id.
    for (let i = 0; i < this.ids.length; i++) this.areas.push([i, this.ids[i]]);
    this.seen = { folders: new Int32Array(0), slots: new Int32Array(this.width) };
  }

  private get width(): number {
    return 1 + this.ids.length + this.areas.length;
  }

  private part(p: string): PathPart {
    let part = this.parts.get(p);
    if (part) return part;
    const f = this.linker.file(p);
    const folders: number[] = [];
    for (let at = p.indexOf('/'); at !== -1; at = p.indexOf('/', at + 1)) {
      const d = p.slice(0, at);
      let n = this.folderNo.get(d);
      if (n === undefined) {
        // (an ignored folder's files are all ignored or claimed, and so are those of the folders in it)
        const dir = this.linker.gitlink(d);
        if (dir.ignored && !dir.outcomes.length) break;
        this.folderNo.set(d, n = this.counts.length);
        this.counts.push(new Int32Array(this.width));
      }
      folders.push(n);
    }
    const outcomes = f.outcomes.map(id => this.ids.indexOf(id));
    const areas = outcomes.map(i => this.areaMatchers[i]?.find(([, m]) => m.matches(p))?.[0] ?? this.areas.length - this.ids.length + i);
    this.parts.set(p, part = { outcomes, areas, folders });
    return part;
  }

  /** Counts `commits` in (`sign` 1) or takes them out again (-1). */
  add(commits: Iterable<CommitLink>, sign: 1 | -1 = 1): void {
    const touched: number[] = [], slots: number[] = [];
    for (const l of commits) {
      if (l.commit.parents.length > 1) continue;
      const no = ++this.commitNo;
      touched.length = slots.length = 0;
      for (const f of l.commit.files) {
        // Where the file lives today (README, "Renames and moves"): work before a move counts for the folder it moved to.
        const part = this.part(l.today?.get(f) ?? f);
        if (this.seen.folders.length < this.counts.length) this.seen.folders = grow(this.seen.folders, this.counts.length);
        for (const d of part.folders) if (this.seen.folders[d] !== no) { this.seen.folders[d] = no; touched.push(d); }
        for (const i of part.outcomes) if (this.seen.slots[1 + i] !== no) { this.seen.slots[1 + i] = no; slots.push(1 + i); }
        for (const a of part.areas) { const k = 1 + this.ids.length + a; if (this.seen.slots[k] !== no) { this.seen.slots[k] = no; slots.push(k); } }
      }
      for (const d of touched) {
        const c = this.counts[d];
        c[0] += sign;
        for (const k of slots) c[k] += sign;
      }
    }
  }

  /**
   * For each folder, the outcome whose areas its files changed together with most often: a suggestion needs at least
   * `minSupport` such commits, and at least MIN_SHARE of the folder's. Two or more outcomes that changed with it
   * equally often, most of all, are a tie, which is said (`tied`) and suggests none: the order of outcomes.yaml says
   * nothing about where the folder belongs. Folders may nest.
   */
  suggest(folders: readonly string[], minSupport = 2): FolderSuggestion[] {
    const none = new Int32Array(this.width);
    return folders.map(folder => {
      const n = this.folderNo.get(folder.replace(/\/$/, ''));
      const c = n === undefined ? none : this.counts[n];
      const commits = c[0];
      const all = this.ids.map((outcome, i) => ({ outcome, together: c[1 + i] })).filter(x => x.together > 0)
        .sort((x, y) => y.together - x.together); // (a stable sort: ties keep the order of outcomes.yaml)
      const tied = all.length > 1 && all[1].together === all[0].together ? all.filter(x => x.together === all[0].together).map(x => x.outcome) : [];
      const best = all[0] && !tied.length && all[0].together >= Math.max(1, minSupport) && all[0].together >= MIN_SHARE * commits ? all[0] : undefined;
      const name = folder.endsWith('/') ? folder : `${folder}/`;
      if (!best) return { folder: name, commits, together: 0, all, tied };
      // The outcome's area that changed with the folder most often (its own count may be lower than the outcome's).
      const i = this.ids.indexOf(best.outcome);
      let top: [string, number] | undefined;
      this.areas.forEach(([o, pattern], a) => { const k = c[1 + this.ids.length + a]; if (o === i && k > 0 && (!top || k > top[1])) top = [pattern, k]; });
      const where = !top ? `${best.outcome}'s areas` : top[1] === best.together ? top[0] : `${best.outcome}'s areas (most often ${top[0]}, in ${top[1]})`;
      return { folder: name, commits, outcome: best.outcome, together: best.together, evidence: `changed with ${where} in ${best.together} of ${commits} commits`, all, tied };
    });
  }
}

/** A copy of `a`, at least `n` long. */
function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** The suggestions for `folders` over `commits` (see SuggestionCounts). */
export function suggestForFolders(folders: readonly string[], commits: Iterable<CommitLink>, linker: Linker, minSupport = 2): FolderSuggestion[] {
  const counts = new SuggestionCounts(linker);
  counts.add(commits);
  return counts.suggest(folders, minSupport);
}
