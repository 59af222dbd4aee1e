import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';

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

/** The steps done, kept across sessions (VS Code keeps its ticks; this keeps the history from being read for them). */
const DONE_STATE = 'outcomeLens.walkthrough.done';
/** When the extension first saw an outcomes.yaml (ms), kept across sessions. */
const FIRST_SEEN_STATE = 'outcomeLens.walkthrough.firstSeen';
/**
 * For this long after the first outcomes.yaml, a pending step that only the history can show ("Tag a commit", "Link a
 * past commit") has the history read even while no view shows it: the Welcome page is what shows it then.
 */
const FOLLOW_MS = 14 * 86400_000;

/** What the walkthrough watches besides the index: the Unlinked Work view and the dashboard being shown. */
export interface WalkthroughSources {
  unlinked: vscode.TreeView<unknown>;
  onDidShowDashboard: vscode.Event<void>;
}

export class WalkthroughProgress implements vscode.Disposable {
  /** The keys set so far (each is set once: a step, once done, stays done). */
  readonly done = new Set<string>();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex, private readonly state: vscode.Memento, sources: WalkthroughSources) {
    for (const key of state.get<string[]>(DONE_STATE, [])) if ((Object.values(WALKTHROUGH_KEYS) as string[]).includes(key)) this.set(key, true, false);
    this.subs = [
      index.onDidChange(() => this.update()),
      index.showsHistory(() => this.following()),
      sources.unlinked.onDidChangeVisibility(e => this.set(WALKTHROUGH_KEYS.reviewedUnlinked, e.visible)),
      sources.onDidShowDashboard(() => this.set(WALKTHROUGH_KEYS.openedDashboard, true)),
    ];
    // Already open when the extension starts: VS Code sees no change of visibility, so it would never tick.
    this.set(WALKTHROUGH_KEYS.reviewedUnlinked, sources.unlinked.visible);
    this.update();
  }

  /** Whether a step that only the history shows is still to be done, within the first days of use. */
  private following(): boolean {
    if (this.done.has(WALKTHROUGH_KEYS.taggedCommit) && this.done.has(WALKTHROUGH_KEYS.linkedPastCommit)) return false;
    const first = this.state.get<number>(FIRST_SEEN_STATE);
    return first !== undefined && Date.now() - first < FOLLOW_MS;
  }

  private update(): void {
    const repos = this.index.withOutcomes;
    if (repos.length && this.state.get(FIRST_SEEN_STATE) === undefined) {
      void this.state.update(FIRST_SEEN_STATE, Date.now());
      // (the history is read at once for the steps that follow it, not only at the next change in git)
      this.index.shown();
    }
    this.set(WALKTHROUGH_KEYS.hasOutcomes, repos.length > 0);
    this.set(WALKTHROUGH_KEYS.taggedCommit, repos.some(r => (r.summary?.history?.viaTrailer ?? 0) > 0));
    this.set(WALKTHROUGH_KEYS.linkedPastCommit, repos.some(r => (r.summary?.history?.viaNote ?? 0) > 0));
  }

  private set(key: string, value: boolean, save = true): void {
    if (!value || this.done.has(key)) return;
    this.done.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
    if (save) void this.state.update(DONE_STATE, [...this.done]);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
