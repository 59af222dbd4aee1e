/**
 * Lets other work run before going on (a setImmediate turn): long work done in steps, with a breath between,
 * keeps the extension host responsive. Timers and I/O callbacks get their turn in between.
 */
export const breathe = (): Promise<void> => new Promise<void>(resolve => setImmediate(resolve));
