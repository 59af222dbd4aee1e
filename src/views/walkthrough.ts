import vscode = require('vscode');
import fs = require('node:fs');
import path = require('node:path');
import { findRepoRoot, WorkspaceIndex } from '../vscode/workspaceIndex';
import { OUTCOMES_FILE } from '../core/outcomes/load';

/**
 * The getting-started walkthrough's steps complete on what really happened, not on a click: each step's
 * `completionEvents` names one of these context keys (besides the view or command VS Code sees itself, which it misses
 * when the view is already open or the command runs from elsewhere), set here once the workspace shows it.
 */
export const WALKTHROUGH_KEYS = {
  /** A repository of the workspace has an outcomes.yaml. */
  hasOutcomes: 'outcomeLens.walkthrough.hasOutcomes',
  /** A commit of the history window is linked by its trailer. */
  taggedCommit: 'outcomeLens.walkthrough.taggedCommit',
  /** Unlinked Work has been shown. */
  reviewedUnlinked: 'outcomeLens.walkthrough.reviewedUnlinked',
  /** A commit of the history window is linked by a note (a past commit linked). */
  linkedPastCommit: 'outcomeLens.walkthrough.linkedPastCommit',
  /** The dashboard has been shown. */
  openedDashboard: 'outcomeLens.walkthrough.openedDashboard',
} as const;

/** What the walkthrough watches besides the index: the Unlinked Work view and the dashboard being shown. */
export interface WalkthroughSources {
  unlinked: vscode.TreeView<unknown>;
  onDidShowDashboard: vscode.Event<void>;
}

export class WalkthroughProgress implements vscode.Disposable {
  /** The keys set so far (each is set once: a step, once done, stays done). */
  readonly done = new Set<string>();
  private readonly subs: vscode.Disposable[];
  /**
   * Whether outcomes.yaml was created in this session (the walkthrough's first step, done now): from then on, while a
   * step that only the history shows ("Tag a commit", "Link a past commit") is pending, the history is read even with
   * no view open, since the Welcome page is what shows it. A workspace that opens with an outcomes.yaml reads history
   * only when something shows it, as ever.
   */
  private following = false;
  /** Whether a repository had an outcomes.yaml when the extension started (on disk: commands run only after that). */
  private readonly startedWithOutcomes = (vscode.workspace.workspaceFolders ?? []).some(f => {
    const root = f.uri.scheme === 'file' ? findRepoRoot(f.uri.fsPath) : undefined;
    return !!root && fs.existsSync(path.join(root, OUTCOMES_FILE));
  });

  constructor(private readonly index: WorkspaceIndex, sources: WalkthroughSources) {
    this.subs = [
      index.onDidChange(() => this.update()),
      index.showsHistory(() => this.following && !(this.done.has(WALKTHROUGH_KEYS.taggedCommit) && this.done.has(WALKTHROUGH_KEYS.linkedPastCommit))),
      sources.unlinked.onDidChangeVisibility(e => this.set(WALKTHROUGH_KEYS.reviewedUnlinked, e.visible)),
      sources.onDidShowDashboard(() => this.set(WALKTHROUGH_KEYS.openedDashboard, true)),
    ];
    // Already open when the extension starts: VS Code sees no change of visibility, so it would never tick.
    this.set(WALKTHROUGH_KEYS.reviewedUnlinked, sources.unlinked.visible);
    this.update();
  }

  private update(): void {
    const repos = this.index.withOutcomes;
    if (!this.startedWithOutcomes && repos.length && !this.following) {
      this.following = true;
      this.index.shown();
    }
    this.set(WALKTHROUGH_KEYS.hasOutcomes, repos.length > 0);
    this.set(WALKTHROUGH_KEYS.taggedCommit, repos.some(r => (r.summary?.history?.viaTrailer ?? 0) > 0));
    this.set(WALKTHROUGH_KEYS.linkedPastCommit, repos.some(r => (r.summary?.history?.viaNote ?? 0) > 0));
  }

  private set(key: string, value: boolean): void {
    if (!value || this.done.has(key)) return;
    this.done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
