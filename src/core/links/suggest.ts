import type { CommitLink, FileLink, Linker } from './link';
import { compilePatterns, PathMatcher } from '../patterns/matcher';

/** Where an unlinked folder's work probably belongs, and the evidence (DESIGN.md, "suggest"). */
export interface FolderSuggestion {
  /** The folder, with a trailing `/`. */
  folder: string;
  /** Commits of the window (merges left out) that changed its unlinked files. */
  commits: number;
  /** The outcome whose areas those commits changed most often, when at least `minSupport` did. */
  outcome?: string;
  /** How many of the commits changed that outcome's areas too. */
  together: number;
  /** "changed with services/checkout/ in 37 of 41 commits" */
  evidence?: string;
  /** Every outcome whose areas changed with it, most first. */
  all: { outcome: string; together: number }[];
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

/**
 * For each folder, the outcome whose areas its unlinked files changed together with most often over `commits`
 * (merges left out: a merge's first-parent diff repeats its branch's work), with support counts. A suggestion needs
 * at least `minSupport` such commits, and at least MIN_SHARE of the folder's; ties go to the outcome listed first in
 * outcomes.yaml. Folders may nest.
 */
export function suggestForFolders(folders: readonly string[], commits: Iterable<CommitLink>, linker: Linker, minSupport = 2): FolderSuggestion[] {
  const wanted = new Set(folders.map(f => f.replace(/\/$/, '')));
  const stats = new Map<string, { commits: number; by: Map<string, number>; areas: Map<string, number> }>();
  for (const f of wanted) stats.set(f, { commits: 0, by: new Map(), areas: new Map() });
  // Which of an outcome's area patterns claims a changed file: the evidence names the area that really changed with it.
  const areaMatchers = new Map(linker.map.outcomes.map(o => [o.id, o.areas.filter(a => !a.pattern.startsWith('!')).map(a => [a.pattern, compilePatterns([a.pattern])] as [string, PathMatcher])]));
  const areaOf = new Map<string, string>();
  const area = (id: string, p: string) => {
    const key = `${id}\0${p}`;
    let a = areaOf.get(key);
    if (a === undefined) areaOf.set(key, a = areaMatchers.get(id)?.find(([, m]) => m.matches(p))?.[0] ?? id);
    return a;
  };
  for (const l of commits) {
    if (l.commit.parents.length > 1) continue;
    const touched = new Set<string>();
    const outcomes = new Set<string>();
    const areas = new Set<string>();
    for (const p of l.commit.files) {
      const f = linker.file(p);
      for (const id of f.outcomes) { outcomes.add(id); areas.add(`${id}\0${area(id, p)}`); }
      if (f.status !== 'unlinked') continue;
      for (let at = p.indexOf('/'); at !== -1; at = p.indexOf('/', at + 1)) { const d = p.slice(0, at); if (wanted.has(d)) touched.add(d); }
    }
    for (const d of touched) {
      const s = stats.get(d)!;
      s.commits++;
      for (const id of outcomes) s.by.set(id, (s.by.get(id) ?? 0) + 1);
      for (const a of areas) s.areas.set(a, (s.areas.get(a) ?? 0) + 1);
    }
  }
  const order = new Map(linker.map.outcomes.map((o, i) => [o.id, i]));
  return folders.map(folder => {
    const s = stats.get(folder.replace(/\/$/, ''))!;
    const all = [...s.by].map(([outcome, together]) => ({ outcome, together }))
      .sort((a, b) => b.together - a.together || (order.get(a.outcome) ?? 0) - (order.get(b.outcome) ?? 0));
    const best = all[0] && all[0].together >= Math.max(1, minSupport) && all[0].together >= MIN_SHARE * s.commits ? all[0] : undefined;
    const name = folder.endsWith('/') ? folder : `${folder}/`;
    if (!best) return { folder: name, commits: s.commits, together: 0, all };
    // The outcome's area that changed with the folder most often (its own count may be lower than the outcome's).
    const top = [...s.areas].filter(([k]) => k.startsWith(`${best.outcome}\0`)).sort((a, b) => b[1] - a[1])[0];
    const where = !top ? `${best.outcome}'s areas` : top[1] === best.together ? top[0].slice(best.outcome.length + 1) : `${best.outcome}'s areas (most often ${top[0].slice(best.outcome.length + 1)}, in ${top[1]})`;
    return { folder: name, commits: s.commits, outcome: best.outcome, together: best.together, evidence: `changed with ${where} in ${best.together} of ${s.commits} commits`, all };
  });
}
