import type { Worker } from 'node:worker_threads';
import type { RepoHistory } from '../core/history/service';
import type { FromWorker, HistoryError, HistoryMethod, ToWorker } from '../core/history/protocol';
import type { OutcomeMap } from '../core/outcomes/model';

type Method<M extends HistoryMethod> = RepoHistory[M] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;
/** A repository's history service as the host sees it: the same methods, answered by the worker. */
export type HistoryApi = { [M in HistoryMethod]: Method<M> };

/** A failed answer: the service's classified error (git's own complaint), for the views to show. */
export class HistoryCallError extends Error {
  constructor(readonly error: HistoryError) {
    super(error.message);
  }
}

/**
 * The host's side of the history worker (src/worker.ts): the thread starts with the first repository opened, and
 * again after it dies. Each question is a message with an id; the worker also says when a repository's answers
 * changed, and sends the git runner's log lines.
 */
export class HistoryWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly opened = new Map<string, Extract<ToWorker, { t: 'open' }>>();
  private readonly listeners = new Map<string, { changed(): void; restarted(): void }>();
  private trust: Extract<ToWorker, { t: 'trust' }>;

  constructor(private readonly file: string, trusted: boolean, timeoutMs: number, private readonly log: (line: string) => void,
    private readonly onFailure: (e: Error) => void) {
    this.trust = { t: 'trust', trusted, timeoutMs };
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // node:worker_threads loads with the first question: activation does not pay for it.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const w = this.worker = new Worker(this.file, { workerData: { trusted: this.trust.trusted } });
    w.unref();
    w.on('message', (m: FromWorker) => this.receive(m));
    const fail = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.onFailure(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      // The next question starts a new thread, with each repository's latest settings; its history is read again.
      for (const l of this.listeners.values()) l.restarted();
    };
    w.on('error', fail);
    w.on('exit', code => fail(new Error(`the history worker stopped (exit code ${code})`)));
    w.postMessage(this.trust);
    for (const o of this.opened.values()) w.postMessage(o);
    return w;
  }

  private receive(m: FromWorker): void {
    if (m.t === 'log') { this.log(m.line); return; }
    if (m.t === 'changed') { this.listeners.get(m.root)?.changed(); return; }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error) p.reject(new HistoryCallError(m.error));
    else p.resolve(m.result);
  }

  setTrust(trusted: boolean, timeoutMs: number): void {
    this.trust = { t: 'trust', trusted, timeoutMs };
    this.worker?.postMessage(this.trust);
  }

  /**
   * A repository's service, made in the worker on first use; `changed` hears when its answers change, `restarted`
   * when the worker stopped and a new one will answer.
   */
  open(root: string, o: { cacheDir?: string; windowDays: number; map?: OutcomeMap }, on: { changed(): void; restarted(): void }): HistoryApi {
    const msg: Extract<ToWorker, { t: 'open' }> = { t: 'open', root, ...o };
    this.opened.set(root, msg);
    this.listeners.set(root, on);
    this.worker?.postMessage(msg);
    return new Proxy({} as HistoryApi, {
      // (`then` is not a method: a proxy that had one would be taken for a promise)
      get: (_t, method: string) => (method === 'then' ? undefined : (...args: unknown[]) => {
        // A worker that starts again opens the service with what it was last told.
        if (method === 'configure') Object.assign(msg, args[0]);
        return this.call(root, method as HistoryMethod, args);
      }),
    });
  }

  close(root: string): void {
    this.opened.delete(root);
    this.listeners.delete(root);
    this.worker?.postMessage({ t: 'close', root } satisfies ToWorker);
  }

  private call(root: string, method: HistoryMethod, args: unknown[]): Promise<unknown> {
    const w = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ t: 'call', id, root, method, args } satisfies ToWorker);
    });
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the history worker was stopped'));
    this.pending.clear();
    void w?.terminate();
  }
}
