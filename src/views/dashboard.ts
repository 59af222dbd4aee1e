import vscode = require('vscode');
import { randomBytes } from 'node:crypto';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { Settings } from '../vscode/settings';
import { Allocation, BucketChoice } from '../core/links/allocation';
import { DASHBOARD_CSS, escapeHtml, renderDashboardBody, WEBVIEW_VARS } from '../core/report/dashboardHtml';
import { buildReport, Measure, ReportJson } from '../core/report/model';
import type { KeyResultHistory } from '../core/outcomes/keyResultHistory';
import { LatestWins } from '../core/util/throttle';
import { DEFAULT_WINDOW_DAYS } from '../core/util/settingDefaults';
import { throttled } from './common';

const WINDOWS = [30, 90, 180, 365];

/** What the dashboard shows, and what Export Report writes when the dashboard shows that repository. */
export interface View {
  windowDays: number;
  measure: Measure;
  bucket: BucketChoice;
}

/**
 * A repository's report over a window, from its history service (the allocation and the key results' history, both
 * read once and kept there): the dashboard draws it, Export Report writes it. `lines`: with changed lines (dearer).
 */
export async function repoReport(repo: RepoIndex, settings: Settings, view: View, lines: boolean, keyResults?: KeyResultHistory): Promise<{ report: ReportJson; allocation: Allocation; keyResults: KeyResultHistory } | undefined> {
  const map = repo.map;
  if (!map) return undefined;
  const allocation = await repo.history().allocation({ days: view.windowDays, bucket: view.bucket, lines });
  if (!allocation) return undefined;
  const krs = keyResults ?? await repo.history().keyResultHistory();
  const uri = vscode.Uri.file(repo.root);
  const report = buildReport({
    map, allocation, keyResults: krs, repoName: repo.name, generatedAt: new Date().toISOString(), measure: view.measure,
    window: { days: view.windowDays, defaulted: view.windowDays === settings.windowDays(uri) }, driftThreshold: settings.driftThreshold(uri),
  });
  return { report, allocation, keyResults: krs };
}

/**
 * The allocation dashboard: commit counts first, then changed lines, both answered by the repository's history
 * service and rendered by the same code as the HTML report. It updates by message, so scrolling and focus stay.
 */
export class Dashboard implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private repo?: RepoIndex;
  windowDays = DEFAULT_WINDOW_DAYS;
  measure: Measure = 'commits';
  bucket: BucketChoice = 'auto';
  /** What the dashboard shows now. */
  allocation?: Allocation;
  report?: ReportJson;
  private readonly runner: LatestWins;
  private readonly subs: vscode.Disposable[];
  /** The summary the dashboard last drew from (see the index listener). */
  private drawnFrom?: string;
  /** Whether the window was picked here (else it follows the setting). */
  private windowPicked = false;

  constructor(private readonly extensionUri: vscode.Uri, private readonly index: WorkspaceIndex, private readonly log: Log, private readonly settings: Settings,
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
      vscode.workspace.onDidChangeConfiguration(e => {
        if (this.panel && (e.affectsConfiguration('outcomeLens.budget.driftThreshold') || e.affectsConfiguration('outcomeLens.history.windowDays'))) void this.runner.request();
      }),
    ];
  }

  /** The repository the dashboard shows. */
  get shown(): RepoIndex | undefined {
    return this.panel ? this.repo : undefined;
  }

  /** The window choices: the fixed ones and the setting's own value. */
  private get windows(): number[] {
    const own = this.repo ? this.settings.windowDays(vscode.Uri.file(this.repo.root)) : undefined;
    return [...new Set([...WINDOWS, ...(own ? [own] : [])])].sort((a, b) => a - b);
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

  private onMessage(m: { type?: string; key?: string; value?: string; sha?: string }): void {
    if (m.type === 'ready' && this.body) void this.panel?.webview.postMessage({ type: 'render', body: this.body });
    else if (m.type === 'reveal' && this.repo && typeof m.key === 'string') this.reveal(this.repo, m.key);
    else if (m.type === 'commit' && this.repo && typeof m.sha === 'string' && /^[0-9a-f]{7,64}$/.test(m.sha)) void vscode.commands.executeCommand('outcomeLens.showCommit', this.repo.root, m.sha);
    else if (m.type === 'set') void this.set({ windowDays: m.key === 'window' ? Number(m.value) : undefined, measure: m.key === 'measure' ? m.value as Measure : undefined, bucket: m.key === 'bucket' ? m.value as BucketChoice : undefined });
  }

  /** Shows another window, measure or bucket; settles once it is shown. */
  async set(o: { windowDays?: number; measure?: Measure; bucket?: BucketChoice }): Promise<void> {
    if (o.windowDays && this.windows.includes(o.windowDays)) { this.windowDays = o.windowDays; this.windowPicked = true; }
    if (o.measure === 'commits' || o.measure === 'lines') this.measure = o.measure;
    if (o.bucket === 'auto' || o.bucket === 'week' || o.bucket === 'month') this.bucket = o.bucket;
    await this.runner.request();
  }

  /** What the dashboard shows: Export Report writes the same. */
  get view(): View {
    return { windowDays: this.windowDays, measure: this.measure, bucket: this.bucket };
  }

  private async load(signal: AbortSignal): Promise<void> {
    const repo = this.repo;
    if (!repo?.map || !this.panel) return;
    if (!this.windowPicked) this.windowDays = this.settings.windowDays(vscode.Uri.file(repo.root));
    // What is shown stays until the new answer is there; meanwhile the page says what it is reading.
    if (this.body) void this.panel.webview.postMessage({ type: 'busy', text: `Reading ${this.windowDays} days of history…` });
    // Commit counts at once; changed lines (about ten times dearer to read) follow, or only they for the lines measure.
    let keyResults: KeyResultHistory | undefined;
    for (const lines of this.measure === 'lines' ? [true] : [false, true]) {
      try {
        const got = await repoReport(repo, this.settings, this.view, lines, keyResults);
        if (signal.aborted || !got) return;
        keyResults = got.keyResults;
        this.allocation = got.allocation;
        this.report = got.report;
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
    const body = error || !this.report
      ? `<p class="summary" id="error">The history could not be read: ${escapeHtml(error ?? 'no answer')}</p>`
      : renderDashboardBody(this.report, { windowDays: this.windowDays, windows: this.windows, bucket: this.bucket });
    this.body = body;
    void this.panel.webview.postMessage({ type: 'render', body });
  }

  dispose(): void {
    this.runner.dispose();
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
  }
}
