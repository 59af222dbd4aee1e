import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';

/**
 * The getting-started walkthrough's steps complete on what really happened, not on a click: each step's
 * `completionEvents` names one of these context keys (or a view or command VS Code sees itself), set here once the
 * repository shows it.
 */
export const WALKTHROUGH_KEYS = {
  /** A repository of the workspace has an outcomes.yaml. */
  hasOutcomes: 'outcomeLens.walkthrough.hasOutcomes',
  /** A commit of the history window is linked by its trailer. */
  taggedCommit: 'outcomeLens.walkthrough.taggedCommit',
  /** A commit of the history window is linked by a note (a past commit linked). */
  linkedPastCommit: 'outcomeLens.walkthrough.linkedPastCommit',
} as const;

export class WalkthroughProgress implements vscode.Disposable {
  /** The keys set so far (each is set once: a step, once done, stays done). */
  readonly done = new Set<string>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    this.sub = index.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const repos = this.index.withOutcomes;
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
    this.sub.dispose();
  }
}
