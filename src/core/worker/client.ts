import type { Worker } from 'node:worker_threads';
import type { RawCommit } from '../git/repo';
import type { OutcomeMap } from '../outcomes/model';
import type { CommitBlock } from './block';
import type { FromWorker, LoadRequest, LoadResult, PrepareRequest, StreamKind, ToWorker } from './protocol';

/** What a repository's views are told of the lists the worker sends (see FromWorker 'links' and 'listEnd'). */
export interface ListListener {
  links(gen: number, kind: StreamKind, block: CommitBlock, fraction: number): void;
  listEnd(gen: number, kind: StreamKind): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  tips?: () => void;
  files?: (files: string[]) => void;
}

/**
 * The host's side of the history worker (src/core/worker/service.ts does the work, in its own thread). The
 * thread starts on the first request, not at activation, and never in Restricted Mode (the callers check),
 * and starts again on the next request if it dies. Git processes the worker starts are added to `gitCount`.
 */
export class HistoryWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly lists = new Map<string, ListListener>();
  private workerGit = 0;

  constructor(private readonly file: string, private readonly gitCount: { started: number }, private readonly onFailure: (e: Error) => void = () => {}) {}

  /** Starts the thread ahead of the first read (it loads its code meanwhile; it runs no git until asked). */
  start(): void {
    this.thread();
  }

  private send(m: ToWorker): void {
    this.thread().postMessage(m);
  }

  private thread(): Worker {
    if (!this.worker) {
      // node:worker_threads loads here, with the first read: activation does not pay for it.
      const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
      const w = this.worker = new Worker(this.file);
      this.workerGit = 0;
      w.unref(); // an idle worker keeps no process alive (the CLI's tests, a host shutting down)
      w.on('message', (msg: FromWorker) => this.receive(msg));
      const fail = (e: Error) => {
        if (this.worker !== w) return;
        this.worker = undefined;
        this.onFailure(e);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      w.on('error', fail);
      w.on('exit', code => fail(new Error(`the history worker stopped (exit code ${code})`)));
    }
    return this.worker;
  }

  private receive(m: FromWorker): void {
    this.gitCount.started += m.git - this.workerGit;
    this.workerGit = m.git;
    switch (m.t) {
      case 'links': this.lists.get(m.root)?.links(m.gen, m.kind, m.block, m.fraction); return;
      case 'listEnd': this.lists.get(m.root)?.listEnd(m.gen, m.kind); return;
      case 'tips': this.pending.get(m.id)?.tips?.(); return;
      case 'files': this.pending.get(m.id)?.files?.(m.files); return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.t === 'error') p.reject(new Error(m.message));
    else p.resolve(m.t === 'end' ? m.result : m.commits);
  }

  /** Where a repository's lists of links go (one listener per repository). */
  listen(root: string, listener: ListListener): { dispose(): void } {
    this.lists.set(root, listener);
    return { dispose: () => { if (this.lists.get(root) === listener) this.lists.delete(root); } };
  }

  /**
   * Reads a repository's tips, files and history window. The list of links arrives through `listen`, its parts
   * before this settles. `signal` cancels the read (the worker stops git; this then rejects).
   */
  load(req: Omit<LoadRequest, 't' | 'id'>, on: { tips?: () => void; files?: (files: string[]) => void }, signal?: AbortSignal): Promise<LoadResult> {
    const [id, done] = this.request<LoadResult>(id => ({ t: 'load', id, ...req }), on);
    signal?.addEventListener('abort', () => { if (this.pending.has(id)) this.worker?.postMessage({ t: 'cancel', id } satisfies ToWorker); }, { once: true });
    return done;
  }

  /** Sends a request that the worker answers by its id ('end' or 'full', or 'error'). */
  private request<T>(message: (id: number) => ToWorker, on: Pick<Pending, 'tips' | 'files'> = {}): [number, Promise<T>] {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...on }));
    this.send(message(id));
    return [id, done];
  }

  /** Gets a repository's first read ready without git (see PrepareRequest); starts the thread. */
  prepare(req: Omit<PrepareRequest, 't'>): void {
    this.send({ t: 'prepare', ...req });
  }

  /** A new valid outcomes.yaml: the worker relinks what it has read (a 'relink' list follows) and links new reads with it. */
  setOutcomes(root: string, outcomes: OutcomeMap): void {
    if (this.worker) this.send({ t: 'outcomes', root, outcomes }); // no worker yet: the first read sends it
  }

  /** The last read's commits with all their facts (for a report). */
  full(root: string): Promise<RawCommit[]> {
    return this.request<RawCommit[]>(id => ({ t: 'full', id, root }))[1];
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the history worker was stopped'));
    this.pending.clear();
    void w?.terminate();
  }
}
