import type { OutcomeMap } from '../outcomes/model';
import type { RawCommit } from '../git/repo';
import type { CommitBlock } from './block';

/**
 * The messages between the extension host and the history worker (a worker thread that owns each repository's
 * history: it starts git, reads the cache, parses and links, and hands the host only what the views show).
 * Every git process the worker starts is counted in `git` (its running total), so the host can still assert
 * "no git in Restricted Mode" and count processes per read.
 */

/** Read a repository's tips, tracked files and history window (`id` names this read in the replies). */
export interface LoadRequest {
  t: 'load';
  id: number;
  root: string;
  /** ISO date: the window's start. */
  since: string;
  trailer: string;
  /** Where commits read from git are kept between sessions; without it every read asks git. */
  cacheDir?: string;
  /** outcomes.yaml's last valid map, as the host parsed it (undefined: link nothing). The worker never loads yaml. */
  outcomes?: OutcomeMap;
  /** Read the history even if HEAD, notes and window are those of the last read. */
  force: boolean;
}

/**
 * Get a repository's first read ready without git, before a view asks (the host sends it when the worker starts):
 * read what the last session saved and link its newest commits, so that the read posts them at once.
 */
export type PrepareRequest = Omit<LoadRequest, 't' | 'id' | 'force'> & { t: 'prepare' };

export type ToWorker =
  | LoadRequest
  | PrepareRequest
  | { t: 'cancel'; id: number }
  /** A new valid outcomes.yaml: the history read so far is linked again, without git. */
  | { t: 'outcomes'; root: string; outcomes: OutcomeMap }
  /** All commits of the last read with all their facts (a report needs the changed paths). */
  | { t: 'full'; id: number; root: string };

/** Which list a `links` message adds to: a read from git replaces the shown list part by part, a relink at its end. */
export type StreamKind = 'load' | 'relink';

export type FromWorker =
  | { t: 'tips'; id: number; git: number }
  | { t: 'files'; id: number; files: string[]; git: number }
  /** The next commits of list `gen` of `root`, newest first within a part; `fraction` of the window they make up. */
  | { t: 'links'; root: string; gen: number; kind: StreamKind; block: CommitBlock; fraction: number; git: number }
  /** List `gen` is complete (a relink's end; a read's end comes with `end`). */
  | { t: 'listEnd'; root: string; gen: number; kind: StreamKind; git: number }
  | { t: 'end'; id: number; result: LoadResult; git: number }
  | { t: 'error'; id: number; message: string; git: number }
  | { t: 'full'; id: number; commits: RawCommit[]; git: number };

export interface LoadResult {
  /** The history is the one already read (same HEAD, notes, window and trailer key): no list was sent. */
  unchanged: boolean;
  /** The list this read sent (undefined when unchanged). */
  gen?: number;
  /** When the parts arrived out of git's order: position i of the window is the part-order commit order[i]. */
  order?: Int32Array;
  /** Whether the commits were linked (an outcomes.yaml was known). */
  linked: boolean;
  commits: number;
  fromGit: number;
}
