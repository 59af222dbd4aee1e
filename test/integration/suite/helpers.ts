import * as vscode from 'vscode';
import type { activate } from '../../../src/extension';

export type Api = ReturnType<typeof activate>;
export const EXT_ID = 'outcome-lens.outcome-lens';

export async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID);
  if (!ext) throw new Error(`${EXT_ID} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** Polls until `fn` returns a truthy value (the extension host is asynchronous everywhere). */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 20000, every = 100): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise(r => setTimeout(r, every));
  }
}

export const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
