import * as vscode from 'vscode';
import * as path from 'node:path';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { CommitLink } from '../core/links/link';
import { bucketStart } from '../core/links/allocation';
import { Settings } from '../vscode/settings';
import { commitItem, relativeTime, throttled, topLevel } from './common';

export type UnlinkedNode =
  | { kind: 'repo'; repo: RepoIndex }
  | { kind: 'section'; repo: RepoIndex; section: 'files' | 'commits' | 'invalid' }
  | { kind: 'folder'; repo: RepoIndex; folder: string }
  | { kind: 'file'; repo: RepoIndex; path: string }
  | { kind: 'commitGroup'; repo: RepoIndex; group: string }
  | { kind: 'commit'; repo: RepoIndex; link: CommitLink }
  | { kind: 'message'; text: string };

/**
 * Unlinked Work: files no outcome claims (a folder tree with counts), unlinked commits of the history
 * window grouped by author or week, and commits whose trailers or notes name unknown outcome ids.
 */
export class UnlinkedTree implements vscode.TreeDataProvider<UnlinkedNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UnlinkedNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private cache = new Map<RepoIndex, { files: string[]; counts: Map<string, number> }>();

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings) {
    this.sub = throttled(index.onDidChange, () => { this.cache.clear(); this.emitter.fire(undefined); });
  }

  refresh(): void {
    this.cache.clear();
    this.emitter.fire(undefined);
  }

  /** Unlinked files and, per folder, how many unlinked files are under it. */
  unlinkedFiles(repo: RepoIndex): { files: string[]; counts: Map<string, number> } {
    let c = this.cache.get(repo);
    if (!c) {
      const files = repo.files && repo.linker ? repo.files.filter(f => repo.linker!.file(f).status === 'unlinked') : [];
      const counts = new Map<string, number>();
      for (const f of files) {
        const parts = f.split('/');
        for (let i = 1; i < parts.length; i++) {
          const d = parts.slice(0, i).join('/');
          counts.set(d, (counts.get(d) ?? 0) + 1);
        }
      }
      c = { files, counts };
      this.cache.set(repo, c);
    }
    return c;
  }

  unlinkedCommits(repo: RepoIndex): CommitLink[] {
    return (repo.commits ?? []).filter(c => c.status === 'unlinked');
  }

  getChildren(node?: UnlinkedNode): UnlinkedNode[] {
    if (!node) return topLevel(this.index, r => this.sections(r));
    switch (node.kind) {
      case 'repo': return this.sections(node.repo);
      case 'section':
        if (node.section === 'files') return this.folderChildren(node.repo, '');
        if (node.section === 'invalid') return (node.repo.commits ?? []).filter(c => c.invalid.length).map(link => ({ kind: 'commit', repo: node.repo, link }));
        return this.commitGroups(node.repo);
      case 'folder': return this.folderChildren(node.repo, node.folder);
      case 'commitGroup': {
        const by = this.settings.groupCommitsBy(vscode.Uri.file(node.repo.root));
        return this.unlinkedCommits(node.repo).filter(c => groupOf(c, by) === node.group).map(link => ({ kind: 'commit', repo: node.repo, link }));
      }
      default: return [];
    }
  }

  private sections(repo: RepoIndex): UnlinkedNode[] {
    if (!repo.map) return [{ kind: 'message', text: 'outcomes.yaml has errors: see Problems' }];
    const out: UnlinkedNode[] = [{ kind: 'section', repo, section: 'files' }, { kind: 'section', repo, section: 'commits' }];
    if ((repo.commits ?? []).some(c => c.invalid.length)) out.push({ kind: 'section', repo, section: 'invalid' });
    return out;
  }

  private folderChildren(repo: RepoIndex, folder: string): UnlinkedNode[] {
    const { files, counts } = this.unlinkedFiles(repo);
    const prefix = folder ? folder + '/' : '';
    const folders = new Set<string>();
    const direct: string[] = [];
    for (const f of files) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) direct.push(f);
      else folders.add(prefix + rest.slice(0, slash));
    }
    const sortedFolders = [...folders].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1));
    return [
      ...sortedFolders.map(f => ({ kind: 'folder', repo, folder: f }) as UnlinkedNode),
      ...direct.map(p => ({ kind: 'file', repo, path: p }) as UnlinkedNode),
    ];
  }

  private commitGroups(repo: RepoIndex): UnlinkedNode[] {
    const by = this.settings.groupCommitsBy(vscode.Uri.file(repo.root));
    const groups = new Map<string, number>();
    for (const c of this.unlinkedCommits(repo)) groups.set(groupOf(c, by), (groups.get(groupOf(c, by)) ?? 0) + 1);
    const keys = [...groups.keys()];
    keys.sort(by === 'week' ? (a, b) => (a < b ? 1 : -1) : (a, b) => groups.get(b)! - groups.get(a)! || (a < b ? -1 : 1));
    return keys.map(group => ({ kind: 'commitGroup', repo, group }));
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
          t.description = r.files ? String(this.unlinkedFiles(r).files.length) : 'loading…';
          t.iconPath = new vscode.ThemeIcon('files');
          t.tooltip = 'Tracked files that no outcome\'s areas match and that ignore does not list';
          return t;
        }
        if (node.section === 'invalid') {
          const t = new vscode.TreeItem('Invalid links', C.Collapsed);
          t.description = String((r.commits ?? []).filter(c => c.invalid.length).length);
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
        t.description = String(this.unlinkedFiles(node.repo).counts.get(node.folder) ?? 0);
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
        t.description = String(this.unlinkedCommits(node.repo).filter(c => groupOf(c, by) === node.group).length);
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

function groupOf(c: CommitLink, by: 'author' | 'week'): string {
  return by === 'week' ? `Week of ${bucketStart(c.commit.date, 'week')}` : c.commit.author || '(unknown author)';
}
