// The history worker's thread (bundled to dist/worker.js): one history service per repository, answering the
// extension host's questions with small messages (src/vscode/historyClient.ts is the other side). The work and the
// history stay here, off the host's thread.
import { parentPort, workerData } from 'node:worker_threads';
import { configureGit, GitError } from './core/git/runner';
import { RepoHistory } from './core/history/service';
import { FromWorker, HISTORY_METHODS, ToWorker } from './core/history/protocol';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
let trusted = !!(workerData as { trusted?: boolean })?.trusted;
configureGit({ trusted: () => trusted, log: line => post({ t: 'log', line }) });
const services = new Map<string, RepoHistory>();

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'trust':
      trusted = m.trusted;
      configureGit({ timeoutMs: m.timeoutMs });
      return;
    case 'open':
      if (!services.has(m.root)) services.set(m.root, new RepoHistory(m.root, { cacheDir: m.cacheDir }, m.map, m.windowDays, () => post({ t: 'changed', root: m.root })));
      return;
    case 'close':
      services.get(m.root)?.cancel();
      services.delete(m.root);
      return;
    case 'call': {
      const s = services.get(m.root);
      if (!s || !HISTORY_METHODS.includes(m.method)) { post({ t: 'reply', id: m.id, error: { kind: 'other', message: `no history service for ${m.root}` } }); return; }
      Promise.resolve()
        .then(() => (s[m.method] as (...a: unknown[]) => unknown).apply(s, m.args))
        .then(result => post({ t: 'reply', id: m.id, result }),
          (e: unknown) => post({ t: 'reply', id: m.id, error: e instanceof GitError ? { kind: e.kind, message: e.message } : { kind: 'other', message: String((e as Error)?.message ?? e) } }));
    }
  }
});
