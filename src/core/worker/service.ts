import { FIRST_ROWS, GitRepo, gitProcesses, RawCommit } from '../git/repo';
import { indexStamp, tipsFromFiles } from '../git/refFiles';
import { readHistoryCached, readSavedFiles, readSavedNewest, saveFiles, SavedNewest, stillNewest, StreamOptions } from '../git/cache';
import { Linker, linkedFacts, LinkedCommit } from '../links/link';
import { breathe } from '../util/breathe';
import { blockBuffers, CommitBlock, encodeBlock } from './block';
import type { FromWorker, LoadRequest, LoadResult, PrepareRequest, StreamKind, ToWorker } from './protocol';

/** Commits relinked between two looks at the message queue: a newer outcomes.yaml stops an older relink. */
const RELINK_STEP = 2000;

interface RepoState {
  /** The last read's window, in git's order. */
  raw?: RawCommit[];
  /** HEAD, notes tip, window and trailer key of that read. */
  key?: string;
  linker?: Linker;
  /** The newest list of links (a read or a relink): an older relink stops when it is bumped. */
  gen: number;
  /** Reads of one repository run one after another (a cancelled one finishes first). */
  queue: Promise<unknown>;
  loading: boolean;
  /** A relink is owed once the running read ends (outcomes.yaml changed during it). */
  relinkAfterLoad: boolean;
  /** The first read, got ready before a view asked ('prepare'): used once, if still true then. */
  prepared?: Prepared;
}

/**
 * The index file's identity now, and the last session's tracked files if they were listed from that same index file.
 * `known`: an earlier answer (a prepared read), used again while the index file is the same.
 */
function savedFilesNow(cacheDir: string, root: string, known?: Prepared['files']): Prepared['files'] {
  const stamp = indexStamp(root);
  if (!stamp) return {};
  if (known?.stamp === stamp) return known;
  const files = readSavedFiles(cacheDir, root);
  return { stamp, saved: files?.stamp === stamp ? files.files : undefined };
}

interface Prepared {
  trailer: string;
  /** The map the linker was built from, as JSON: the read's own map must be the same one. */
  outcomes: string;
  linker?: Linker;
  saved?: SavedNewest;
  /** The saved newest commits linked and encoded, when `.git`'s files said HEAD had not moved. */
  block?: CommitBlock;
  files: { stamp?: string; saved?: string[] };
}

/**
 * The history worker's work, free of the thread around it (src/worker.ts wires it to `parentPort`, the unit tests
 * call it directly): for each repository it reads git and the cache, links with the outcomes.yaml the host sent,
 * and posts the views' share of each commit (`linkedFacts`) as it goes. The raw history stays here, so that an
 * outcomes.yaml edit relinks without git and the host's heap holds only what the views show.
 */
export class HistoryService {
  private readonly repos = new Map<string, RepoState>();
  private readonly loads = new Map<number, AbortController>();

  /** `quickTips`: HEAD as the repository's files say (tests give a wrong one, as a HEAD that moves meanwhile would). */
  constructor(private readonly post: (m: FromWorker, transfer?: ArrayBuffer[]) => void, private readonly quickTips = tipsFromFiles) {}

  handle(m: ToWorker): void {
    switch (m.t) {
      case 'load': {
        const ac = new AbortController();
        this.loads.set(m.id, ac);
        const st = this.state(m.root);
        const run = st.queue.then(() => this.load(m, st, ac.signal));
        st.queue = run.then(r => {
          this.post({ t: 'end', id: m.id, result: r, git: gitProcesses.started }, r.order ? [r.order.buffer as ArrayBuffer] : undefined);
          if (st.relinkAfterLoad && st.raw) void this.relink(m.root, st);
        }, e => this.post({ t: 'error', id: m.id, message: e instanceof Error ? e.message : String(e), git: gitProcesses.started }))
          .finally(() => this.loads.delete(m.id));
        break;
      }
      case 'prepare':
        this.prepare(m);
        break;
      case 'cancel':
        this.loads.get(m.id)?.abort();
        break;
      case 'outcomes': {
        const st = this.state(m.root);
        st.linker = new Linker(m.outcomes);
        if (st.loading) st.relinkAfterLoad = true;
        else if (st.raw) void this.relink(m.root, st);
        break;
      }
      case 'full':
        this.post({ t: 'full', id: m.id, commits: this.repos.get(m.root)?.raw ?? [], git: gitProcesses.started });
        break;
    }
  }

  private state(root: string): RepoState {
    let st = this.repos.get(root);
    if (!st) this.repos.set(root, st = { gen: 0, queue: Promise.resolve(), loading: false, relinkAfterLoad: false });
    return st;
  }

  private links(root: string, gen: number, kind: StreamKind, links: LinkedCommit[] | CommitBlock, fraction: number): void {
    const block = Array.isArray(links) ? encodeBlock(links) : links;
    this.post({ t: 'links', root, gen, kind, block, fraction, git: gitProcesses.started }, blockBuffers(block));
  }

  /** Links the last read again with the current outcomes.yaml, posting it as a new list; a newer list stops it. */
  private async relink(root: string, st: RepoState): Promise<void> {
    st.relinkAfterLoad = false;
    const linker = st.linker;
    const raw = st.raw;
    if (!linker || !raw) return;
    const gen = ++st.gen;
    for (let i = 0; i < raw.length; i += RELINK_STEP) {
      if (i) await breathe();
      if (st.gen !== gen) return;
      const part: LinkedCommit[] = [];
      for (let j = i; j < Math.min(raw.length, i + RELINK_STEP); j++) part.push(linkedFacts(linker.commit(raw[j])));
      this.links(root, gen, 'relink', part, part.length / raw.length);
    }
    this.post({ t: 'listEnd', root, gen, kind: 'relink', git: gitProcesses.started });
  }

  /** A new list of links for a read: `onChunk` links each part it is given and posts it under the list's number. */
  private newList(root: string, st: RepoState) {
    const gen = ++st.gen;
    const raw: RawCommit[] = [];
    /** The outcomes.yaml versions the parts were linked with: any but the current one means a relink is owed. */
    const used = new Set<Linker | undefined>();
    /** `linked`: the part linked and encoded ahead (a prepared read) by `linker`. */
    const add = (chunk: RawCommit[], fraction: number, linker = st.linker, linked?: CommitBlock) => {
      for (const c of chunk) raw.push(c);
      used.add(linker); // an outcomes.yaml that arrives meanwhile links the later parts
      this.links(root, gen, 'load', linked ?? (linker ? chunk.map(c => linkedFacts(linker.commit(c))) : []), fraction);
    };
    const onChunk = (chunk: RawCommit[], _done: number, total: number) => add(chunk, Number.isFinite(total) ? chunk.length / Math.max(1, total) : 0);
    const onLinked = (chunk: RawCommit[], block: CommitBlock, linker: Linker) => add(chunk, 0, linker, block);
    return { gen, raw, used, onChunk, onLinked };
  }

  /**
   * Reads what the last session saved and links its newest commits, with no git process, while the worker waits
   * for a view to ask: in a second session the worker's first steps, cold code on a CPU shared with the
   * workbench's start, took 0.2-0.3 s after the view asked.
   */
  private prepare(m: PrepareRequest): void {
    const st = this.state(m.root);
    if (st.key !== undefined || st.loading || !m.cacheDir) return;
    const linker = m.outcomes ? new Linker(m.outcomes) : undefined;
    const saved = readSavedNewest(m.cacheDir, m.root, m.trailer);
    const current = saved && linker && stillNewest(saved, { since: m.since }, this.quickTips(m.root) ?? {});
    const block = current ? encodeBlock(saved.commits.map(c => linkedFacts(linker.commit(c)))) : undefined;
    st.prepared = { trailer: m.trailer, outcomes: JSON.stringify(m.outcomes ?? null), linker, saved, block, files: savedFilesNow(m.cacheDir, m.root) };
  }

  /**
   * A first read's tracked files from the last session, posted at once, when the index file is the one they were
   * listed from. `stamp` is the index file's identity now, taken before `ls-files` reads it.
   */
  private showSavedFiles(m: LoadRequest, firstRead: boolean, prepared?: Prepared['files']): { stamp?: string; shown?: string[] } {
    if (!m.cacheDir) return {};
    if (!firstRead) return { stamp: indexStamp(m.root) };
    const now = savedFilesNow(m.cacheDir, m.root, prepared);
    if (now.saved) this.post({ t: 'files', id: m.id, files: now.saved, git: gitProcesses.started });
    return { stamp: now.stamp, shown: now.saved };
  }

  /** git's list of tracked files: posted if it differs from the saved one shown, and then saved for the next session. */
  private async listFiles(m: LoadRequest, repo: GitRepo, { stamp, shown }: { stamp?: string; shown?: string[] }, signal: AbortSignal): Promise<void> {
    const files = await repo.trackedFiles();
    const same = shown?.length === files.length && shown.every((f, i) => f === files[i]);
    if (!same && !signal.aborted) this.post({ t: 'files', id: m.id, files, git: gitProcesses.started });
    if (m.cacheDir && stamp && !same) await saveFiles(m.cacheDir, m.root, stamp, files).catch(() => undefined); // only a cache
  }

  private async load(m: LoadRequest, st: RepoState, signal: AbortSignal): Promise<LoadResult> {
    if (signal.aborted) throw new Error('cancelled');
    st.loading = true;
    try {
      const q = { since: m.since };
      // The first read needs the newest commits before anything else: they are a view's first rows. The last
      // session saved its own; without them git is asked before anything else.
      const firstRead = st.key === undefined && m.cacheDir ? m.cacheDir : undefined;
      // Got ready before the view asked, for the same trailer key and map: its reads and links are used.
      const prep = firstRead && st.prepared?.trailer === m.trailer && st.prepared.outcomes === JSON.stringify(m.outcomes ?? null) ? st.prepared : undefined;
      st.prepared = undefined;
      const saved = prep ? prep.saved : firstRead ? readSavedNewest(firstRead, m.root, m.trailer) : undefined;
      // The host parsed outcomes.yaml; the worker compiles its patterns.
      if (m.outcomes) st.linker = prep?.linker ?? new Linker(m.outcomes);
      // The saved commits and files go out before any git process starts (before simple-git even loads): while the
      // workbench starts, the worker shares two CPUs with it, and each git process took 0.1-0.6 s to answer. The
      // commits go when the repository's files say HEAD has not moved since; git confirms both just after.
      let list = saved && stillNewest(saved, q, this.quickTips(m.root) ?? {}) ? this.newList(m.root, st) : undefined;
      if (list && prep?.block && prep.linker) list.onLinked(saved!.commits, prep.block, prep.linker);
      else list?.onChunk(saved!.commits, 0, Infinity);
      const savedFiles = this.showSavedFiles(m, st.key === undefined, prep?.files);
      const repo = new GitRepo(m.root, signal);
      // Without saved commits that `.git`'s files accept, git's newest are posted as git writes them, before the tips
      // are known: each pipe-full is a part of a new list.
      let newest: StreamOptions['newest'];
      if (firstRead && !list) {
        const streamed = list = this.newList(m.root, st);
        const posted: RawCommit[] = [];
        const reading = repo.readNewest(q, FIRST_ROWS, m.trailer, 'if-any', part => { for (const c of part) posted.push(c); streamed.onChunk(part, 0, Infinity); });
        newest = { commits: reading.then(() => posted, () => posted), fromGit: true, handed: true };
      }
      // The file list needs no tips: it starts at once, and the history as soon as the tips are known, so that each
      // view shows its first rows as soon as it can. The rest of the window (rev-list, the cache file) waits for the
      // file list: on two cores it held ls-files back by up to a second.
      const listing = this.listFiles(m, repo, savedFiles, signal);
      listing.catch(() => undefined); // awaited below
      const tips = await repo.tips();
      this.post({ t: 'tips', id: m.id, git: gitProcesses.started });
      // git's own newest (streamed above) stand; saved ones stand if git agrees with `.git`'s files.
      if (!newest?.fromGit) {
        if (saved && stillNewest(saved, q, tips)) newest = { commits: Promise.resolve(saved.commits), fromGit: false, handed: !!list };
        else list = undefined; // HEAD moved between the look at `.git`'s files and git's answer: a new list, from git
      }
      const key = `${tips.head}\0${tips.notes}\0${m.since.slice(0, 10)}\0${m.trailer}`;
      let result: LoadResult;
      if (key === st.key && !m.force) {
        result = { unchanged: true, linked: !!st.linker, commits: st.raw?.length ?? 0, fromGit: 0 };
      } else {
        const stream = list ?? this.newList(m.root, st);
        const { gen, onChunk, used } = stream;
        let raw = stream.raw;
        let fromGit = 0;
        let ordered: RawCommit[] | undefined;
        if (!tips.head) {
          // an empty repository: no history to read
        } else if (m.cacheDir) {
          const r = await readHistoryCached(repo, q, m.trailer, m.cacheDir, { signal, onChunk, tips, newest, restAfter: listing });
          ordered = r.commits;
          fromGit = r.stats.readFromGit;
        } else {
          const shas = await repo.revList(q);
          await repo.readCommits(shas, m.trailer, chunk => onChunk(chunk, 0, shas.length), signal, tips.notes ?? null);
          fromGit = shas.length;
        }
        if (signal.aborted) throw new Error('cancelled');
        // Cached and new commits arrive in two runs, and the newest from git may be other objects for the same ids
        // than the cache's: the views want git's order (newest first), by id.
        let order: Int32Array | undefined;
        if (ordered && ordered.some((c, i) => raw[i]?.sha !== c.sha)) {
          const at = new Map(raw.map((c, i) => [c.sha, i]));
          order = Int32Array.from(ordered, c => at.get(c.sha)!);
        }
        if (ordered) raw = ordered;
        st.raw = raw;
        st.key = key;
        if ([...used].some(l => l !== st.linker)) st.relinkAfterLoad = true;
        result = { unchanged: false, gen, order, linked: !!st.linker && !used.has(undefined), commits: raw.length, fromGit };
      }
      await listing;
      if (signal.aborted) throw new Error('cancelled');
      return result;
    } finally {
      st.loading = false;
    }
  }
}
