// The history worker's thread (bundled to dist/worker.js): the extension host starts it on its first read of
// git (src/core/worker/client.ts) and it does that work off the host's thread (src/core/worker/service.ts).
import { parentPort } from 'node:worker_threads';
import { HistoryService } from './core/worker/service';
import type { ToWorker } from './core/worker/protocol';

const port = parentPort!;
const service = new HistoryService((m, transfer) => port.postMessage(m, transfer));
port.on('message', (m: ToWorker) => service.handle(m));
