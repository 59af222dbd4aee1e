import { CommitCache, follows } from './cache';
import { GitRepo, HistoryQuery, RawCommit } from './repo';

/** How many of the newest commits a view is given first, read straight from `git log -n`, before the rest. */
export const FIRST_ROWS = 200;
/** Commits handed on at once from the cache. */
const PART = 2000;
/** Cached lines kept decoded while a history is read in another order than the cache's (see reorder). */
const KEPT_LINES = 8;

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
 * commit made meanwhile is not half in the answer. A range (`A..B`, the CI gate) is one `git log`, whatever is
 * cached: git reads it faster than a cache file of the whole history could be. Without a cache (or with an empty one)
 * a whole history is one `git log`, written to the cache as it streams. With a cache of an older HEAD, git reads only
 * `oldHEAD..HEAD`, which is appended (see follows; else git says the order with rev-list and the file is written
 * again). A window (`since`) of a cached HEAD asks rev-list which commits, and takes them from the newest cached
 * lines. A repository with no commit yet has an empty history; anything else git refuses is thrown.
 */
export async function readHistory(repo: GitRepo, query: HistoryQuery, o: ReadOptions = {}): Promise<ReadResult> {
  // One commit (`--range v2.0`, a sha) is the whole history of that commit, as HEAD is: read through the cache too.
  const tipOnly = o.cacheDir && query.range && !query.range.includes('..') && !/^\^|\s/.test(query.range)
    ? await repo.resolveCommit(query.range, o.signal).catch(() => undefined) : undefined;
  if (tipOnly) query = { ...query, range: undefined };
  const whole = !query.range && !query.since && !query.until && query.maxCount === undefined;
  const head = query.range ? undefined : tipOnly ?? (o.tips ?? await repo.tips(o.signal)).head;
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
  const saveFailed = (e: unknown) => o.log?.(`the history cache could not be saved (${(e as Error).message}); the next read asks git again`);
  if (query.range || !o.cacheDir || query.maxCount !== undefined) {
    await repo.log(q, hand, o.signal);
    return { commits: kept, count, fromGit: count };
  }
  const cacheDir = o.cacheDir;
  // A view's first rows come straight from git, before a cache file (tens of megabytes) is read; without one, the
  // one git log below hands them on as soon as git writes them.
  const newest: RawCommit[] = [];
  if (o.newestFirst && CommitCache.exists(cacheDir, repo.root)) {
    await repo.log({ ...q, maxCount: FIRST_ROWS }, part => { hand(part); newest.push(...part); }, o.signal);
  }
  const seen = new Set(newest.map(c => c.sha));
  const unseen = (part: RawCommit[]) => (seen.size ? part.filter(c => !seen.has(c.sha)) : part);
  const cache = await CommitCache.open(cacheDir, repo.root);
  const tip = cache.tip;
  if (!tip) {
    // A window is kept as part of the history (its facts; the order of a later read is asked of git).
    const fresh = await CommitCache.create(cacheDir, repo.root).catch(e => { saveFailed(e); return undefined; });
    let done = false;
    try {
      await repo.log(q, part => { fresh?.add(part); hand(unseen(part)); }, o.signal);
      done = true;
    } finally {
      await fresh?.finish(head, done, !whole).catch(saveFailed);
    }
    return { commits: kept, count, fromGit: count };
  }
  let fromGit = newest.length;
  /**
   * The whole history in the order git says (rev-list), the facts from `added`, the cache and git; the file written
   * again as the parts go by, and put in place once all have (finishing, below).
   */
  let finishing: ((all: boolean) => Promise<void>) | undefined;
  let written: (() => Promise<unknown>) | undefined;
  const rewrite = async (added: RawCommit[]): Promise<Iterable<RawCommit[]>> => {
    const order = await reorder(repo, head!, cache, added, o.signal, n => { fromGit += n; });
    const fresh = await CommitCache.create(cacheDir, repo.root).catch(e => { saveFailed(e); return undefined; });
    finishing = all => fresh?.finish(head, all).catch(saveFailed) ?? Promise.resolve();
    written = () => fresh?.written() ?? Promise.resolve();
    return (function* () { for (const part of order) { fresh?.add(part); yield part; } })();
  };
  // HEAD's history, newest first: what git adds to the cached tip, then the cached lines.
  let chain: Iterable<RawCommit[]> = cache.parts();
  if (tip.sha !== head) {
    const added: RawCommit[] = [];
    // The cached tip may be gone (history rewritten and pruned): then the order is asked of git below.
    const ok = await repo.log({ range: `${tip.sha}..${head}` }, part => { for (const c of part) added.push(c); }, o.signal).then(() => true, e => {
      if (o.signal?.aborted) throw e;
      return false;
    });
    fromGit += added.filter(c => !seen.has(c.sha)).length;
    const continues = ok && follows(added, tip);
    // A window takes its order from git: new commits are kept as facts even when they do not simply continue.
    if (ok && (!whole || (continues && cache.whole))) {
      await cache.append(head!, added, !continues || !cache.whole).catch(saveFailed);
      chain = prepend(added, cache);
    } else chain = whole ? await rewrite(added) : [];
  } else if (whole && !cache.whole) {
    // Only a window of this HEAD is cached: the file becomes whole.
    chain = await rewrite([]);
  }
  if (whole) {
    let all = false;
    try {
      for (const part of chain) {
        hand(unseen(part));
        await o.pause?.();
        // (a file written again is written as the parts go by, not held until the end)
        await written?.();
      }
      all = true;
    } finally {
      await finishing?.(all);
    }
    return { commits: kept, count, fromGit };
  }
  // A window: git says which commits; they are among the newest cached lines, read until all are found.
  const shas = (await repo.revList(q, o.signal)).filter(s => !seen.has(s));
  const wanted = new Set(shas);
  const found = new Map<string, RawCommit>();
  for (const part of chain) {
    if (found.size === wanted.size) break;
    for (const c of part) if (wanted.has(c.sha)) found.set(c.sha, c);
    await o.pause?.();
  }
  const missing = shas.filter(s => !found.has(s));
  if (missing.length) {
    fromGit += missing.length;
    const read = await repo.readCommits(missing, undefined, o.signal);
    for (const c of read) found.set(c.sha, c);
    // A longer window than the cached one: its older commits are kept too (unless this run appended already).
    if (tip.sha === head) await cache.append(head, read, true).catch(saveFailed);
  }
  for (let i = 0; i < shas.length; i += PART) {
    hand(shas.slice(i, i + PART).map(s => found.get(s)!));
    await o.pause?.();
  }
  return { commits: kept, count, fromGit };
}

/** `added`, then the cached lines. */
function* prepend(added: RawCommit[], cache: CommitCache): Generator<RawCommit[]> {
  for (let i = 0; i < added.length; i += PART) yield added.slice(i, i + PART);
  yield* cache.parts();
}

/**
 * The whole history of `head` in git's order when the cached one does not simply continue (HEAD moved elsewhere, a
 * merge of an older branch): rev-list says the order, the cache and `added` most of the facts, git the rest. A part
 * at a time: the cached lines are decoded as the order reaches them, a few kept, so the history is never held whole.
 */
async function reorder(repo: GitRepo, head: string, cache: CommitCache, added: RawCommit[], signal: AbortSignal | undefined, readFromGit: (n: number) => void): Promise<Iterable<RawCommit[]>> {
  const shas = await repo.revList({ range: head }, signal);
  const byId = new Map(added.map(c => [c.sha, c]));
  const at = cache.locate();
  const missing = shas.filter(s => !byId.has(s) && !at.has(s));
  readFromGit(missing.length);
  for (const c of await repo.readCommits(missing, undefined, signal)) byId.set(c.sha, c);
  return (function* () {
    // The lines the order is reading from (git's orders of two HEADs mostly agree: few lines are decoded twice).
    const lines = new Map<number, Map<string, RawCommit>>();
    const cached = (sha: string) => {
      const n = at.get(sha)!;
      let line = lines.get(n);
      if (line) lines.delete(n); // (the least recently read line goes first)
      else {
        if (lines.size >= KEPT_LINES) lines.delete(lines.keys().next().value!);
        line = new Map(cache.line(n).map(c => [c.sha, c]));
      }
      lines.set(n, line);
      return line.get(sha)!;
    };
    for (let i = 0; i < shas.length; i += PART) yield shas.slice(i, i + PART).map(s => byId.get(s) ?? cached(s));
  })();
}
