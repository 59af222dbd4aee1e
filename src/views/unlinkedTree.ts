import vscode = require('vscode');
import path = require('node:path');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex, UnlinkedFiles } from '../vscode/repoIndex';
import { LinkedCommit } from '../core/links/link';
import { CommitRows, groupRows, NO_COMMITS, RowGroups } from '../core/worker/store';
import { Settings } from '../vscode/settings';
import { folderChildren } from '../core/links/folderCounts';
import { commitItem, commitTooltip, relativeTime, throttled, topLevel } from './common';

export type UnlinkedNode =
  | { kind: 'repo'; repo: RepoIndex }
  | { kind: 'section'; repo: RepoIndex; section: 'files' | 'commits' | 'invalid' }
  | { kind: 'folder'; repo: RepoIndex; folder: string }
  | { kind: 'file'; repo: RepoIndex; path: string }
  | { kind: 'commitGroup'; repo: RepoIndex; group: string }
  | { kind: 'commit'; repo: RepoIndex; link: LinkedCommit }
  | { kind: 'message'; text: string };

/**
 * Unlinked Work: files no outcome claims (a folder tree with counts), unlinked commits of the history
 * window grouped by author or week, and commits whose trailers or notes name unknown outcome ids.
 */
export class UnlinkedTree implements vscode.TreeDataProvider<UnlinkedNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UnlinkedNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  /** Folder rows per repository, kept while its unlinked files stay the same (new history does not change them). */
  private cache = new Map<RepoIndex, { result: UnlinkedFiles; folders: Map<string, UnlinkedNode[]> }>();
  private groups = new Map<RepoIndex, { by: string; grouped: RowGroups }>();

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings) {
    this.sub = throttled(index.onDidChange, () => this.emitter.fire(undefined));
  }

  refresh(): void {
    this.cache.clear();
    this.groups.clear();
    this.emitter.fire(undefined);
  }

  /** Unlinked files and, per folder, how many unlinked files are under it; undefined while they are being found. */
  unlinkedFiles(repo: RepoIndex): UnlinkedFiles | undefined {
    return repo.unlinkedFiles();
  }

  unlinkedCommits(repo: RepoIndex): CommitRows {
    return repo.commitIndex().unlinked;
  }

  /** Unlinked commits by author or week, from the store's columns (no commit is decoded), grouping only what is new. */
  private grouped(repo: RepoIndex): Map<string, CommitRows> {
    const by = this.settings.groupCommitsBy(vscode.Uri.file(repo.root));
    const unlinked = this.unlinkedCommits(repo);
    const g = this.groups.get(repo);
    if (g?.by === by && g.grouped.list === unlinked) return g.grouped.groups;
    const grouped = groupRows(g?.by === by ? g.grouped : undefined, unlinked, row => groupLabel(unlinked.store.groupKey(row, by), by));
    this.groups.set(repo, { by, grouped });
    return grouped.groups;
  }

  getChildren(node?: UnlinkedNode): UnlinkedNode[] {
    if (!node) return topLevel(this.index, r => this.sections(r));
    switch (node.kind) {
      case 'repo': return this.sections(node.repo);
      case 'section':
        if (node.section === 'files') return this.folderChildren(node.repo, '');
        if (node.section === 'invalid') return capped(node.repo, node.repo.commitIndex().invalid);
        return this.commitGroups(node.repo);
      case 'folder': return this.folderChildren(node.repo, node.folder);
      case 'commitGroup':
        return capped(node.repo, this.grouped(node.repo).get(node.group) ?? NO_COMMITS);
      default: return [];
    }
  }

  private sections(repo: RepoIndex): UnlinkedNode[] {
    if (!repo.map) return [{ kind: 'message', text: 'outcomes.yaml has errors: see Problems' }];
    const out: UnlinkedNode[] = [{ kind: 'section', repo, section: 'files' }, { kind: 'section', repo, section: 'commits' }];
    if (repo.commitIndex().invalid.length) out.push({ kind: 'section', repo, section: 'invalid' });
    return out;
  }

  private folderChildren(repo: RepoIndex, folder: string): UnlinkedNode[] {
    const result = this.unlinkedFiles(repo);
    if (!result) return []; // the index fires when they are ready
    let c = this.cache.get(repo);
    if (c?.result !== result) this.cache.set(repo, c = { result, folders: new Map() });
    let rows = c.folders.get(folder);
    if (!rows) c.folders.set(folder, rows = this.computeFolderChildren(repo, folder, result));
    return rows;
  }

  private computeFolderChildren(repo: RepoIndex, folder: string, { files, counts }: UnlinkedFiles): UnlinkedNode[] {
    const rows = folderChildren(files, counts, folder);
    return [
      ...rows.folders.map(f => ({ kind: 'folder', repo, folder: f }) as UnlinkedNode),
      ...rows.files.map(p => ({ kind: 'file', repo, path: p }) as UnlinkedNode),
    ];
  }

  private commitGroups(repo: RepoIndex): UnlinkedNode[] {
    const by = this.settings.groupCommitsBy(vscode.Uri.file(repo.root));
    const groups = this.grouped(repo);
    const keys = [...groups.keys()];
    keys.sort(by === 'week' ? (a, b) => (a < b ? 1 : -1) : (a, b) => groups.get(b)!.length - groups.get(a)!.length || (a < b ? -1 : 1));
    return keys.map(group => ({ kind: 'commitGroup', repo, group }));
  }

  resolveTreeItem(item: vscode.TreeItem, node: UnlinkedNode): vscode.TreeItem {
    return commitTooltip(item, node);
  }

  getTreeItem(node: UnlinkedNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'repo': {
        const t = new vscode.TreeItem(node.repo.name, C.Expanded);
        t.iconPath = new vscode.ThemeIcon('repo');
        return t;
      }
      case 'section': {
        const r = node.repo;
        const days = this.settings.windowDays(vscode.Uri.file(r.root));
        if (node.section === 'files') {
          const t = new vscode.TreeItem('Unlinked files', C.Expanded);
          const u = r.files ? this.unlinkedFiles(r) : undefined;
          t.description = !r.files ? 'loading…' : !u ? 'finding…' : u.partial ? `${u.files.length}…` : String(u.files.length);
          t.iconPath = new vscode.ThemeIcon('files');
          t.tooltip = 'Tracked files that no outcome\'s areas match and that ignore does not list';
          return t;
        }
        if (node.section === 'invalid') {
          const t = new vscode.TreeItem('Invalid links', C.Collapsed);
          t.description = String(r.commitIndex().invalid.length);
          t.iconPath = new vscode.ThemeIcon('error');
          t.tooltip = 'Commits whose Outcome trailer or note names an id that outcomes.yaml does not define';
          return t;
        }
        const t = new vscode.TreeItem('Unlinked commits', C.Collapsed);
        t.description = r.commits ? `${this.unlinkedCommits(r).length} in ${days} days` : 'loading…';
        t.iconPath = new vscode.ThemeIcon('git-commit');
        return t;
      }
      case 'folder': {
        const uri = vscode.Uri.file(path.join(node.repo.root, node.folder));
        const t = new vscode.TreeItem(uri, C.Collapsed);
        t.label = path.posix.basename(node.folder);
        t.description = String(this.unlinkedFiles(node.repo)?.counts.get(node.folder) ?? 0);
        t.iconPath = vscode.ThemeIcon.Folder;
        t.contextValue = 'unlinkedFolder';
        t.tooltip = node.folder;
        return t;
      }
      case 'file': {
        const uri = vscode.Uri.file(path.join(node.repo.root, node.path));
        const t = new vscode.TreeItem(uri, C.None);
        t.label = path.posix.basename(node.path);
        t.tooltip = node.path;
        t.contextValue = 'unlinkedFile';
        t.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
        return t;
      }
      case 'commitGroup': {
        const t = new vscode.TreeItem(node.group, C.Collapsed);
        const by = this.settings.groupCommitsBy(vscode.Uri.file(node.repo.root));
        t.description = String(this.grouped(node.repo).get(node.group)?.length ?? 0);
        t.iconPath = new vscode.ThemeIcon(by === 'week' ? 'calendar' : 'person');
        return t;
      }
      case 'commit': {
        const l = node.link;
        const desc = l.invalid.length ? `invalid: ${l.invalid.join(', ')}` : `${l.commit.author} · ${relativeTime(l.commit.date)}`;
        return commitItem(node.repo, l, desc);
      }
      case 'message': {
        const t = new vscode.TreeItem(node.text, C.None);
        t.iconPath = new vscode.ThemeIcon('warning');
        return t;
      }
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

/** Rows for at most the newest 500 commits: a tree of 50k rows helps nobody and costs the host. */
function capped(repo: RepoIndex, commits: CommitRows): UnlinkedNode[] {
  const rows: UnlinkedNode[] = commits.slice(0, 500).map(link => ({ kind: 'commit', repo, link }));
  if (commits.length > 500) rows.push({ kind: 'message', text: `${commits.length - 500} older commits not shown (outcome-lens commits --unlinked lists all)` });
  return rows;
}

function groupLabel(key: string, by: 'author' | 'week'): string {
  return by === 'week' ? `Week of ${key}` : key || '(unknown author)';
}
