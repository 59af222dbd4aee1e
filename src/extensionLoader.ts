// The extension's entry point (dist/extension.js). It loads the extension's bundle (dist/main.js, from
// src/extension.ts) and stamps what that cost the host's thread: reading, compiling and running the bundle. A stamp
// inside the bundle runs only after V8 has compiled it, and the compile was most of the cost (in Node 24, 15 of 25 ms
// for 291 KB); activate() adds its own part (src/extension.ts).
type Cpu = { user: number; system: number };
const g = globalThis as { __outcomeLensLoadStart?: number; __outcomeLensLoadEnd?: number; __outcomeLensCpuStart?: Cpu; __outcomeLensCpuEnd?: Cpu };
const threadCpu = () => (process as { threadCpuUsage?: () => Cpu }).threadCpuUsage?.();
g.__outcomeLensLoadStart = performance.now();
g.__outcomeLensCpuStart = threadCpu();
const main = require('./main.js') as typeof import('./extension');
g.__outcomeLensLoadEnd = performance.now();
g.__outcomeLensCpuEnd = threadCpu();

export const activate = main.activate;
export const deactivate = main.deactivate;
