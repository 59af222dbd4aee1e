import vscode = require('vscode');
import path = require('node:path');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Outcome } from '../core/outcomes/model';
import { LinkedCommit } from '../core/links/link';
import { CommitRows, NO_COMMITS } from '../core/worker/store';
import { commitItem, commitTooltip, relativeTime, throttled, topLevel } from './common';

export type OutcomeNode =
  | { kind: 'repo'; repo: RepoIndex }
  | { kind: 'outcome'; repo: RepoIndex; outcome: Outcome }
  | { kind: 'group'; repo: RepoIndex; outcome: Outcome; group: 'metrics' | 'areas' | 'commits' }
  | { kind: 'metric'; repo: RepoIndex; outcome: Outcome; index: number }
  | { kind: 'area'; repo: RepoIndex; outcome: Outcome; index: number }
  | { kind: 'file'; repo: RepoIndex; path: string }
  | { kind: 'commit'; repo: RepoIndex; link: LinkedCommit; outcome: string }
  | { kind: 'message'; text: string };

/** The Outcomes view: outcome -> key results, areas (-> matched files), recent commits with how each is linked. */
export class OutcomesTree implements vscode.TreeDataProvider<OutcomeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<OutcomeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    this.sub = throttled(index.onDidChange, () => this.emitter.fire(undefined));
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: OutcomeNode): OutcomeNode[] {
    if (!node) return topLevel(this.index, r => this.outcomes(r));
    switch (node.kind) {
      case 'repo': return this.outcomes(node.repo);
      case 'outcome': {
        const groups: OutcomeNode[] = [];
        if (node.outcome.metrics.length) groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'metrics' });
        if (node.outcome.areas.length) groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'areas' });
        groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'commits' });
        return groups;
      }
      case 'group':
        if (node.group === 'metrics') return node.outcome.metrics.map((_, index) => ({ kind: 'metric', repo: node.repo, outcome: node.outcome, index }));
        if (node.group === 'areas') return node.outcome.areas.map((_, index) => ({ kind: 'area', repo: node.repo, outcome: node.outcome, index }));
        return this.commitsOf(node.repo, node.outcome.id).slice(0, 200).map(link => ({ kind: 'commit', repo: node.repo, link, outcome: node.outcome.id }));
      case 'area': {
        if (!node.repo.files) return [{ kind: 'message', text: 'Loading…' }];
        return node.repo.filesMatching([node.outcome.areas[node.index].pattern]).slice(0, 500).map(p => ({ kind: 'file', repo: node.repo, path: p }));
      }
      default: return [];
    }
  }

  private outcomes(repo: RepoIndex): OutcomeNode[] {
    const list: OutcomeNode[] = (repo.map?.outcomes ?? []).map(outcome => ({ kind: 'outcome', repo, outcome }));
    if (repo.stale) list.unshift({ kind: 'message', text: 'outcomes.yaml has errors: showing the last good version' });
    if (!repo.map && repo.exists) list.unshift({ kind: 'message', text: 'outcomes.yaml has errors: see Problems' });
    return list;
  }

  private commitsOf(repo: RepoIndex, id: string): CommitRows {
    return repo.commitIndex().byOutcome.get(id) ?? NO_COMMITS;
  }

  resolveTreeItem(item: vscode.TreeItem, node: OutcomeNode): vscode.TreeItem {
    if (node.kind === 'outcome' && !item.tooltip) {
      const o = node.outcome;
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**').appendText(o.title).appendMarkdown('**\n\n');
      md.appendText(`id: ${o.id} · status: ${o.status}${o.owner ? ` · owner: ${o.owner}` : ''}`);
      if (o.description) md.appendMarkdown('\n\n').appendText(o.description);
      if (o.link) md.appendMarkdown('\n\n').appendText(o.link);
      item.tooltip = md;
    }
    return commitTooltip(item, node);
  }

  getTreeItem(node: OutcomeNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'repo': {
        const t = new vscode.TreeItem(node.repo.name, C.Expanded);
        t.iconPath = new vscode.ThemeIcon('repo');
        t.description = node.repo.stale ? 'outcomes.yaml has errors' : undefined;
        return t;
      }
      case 'outcome': {
        const o = node.outcome;
        const t = new vscode.TreeItem(o.title, C.Collapsed);
        t.id = `outcome:${node.repo.root}:${o.id}`;
        t.description = [o.id, o.status !== 'active' ? o.status : '', o.owner ?? ''].filter(Boolean).join(' · ');
        // the tooltip comes from resolveTreeItem, on hover (see commitItem)
        t.iconPath = new vscode.ThemeIcon(o.status === 'achieved' ? 'pass' : o.status === 'dropped' ? 'circle-slash' : o.status === 'proposed' ? 'lightbulb' : 'target');
        t.contextValue = o.link ? 'outcome.withLink' : 'outcome';
        return t;
      }
      case 'group': {
        const n = node.group === 'metrics' ? node.outcome.metrics.length : node.group === 'areas' ? node.outcome.areas.length : this.commitsOf(node.repo, node.outcome.id).length;
        const label = node.group === 'metrics' ? 'Key results' : node.group === 'areas' ? 'Areas' : `Recent commits`;
        const t = new vscode.TreeItem(label, node.group === 'metrics' ? C.Expanded : C.Collapsed);
        t.description = node.group === 'commits' && node.repo.loading && !node.repo.commits ? 'loading…' : String(n);
        t.iconPath = new vscode.ThemeIcon(node.group === 'metrics' ? 'graph' : node.group === 'areas' ? 'folder-library' : 'git-commit');
        return t;
      }
      case 'metric': {
        const m = node.outcome.metrics[node.index];
        const t = new vscode.TreeItem(m.name, C.None);
        t.description = [m.baseline ?? '?', m.current ?? '?', m.target ?? '?'].join(' → ');
        t.tooltip = `${m.name}: baseline ${m.baseline ?? 'n/a'}, current ${m.current ?? 'n/a'}, target ${m.target ?? 'n/a'}`;
        t.iconPath = new vscode.ThemeIcon('dashboard');
        return t;
      }
      case 'area': {
        const p = node.outcome.areas[node.index];
        const count = node.repo.files ? node.repo.filesMatching([p.pattern]).length : undefined;
        const t = new vscode.TreeItem(p.pattern, count ? C.Collapsed : C.None);
        t.description = count === undefined ? '…' : `${count} file${count === 1 ? '' : 's'}`;
        t.iconPath = new vscode.ThemeIcon(p.pattern.startsWith('!') ? 'exclude' : 'folder');
        t.tooltip = `${p.pattern} (outcomes.yaml line ${p.range.line})`;
        return t;
      }
      case 'file': {
        const uri = vscode.Uri.file(path.join(node.repo.root, node.path));
        const t = new vscode.TreeItem(uri, C.None);
        t.label = node.path;
        t.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
        t.contextValue = 'file';
        return t;
      }
      case 'commit': {
        const link = node.link;
        const via = link.links.filter(l => l.outcome === node.outcome).map(l => l.via);
        const t = commitItem(node.repo, link, `${via.join(', ')} · ${relativeTime(link.commit.date)}`);
        return t;
      }
      case 'message': {
        const t = new vscode.TreeItem(node.text, C.None);
        t.iconPath = new vscode.ThemeIcon('warning');
        return t;
      }
    }
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
