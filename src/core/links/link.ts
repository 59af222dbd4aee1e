import { OutcomeMap } from '../outcomes/model';
import { compilePatterns, foldCase, MatchOptions, PathMatcher } from '../patterns/matcher';
import { isRepoPath, walkDirectories } from '../patterns/walk';
import { idsFromValues, noteTrailerValues, valuesFor } from '../message/trailers';
import type { GitRepo, RawCommit } from '../git/repo';
import type { PathsToday } from './renames';
import { IGNORED_FILES_EVIDENCE, NO_FILES_EVIDENCE, OUTCOMES_FILE_EVIDENCE, OUTCOMES_FILE_PATTERN, SettleRules } from './settle';

export type Via = 'trailer' | 'note' | 'ticket' | 'area';
/** Strongest first (DESIGN.md, "Links"). */
export const VIA_ORDER: readonly Via[] = ['trailer', 'note', 'ticket', 'area'];

export interface Link {
  outcome: string;
  via: Via;
  /**
   * What made the link: the trailer value, the ticket key, the changed file (where it lives today, then "(renamed from
   * <the path it had then>)" when it moved since). For hovers, not for the CLI's JSON.
   */
  evidence: string;
  /** An area link by a file that has moved since: the path the commit changed (`evidence` starts with today's). */
  renamedFrom?: string;
}

export type FileStatus = 'linked' | 'ignored' | 'unlinked';
export type CommitStatus = 'linked' | 'unlinked' | 'ignored';

export interface FileLink {
  path: string;
  outcomes: string[];
  ignored: boolean;
  status: FileStatus;
}

/** A commit and its links, each with its evidence, strongest first. */
export interface CommitLink {
  commit: RawCommit;
  links: Link[];
  /** Ids named by a trailer or a note that outcomes.yaml does not define, and that no note settles (see `replaced`). */
  invalid: string[];
  /** Unknown ids of the trailer that a note naming a valid outcome settles: shown as replaced, not as a problem. */
  replaced: string[];
  status: CommitStatus;
  /** Outcome ids, each once, strongest link first. */
  outcomes: string[];
  /** Why an `ignored` commit needs no outcome: the rule or note (settle.ts), MERGE_EVIDENCE for a merge. */
  ignoredBy?: string;
  /** Its changed files that live elsewhere today (see RenameWalk): a relink with other notes or areas passes them again. */
  today?: PathsToday;
}

/** The merge rule's evidence (README, Links): a merge is linked only by what it says, never judged by its diff. */
export const MERGE_EVIDENCE = 'merge: its work is in the commits it brings';

/** A merge commit: judged by the merge rule (Linker.commit), left out of counts so no work is counted twice. */
export function isMerge(c: Pick<RawCommit, 'parents'>): boolean {
  return c.parents.length > 1;
}

/**
 * One outcomes.yaml compiled for linking: one matcher per outcome and one for `ignore`, compiled once,
 * and a memo of path -> outcomes, since the same paths recur in thousands of commits.
 */
export class Linker {
  private readonly areaMatchers: { id: string; m: PathMatcher }[];
  private readonly ignoreMatcher: PathMatcher;
  /** Commits that need no outcome by author, subject or note (see settle.ts). */
  private readonly settle: SettleRules;
  private readonly ids: Set<string>;
  private readonly ticketRe?: RegExp;
  private readonly ticketOwner = new Map<string, string[]>();
  private readonly memo = new Map<string, FileLink>();
  /** Per directory: which area matchers (by index) and whether ignore match the directory itself. */
  private readonly dirMemo = new Map<string, DirAnswer>();
  /**
   * When every list is plain paths: all file-level rules merged, path or name -> outcome indices (ignore is -1),
   * so a file costs two lookups and, usually, no allocation beyond its answer.
   */
  private readonly merged?: {
    byPath: Map<string, number[]>; byName: Map<string, number[]>; dirByPath: Map<string, number[]>; dirByName: Map<string, number[]>;
    /** The longest anchored paths: a longer path cannot be one of them, and needs no lookup. */
    longestPath: number; longestDir: number;
    /** dirNameLengths[n] is 1 when some directory rule's name has n characters: any other name needs no lookup. */
    dirNameLengths: Uint8Array;
  };

  /** Paths as the merged lookup holds them (folded where the repository ignores case, see MatchOptions). */
  private readonly key: (path: string) => string;

  /** `options`: how the repository's git compares paths (repoMatchOptions), so that areas and ignore match as git's do. */
  constructor(readonly map: OutcomeMap, readonly options: MatchOptions = {}) {
    this.key = options.ignoreCase ? foldCase : p => p;
    this.areaMatchers = map.outcomes.filter(o => o.areas.length).map(o => ({ id: o.id, m: compilePatterns(o.areas.map(a => a.pattern), options) }));
    // outcomes.yaml needs no outcome: first in the list, so that `!/outcomes.yaml` in ignore takes it back.
    this.ignoreMatcher = compilePatterns([OUTCOMES_FILE_PATTERN, ...map.ignore.map(p => p.pattern)], options);
    this.settle = new SettleRules(map);
    this.rootDir = { areas: this.areaMatchers.map(() => false), outcomes: EMPTY as unknown as string[], ignored: false };
    const all = [...this.areaMatchers.map((a, i) => [a.m, i] as const), [this.ignoreMatcher, -1] as const];
    if (all.every(([m]) => m.literal)) {
      const byPath = new Map<string, number[]>(), byName = new Map<string, number[]>();
      const dirByPath = new Map<string, number[]>(), dirByName = new Map<string, number[]>();
      const put = (m: Map<string, number[]>, k: string, i: number) => { const l = m.get(k) ?? []; if (!l.includes(i)) l.push(i); m.set(k, l); };
      for (const [m, i] of all) {
        for (const p of m.literal!.anchoredFiles) put(byPath, p, i);
        for (const n of m.literal!.fileNames) put(byName, n, i);
        for (const p of m.literal!.anchoredDirs) put(dirByPath, p, i);
        for (const n of m.literal!.dirNames) put(dirByName, n, i);
      }
      const longest = (m: Map<string, unknown>) => { let n = 0; for (const k of m.keys()) n = Math.max(n, k.length); return n; };
      const dirNameLengths = new Uint8Array(longest(dirByName) + 1);
      for (const n of dirByName.keys()) dirNameLengths[n.length] = 1;
      this.merged = { byPath, byName, dirByPath, dirByName, longestPath: longest(byPath), longestDir: longest(dirByPath), dirNameLengths };
    }
    this.ids = new Set(map.outcomes.map(o => o.id));
    for (const o of map.outcomes) for (const t of o.tickets) {
      const list = this.ticketOwner.get(t) ?? [];
      list.push(o.id);
      this.ticketOwner.set(t, list);
    }
    if (this.ticketOwner.size) {
      // Longest prefix first so `PAY-` and `PAYX-` both match what they should; keys are case-sensitive like Jira's.
      const prefixes = [...this.ticketOwner.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
      this.ticketRe = new RegExp(`(?<![A-Za-z0-9])(${prefixes.join('|')})[0-9]+`, 'g');
    }
  }

  /** A Linker that matches paths as the repository's git does (its core.ignorecase, see repoMatchOptions). */
  static async forRepo(map: OutcomeMap, repo: Pick<GitRepo, 'configEntries'>, signal?: AbortSignal): Promise<Linker> {
    return new Linker(map, await repoMatchOptions(repo, signal));
  }

  get trailerKey(): string {
    return this.map.trailer;
  }

  /** A file's outcomes (every outcome whose areas match it) and whether `ignore` matches it. */
  file(path: string): FileLink {
    let f = this.memo.get(path);
    if (!f) {
      f = this.classify(path);
      this.memo.set(path, f);
    }
    return f;
  }

  /** A submodule's answer: the folder it is (git matches `vendor/dep/` against the gitlink `vendor/dep`). */
  gitlink(path: string): FileLink {
    if (!isRepoPath(path)) return fileLink(path, [], false);
    const d = this.dir(path);
    return fileLink(path, d.outcomes, d.ignored);
  }

  /** The same answer without remembering the file. */
  classify(path: string): FileLink {
    // (no pattern matches a path that is not the repository's: see isRepoPath)
    if (!isRepoPath(path)) return fileLink(path, [], false);
    const slash = path.lastIndexOf('/');
    return this.fileIn(slash === -1 ? this.rootDir : this.dir(path.slice(0, slash)), path, slash + 1);
  }

  /**
   * The answers for paths[start..end), as classify gives them, for whole file lists (50k files need no memo):
   * directories are decided once each (see walkDirectories). A caller streaming 50k files asks for a slice at a
   * time, so that few answers are alive at once.
   */
  classifyAll(paths: readonly string[], start = 0, end = paths.length): FileLink[] {
    const out = new Array<FileLink>(Math.max(0, end - start));
    const skipped = walkDirectories(paths, start, end, this.rootDir, (parent, dir, nameStart) => this.dirIn(parent, dir, nameStart), (i, p, d, nameStart, isDir) => {
      out[i - start] = isDir ? fileLink(p, d.outcomes, d.ignored) : this.fileIn(d, p, nameStart);
    });
    if (skipped) for (let i = start; i < end; i++) out[i - start] ??= fileLink(paths[i], [], false);
    return out;
  }

  /** A file's answer given its directory's; its name starts at `nameStart`. */
  private fileIn(d: DirAnswer, path: string, nameStart: number): FileLink {
    if (this.merged) {
      const key = this.key(path);
      const byPath = key.length <= this.merged.longestPath ? this.merged.byPath.get(key) : undefined;
      const byName = this.merged.byName.size ? this.merged.byName.get(nameStart === 0 ? key : key.slice(nameStart)) : undefined;
      if (!byPath && !byName) return fileLink(path, d.outcomes, d.ignored); // the directory's answer, shared
      const idx = new Set([...(byPath ?? []), ...(byName ?? [])]);
      return fileLink(path, exact(this.areaMatchers.filter((a, i) => d.areas[i] || idx.has(i)).map(a => a.id)), d.ignored || idx.has(-1));
    }
    const outcomes: string[] = [];
    for (let i = 0; i < this.areaMatchers.length; i++) {
      if (this.areaMatchers[i].m.matchesFile(path, d.areas[i])) outcomes.push(this.areaMatchers[i].id);
    }
    return fileLink(path, exact(outcomes), this.ignoreMatcher.matchesFile(path, d.ignored));
  }

  private dir(dir: string): DirAnswer {
    let d = this.dirMemo.get(dir);
    if (d) return d;
    const slash = dir.lastIndexOf('/');
    d = this.dirIn(slash === -1 ? this.rootDir : this.dir(dir.slice(0, slash)), dir, slash + 1);
    this.dirMemo.set(dir, d);
    return d;
  }

  /** A directory's answer given its parent's; its name starts at `nameStart`. */
  private dirIn(parent: DirAnswer, dir: string, nameStart: number): DirAnswer {
    // Most directories add nothing to what their parent says: they share the parent's answer, no allocation.
    let areas: boolean[] | undefined;
    let ignored = parent.ignored;
    if (this.merged) {
      const m = this.merged;
      const key = this.key(dir);
      const a = key.length <= m.longestDir ? m.dirByPath.get(key) : undefined;
      const b = m.dirNameLengths[key.length - nameStart] ? m.dirByName.get(nameStart === 0 ? key : key.slice(nameStart)) : undefined;
      if (a || b) {
        for (const i of [...(a ?? []), ...(b ?? [])]) {
          if (i === -1) ignored = true;
          else if (!parent.areas[i]) (areas ??= parent.areas.slice())[i] = true;
        }
      }
    } else {
      for (let i = 0; i < this.areaMatchers.length; i++) {
        if (!parent.areas[i] && this.areaMatchers[i].m.matchesDir(dir, false)) (areas ??= parent.areas.slice())[i] = true;
      }
      ignored = parent.ignored || this.ignoreMatcher.matchesDir(dir, false);
    }
    return !areas && ignored === parent.ignored ? parent : {
      areas: areas ?? parent.areas,
      outcomes: areas ? exact(this.areaMatchers.filter((_, i) => areas![i]).map(a => a.id)) : parent.outcomes,
      ignored,
    };
  }

  private readonly rootDir: DirAnswer;

  /**
   * A commit's links with their evidence, strongest first, its invalid ids, and its status; `note` is its git note,
   * `today` where its files live today when some moved since (RenameWalk; without it, the paths at the time).
   */
  commit(c: RawCommit, note?: string, today?: PathsToday): CommitLink {
    // Hot path (every commit of a history, in a process that has just started): links are pushed in via order
    // (trailer, note, ticket, area), so no sort is needed; they are collected in scratch arrays and copied at
    // their exact size, since V8 gives an array grown by push room for 17 items.
    const links = this.scratchLinks;
    const invalid = this.scratchInvalid;
    links.length = 0;
    invalid.length = 0;
    if (c.trailers.length) this.named(idsFromValues(valuesFor(c.trailers, this.map.trailer)), 'trailer', `${this.map.trailer}: `);
    const fromTrailer = invalid.length;
    const noteIds = note ? idsFromValues(noteTrailerValues(note, this.map.trailer)) : EMPTY;
    if (note) this.named(noteIds, 'note', `note ${this.map.trailer}: `);
    const replaced = fromTrailer ? settled(links, invalid, fromTrailer, noteIds) : EMPTY as unknown as string[];
    if (this.ticketRe) {
      this.ticketRe.lastIndex = 0;
      for (const m of c.message.matchAll(this.ticketRe)) {
        for (const id of this.ticketOwner.get(m[1]) ?? []) this.add(id, 'ticket', m[0]);
      }
    }
    // Work that needs no outcome (settle.ts): what the commit says (trailer, note, ticket) wins over a rule; its files do not.
    if (!links.length) {
      const why = this.settle.why(c, note);
      if (why) return this.result(c, 'ignored', replaced, today, why);
    }
    // The merge rule: a merge's diff is the work of the commits it brings (the base branch's, for a merge of main
    // into a branch), so only its trailer, note or ticket link it, and without one it is ignored, never unlinked.
    if (isMerge(c)) return this.result(c, links.length ? 'linked' : 'ignored', replaced, today, links.length ? undefined : MERGE_EVIDENCE);
    let anyNotIgnored = false;
    const files = c.files;
    const gitlinks = c.gitlinks;
    for (let i = 0; i < files.length; i++) {
      // The rename rule (README, "Renames and moves"): a file is judged where it lives today.
      const now = today?.get(files[i]);
      const p = now ?? files[i];
      const f = gitlinks?.length && gitlinks.includes(files[i]) ? this.gitlink(p) : this.file(p);
      for (let k = 0; k < f.outcomes.length; k++) this.add(f.outcomes[k], 'area', p, now === undefined ? undefined : files[i]);
      if (f.outcomes.length || !f.ignored) anyNotIgnored = true;
    }
    return links.length || anyNotIgnored ? this.result(c, links.length ? 'linked' : 'unlinked', replaced, today)
      : this.result(c, 'ignored', replaced, today, !files.length ? NO_FILES_EVIDENCE : files.length === 1 && files[0] === 'outcomes.yaml' ? OUTCOMES_FILE_EVIDENCE : IGNORED_FILES_EVIDENCE);
  }

  /** The commit's link from the scratch arrays, copied at their exact size. */
  private result(c: RawCommit, status: CommitStatus, replaced: string[], today?: PathsToday, ignoredBy?: string): CommitLink {
    const links = this.scratchLinks;
    const outcomes = this.scratchOutcomes;
    outcomes.length = 0;
    for (let i = 0; i < links.length; i++) if (!outcomes.includes(links[i].outcome)) outcomes.push(links[i].outcome);
    const r: CommitLink = { commit: c, links: exact(links), invalid: exact(this.scratchInvalid), replaced, status, outcomes: exact(outcomes) };
    if (ignoredBy) r.ignoredBy = ignoredBy;
    if (today) r.today = today;
    return r;
  }

  /** Ids a trailer or note names: links when outcomes.yaml has them, invalid links when not. */
  private named(ids: readonly string[], via: 'trailer' | 'note', evidence: string): void {
    for (const id of ids) {
      if (this.ids.has(id)) this.add(id, via, evidence + id);
      else if (!this.scratchInvalid.includes(id)) this.scratchInvalid.push(id);
    }
  }

  /** One link, unless the same outcome is already linked the same way (the first evidence is kept). */
  private add(outcome: string, via: Via, evidence: string, renamedFrom?: string): void {
    const links = this.scratchLinks;
    for (let i = 0; i < links.length; i++) if (links[i].outcome === outcome && links[i].via === via) return;
    links.push(renamedFrom === undefined ? { outcome, via, evidence } : { outcome, via, evidence: `${evidence} (renamed from ${renamedFrom})`, renamedFrom });
  }

  private readonly scratchLinks: Link[] = [];
  private readonly scratchInvalid: string[] = [];
  private readonly scratchOutcomes: string[] = [];
}

/**
 * The rule for settled invalid links (DESIGN.md, "Invalid links"): a note that names a valid outcome replaces the
 * trailer's unknown ids (a commit message cannot be edited, its note can); they leave `invalid`, which keeps the
 * note's own unknown ids (an id the note names too stays invalid). `invalid[0..fromTrailer)` are the trailer's.
 */
function settled(links: readonly Link[], invalid: string[], fromTrailer: number, noteIds: readonly string[]): string[] {
  if (!links.some(l => l.via === 'note')) return EMPTY as unknown as string[];
  const replaced = invalid.slice(0, fromTrailer).filter(id => !noteIds.includes(id));
  if (!replaced.length) return EMPTY as unknown as string[];
  const kept = invalid.filter(id => !replaced.includes(id));
  invalid.length = 0;
  invalid.push(...kept);
  return replaced;
}

function fileLink(path: string, outcomes: string[], ignored: boolean): FileLink {
  return { path, outcomes, ignored, status: outcomes.length ? 'linked' : ignored ? 'ignored' : 'unlinked' };
}

interface DirAnswer {
  areas: boolean[];
  /** The ids of the outcomes whose areas match the directory (shared by every file under it that adds none). */
  outcomes: string[];
  ignored: boolean;
}

const EMPTY: readonly never[] = Object.freeze([]);
/** An exact-size copy (or the shared empty array): see Linker.commit. */
function exact<T>(xs: T[]): T[] {
  return xs.length ? xs.slice() : (EMPTY as unknown as T[]);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * How the repository's git compares paths: `core.ignorecase` (git sets it to true when it creates a repository on a
 * case-insensitive file system, as on macOS and Windows), read as git reads a boolean. Patterns then match as git
 * matches them there (see compilePatterns). One git call: the CLI asks once per run, the history service once per refresh.
 */
export async function repoMatchOptions(repo: Pick<GitRepo, 'configEntries'>, signal?: AbortSignal): Promise<MatchOptions> {
  // configEntries tells a key set with no value (true, for git) from one set to the empty string (false).
  const entries = await repo.configEntries('^core\\.ignorecase$', signal);
  const last = entries[entries.length - 1];
  return { ignoreCase: last !== undefined && gitBoolean(last[1]) };
}

/** git's reading of a boolean value (config.c git_parse_maybe_bool, then a number): anything else is false here. */
function gitBoolean(value: string | undefined): boolean {
  if (value === undefined) return true;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === '' || v === 'false' || v === 'no' || v === 'off') return false;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n !== 0;
}

/** Outcomes to suggest for a change: those whose areas match the changed files, most files first. */
export function suggestOutcomes(linker: Linker, paths: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const p of paths) for (const id of linker.file(p).outcomes) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}
