import vscode = require('vscode');
import { LinkedCommit } from '../core/links/link';
import { RepoIndex } from '../vscode/repoIndex';
import type { WorkspaceIndex } from '../vscode/workspaceIndex';

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

/**
 * A commit row. Subject, author and message are untrusted: labels are plain text, the tooltip escapes them.
 * The tooltip comes later, from resolveTreeItem (see commitTooltip): VS Code's host lexes every markdown tooltip
 * of the rows it is sent, and 500 commit messages held it ~200 ms before the first rows showed.
 */
export function commitItem(repo: RepoIndex, link: LinkedCommit, description: string): vscode.TreeItem {
  const c = link.commit;
  const t = new vscode.TreeItem(c.subject || '(no message)', vscode.TreeItemCollapsibleState.None);
  t.description = description;
  t.iconPath = new vscode.ThemeIcon(link.status === 'linked' ? 'git-commit' : link.status === 'ignored' ? 'circle-outline' : 'question');
  t.contextValue = 'commit';
  t.command = { command: 'outcomeLens.showCommit', title: 'Show Commit', arguments: [repo.root, c.sha] };
  return t;
}

/** resolveTreeItem for a tree's commit rows: the tooltip, once the row is hovered. */
export function commitTooltip(item: vscode.TreeItem, node: { kind: string; link?: LinkedCommit }): vscode.TreeItem {
  if (node.kind === 'commit' && node.link && !item.tooltip) item.tooltip = commitMarkdown(node.link);
  return item;
}

/** Hover/tooltip text for a commit, every untrusted piece added with appendText (escaped), no command links. */
export function commitMarkdown(link: LinkedCommit, outcomeTitles?: Map<string, string>): vscode.MarkdownString {
  const c = link.commit;
  // Theme icons on from the start, so appendText also escapes `$(...)` in untrusted text.
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('$(git-commit) ').appendText(`${c.sha.slice(0, 10)} · ${c.author} · ${new Date(c.date).toLocaleString()}`);
  md.appendMarkdown('\n\n').appendText(c.message.trim() || '(no message)');
  md.appendMarkdown('\n\n---\n\n');
  if (link.links.length) {
    for (const l of link.links) {
      md.appendMarkdown('- ').appendText(`${outcomeTitles?.get(l.outcome) ?? l.outcome} (${l.outcome}) via ${l.via}: ${l.evidence}`).appendMarkdown('\n');
    }
  } else {
    md.appendText(link.status === 'ignored' ? 'Ignored: only files that need no outcome.' : 'Linked to no outcome.');
  }
  if (link.invalid.length) md.appendMarkdown('\n\n').appendText(`Invalid link: ${link.invalid.join(', ')} not in outcomes.yaml`);
  return md;
}

/**
 * Calls `fn` at most once per `ms` while `event` keeps firing: history arrives in chunks and each one fires a
 * change, but a tree needs redrawing only a few times a second.
 */
export function throttled(event: vscode.Event<void>, fn: () => void, ms = 150): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const sub = event(() => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; fn(); }, ms);
  });
  return { dispose: () => { if (timer) clearTimeout(timer); sub.dispose(); } };
}

/**
 * A tree's top level: the single repository's own rows, or a row per repository in a multi-root workspace.
 * Showing a tree is what starts reading git (never before, never in Restricted Mode).
 */
export function topLevel<N>(index: WorkspaceIndex, rowsOf: (repo: RepoIndex) => N[]): (N | { kind: 'repo'; repo: RepoIndex })[] {
  const repos = index.withOutcomes;
  for (const r of repos) void r.ensureGit();
  return repos.length === 1 ? rowsOf(repos[0]) : repos.map(repo => ({ kind: 'repo' as const, repo }));
}
