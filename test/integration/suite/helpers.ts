import * as vscode from 'vscode';
import { execFileSync } from 'node:child_process';
import type { activate } from '../../../src/extension';

export type Api = ReturnType<typeof activate>;
export const EXT_ID = 'outcome-lens.outcome-lens';

export async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID);
  if (!ext) throw new Error(`${EXT_ID} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/**
 * Polls until `fn` returns a truthy value (the extension host is asynchronous everywhere). The default limit leaves
 * room for a loaded two-core machine; a test that needs longer says so.
 */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 60_000, every = 50): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
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

/** The fixture's history read and linked, every count final, with `view` focused (a view that shows history). */
export async function settled(view = 'outcomeLens.unlinked') {
  const a = await api();
  await a.index.ready();
  const repo = await until('the repository', () => a.index.withOutcomes[0]);
  await vscode.commands.executeCommand(`${view}.focus`);
  await until('a complete read', () => repo.summary?.history?.complete && repo.summary.files && !repo.summary.reading);
  return { a, repo };
}

export const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

/** git in the fixture, as a user in a terminal would run it (the test's own process, not the extension's). */
export function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root(), encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Terminal User', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Terminal User', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

/** A tree's rows as a user sees them: each child's label and description. */
export async function rows<T>(tree: vscode.TreeDataProvider<T>, parent?: T): Promise<{ node: T; label: string; description: string }[]> {
  const children = (await tree.getChildren(parent)) ?? [];
  return Promise.all(children.map(async node => {
    const item = await tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    return { node, label, description: String(item.description ?? '') };
  }));
}

/** The row of `tree` under `parent` whose label starts with `label`. */
export async function row<T>(tree: vscode.TreeDataProvider<T>, label: string, parent?: T) {
  const found = (await rows(tree, parent)).find(r => r.label.startsWith(label));
  if (!found) throw new Error(`no row "${label}" in ${JSON.stringify((await rows(tree, parent)).map(r => r.label))}`);
  return found;
}
