import vscode = require('vscode');
import path = require('node:path');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import type { CommitRow, GroupBy } from '../core/history/protocol';
import type { FolderSuggestion } from '../core/links/suggest';
import { Settings } from '../vscode/settings';
import { commitItem, commitTooltip, countText, emptyWindowRows, errorRows, fileItem, MessageNode, messageItem, relativeTime, repoItem, throttled, topLevel, windowCountText } from './common';

export type UnlinkedNode =
  | { kind: 'repo'; repo: RepoIndex }
  | { kind: 'section'; repo: RepoIndex; section: 'files' | 'commits' | 'invalid' }
  | { kind: 'folder'; repo: RepoIndex; folder: string; count: number; suggestion?: FolderSuggestion }
  | { kind: 'file'; repo: RepoIndex; path: string }
  | { kind: 'commitGroup'; repo: RepoIndex; by: GroupBy; group: string; count: number }
  | { kind: 'commit'; repo: RepoIndex; row: CommitRow; invalidSection?: boolean }
  | MessageNode;

/** Rows for at most the newest 500 commits of a list: a tree of 50k rows helps nobody. */
const ROWS = 500;

/**
 * Unlinked Work: files no outcome claims (a folder tree with counts), unlinked commits of the history window grouped
 * by author or week, and commits whose trailers or notes name unknown outcome ids.
 */
export class UnlinkedTree implements vscode.TreeDataProvider<UnlinkedNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UnlinkedNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings) {
    this.subs = [
      throttled(index.onDidChange, () => this.emitter.fire(undefined)),
      settings.onDidChange(['groupCommitsBy'], () => this.emitter.fire(undefined)),
    ];
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: UnlinkedNode): Promise<UnlinkedNode[]> {
    if (!node) return topLevel(this.index, r => this.sections(r));
    switch (node.kind) {
      case 'repo': return this.sections(node.repo);
      case 'section': {
        const repo = node.repo;
        if (node.section === 'files') return this.folderChildren(repo, '');
        if (node.section === 'invalid') return this.commits(repo, (await repo.history().commits({ kind: 'invalid' }, 0, ROWS)), true);
        const by = this.settings.groupCommitsBy(vscode.Uri.file(repo.root));
        return (await repo.history().groups(by)).map(g => ({ kind: 'commitGroup', repo, by, group: g.key, count: g.count }));
      }
      case 'folder': return this.folderChildren(node.repo, node.folder);
      case 'commitGroup': return this.commits(node.repo, await node.repo.history().commits({ kind: 'group', by: node.by, key: node.group }, 0, ROWS));
      default: return [];
    }
  }

  private sections(repo: RepoIndex): UnlinkedNode[] {
    void repo.refreshIfWanted();
    if (!repo.map) return [{ kind: 'message', text: 'outcomes.yaml has errors: see Problems' }];
    const s = repo.summary;
    // Restricted Mode: nothing, so that the view's welcome content says why.
    if (s?.error?.kind === 'untrusted') return [];
    const out: UnlinkedNode[] = [...errorRows(s?.error)];
    if (s?.error && !s.history?.complete && !s.files) return out;
    out.push({ kind: 'section', repo, section: 'files' }, { kind: 'section', repo, section: 'commits' }, ...emptyWindowRows(repo));
    if (s?.history?.invalid) out.push({ kind: 'section', repo, section: 'invalid' });
    return out;
  }

  private async folderChildren(repo: RepoIndex, folder: string): Promise<UnlinkedNode[]> {
    const rows = await repo.history().unlinkedFolder(folder);
    // Each folder's best suggestion, from the history the service has already read (no git).
    const suggestions = await repo.history().folderSuggestions(rows.folders.map(f => f.path)).catch(() => []);
    return [
      ...rows.folders.map((f, i) => ({ kind: 'folder', repo, folder: f.path, count: f.count, suggestion: suggestions[i]?.outcome ? suggestions[i] : undefined }) as UnlinkedNode),
      ...rows.files.map(p => ({ kind: 'file', repo, path: p }) as UnlinkedNode),
    ];
  }

  private commits(repo: RepoIndex, list: { total: number; rows: CommitRow[] }, invalidSection = false): UnlinkedNode[] {
    const rows: UnlinkedNode[] = list.rows.map(row => ({ kind: 'commit', repo, row, invalidSection }));
    if (list.total > list.rows.length) rows.push({ kind: 'message', text: `${list.total - list.rows.length} older commits not shown (outcome-lens commits --unlinked lists all)`, icon: 'info' });
    return rows;
  }

  resolveTreeItem(item: vscode.TreeItem, node: UnlinkedNode): Promise<vscode.TreeItem> {
    return commitTooltip(item, node);
  }

  getTreeItem(node: UnlinkedNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'repo': return repoItem(node.repo);
      case 'section': {
        const r = node.repo;
        const s = r.summary;
        if (node.section === 'files') {
          const t = new vscode.TreeItem('Unlinked files', C.Expanded);
          t.description = s?.files ? String(s.files.unlinked) : s?.error ? 'not read' : '…';
          t.iconPath = new vscode.ThemeIcon('files');
          t.tooltip = 'Tracked files that no outcome\'s areas match and that ignore does not list';
          return t;
        }
        if (node.section === 'invalid') {
          const t = new vscode.TreeItem('Invalid links', C.Collapsed);
          t.description = countText(s, h => h.invalid);
          t.iconPath = new vscode.ThemeIcon('error');
          t.tooltip = 'Commits whose Outcome trailer or note names an id that outcomes.yaml does not define';
          return t;
        }
        const t = new vscode.TreeItem('Unlinked commits', C.Collapsed);
        t.description = windowCountText(r, this.settings, countText(s, h => h.unlinked));
        t.iconPath = new vscode.ThemeIcon('git-commit');
        return t;
      }
      case 'folder': {
        const uri = vscode.Uri.file(path.join(node.repo.root, node.folder));
        const t = new vscode.TreeItem(uri, C.Collapsed);
        t.label = path.posix.basename(node.folder);
        const sg = node.suggestion;
        t.description = sg?.outcome ? `${node.count} · → ${sg.outcome} · ${sg.together} of ${sg.commits} commits` : String(node.count);
        t.iconPath = vscode.ThemeIcon.Folder;
        t.contextValue = sg?.outcome ? 'unlinkedFolder.suggested' : 'unlinkedFolder';
        t.tooltip = sg?.outcome ? `${node.folder}\nSuggested: ${sg.outcome}, ${sg.evidence} (Apply Suggestion adds the folder to its areas)` : node.folder;
        return t;
      }
      case 'file': return fileItem(node.repo, node.path, path.posix.basename(node.path), 'unlinkedFile');
      case 'commitGroup': {
        const t = new vscode.TreeItem(node.by === 'week' ? `Week of ${node.group}` : node.group || '(unknown author)', C.Collapsed);
        t.description = String(node.count);
        t.iconPath = new vscode.ThemeIcon(node.by === 'week' ? 'calendar' : 'person');
        t.contextValue = node.by === 'author' && node.group ? 'commitGroup.author' : 'commitGroup';
        return t;
      }
      case 'commit': {
        const c = node.row;
        if (node.invalidSection) {
          // "Remove" is offered where the note names the unknown id; a message's trailer cannot be taken out.
          const inNote = c.invalid.some(id => c.noteIds?.includes(id));
          return commitItem(node.repo, c, `invalid: ${c.invalid.join(', ')}${inNote ? ' (in its note)' : ''}`, inNote ? 'commit.invalid.note' : 'commit.invalid');
        }
        return commitItem(node.repo, c, `${c.author} · ${relativeTime(c.date)}${c.suggestion ? ` · → ${c.suggestion.outcome}?` : ''}`, 'commit.unlinked');
      }
      case 'message': return messageItem(node);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
