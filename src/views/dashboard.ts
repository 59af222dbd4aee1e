import vscode = require('vscode');
import { randomBytes } from 'node:crypto';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { Allocation, Bucket } from '../core/links/allocation';
import { DASHBOARD_CSS, escapeHtml, Measure, renderDashboardBody, WEBVIEW_VARS } from '../core/report/dashboardHtml';
import { LatestWins } from '../core/util/throttle';
import { throttled } from './common';

const WINDOWS = [30, 90, 180, 365];

/**
 * The allocation dashboard: commit counts first, then changed lines, both answered by the repository's history
 * service and rendered by the same code as the HTML report. It updates by message, so scrolling and focus stay.
 */
export class Dashboard implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private repo?: RepoIndex;
  windowDays = 90;
  measure: Measure = 'commits';
  bucket: Bucket = 'week';
  /** What the dashboard shows now. */
  allocation?: Allocation;
  private readonly runner: LatestWins;
  private readonly subs: vscode.Disposable[];
  /** The summary the dashboard last drew from (see the index listener). */
  private drawnFrom?: string;

  constructor(private readonly extensionUri: vscode.Uri, private readonly index: WorkspaceIndex, private readonly log: Log,
    private readonly reveal: (repo: RepoIndex, key: string) => void) {
    this.runner = new LatestWins(signal => this.load(signal), e => this.log.error('dashboard refresh failed', e));
    this.subs = [
      index.showsHistory(() => !!this.panel?.visible),
      // New history (a commit, a relink, a failure) is drawn again, once per burst; a read in progress is not news.
      throttled(index.onDidChange, () => {
        const s = this.repo?.summary;
        const key = `${s?.service}:${s?.map}:${s?.history?.snapshot}:${s?.history?.complete}:${s?.error?.message}`;
        if (this.panel?.visible && key !== this.drawnFrom) { this.drawnFrom = key; void this.runner.request(); }
      }, 500),
    ];
  }

  /** The repository the dashboard shows. */
  get shown(): RepoIndex | undefined {
    return this.panel ? this.repo : undefined;
  }

  async open(repo?: RepoIndex): Promise<void> {
    await this.index.ready();
    const repos = this.index.withOutcomes;
    this.repo = repo ?? this.index.active() ?? (repos.length <= 1 ? repos[0]
      : (await vscode.window.showQuickPick(repos.map(r => ({ label: r.name, description: r.root, r })), { placeHolder: 'The dashboard of which repository?' }))?.r);
    if (!this.repo) { if (!repos.length) void vscode.window.showInformationMessage('Outcome Lens: no repository with an outcomes.yaml'); return; }
    if (!this.panel) {
      const panel = this.panel = vscode.window.createWebviewPanel('outcomeLens.dashboard', 'Outcome Dashboard', vscode.ViewColumn.Active, {
        enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')], retainContextWhenHidden: false,
      });
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'outcome-lens.svg');
      panel.onDidDispose(() => { this.panel = undefined; this.body = undefined; });
      panel.onDidChangeViewState(e => { if (e.webviewPanel.visible) { this.page(); void this.runner.request(); } });
      panel.webview.onDidReceiveMessage(m => this.onMessage(m));
      this.page();
    } else this.panel.reveal();
    this.index.shown();
    await this.runner.request();
  }

  private onMessage(m: { type?: string; key?: string; value?: string }): void {
    if (m.type === 'ready' && this.body) void this.panel?.webview.postMessage({ type: 'render', body: this.body });
    else if (m.type === 'reveal' && this.repo && typeof m.key === 'string') this.reveal(this.repo, m.key);
    else if (m.type === 'set') void this.set({ windowDays: m.key === 'window' ? Number(m.value) : undefined, measure: m.key === 'measure' ? m.value as Measure : undefined, bucket: m.key === 'bucket' ? m.value as Bucket : undefined });
  }

  /** Shows another window, measure or bucket; settles once it is shown. */
  async set(o: { windowDays?: number; measure?: Measure; bucket?: Bucket }): Promise<void> {
    if (o.windowDays && WINDOWS.includes(o.windowDays)) this.windowDays = o.windowDays;
    if (o.measure === 'commits' || o.measure === 'lines') this.measure = o.measure;
    if (o.bucket === 'week' || o.bucket === 'month') this.bucket = o.bucket;
    await this.runner.request();
  }

  private async load(signal: AbortSignal): Promise<void> {
    const repo = this.repo;
    if (!repo?.map || !this.panel) return;
    // Commit counts at once; changed lines (about ten times dearer to read) follow.
    for (const lines of [false, true]) {
      try {
        const a = await repo.history().allocation({ days: this.windowDays, bucket: this.bucket, lines });
        if (signal.aborted || !a) return;
        this.allocation = a;
        this.render();
      } catch (e) {
        this.render((e as Error).message);
        return;
      }
    }
  }

  /** The page: styles, an empty main part and the script that fills it from messages. */
  private page(): void {
    if (!this.panel) return;
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard.js'));
    webview.html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${WEBVIEW_VARS}${DASHBOARD_CSS}</style></head>
<body><main id="main"><p class="summary">Reading the history…</p></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
  }

  /** The last body sent, sent again when the page (re)loads. */
  private body?: string;

  private render(error?: string): void {
    const repo = this.repo;
    if (!this.panel || !repo?.map) return;
    const body = error || !this.allocation
      ? `<p class="summary">The history could not be read: ${escapeHtml(error ?? 'no answer')}</p>`
      : renderDashboardBody({ map: repo.map, allocation: this.allocation, repoName: repo.name, measure: this.measure, interactive: { windowDays: this.windowDays, windows: WINDOWS } });
    this.body = body;
    void this.panel.webview.postMessage({ type: 'render', body });
  }

  dispose(): void {
    this.runner.dispose();
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
  }
}
