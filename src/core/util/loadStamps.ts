/**
 * What loading the extension cost, stamped by its entry point (src/extensionLoader.ts) and read by activate()
 * (src/extension.ts): two bundles, so the stamps travel on the global object.
 */
export type Cpu = { user: number; system: number };

export interface LoadStamps {
  __outcomeLensLoadStart?: number;
  __outcomeLensLoadEnd?: number;
  __outcomeLensCpuStart?: Cpu;
  __outcomeLensCpuEnd?: Cpu;
  __outcomeLensFromCodeCache?: boolean;
}

export const loadStamps = () => globalThis as LoadStamps;

/** The calling thread's CPU time so far, where Node has it (23.9+; code-server's extension host runs Node 24). */
export function threadCpu(): Cpu | undefined {
  return (process as { threadCpuUsage?: () => Cpu }).threadCpuUsage?.();
}
