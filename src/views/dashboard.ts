import vscode = require('vscode');
import { randomBytes } from 'node:crypto';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { Settings } from '../vscode/settings';
import { BucketChoice } from '../core/links/allocation';
import { DASHBOARD_CSS, escapeHtml, renderDashboardBody, WEBVIEW_VARS } from '../core/report/dashboardHtml';
import { DashboardBucket, DashboardMeasure, DashboardState, fromDashboard, FromDashboard, restoredState, ToDashboard } from '../core/report/dashboardMessages';
import { Measure, ReportJson } from '../core/report/model';
import { LatestWins } from '../core/util/throttle';
import { DEFAULT_WINDOW_DAYS } from '../core/util/settingDefaults';
import { throttled } from './common';

const WINDOWS = [30, 90, 180, 365];
const VIEW_TYPE = 'outcomeLens.dashboard';

/** Whether two types are the same: the messages' own measures and buckets must be the report's. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _measuresAgree: Same<DashboardMeasure, Measure> = true;
const _bucketsAgree: Same<DashboardBucket, BucketChoice> = true;

/** What the dashboard shows, and what Export Report writes when the dashboard shows that repository. */
export interface View {
  windowDays: number;
  measure: Measure;
  bucket: BucketChoice;
}

/**
 * A repository's report over a window, made by its history service with the CLI's own function (makeReport): the
 * dashboard draws it, Export Report writes it. `lines`: with changed lines (dearer).
 */
export async function repoReport(repo: RepoIndex, settings: Settings, view: View, lines: boolean): Promise<ReportJson | undefined> {
  if (!repo.map) return undefined;
  const uri = vscode.Uri.file(repo.root);
  return repo.history().report({
    days: view.windowDays, bucket: view.bucket, measure: view.measure, lines, repoName: repo.name,
    defaulted: view.windowDays === settings.windowDays(uri), driftThreshold: settings.driftThreshold(uri), tolerance: settings.tolerance(uri),
  });
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
  report?: ReportJson;
  private readonly runner: LatestWins;
  private readonly subs: vscode.Disposable[];
  /** The summary the dashboard last drew from (see the index listener). */
  private drawnFrom?: string;
  /** Whether the window was picked here (else it follows the setting). */
  private windowPicked = false;
  /** The last drawing sent, sent again when the page (re)loads; its state is what the page keeps for a reload. */
  private drawn?: Extract<ToDashboard, { type: 'render' }>;
  /** Registered for the dashboard's view type: VS Code hands it the panel and the page's state after a window reload. */
  readonly serializer: vscode.WebviewPanelSerializer = { deserializeWebviewPanel: (panel, state) => this.restore(panel, state) };
  private readonly showEmitter = new vscode.EventEmitter<void>();
  /** The dashboard was shown, however it was opened (the walkthrough's last step). */
  readonly onDidShow = this.showEmitter.event;

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
      settings.onDidChange(['driftThreshold', 'tolerance', 'windowDays'], () => { if (this.panel) void this.runner.request(); }),
    ];
    this.subs.push(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, this.serializer));
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
    if (!this.panel) this.adopt(vscode.window.createWebviewPanel(VIEW_TYPE, 'Outcome Dashboard', vscode.ViewColumn.Active, { ...this.webviewOptions, retainContextWhenHidden: false }));
    else this.panel.reveal();
    this.index.shown();
    await this.runner.request();
  }

  /**
   * Takes over a dashboard panel that VS Code kept over a window reload, with the state its page kept: the same
   * repository (else the active one, or the only one) and the same choices, drawn again. Settles once it is shown.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = restoredState(state);
    await this.index.ready();
    const repos = this.index.withOutcomes;
    const repo = repos.find(r => r.root === saved.root) ?? this.index.active() ?? (repos.length === 1 ? repos[0] : undefined);
    // One dashboard at a time: one opened meanwhile stays, and a panel with no repository left to show goes.
    if (!repo || (this.panel && this.panel !== panel)) {
      this.log.info(`dashboard: a panel kept over the reload was closed (${repo ? 'another dashboard is open' : 'no repository with an outcomes.yaml'})`);
      panel.dispose();
      return;
    }
    this.repo = repo;
    // A window other than the setting's was picked; the setting's own value keeps following the setting.
    const days = saved.windowDays;
    this.windowPicked = days !== undefined && days !== this.settings.windowDays(vscode.Uri.file(repo.root)) && this.windows.includes(days);
    if (this.windowPicked) this.windowDays = days!;
    // A choice the state does not give (or gives wrong) is the one a new dashboard starts with.
    this.measure = saved.measure ?? 'commits';
    this.bucket = saved.bucket ?? 'auto';
    if (this.panel !== panel) this.adopt(panel);
    this.index.shown();
    await this.runner.request();
  }

  /** Where the webview's script is built to: the one folder the page may load from. */
  private get webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')] };
  }

  /** Makes `panel` the dashboard, however it came (opened here or kept over a reload): its options, page and listeners. */
  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.webviewOptions;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'outcome-lens.svg');
    const mine = () => this.panel === panel;
    panel.onDidDispose(() => { if (mine()) { this.panel = undefined; this.drawn = undefined; } });
    panel.onDidChangeViewState(e => { if (mine() && e.webviewPanel.visible) { this.page(); void this.runner.request(); } });
    panel.webview.onDidReceiveMessage((m: unknown) => { if (mine()) this.onMessage(m); });
    this.page();
    this.showEmitter.fire();
  }

  private onMessage(raw: unknown): void {
    const m: FromDashboard | undefined = fromDashboard(raw);
    if (!m) { this.log.info('dashboard: ignored a message from the webview that is not one the dashboard sends'); return; }
    switch (m.type) {
      case 'ready': if (this.drawn) this.post(this.drawn); break;
      case 'reveal': if (this.repo) this.reveal(this.repo, m.key); break;
      case 'commit': if (this.repo) void vscode.commands.executeCommand('outcomeLens.showCommit', this.repo.root, m.sha); break;
      case 'set':
        if (m.key === 'repo') { const repo = this.index.withOutcomes.find(r => r.root === m.value); if (repo) void this.show(repo); break; }
        void this.set(m.key === 'window' ? { windowDays: m.value } : m.key === 'measure' ? { measure: m.value } : { bucket: m.value });
        break;
    }
  }

  private post(m: ToDashboard): void {
    void this.panel?.webview.postMessage(m);
  }

  /** What the page keeps (vscode.setState) for a window reload: the repository and choices it shows. */
  get saved(): DashboardState | undefined {
    return this.panel ? this.drawn?.state : undefined;
  }

  /** Shows another window, measure or bucket; settles once it is shown. */
  async set(o: { windowDays?: number; measure?: Measure; bucket?: BucketChoice }): Promise<void> {
    if (o.windowDays && this.windows.includes(o.windowDays)) { this.windowDays = o.windowDays; this.windowPicked = true; }
    if (o.measure === 'commits' || o.measure === 'lines') this.measure = o.measure;
    if (o.bucket === 'auto' || o.bucket === 'week' || o.bucket === 'month') this.bucket = o.bucket;
    await this.runner.request();
  }

  /** Shows another repository of the workspace, with the same choices; settles once it is shown. */
  async show(repo: RepoIndex): Promise<void> {
    if (!this.panel || !repo.map) return;
    this.repo = repo;
    this.index.shown();
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
    if (this.drawn) this.post({ type: 'busy', text: `Reading ${this.windowDays} days of history…` });
    // Commit counts at once; changed lines (about ten times dearer to read) follow, or only they for the lines measure.
    for (const lines of this.measure === 'lines' ? [true] : [false, true]) {
      try {
        const got = await repoReport(repo, this.settings, this.view, lines);
        if (signal.aborted || !got) return;
        this.report = got;
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
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'dashboard.js'));
    webview.html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${WEBVIEW_VARS}${DASHBOARD_CSS}</style></head>
<body><main id="main"><p class="summary">Reading the history…</p></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
  }

  private render(error?: string): void {
    const repo = this.repo;
    if (!this.panel || !repo?.map) return;
    // In a multi-root workspace the tab names the repository, and the page offers the others.
    const repos = this.index.withOutcomes;
    this.panel.title = repos.length > 1 ? `Outcome Dashboard · ${repo.name}` : 'Outcome Dashboard';
    const repositories = repos.length > 1 ? repos.map(r => ({ name: r.name, root: r.root })) : undefined;
    const body = error || !this.report
      ? `<p class="summary" id="error">The history could not be read (${escapeHtml(repo.name)}): ${escapeHtml(error ?? 'no answer')}</p>`
      : renderDashboardBody(this.report, { windowDays: this.windowDays, windows: this.windows, bucket: this.bucket, repositories, root: repo.root });
    this.drawn = { type: 'render', body, state: { root: repo.root, windowDays: this.windowDays, measure: this.measure, bucket: this.bucket } };
    this.post(this.drawn);
  }

  dispose(): void {
    this.runner.dispose();
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
    this.showEmitter.dispose();
  }
}
