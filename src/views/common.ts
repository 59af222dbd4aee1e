import vscode = require('vscode');
import path = require('node:path');
import type { CommitRow, HistoryError, Summary } from '../core/history/protocol';
import { RepoIndex } from '../vscode/repoIndex';
import type { WorkspaceIndex } from '../vscode/workspaceIndex';
import type { Settings } from '../vscode/settings';

/** "3 days ago": enough precision for a tree row; the tooltip has the exact date. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  const units: [number, string][] = [[31536000, 'year'], [2592000, 'month'], [604800, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [secs, name] of units) {
    const n = Math.floor(s / secs);
    if (n >= 1) return `${n} ${name}${n > 1 ? 's' : ''} ago`;
  }
  return 'just now';
}

/** A row that says something (an error, a state) instead of showing data; `command` is what clicking it does. */
export interface MessageNode {
  kind: 'message';
  text: string;
  icon?: string;
  tooltip?: string;
  command?: vscode.Command;
}

export function messageItem(node: MessageNode): vscode.TreeItem {
  const t = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
  t.iconPath = new vscode.ThemeIcon(node.icon ?? 'warning');
  t.tooltip = node.tooltip ?? node.text;
  t.command = node.command;
  return t;
}

/**
 * What a view shows instead of a repository's history when git could not be read: git's complaint, and the fix where
 * VS Code has one. Never an empty list or a count of 0. Restricted Mode shows the views' welcome content instead.
 */
export function errorRows(e: HistoryError | undefined): MessageNode[] {
  if (!e || e.kind === 'untrusted') return [];
  const rows: MessageNode[] = [{ kind: 'message', text: `git failed: ${e.message}`, icon: 'error', tooltip: e.message }];
  if (e.kind === 'unsafe') {
    rows.push({ kind: 'message', text: 'Manage Unsafe Repositories…', icon: 'shield', command: { command: 'git.manageUnsafeRepositories', title: 'Manage Unsafe Repositories' } });
  }
  rows.push({ kind: 'message', text: 'Show the log', icon: 'output', command: { command: 'outcomeLens.showLog', title: 'Show Log' } });
  return rows;
}

/**
 * A count as a view shows it: "…" before the first answer, "12…" while the first read is still arriving (so far),
 * the number once complete. Undefined when git failed with nothing good to show (the error rows say why).
 */
export function countText(s: Summary | undefined, n: (h: NonNullable<Summary['history']>) => number): string | undefined {
  const h = s?.history;
  if (!h) return s?.error ? undefined : '…';
  if (!h.complete && s.error) return undefined;
  return h.complete ? String(n(h)) : `${n(h)}…`;
}

/** A count of commits with the window they come from, "12 in 90 days" (the setting's window until they are read). */
export function windowCountText(repo: RepoIndex, settings: Settings, n: string | undefined): string {
  return n === undefined ? 'not read' : `${n} in ${repo.summary?.history?.windowDays ?? settings.windowDays(vscode.Uri.file(repo.root))} days`;
}

/** The titles of outcomes by id (the id where outcomes.yaml has no such outcome). */
export function outcomeTitles(repo: RepoIndex, ids: readonly string[]): string[] {
  return ids.map(id => repo.map?.outcomes.find(o => o.id === id)?.title ?? id);
}

const DAY_MS = 86400_000;
/** The largest window the setting accepts (package.json's maximum). */
const MAX_WINDOW_DAYS = 3650;
export const WIDEN_WINDOW = 'outcomeLens.widenWindow';

/**
 * With no commit in the history window: when the newest commit was (as the CLI says it) and a row that widens the
 * window to reach it, so that an old repository does not look like one where nobody works.
 */
export function emptyWindowRows(repo: RepoIndex): MessageNode[] {
  const h = repo.summary?.history;
  if (!h?.complete || h.commits || !h.newest || Number.isNaN(Date.parse(h.newest))) return [];
  const newest = new Date(Date.parse(h.newest)).toISOString().slice(0, 10);
  const text = `No commits since ${h.since.slice(0, 10)}; the newest is ${newest} (${relativeTime(h.newest)})`;
  const rows: MessageNode[] = [{ kind: 'message', text, icon: 'history', tooltip: `${text}: the views cover the last ${h.windowDays} days (outcomeLens.history.windowDays)` }];
  // A whole number of months past the newest commit, so that the next commit or two do not fall out at once.
  const days = Math.min(MAX_WINDOW_DAYS, Math.ceil((Math.ceil((Date.now() - Date.parse(h.newest)) / DAY_MS) + 1) / 30) * 30);
  if (days > h.windowDays) {
    rows.push({ kind: 'message', text: `Widen the window to ${days} days`, icon: 'arrow-both', tooltip: `Sets outcomeLens.history.windowDays to ${days} for ${repo.name}`,
      command: { command: WIDEN_WINDOW, title: 'Widen the History Window', arguments: [repo.root, days] } });
  }
  return rows;
}

/** The command behind "Widen the window": the setting written for this repository's folder (or workspace). */
export function registerWidenWindow(settings: Settings): vscode.Disposable {
  return vscode.commands.registerCommand(WIDEN_WINDOW, async (root: unknown, days: unknown) => {
    if (typeof root !== 'string' || !Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_WINDOW_DAYS) return;
    await settings.setWindowDays(vscode.Uri.file(root), days as number);
  });
}

/** A repository's row, at the top of a view in a multi-root workspace. */
export function repoItem(repo: RepoIndex): vscode.TreeItem {
  const t = new vscode.TreeItem(repo.name, vscode.TreeItemCollapsibleState.Expanded);
  t.id = `repo:${repo.root}`;
  t.iconPath = new vscode.ThemeIcon('repo');
  t.description = repo.stale ? 'outcomes.yaml has errors' : undefined;
  return t;
}

/** A tracked file's row (`rel` from the repository's root), shown as `label`; a click opens it. */
export function fileItem(repo: RepoIndex, rel: string, label: string, contextValue: string): vscode.TreeItem {
  const uri = vscode.Uri.file(path.join(repo.root, rel));
  const t = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
  t.label = label;
  t.tooltip = rel;
  t.contextValue = contextValue;
  t.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
  return t;
}

/**
 * A commit row. Subject, author and message are untrusted: labels are plain text, the tooltip escapes them. The
 * tooltip comes later, from resolveTreeItem (see commitTooltip): VS Code lexes every markdown tooltip it is sent.
 */
export function commitItem(repo: RepoIndex, c: CommitRow, description: string, contextValue = 'commit'): vscode.TreeItem {
  const t = new vscode.TreeItem(c.subject || '(no message)', vscode.TreeItemCollapsibleState.None);
  t.description = description;
  t.iconPath = new vscode.ThemeIcon(c.status === 'linked' ? 'git-commit' : c.status === 'ignored' ? 'circle-outline' : 'question');
  t.contextValue = contextValue;
  t.command = { command: 'outcomeLens.showCommit', title: 'Show Commit', arguments: [repo.root, c.sha] };
  return t;
}

/** resolveTreeItem for a tree's commit rows: the tooltip, with the whole message, once the row is hovered. */
export async function commitTooltip(item: vscode.TreeItem, node: { kind: string; repo?: RepoIndex; row?: CommitRow }): Promise<vscode.TreeItem> {
  if (node.kind === 'commit' && node.row && node.repo && !item.tooltip) {
    const full = await node.repo.history().commit(node.row.sha).catch(() => undefined);
    item.tooltip = commitMarkdown(full ?? node.row, node.repo);
  }
  return item;
}

/** The commands a commit hover's links may run: this extension's own, nothing else (MarkdownString.isTrusted). */
export const HOVER_COMMANDS = ['outcomeLens.openChanges', 'outcomeLens.copyCommitId', 'outcomeLens.linkCommits', 'outcomeLens.revealOutcome', 'outcomeLens.openLink'];

/** A `command:` link; its arguments are encoded whole, parentheses too, so that nothing can end the link early. */
function commandLink(title: string, command: string, args: unknown[]): string {
  const q = encodeURIComponent(JSON.stringify(args)).replace(/[()]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${title}](command:${command}?${q})`;
}

/** Markdown-escaped text for a link's title (outcome ids are plain, but `_` and `.` still mean something). */
const linkText = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, c => `\\${c}`);

/**
 * Hover/tooltip text for a commit, every untrusted piece added with appendText (escaped); with `repo`, the actions a
 * GitLens user expects as links that run only this extension's own commands (open changes, copy the id, link it,
 * reveal each outcome, open its link).
 */
export function commitMarkdown(c: CommitRow, repo?: RepoIndex): vscode.MarkdownString {
  const outcomeTitles = new Map((repo?.map?.outcomes ?? []).map(o => [o.id, o.title]));
  // Theme icons on from the start, so appendText also escapes `$(...)` in untrusted text.
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = repo ? { enabledCommands: HOVER_COMMANDS } : false;
  md.supportHtml = false;
  md.appendMarkdown('$(git-commit) ').appendText(`${c.sha.slice(0, 10)} · ${c.author} · ${new Date(c.date).toLocaleString()}`);
  md.appendMarkdown('\n\n').appendText((c.message ?? c.subject).trim() || '(no message)');
  md.appendMarkdown('\n\n---\n\n');
  if (c.links.length) {
    for (const l of c.links) {
      md.appendMarkdown('- ').appendText(`${outcomeTitles.get(l.outcome) ?? l.outcome} (${l.outcome}) via ${l.via}: ${l.evidence}`).appendMarkdown('\n');
    }
    // The rename rule, where it applied (README, "Renames and moves").
    if (c.links.some(l => l.renamedFrom !== undefined)) md.appendMarkdown('\n').appendText('Files are judged where they live today (renames followed); a file deleted since, by its path then.');
  } else {
    md.appendText(c.status === 'ignored' ? `Needs no outcome: ${c.ignoredBy ?? 'only files that need no outcome'}.` : 'Linked to no outcome.');
  }
  if (c.invalid.length) md.appendMarkdown('\n\n').appendText(`Invalid link: ${c.invalid.join(', ')} not in outcomes.yaml`);
  if (c.suggestion) md.appendMarkdown('\n\n').appendText(`Suggested: ${c.suggestion.outcome} (${c.suggestion.evidence})`);
  if (repo) {
    const actions = [
      commandLink('$(diff) Open Changes', 'outcomeLens.openChanges', [repo.root, c.sha]),
      commandLink('$(copy) Copy Commit ID', 'outcomeLens.copyCommitId', [repo.root, c.sha]),
      commandLink('$(link) Link to Outcome…', 'outcomeLens.linkCommits', [{ root: repo.root, shas: [c.sha] }]),
    ];
    for (const id of c.outcomes) {
      actions.push(commandLink(`$(go-to-file) Reveal ${linkText(id)}`, 'outcomeLens.revealOutcome', [repo.root, id]));
      if (repo.map?.outcomes.find(o => o.id === id)?.link) actions.push(commandLink(`$(link-external) Open ${linkText(id)}'s link`, 'outcomeLens.openLink', [repo.root, id]));
    }
    md.appendMarkdown(`\n\n${actions.join(' · ')}`);
  }
  return md;
}

/**
 * Calls `fn` at most once per `ms` while `event` keeps firing: the history's answers change in bursts, but a tree
 * needs redrawing only a few times a second.
 */
export function throttled(event: vscode.Event<void>, fn: () => void, ms = 150): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const sub = event(() => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; fn(); }, ms);
  });
  return { dispose: () => { if (timer) clearTimeout(timer); sub.dispose(); } };
}

/** A tree's top level: the single repository's own rows, or a row per repository in a multi-root workspace. */
export function topLevel<N>(index: WorkspaceIndex, rowsOf: (repo: RepoIndex) => N[] | Promise<N[]>): Promise<(N | { kind: 'repo'; repo: RepoIndex })[]> | (N | { kind: 'repo'; repo: RepoIndex })[] {
  const repos = index.withOutcomes;
  return repos.length === 1 ? rowsOf(repos[0]) : repos.map(repo => ({ kind: 'repo' as const, repo }));
}

/** A tree view whose visibility counts as "history is shown" (WorkspaceIndex reads only then). */
export function historyView<T>(index: WorkspaceIndex, id: string, provider: vscode.TreeDataProvider<T>): { view: vscode.TreeView<T>; disposables: vscode.Disposable[] } {
  const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
  return { view, disposables: [view, index.showsHistory(() => view.visible), view.onDidChangeVisibility(e => { if (e.visible) index.shown(); })] };
}
