import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Outcome } from '../core/outcomes/model';
import type { CommitRow } from '../core/history/protocol';
import { commitItem, commitTooltip, countText, emptyWindowRows, errorRows, fileItem, MessageNode, messageItem, registerWidenWindow, relativeTime, repoItem, throttled, topLevel, windowCountText } from './common';
import { Settings } from '../vscode/settings';
import { offBudget, pct, pts } from '../core/report/format';
import { STATUS_LABELS } from '../core/keyresults/status';
import { OutcomeSignals, STATUS_ICONS } from './outcomeSignals';

export type OutcomeNode =
  | { kind: 'repo'; repo: RepoIndex }
  | { kind: 'outcome'; repo: RepoIndex; outcome: Outcome }
  | { kind: 'group'; repo: RepoIndex; outcome: Outcome; group: 'metrics' | 'areas' | 'commits' }
  | { kind: 'metric'; repo: RepoIndex; outcome: Outcome; index: number }
  | { kind: 'area'; repo: RepoIndex; outcome: Outcome; index: number }
  | { kind: 'file'; repo: RepoIndex; path: string }
  | { kind: 'commit'; repo: RepoIndex; row: CommitRow; outcome: string }
  | MessageNode;

/** What an area adds to its outcome after the negations, as its row, its CodeLens and its hover say it. */
export const areaAddsText = (n: number) => `adds ${n} file${n === 1 ? '' : 's'}`;

/** Rows of an outcome's recent commits: a tree of thousands helps nobody. */
const COMMIT_ROWS = 200;
const FILE_ROWS = 500;

/** The Outcomes view: outcome -> key results, areas (-> matched files), recent commits with how each is linked. */
export class OutcomesTree implements vscode.TreeDataProvider<OutcomeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<OutcomeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private readonly settingSub: vscode.Disposable;
  private readonly signalSub?: vscode.Disposable;
  /** "Widen the window", offered by both views' rows for an empty window. */
  private readonly widen: vscode.Disposable;
  private readonly repoNodes = new Map<RepoIndex, OutcomeNode>();

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings, private readonly signals?: OutcomeSignals) {
    this.sub = throttled(index.onDidChange, () => this.emitter.fire(undefined));
    this.signalSub = signals?.onDidChange(() => this.emitter.fire(undefined));
    this.settingSub = settings.onDidChange(['driftThreshold'], () => this.emitter.fire(undefined));
    this.widen = registerWidenWindow(settings);
  }

  /** An outcome's planned vs actual over the views' window, when it has a budget and the window is read. */
  private plan(repo: RepoIndex, id: string): { budget: number; actual: number; drift: number; off: boolean } | undefined {
    const p = repo.summary?.history?.plan?.[id];
    if (!p || p.actual === null) return undefined;
    const drift = p.actual - p.budget;
    return { budget: p.budget, actual: p.actual, drift, off: offBudget(drift, this.settings.driftThreshold(vscode.Uri.file(repo.root))) };
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  private repoNode(repo: RepoIndex): OutcomeNode {
    let n = this.repoNodes.get(repo);
    if (!n) this.repoNodes.set(repo, n = { kind: 'repo', repo });
    return n;
  }

  /** The node of an outcome, for reveal (its parent is its repository's row in a multi-root workspace). */
  outcomeNode(repo: RepoIndex, id: string): OutcomeNode | undefined {
    const outcome = repo.map?.outcomes.find(o => o.id === id);
    return outcome && { kind: 'outcome', repo, outcome };
  }

  async getChildren(node?: OutcomeNode): Promise<OutcomeNode[]> {
    if (!node) return (await topLevel(this.index, r => this.outcomes(r))).map(n => (n.kind === 'repo' ? this.repoNode(n.repo) : n));
    switch (node.kind) {
      case 'repo': return this.outcomes(node.repo);
      case 'outcome': {
        const groups: OutcomeNode[] = [];
        if (node.outcome.metrics.length) groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'metrics' });
        if (node.outcome.areas.length) groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'areas' });
        groups.push({ kind: 'group', repo: node.repo, outcome: node.outcome, group: 'commits' });
        return groups;
      }
      case 'group': {
        const { repo, outcome } = node;
        if (node.group === 'metrics') return outcome.metrics.map((_, index) => ({ kind: 'metric', repo, outcome, index }));
        if (node.group === 'areas') return outcome.areas.map((_, index) => ({ kind: 'area', repo, outcome, index }));
        const { rows } = await repo.history().commits({ kind: 'outcome', id: outcome.id }, 0, COMMIT_ROWS);
        return rows.map(row => ({ kind: 'commit', repo, row, outcome: outcome.id }));
      }
      case 'area': {
        // The files this area adds to the outcome after the negations: the number on its row.
        const { files } = await node.repo.history().filesMatching([node.outcome.areas[node.index].pattern], FILE_ROWS, { outcome: node.outcome.id, index: node.index });
        return files.map(p => ({ kind: 'file', repo: node.repo, path: p }));
      }
      default: return [];
    }
  }

  private outcomes(repo: RepoIndex): OutcomeNode[] {
    void repo.refreshIfWanted();
    const list: OutcomeNode[] = [...errorRows(repo.summary?.error), ...emptyWindowRows(repo)];
    if (repo.stale) list.push({ kind: 'message', text: 'outcomes.yaml has errors: showing the last good version' });
    if (!repo.map && repo.exists) list.push({ kind: 'message', text: 'outcomes.yaml has errors: see Problems' });
    for (const outcome of repo.map?.outcomes ?? []) list.push({ kind: 'outcome', repo, outcome });
    return list;
  }

  getParent(node: OutcomeNode): OutcomeNode | undefined {
    if (node.kind === 'message' || node.kind === 'repo' || this.index.withOutcomes.length === 1) return undefined;
    return this.repoNode(node.repo);
  }

  async resolveTreeItem(item: vscode.TreeItem, node: OutcomeNode): Promise<vscode.TreeItem> {
    if (node.kind === 'outcome' && !item.tooltip) {
      const o = node.outcome;
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**').appendText(o.title).appendMarkdown('**\n\n');
      md.appendText(`id: ${o.id} · status: ${o.status}${o.owner ? ` · owner: ${o.owner}` : ''}`);
      if (o.description) md.appendMarkdown('\n\n').appendText(o.description);
      if (o.link) md.appendMarkdown('\n\n').appendText(o.link);
      const p = this.plan(node.repo, o.id);
      if (p) md.appendMarkdown('\n\n').appendText(`Budget ${pct(p.budget)} · actual ${pct(p.actual)} of the commits that need an outcome in the last ${node.repo.summary?.history?.windowDays} days (${pts(p.drift)})`);
      const signal = this.signals?.peek(node.repo, o.id);
      if (o.period) md.appendMarkdown('\n\n').appendText(`Period: ${o.period.label} (${o.period.start} to ${o.period.due})`);
      if (signal?.adjustment) md.appendMarkdown('\n\n').appendText(signal.adjustment);
      item.tooltip = md;
    }
    return commitTooltip(item, node);
  }

  getTreeItem(node: OutcomeNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'repo': return repoItem(node.repo);
      case 'outcome': {
        const o = node.outcome;
        const t = new vscode.TreeItem(o.title, C.Collapsed);
        t.id = `outcome:${node.repo.root}:${o.id}`;
        // Drift shows only past the threshold: a description that always carried numbers would be noise.
        const p = this.plan(node.repo, o.id);
        const drift = p?.off ? `${Math.round(p.actual * 100)}% of effort, budget ${Math.round(p.budget * 100)}% (${pts(p.drift)})` : '';
        const signal = o.status === 'active' ? this.signals?.get(node.repo, o.id) : undefined;
        const status = signal?.status ? STATUS_LABELS[signal.status] : '';
        t.description = [o.id, o.status !== 'active' ? o.status : '', status, o.owner ?? '', drift].filter(Boolean).join(' · ');
        const icon = signal?.status ? STATUS_ICONS[signal.status] : undefined;
        t.iconPath = icon ? new vscode.ThemeIcon(icon[0], new vscode.ThemeColor(icon[1]))
          : new vscode.ThemeIcon(o.status === 'achieved' ? 'pass' : o.status === 'dropped' ? 'circle-slash' : o.status === 'proposed' ? 'lightbulb' : 'target');
        t.contextValue = o.link ? 'outcome.withLink' : 'outcome';
        return t;
      }
      case 'group': {
        const { outcome: o, repo } = node;
        const label = node.group === 'metrics' ? 'Key results' : node.group === 'areas' ? 'Areas' : 'Recent commits';
        const t = new vscode.TreeItem(label, node.group === 'metrics' ? C.Expanded : C.Collapsed);
        t.id = `group:${repo.root}:${o.id}:${node.group}`;
        if (node.group === 'commits') {
          const n = countText(repo.summary, h => h.byOutcome[o.id] ?? 0);
          t.description = windowCountText(repo, this.settings, n);
          if (n === '0') t.collapsibleState = C.None;
        } else t.description = String(node.group === 'metrics' ? o.metrics.length : o.areas.length);
        t.iconPath = new vscode.ThemeIcon(node.group === 'metrics' ? 'graph' : node.group === 'areas' ? 'folder-library' : 'git-commit');
        return t;
      }
      case 'metric': {
        const m = node.outcome.metrics[node.index];
        const t = new vscode.TreeItem(m.name, C.None);
        // A key result measured from data shows the data's newest value, its progress and its status.
        const kr = this.signals?.peek(node.repo, node.outcome.id)?.keyResults.find(k => k.name === m.name);
        const current = kr ? kr.current : m.current;
        const progress = kr?.progress === null || kr?.progress === undefined ? '' : `${Math.round(kr.progress * 100)}%`;
        t.description = [[m.baseline ?? '?', current ?? '?', m.target ?? '?'].join(' → '), progress, kr?.status ? STATUS_LABELS[kr.status] : ''].filter(Boolean).join(' · ');
        t.tooltip = `${m.name}: baseline ${m.baseline ?? 'n/a'}, current ${current ?? 'n/a'}, target ${m.target ?? 'n/a'}`
          + (m.source ? ` · measured from ${m.source.file}` : '')
          + (kr?.expected === null || kr?.expected === undefined ? '' : ` · expected now ${+kr.expected.toPrecision(4)}`)
          + (kr?.dataProblems?.length ? `\n${kr.dataProblems.join('\n')}` : '');
        t.iconPath = new vscode.ThemeIcon('dashboard');
        return t;
      }
      case 'area': {
        const p = node.outcome.areas[node.index];
        const count = node.repo.summary?.files?.byArea[node.outcome.id]?.[node.index];
        const negation = p.pattern.startsWith('!');
        const t = new vscode.TreeItem(p.pattern, count ? C.Collapsed : C.None);
        t.description = count === undefined ? '…' : negation ? 'takes files away' : areaAddsText(count);
        t.iconPath = new vscode.ThemeIcon(negation ? 'exclude' : 'folder');
        t.tooltip = negation ? `${p.pattern} takes away from ${node.outcome.id} the files it matches (outcomes.yaml line ${p.range.line})`
          : `${p.pattern} adds ${count ?? '…'} file${count === 1 ? '' : 's'} to ${node.outcome.id} after the negations, not counting files the lines above it bring in (outcomes.yaml line ${p.range.line})`;
        return t;
      }
      case 'file': return fileItem(node.repo, node.path, node.path, 'file');
      case 'commit': {
        const via = node.row.links.filter(l => l.outcome === node.outcome).map(l => l.via);
        // "Remove from Outcome" is offered where the link is the note's: a note cannot change a message or an area.
        return commitItem(node.repo, node.row, `via ${via.join(', ')} · ${relativeTime(node.row.date)}`, node.row.noteIds?.includes(node.outcome) ? 'commit.linked.note' : 'commit.linked');
      }
      case 'message': return messageItem(node);
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.settingSub.dispose();
    this.signalSub?.dispose();
    this.widen.dispose();
    this.emitter.dispose();
  }
}
