/**
 * "Latest wins" with a throttle: at most one run at a time and at most one queued. A request that arrives
 * while a run is going replaces the queued one, and the running one is told (through its signal) that it
 * is stale, so refreshes never pile up behind a slow git call.
 */
export class LatestWins {
  private running?: { ac: AbortController; done: Promise<void> };
  private queued?: { resolve: () => void; promise: Promise<void> };
  private disposed = false;

  constructor(private readonly work: (signal: AbortSignal) => Promise<void>, private readonly onError: (e: unknown) => void = () => {}) {}

  /** Schedules a run; resolves when a run that started after this call has finished. */
  request(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.running) return this.start();
    this.running.ac.abort();
    if (!this.queued) {
      let resolve!: () => void;
      const promise = new Promise<void>(r => { resolve = r; });
      this.queued = { resolve, promise };
    }
    return this.queued.promise;
  }

  private start(): Promise<void> {
    const ac = new AbortController();
    const done = (async () => {
      try {
        await this.work(ac.signal);
      } catch (e) {
        if (!ac.signal.aborted) this.onError(e);
      }
    })().finally(() => {
      this.running = undefined;
      const q = this.queued;
      this.queued = undefined;
      if (q) void this.start().then(q.resolve);
    });
    this.running = { ac, done };
    return done;
  }

  /** Stops the running work and drops the queued one (a user's "Cancel"). */
  cancel(): void {
    this.queued?.resolve();
    this.queued = undefined;
    this.running?.ac.abort();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
