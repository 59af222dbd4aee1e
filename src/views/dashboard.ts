import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { allocate, Allocation, Bucket } from '../core/links/allocation';
import { DASHBOARD_CSS, Measure, renderDashboardBody, WEBVIEW_VARS } from '../core/report/dashboardHtml';
import { CommitLink } from '../core/links/link';
import { LineStat, RawCommit } from '../core/git/repo';
import { LatestWins } from '../core/util/throttle';

const WINDOWS = [30, 90, 180, 365];

/**
 * The allocation dashboard: commit counts first (from history read by name only), changed lines streamed in
 * afterwards from --numstat (cached per commit), rendered by the same code as the HTML report.
 */
export class Dashboard implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private repo?: RepoIndex;
  private windowDays = 90;
  private measure: Measure = 'commits';
  private bucket: Bucket = 'week';
  private links: CommitLink[] = [];
  private readonly lineCache = new Map<string, LineStat>();
  private readonly rawCache = new Map<string, RawCommit>();
  private readonly runner: LatestWins;
  /** What the webview's table last showed (for tests), and the allocation it was rendered from. */
  rendered?: { rows: { key: string; cells: string[] }[]; alignment: string | null; lineAlignment: string | null };
  allocation?: Allocation;
  private readonly renderedEmitter = new vscode.EventEmitter<void>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly index: WorkspaceIndex, private readonly log: Log,
    private readonly reveal: (repo: RepoIndex, key: string) => void) {
    this.runner = new LatestWins(signal => this.load(signal), e => this.log.error('dashboard refresh failed', e));
  }

  async open(repo?: RepoIndex): Promise<void> {
    await this.index.ready();
    this.repo = repo ?? this.index.withOutcomes[0];
    if (!this.repo) { void vscode.window.showInformationMessage('Outcome Lens: no repository with an outcomes.yaml'); return; }
    if (!vscode.workspace.isTrusted) { void vscode.window.showInformationMessage('Outcome Lens: the dashboard reads git history, which does not run in Restricted Mode.'); return; }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('outcomeLens.dashboard', 'Outcome Dashboard', vscode.ViewColumn.Active, {
        enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')], retainContextWhenHidden: false,
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'outcome-lens.svg');
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage(m => this.onMessage(m));
    } else this.panel.reveal();
    await this.runner.request();
  }

  private onMessage(m: { type?: string; key?: string; value?: string; rows?: { key: string; cells: string[] }[]; alignment?: string; lineAlignment?: string }): void {
    if (m.type === 'rendered') {
      this.rendered = { rows: m.rows ?? [], alignment: m.alignment ?? null, lineAlignment: m.lineAlignment ?? null };
      this.renderedEmitter.fire();
    } else if (m.type === 'reveal' && this.repo && typeof m.key === 'string') {
      this.reveal(this.repo, m.key);
    } else if (m.type === 'set') {
      if (m.key === 'window' && WINDOWS.includes(Number(m.value))) { this.windowDays = Number(m.value); void this.runner.request(); return; }
      if (m.key === 'measure' && (m.value === 'commits' || m.value === 'lines')) this.measure = m.value;
      if (m.key === 'bucket' && (m.value === 'week' || m.value === 'month')) this.bucket = m.value;
      this.render();
    }
  }

  /** Settles when the dashboard shows `measure` with `windowDays` (used by commands and tests). */
  async set(options: { windowDays?: number; measure?: Measure; bucket?: Bucket }): Promise<void> {
    if (options.measure) this.measure = options.measure;
    if (options.bucket) this.bucket = options.bucket;
    if (options.windowDays && options.windowDays !== this.windowDays) { this.windowDays = options.windowDays; await this.runner.request(); } else this.render();
  }

  private async load(signal: AbortSignal): Promise<void> {
    const repo = this.repo;
    if (!repo?.linker || !this.panel) return;
    const git = repo.repo();
    const since = new Date(Date.now() - this.windowDays * 86400_000).toISOString();
    const [shas, tips] = await Promise.all([git.revList({ since }), git.tips()]);
    if (tips.notes !== this.notesTip) { this.rawCache.clear(); this.notesTip = tips.notes; } // notes changed: re-read
    const missing = shas.filter(s => !this.rawCache.has(s));
    if (missing.length) for (const c of await git.readCommits(missing, repo.linker.trailerKey, undefined, signal, tips.notes ?? null)) this.rawCache.set(c.sha, c);
    if (signal.aborted) return;
    this.links = shas.map(s => repo.linker!.commit(this.rawCache.get(s)!));
    this.since = since;
    this.render(); // commit counts now; lines follow
    const need = this.links.filter(l => l.commit.parents.length <= 1 && !this.lineCache.has(l.commit.sha)).map(l => l.commit.sha);
    if (need.length) {
      await vscode.window.withProgress({ location: { viewId: 'outcomeLens.outcomes' }, title: 'Counting changed lines' }, () =>
        git.numstat(need, part => { for (const [k, v] of part) this.lineCache.set(k, v); if (!signal.aborted) this.render(); }, signal));
    }
  }

  private since?: string;
  private notesTip?: string;

  private render(): void {
    const repo = this.repo;
    if (!this.panel || !repo?.map) return;
    this.allocation = allocate(this.links, repo.map.outcomes.map(o => o.id), this.bucket, { since: this.since }, this.lineCache);
    const webview = this.panel.webview;
    const nonce = (require('node:crypto') as typeof import('node:crypto')).randomBytes(16).toString('base64') /* loaded on first render, not at activation */;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard.js'));
    const body = renderDashboardBody({ map: repo.map, allocation: this.allocation, repoName: repo.name, measure: this.measure, interactive: { windowDays: this.windowDays, windows: WINDOWS } });
    webview.html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${WEBVIEW_VARS}${DASHBOARD_CSS}</style></head>
<body>${body}<script nonce="${nonce}" src="${script}"></script></body></html>`;
  }

  dispose(): void {
    this.runner.dispose();
    this.panel?.dispose();
    this.renderedEmitter.dispose();
  }
}
