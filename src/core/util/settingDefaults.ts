import { contributes } from '../../../package.json';

/** Each setting's key, default and bounds, read from package.json (where they are written once) so that the CLI and the git runner share the views' defaults. */
const properties = contributes.configuration.properties;
type SettingKey = keyof typeof properties;

/** Each setting's key by a name of its own; `satisfies` makes a key that package.json does not declare a compile error. */
export const SETTING_KEYS = {
  windowDays: 'outcomeLens.history.windowDays',
  groupCommitsBy: 'outcomeLens.unlinked.groupCommitsBy',
  badges: 'outcomeLens.decorations.enabled',
  unlinkedBadges: 'outcomeLens.decorations.showUnlinked',
  lineAnnotation: 'outcomeLens.currentLine.enabled',
  statusBar: 'outcomeLens.statusBar.enabled',
  driftThreshold: 'outcomeLens.budget.driftThreshold',
  tolerance: 'outcomeLens.keyResults.tolerance',
  gitTimeout: 'outcomeLens.git.timeout',
} as const satisfies Record<string, SettingKey>;

export type SettingName = keyof typeof SETTING_KEYS;
type NumberSettingName = { [N in SettingName]: (typeof properties)[(typeof SETTING_KEYS)[N]]['default'] extends number ? N : never }[SettingName];

/** The section every key is in, as VS Code's getConfiguration takes it. */
export const SETTINGS_SECTION = 'outcomeLens';

/** A number setting's value kept within the `minimum` and `maximum` package.json gives it (VS Code only warns). */
export function withinBounds(name: NumberSettingName, value: number): number {
  const p: { default: number; minimum?: number; maximum?: number } = properties[SETTING_KEYS[name]];
  return Math.max(p.minimum ?? -Infinity, Math.min(p.maximum ?? Infinity, value));
}

/** `outcomeLens.history.windowDays`: how many days of history the views, the dashboard, `report` and `suggest` cover. */
export const DEFAULT_WINDOW_DAYS: number = properties[SETTING_KEYS.windowDays].default;

/** `outcomeLens.unlinked.groupCommitsBy`: how Unlinked Work groups commits. */
export const DEFAULT_GROUP_COMMITS_BY = properties[SETTING_KEYS.groupCommitsBy].default as 'author' | 'week';

/** `outcomeLens.decorations.enabled`: outcome badges on files in the explorer. */
export const DEFAULT_BADGES: boolean = properties[SETTING_KEYS.badges].default;

/** `outcomeLens.decorations.showUnlinked`: a badge on files no outcome claims. */
export const DEFAULT_UNLINKED_BADGES: boolean = properties[SETTING_KEYS.unlinkedBadges].default;

/** `outcomeLens.currentLine.enabled`: the current line's commit's outcome at the end of the line. */
export const DEFAULT_LINE_ANNOTATION: boolean = properties[SETTING_KEYS.lineAnnotation].default;

/** `outcomeLens.statusBar.enabled`: the current file's outcomes in the status bar. */
export const DEFAULT_STATUS_BAR: boolean = properties[SETTING_KEYS.statusBar].default;

/** `outcomeLens.budget.driftThreshold`, in percentage points: drift past it is marked off budget. */
export const DEFAULT_DRIFT_THRESHOLD_POINTS: number = properties[SETTING_KEYS.driftThreshold].default;

/** `outcomeLens.keyResults.tolerance`, in points of the way: a key result further behind its line is at risk (past twice it, off track). */
export const DEFAULT_TOLERANCE_POINTS: number = properties[SETTING_KEYS.tolerance].default;

/** `outcomeLens.git.timeout`, in seconds: a git command that prints nothing for this long is stopped (the CLI's OUTCOME_LENS_GIT_TIMEOUT too). */
export const DEFAULT_GIT_TIMEOUT_SECONDS: number = properties[SETTING_KEYS.gitTimeout].default;
