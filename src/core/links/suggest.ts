import type { CommitLink, FileLink, Linker } from './link';

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
 * For each folder, the outcome whose areas its unlinked files changed together with most often over `commits`
 * (merges left out: a merge's first-parent diff repeats its branch's work), with support counts. A suggestion needs
 * at least `minSupport` such commits; ties go to the outcome listed first in outcomes.yaml. Folders may nest.
 */
export function suggestForFolders(folders: readonly string[], commits: Iterable<CommitLink>, linker: Linker, minSupport = 2): FolderSuggestion[] {
  const wanted = new Set(folders.map(f => f.replace(/\/$/, '')));
  const stats = new Map<string, { commits: number; by: Map<string, number> }>();
  for (const f of wanted) stats.set(f, { commits: 0, by: new Map() });
  for (const l of commits) {
    if (l.commit.parents.length > 1) continue;
    const touched = new Set<string>();
    const outcomes = new Set<string>();
    for (const p of l.commit.files) {
      const f = linker.file(p);
      for (const id of f.outcomes) outcomes.add(id);
      if (f.status !== 'unlinked') continue;
      for (let at = p.indexOf('/'); at !== -1; at = p.indexOf('/', at + 1)) { const d = p.slice(0, at); if (wanted.has(d)) touched.add(d); }
    }
    for (const d of touched) {
      const s = stats.get(d)!;
      s.commits++;
      for (const id of outcomes) s.by.set(id, (s.by.get(id) ?? 0) + 1);
    }
  }
  const order = new Map(linker.map.outcomes.map((o, i) => [o.id, i]));
  return folders.map(folder => {
    const s = stats.get(folder.replace(/\/$/, ''))!;
    const all = [...s.by].map(([outcome, together]) => ({ outcome, together }))
      .sort((a, b) => b.together - a.together || (order.get(a.outcome) ?? 0) - (order.get(b.outcome) ?? 0));
    const best = all[0] && all[0].together >= Math.max(1, minSupport) ? all[0] : undefined;
    const name = folder.endsWith('/') ? folder : `${folder}/`;
    if (!best) return { folder: name, commits: s.commits, together: 0, all };
    const areas = linker.map.outcomes.find(o => o.id === best.outcome)!.areas.map(a => a.pattern).filter(p => !p.startsWith('!'));
    const where = areas.length ? `${areas.slice(0, 2).join(', ')}${areas.length > 2 ? ', …' : ''}` : best.outcome;
    return { folder: name, commits: s.commits, outcome: best.outcome, together: best.together, evidence: `changed with ${where} in ${best.together} of ${s.commits} commits`, all };
  });
}
