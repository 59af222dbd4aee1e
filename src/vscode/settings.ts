import vscode = require('vscode');
import {
  DEFAULT_BADGES, DEFAULT_DRIFT_THRESHOLD_POINTS, DEFAULT_GIT_TIMEOUT_SECONDS, DEFAULT_TOLERANCE_POINTS, DEFAULT_GROUP_COMMITS_BY, DEFAULT_LINE_ANNOTATION, DEFAULT_STATUS_BAR,
  DEFAULT_UNLINKED_BADGES, DEFAULT_WINDOW_DAYS, SETTING_KEYS, SettingName, SETTINGS_SECTION, withinBounds,
} from '../core/util/settingDefaults';

export type { SettingName } from '../core/util/settingDefaults';

/** A change to some of the settings a listener named. */
export interface SettingsChange {
  /** Whether one of them changed for `uri` (a resource-scoped setting may differ per repository); any resource when undefined. */
  affects(uri?: vscode.Uri): boolean;
}

/** The one place the extension reads `outcomeLens.*` settings and hears them change (one configuration listener), so keys and defaults cannot drift apart. */
export class Settings implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  private readonly sub = vscode.workspace.onDidChangeConfiguration(e => {
    if (e.affectsConfiguration(SETTINGS_SECTION)) this.emitter.fire(e);
  });

  /** Calls `listener` when any of the named settings changes, for any resource; it asks `affects(uri)` for one. */
  onDidChange(names: readonly SettingName[], listener: (change: SettingsChange) => void): vscode.Disposable {
    const keys = names.map(n => SETTING_KEYS[n]);
    return this.emitter.event(e => {
      if (keys.some(k => e.affectsConfiguration(k))) listener({ affects: uri => keys.some(k => e.affectsConfiguration(k, uri)) });
    });
  }

  private value<T>(name: SettingName, fallback: T, uri?: vscode.Uri): T {
    // Read by full key from the root section, so that the key is written once (SETTING_KEYS).
    return vscode.workspace.getConfiguration(undefined, uri).get<T>(SETTING_KEYS[name], fallback);
  }

  windowDays(uri?: vscode.Uri): number {
    return withinBounds('windowDays', this.value('windowDays', DEFAULT_WINDOW_DAYS, uri));
  }
  groupCommitsBy(uri?: vscode.Uri): 'author' | 'week' {
    const v = this.value<string>('groupCommitsBy', DEFAULT_GROUP_COMMITS_BY, uri);
    return v === 'week' || v === 'author' ? v : DEFAULT_GROUP_COMMITS_BY;
  }
  badges(uri?: vscode.Uri): boolean {
    return this.value('badges', DEFAULT_BADGES, uri);
  }
  unlinkedBadges(uri?: vscode.Uri): boolean {
    return this.value('unlinkedBadges', DEFAULT_UNLINKED_BADGES, uri);
  }
  lineAnnotation(uri?: vscode.Uri): boolean {
    return this.value('lineAnnotation', DEFAULT_LINE_ANNOTATION, uri);
  }
  statusBar(uri?: vscode.Uri): boolean {
    return this.value('statusBar', DEFAULT_STATUS_BAR, uri);
  }
  /** outcomeLens.budget.driftThreshold, as a fraction (10 points: 0.1). */
  driftThreshold(uri?: vscode.Uri): number {
    return withinBounds('driftThreshold', this.value('driftThreshold', DEFAULT_DRIFT_THRESHOLD_POINTS, uri)) / 100;
  }
  /** outcomeLens.keyResults.tolerance, as a share of the way (10 points: 0.1). */
  tolerance(uri?: vscode.Uri): number {
    return withinBounds('tolerance', this.value('tolerance', DEFAULT_TOLERANCE_POINTS, uri)) / 100;
  }
  /** A git command that prints nothing for this long is stopped (outcomeLens.git.timeout, in seconds). */
  gitTimeoutMs(): number {
    return withinBounds('gitTimeout', this.value('gitTimeout', DEFAULT_GIT_TIMEOUT_SECONDS)) * 1000;
  }

  /** Turns the line annotation off or on, written where the value in effect comes from (a folder's or the workspace's wins over the user's). */
  async toggleLineAnnotation(uri?: vscode.Uri): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(undefined, uri);
    const key = SETTING_KEYS.lineAnnotation;
    const v = cfg.inspect<boolean>(key);
    const target = v?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
      : v?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update(key, !this.lineAnnotation(uri), target);
  }

  /**
   * Sets the history window for the repository at `uri` (an empty window's "Widen the window"): for its folder in a
   * multi-root workspace, else where the value in effect comes from (the folder's, else the workspace's).
   */
  async setWindowDays(uri: vscode.Uri, days: number): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(undefined, uri);
    const key = SETTING_KEYS.windowDays;
    const v = cfg.inspect<number>(key);
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 && !!vscode.workspace.getWorkspaceFolder(uri);
    // In a multi-root workspace it is this repository's window that widens, never every folder's.
    const target = v?.workspaceFolderValue !== undefined || multi ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await cfg.update(key, withinBounds('windowDays', days), target);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
