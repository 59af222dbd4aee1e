import vscode = require('vscode');
import { DEFAULT_DRIFT_THRESHOLD_POINTS, DEFAULT_WINDOW_DAYS } from '../core/util/settingDefaults';

/** Typed access to the `outcomeLens.*` settings (all resource-scoped, so each repository may differ). */
export class Settings {
  private get(uri?: vscode.Uri) {
    return vscode.workspace.getConfiguration('outcomeLens', uri);
  }
  windowDays(uri?: vscode.Uri): number {
    return Math.max(1, Math.min(3650, this.get(uri).get<number>('history.windowDays', DEFAULT_WINDOW_DAYS)));
  }
  groupCommitsBy(uri?: vscode.Uri): 'author' | 'week' {
    return this.get(uri).get<string>('unlinked.groupCommitsBy', 'author') === 'week' ? 'week' : 'author';
  }
  badges(uri?: vscode.Uri): boolean {
    return this.get(uri).get<boolean>('decorations.enabled', true);
  }
  unlinkedBadges(uri?: vscode.Uri): boolean {
    return this.get(uri).get<boolean>('decorations.showUnlinked', true);
  }
  lineAnnotation(uri?: vscode.Uri): boolean {
    return this.get(uri).get<boolean>('currentLine.enabled', true);
  }
  /** A git command that prints nothing for this long is stopped (outcomeLens.git.timeout, in seconds). */
  gitTimeoutMs(): number {
    return Math.max(1, this.get().get<number>('git.timeout', 60)) * 1000;
  }
  /** outcomeLens.budget.driftThreshold, as a fraction (10 points: 0.1). */
  driftThreshold(uri?: vscode.Uri): number {
    return Math.max(0, Math.min(100, this.get(uri).get<number>('budget.driftThreshold', DEFAULT_DRIFT_THRESHOLD_POINTS))) / 100;
  }
  statusBar(uri?: vscode.Uri): boolean {
    return this.get(uri).get<boolean>('statusBar.enabled', true);
  }
}
