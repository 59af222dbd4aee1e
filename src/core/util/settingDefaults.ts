import { contributes } from '../../../package.json';

/**
 * The defaults of the extension's settings, read from package.json's `contributes.configuration` (the one place they
 * are written), so that the command line uses the same ones: `report` without `--since` covers the window the views do.
 */
const properties = contributes.configuration.properties;

/** `outcomeLens.history.windowDays`: how many days of history the views, the dashboard and `report` cover. */
export const DEFAULT_WINDOW_DAYS: number = properties['outcomeLens.history.windowDays'].default;

/** `outcomeLens.budget.driftThreshold`, in percentage points: drift past it is marked off budget. */
export const DEFAULT_DRIFT_THRESHOLD_POINTS: number = properties['outcomeLens.budget.driftThreshold'].default;
