import { CommitCache } from './cache';
import { GitRepo, HistoryQuery, RawCommit } from './repo';

/** How many of the newest commits a view is given first, read straight from `git log -n`, before the rest. */
export const FIRST_ROWS = 200;
/** Commits handed on at once from the cache. */
const PART = 2000;

export interface ReadOptions {
  /** Where commits are kept between runs; without it every commit is read from git. */
  cacheDir?: string;
  signal?: AbortSignal;
  /** Each part of the answer as it becomes known, in git's order (newest first). */
  onCommits?: (commits: RawCommit[]) => void;
  /** Read the newest FIRST_ROWS straight from git before the cache file (a view's first rows). */
  newestFirst?: boolean;
  /** Keep nothing: the caller takes each part from onCommits (a whole history streamed to stdout). */
  keep?: boolean;
  /** HEAD and the notes tip, when the caller has just read them: the history of that HEAD is read. */
  tips?: { head?: string; notes?: string };
  /** Lets other work run between parts (the history worker answers the views meanwhile). */
  pause?: () => Promise<void>;
  /** Where a cache that could not be saved is mentioned (it costs the next run's speed, not this answer). */
  log?: (line: string) => void;
}

export interface ReadResult {
  commits: RawCommit[];
  count: number;
  /** How many of them git had to read (the rest came from the cache). */
  fromGit: number;
}

/**
 * The commits a query selects, newest first, as `git log` lists them: the one way the CLI and the history service
 * read history. Without a query range, HEAD is resolved once and every git call reads that commit's history, so a
 * commit made meanwhile is not half in the answer. Without a cache (or with an empty one) it is one `git log`, parsed
 * as git writes it. With a cache, rev-list says which commits, the cache has most of them and git reads only the
 * others (after one new commit, that one); a full history whose HEAD the cache knows needs no rev-list either.
 * A repository with no commit yet has an empty history; anything else git refuses is thrown.
 */
export async function readHistory(repo: GitRepo, query: HistoryQuery, o: ReadOptions = {}): Promise<ReadResult> {
  const whole = !query.range && !query.since && !query.until && query.maxCount === undefined;
  const head = query.range ? undefined : (o.tips ?? await repo.tips(o.signal)).head;
  if (!query.range && !head) return { commits: [], count: 0, fromGit: 0 };
  const q: HistoryQuery = { ...query, range: query.range ?? head };
  const kept: RawCommit[] = [];
  let count = 0;
  const hand = (part: RawCommit[]) => {
    if (!part.length) return;
    count += part.length;
    if (o.keep !== false) for (const c of part) kept.push(c);
    o.onCommits?.(part);
  };
  // A view's first rows come straight from git, before a cache file (tens of megabytes) is read; without one, the
  // one git log below hands them on as soon as git writes them.
  const newest: RawCommit[] = [];
  if (o.newestFirst && q.maxCount === undefined && o.cacheDir && CommitCache.exists(o.cacheDir, repo.root)) {
    await repo.log({ ...q, maxCount: FIRST_ROWS }, part => { hand(part); newest.push(...part); }, o.signal);
  }
  const seen = new Set(newest.map(c => c.sha));
  const cache = o.cacheDir ? await CommitCache.open(o.cacheDir, repo.root, o.pause) : undefined;
  const save = async (order?: string[]) => {
    if (!cache) return;
    if (whole && head && order) cache.setOrder(head, order);
    await cache.save().catch(e => o.log?.(`the history cache could not be saved (${(e as Error).message}); the next read asks git again`));
  };
  if (!cache || cache.size === 0) {
    const order: string[] = [];
    await repo.log(q, part => {
      if (cache) for (const c of part) { cache.add(c); order.push(c.sha); }
      hand(seen.size ? part.filter(c => !seen.has(c.sha)) : part);
    }, o.signal);
    await save(order);
    return { commits: kept, count, fromGit: count };
  }
  for (const c of newest) cache.add(c);
  const order = cache.order;
  const shas = whole && order && order.head === head ? order.shas : await repo.revList(q, o.signal);
  let fromGit = newest.length;
  for (let i = 0; i < shas.length; i += PART) {
    const chunk = shas.slice(i, i + PART).filter(s => !seen.has(s));
    const missing = chunk.filter(s => !cache.get(s));
    if (missing.length) {
      fromGit += missing.length;
      for (const c of await repo.readCommits(missing, undefined, o.signal)) cache.add(c);
    }
    hand(chunk.map(s => cache.get(s)!));
    await o.pause?.();
  }
  await save(shas);
  return { commits: kept, count, fromGit };
}
