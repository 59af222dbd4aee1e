import { GitRepo } from '../git/repo';
import { Linker } from '../links/link';
import { FolderCounts, folderChildren } from '../links/folderCounts';
import { unlinkedFolders } from '../links/suggest';
import { Diagnostic } from '../outcomes/model';
import { patternDiagnostics } from '../outcomes/patternCheck';
import { compilePatterns, filesMatching } from '../patterns/matcher';
import { areaAdds, areaAttribution } from '../patterns/areaAdds';
import { lowerBound } from '../util/sortedPaths';
import { breathe } from '../util/breathe';
import { FolderRows, Summary } from './protocol';

/** Tracked files classified by one outcomes.yaml. */
interface Files {
  list: string[];
  linker: Linker;
  unlinked: string[];
  counts: Map<string, number>;
  byOutcome: Record<string, number>;
  byArea: Record<string, number[]>;
  diagnostics?: Promise<Diagnostic[]>;
  /** The outermost folders that hold only unlinked work (see unlinkedFolders), when first asked. */
  outermost?: string[];
}

/**
 * The tracked files (the index), classified by outcomes.yaml: what the Unlinked Work view's folders, the areas' counts
 * and the pattern warnings are made of. It owns when they are made again: a new file list changes the counts by the
 * files added and removed; a new outcomes.yaml classifies every file again (no git).
 */
export class TrackedFiles {
  private files?: Files;

  constructor(private readonly repo: GitRepo) {}

  /** Lists the tracked files again and classifies what changed; a read that was stopped or overtaken keeps nothing. */
  async refresh(linker: Linker | undefined, current: () => Linker | undefined, signal: AbortSignal): Promise<void> {
    const list = await this.repo.trackedFiles(signal);
    const old = this.files;
    if (!linker) return;
    const files = await classifyFiles(list, linker, old?.linker === linker ? old : undefined);
    if (files === old) return;
    if (current() === linker && !signal.aborted) this.files = files;
  }

  /** The same files, classified by a new outcomes.yaml. */
  async relink(linker: Linker): Promise<void> {
    if (this.files) this.files = await classifyFiles(this.files.list, linker);
  }

  /** The files' part of the summary, when they are classified by `linker`. */
  summary(): Summary['files'] {
    const f = this.files;
    return f && { tracked: f.list.length, unlinked: f.unlinked.length, byOutcome: f.byOutcome, byArea: f.byArea };
  }

  /** The linker the files are classified by. */
  get linker(): Linker | undefined {
    return this.files?.linker;
  }

  /** The outermost folders that hold only unlinked work, worked out once per classification. */
  outermost(): string[] | undefined {
    const f = this.files;
    return f && (f.outermost ??= unlinkedFolders(f.linker.classifyAll(f.list)));
  }

  /** The Unlinked Work view's rows under a folder ('' for the root). */
  unlinkedFolder(folder: string): FolderRows {
    const f = this.files;
    if (!f) return { folders: [], files: [] };
    const rows = folderChildren(f.unlinked, f.counts, folder);
    return { folders: rows.folders.map(p => ({ path: p, count: f.counts.get(p) ?? 0 })), files: rows.files };
  }

  /** Whether a path is a tracked file or a folder holding tracked files; undefined before the files are listed. */
  tracked(rel: string): 'file' | 'folder' | 'untracked' | undefined {
    const files = this.files?.list;
    if (!files) return undefined;
    const at = lowerBound(files, rel);
    if (files[at] === rel) return 'file';
    const under = rel + '/';
    const first = lowerBound(files, under);
    return files[first]?.startsWith(under) ? 'folder' : 'untracked';
  }

  /**
   * The tracked files a pattern list matches: how many, and the first `limit`. With `area` (an outcome's id and the
   * index of one of its areas), the files that area adds to the outcome after the negations instead (see areaAdds).
   */
  filesMatching(patterns: string[], limit: number, area?: { outcome: string; index: number }): { count: number; files: string[] } {
    const list = this.files?.list ?? [];
    const outcome = area && this.files?.linker.map.outcomes.find(o => o.id === area.outcome);
    if (outcome) {
      const by = areaAttribution(outcome.areas.map(a => a.pattern), list, this.files?.linker.options);
      const all = list.filter((_, k) => by[k] === area!.index);
      return { count: all.length, files: all.slice(0, limit) };
    }
    const all = filesMatching(compilePatterns(patterns, this.files?.linker.options), list);
    return { count: all.length, files: all.slice(0, limit) };
  }

  /** Patterns that match no tracked file, are shadowed or have no effect: undefined until the files are listed. */
  async patternDiagnostics(): Promise<Diagnostic[] | undefined> {
    const f = this.files;
    if (!f) return undefined;
    f.diagnostics ??= patternDiagnostics(f.linker.map, f.list, breathe, f.linker.options);
    return f.diagnostics;
  }
}

/**
 * Classifies the tracked files in steps (the worker answers questions in between), and counts them per outcome and
 * area. Given the files classified before with the same outcomes.yaml, the areas' counts change by the files added
 * and removed since (matching every area's pattern against every file again is most of the work); the same list
 * gives `old` back.
 */
async function classifyFiles(list: string[], linker: Linker, old?: Files): Promise<Files> {
  const change = old && listChange(old.list, list);
  if (change && !change.added.length && !change.removed.length) return old!;
  const unlinked: string[] = [];
  const folders = new FolderCounts();
  const byOutcome: Record<string, number> = {};
  for (let i = 0; i < list.length; i += 5000) {
    for (const f of linker.classifyAll(list, i, Math.min(list.length, i + 5000))) {
      for (const id of f.outcomes) byOutcome[id] = (byOutcome[id] ?? 0) + 1;
      if (f.status === 'unlinked') { unlinked.push(f.path); folders.add(f.path); }
    }
    await breathe();
  }
  // What each area adds to its outcome after the negations: each file is decided by its own path, so a changed list
  // changes the counts by what the files added and removed add.
  const byArea: Record<string, number[]> = {};
  for (const o of linker.map.outcomes) {
    const patterns = o.areas.map(a => a.pattern);
    if (change) {
      const plus = areaAdds(patterns, change.added, linker.options), minus = areaAdds(patterns, change.removed, linker.options);
      byArea[o.id] = old!.byArea[o.id].map((n, i) => n + plus[i] - minus[i]);
    } else {
      byArea[o.id] = areaAdds(patterns, list, linker.options);
      await breathe();
    }
  }
  return { list, linker, unlinked, counts: folders.counts(), byOutcome, byArea };
}

/**
 * The files of `list` that `old` does not have, and the other way round, found where the two lists stop agreeing at
 * either end (a commit changes a few files); undefined when a submodule came or went (it is matched as a folder).
 */
function listChange(old: string[], list: string[]): { added: string[]; removed: string[] } | undefined {
  const links = (l: string[]) => [...((l as { gitlinks?: ReadonlySet<string> }).gitlinks ?? [])].sort().join('\0');
  if (links(old) !== links(list)) return undefined;
  let start = 0;
  while (start < old.length && start < list.length && old[start] === list[start]) start++;
  let endOld = old.length, endNew = list.length;
  while (endOld > start && endNew > start && old[endOld - 1] === list[endNew - 1]) { endOld--; endNew--; }
  const before = new Set(old.slice(start, endOld));
  const now = new Set(list.slice(start, endNew));
  return { added: [...now].filter(f => !before.has(f)), removed: [...before].filter(f => !now.has(f)) };
}
