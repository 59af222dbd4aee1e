import type { CommitStatus, Link } from '../links/link';
import type { OutcomeMap } from '../outcomes/model';
import type { GitErrorKind } from '../git/runner';

/**
 * What the history service answers (src/core/history/service.ts): small, plain values that cross from the history
 * worker to the extension host as messages. The host keeps none of the history; it asks for what a view shows.
 */

/** A commit as a view row shows it: its facts without the changed paths, and its links. */
export interface CommitRow {
  sha: string;
  parents: string[];
  author: string;
  email: string;
  date: string;
  subject: string;
  links: Link[];
  invalid: string[];
  status: CommitStatus;
  /** Why an ignored commit needs no outcome: the rule or note (see CommitLink.ignoredBy). */
  ignoredBy?: string;
  outcomes: string[];
  /** The ids the commit's note names (valid or not): what a note can add to or take away. */
  noteIds?: string[];
  /** For an unlinked commit: the outcome its files' folders changed with most often, and why. */
  suggestion?: { outcome: string; evidence: string };
  /** The whole message: only in answers about one commit (hovers). */
  message?: string;
}

/** A list of the window's commits. */
export type CommitList =
  | { kind: 'unlinked' }
  | { kind: 'invalid' }
  | { kind: 'outcome'; id: string }
  | { kind: 'group'; by: GroupBy; key: string };

export type GroupBy = 'author' | 'week';

export interface HistoryError {
  kind: GitErrorKind;
  /** One line, git's complaint with the fix where there is one. */
  message: string;
}

export interface Summary {
  /** The service that answers (a new one after the history worker started again). */
  service: string;
  /** Bumped at every change of what the service answers. */
  gen: number;
  /** The outcomes.yaml the answers are linked with (see mapKey): the host shows them only for its own map. */
  map: string;
  /** A read from git is running. */
  reading: boolean;
  /** Commits read so far by the running read. */
  readSoFar: number;
  /** The last refresh failed; what is shown is the last complete answer, if any. */
  error?: HistoryError;
  history?: {
    /** Which answer about the window this is: it changes whenever the commits or their links do. */
    snapshot: number;
    /** False while the first read of the window is still arriving (counts so far), or when it was stopped. */
    complete: boolean;
    since: string;
    windowDays: number;
    commits: number;
    unlinked: number;
    invalid: number;
    /** Commits linked by a trailer, and by a note. */
    viaTrailer: number;
    viaNote: number;
    /** When the window holds no commit: the committer date (ISO 8601) of HEAD's newest commit, older than the window. */
    newest?: string;
    byOutcome: Record<string, number>;
    /** Planned vs actual (commits) of the outcomes with a budget, once the window is read; undefined without budgets. */
    plan?: PlanSummary;
  };
  files?: {
    tracked: number;
    unlinked: number;
    /** Tracked files each outcome's areas match, and each area pattern alone. */
    byOutcome: Record<string, number>;
    byArea: Record<string, number[]>;
  };
}

/** Per outcome with a budget: its budget and its actual share of the effort that needs an outcome (0..1; null with none). */
export type PlanSummary = Record<string, { budget: number; actual: number | null }>;

export interface FolderRows {
  /** Sub-folders holding unlinked files, most first, with how many are under each. */
  folders: { path: string; count: number }[];
  /** The folder's own unlinked files, in git's order. */
  files: string[];
}

/** What the current line shows: the commit that last changed it, or that the line is not committed yet. */
export type LineAnswer = { kind: 'commit'; row: CommitRow } | { kind: 'uncommitted' } | { kind: 'untracked' };

/** A short identity of an outcomes.yaml map (FNV-1a of its JSON): the host shows counts only for the map it has itself. */
export function mapKey(map: OutcomeMap | undefined): string {
  let h = 0x811c9dc5;
  const s = JSON.stringify(map ?? null);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/** The service's methods the extension host may call, by name, through the history worker. */
export const HISTORY_METHODS = [
  'configure', 'refresh', 'cancel', 'summary', 'commits', 'groups', 'commit', 'lineCommit', 'unlinkedFolder', 'tracked', 'filesMatching',
  'patternDiagnostics', 'report', 'show', 'folderSuggestions', 'tag', 'commitFiles', 'remotes', 'addNotesFetch', 'pushNotes', 'createOutcomes',
  'settle',
  'diffOutcomes', 'branches',
] as const;
export type HistoryMethod = (typeof HISTORY_METHODS)[number];

export type ToWorker =
  | { t: 'open'; root: string; cacheDir?: string; windowDays: number; map?: OutcomeMap }
  | { t: 'close'; root: string }
  | { t: 'call'; id: number; root: string; method: HistoryMethod; args: unknown[] }
  | { t: 'trust'; trusted: boolean; timeoutMs: number };

export type FromWorker =
  | { t: 'reply'; id: number; result?: unknown; error?: HistoryError }
  | { t: 'changed'; root: string }
  | { t: 'log'; line: string };
