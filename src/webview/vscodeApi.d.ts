// The API VS Code gives a webview's scripts (a global there), typed with the dashboard's own messages and state.
import type { DashboardState, FromDashboard } from '../core/report/dashboardMessages';

declare global {
  interface DashboardWebviewApi {
    postMessage(message: FromDashboard): void;
    getState(): DashboardState | undefined;
    setState(state: DashboardState): DashboardState;
  }
  /** May be called once per page load. */
  function acquireVsCodeApi(): DashboardWebviewApi;
}
