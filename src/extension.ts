import vscode = require('vscode');
import path = require('node:path');
import { Log } from './vscode/log';
import { Settings } from './vscode/settings';
import { WorkspaceIndex } from './vscode/workspaceIndex';
import { OutcomesTree } from './views/outcomesTree';
import { UnlinkedTree } from './views/unlinkedTree';
import { OutcomeDecorations } from './views/fileDecorations';
import { OutcomeStatusBar } from './views/statusBar';
import { CurrentLine } from './views/currentLine';
import { OutcomesYamlFeatures } from './views/outcomesYaml';
import { COMMIT_SCHEME, CommitDocuments, registerCommands, TrailerCompletion } from './views/commands';
import { gitProcesses } from './core/git/repo';
import { Dashboard } from './views/dashboard';
import { allocate } from './core/links/allocation';
import { renderReport, ReportFormat } from './core/report/render';
import { RepoIndex } from './vscode/repoIndex';
import { Cpu, loadStamps, threadCpu } from './core/util/loadStamps';

/**
 * Wiring only. Activation reads outcomes.yaml from disk and registers providers; git runs only when a view
 * is shown or a command asks (never in Restricted Mode).
 */
export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const cpuAtStart = threadCpu();
  const log = new Log();
  const settings = new Settings();
  // Commits read from git are kept in the extension's global storage: reopening a repository reads only new ones.
  const historyCacheDir = context.globalStorageUri.scheme === 'file' ? path.join(context.globalStorageUri.fsPath, 'history') : undefined;
  const index = new WorkspaceIndex(log, settings, historyCacheDir, path.join(context.extensionPath, 'dist', 'worker.js'));
  const outcomesTree = new OutcomesTree(index);
  const unlinkedTree = new UnlinkedTree(index, settings);
  const decorations = new OutcomeDecorations(index, settings);
  const statusBar = new OutcomeStatusBar(index, settings);
  const currentLine = new CurrentLine(index, settings, log);
  const yamlFeatures = new OutcomesYamlFeatures(index, settings);
  const outcomesView = vscode.window.createTreeView('outcomeLens.outcomes', { treeDataProvider: outcomesTree, showCollapseAll: true });
  const unlinkedView = vscode.window.createTreeView('outcomeLens.unlinked', { treeDataProvider: unlinkedTree, showCollapseAll: true });
  context.subscriptions.push(
    log, index, outcomesTree, unlinkedTree, decorations, statusBar, currentLine, yamlFeatures, outcomesView, unlinkedView,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, new CommitDocuments(index)),
    // The commit message box's document (scheme vscode-scm); without a scheme VS Code warns in its log.
    vscode.languages.registerCompletionItemProvider({ scheme: 'vscode-scm', language: 'scminput' }, new TrailerCompletion(index), ':', ' ', ','),
  );
  registerCommands(context, index, log, () => { outcomesTree.refresh(); unlinkedTree.refresh(); });

  // Dashboard: a click on an outcome reveals it in the Outcomes view; on "unlinked" it shows Unlinked Work.
  const revealKey = (repo: RepoIndex, key: string) => {
    const outcome = repo.map?.outcomes.find(o => o.id === key);
    if (outcome) void outcomesView.reveal({ kind: 'outcome', repo, outcome }, { select: true, focus: true, expand: true });
    else void vscode.commands.executeCommand('outcomeLens.unlinked.focus');
  };
  const dashboard = new Dashboard(context.extensionUri, index, log, revealKey);
  context.subscriptions.push(dashboard,
    vscode.commands.registerCommand('outcomeLens.openDashboard', () => dashboard.open()),
    vscode.commands.registerCommand('outcomeLens.exportReport', async (arg?: { format?: ReportFormat; file?: string }) => {
      await index.ready();
      const repo = index.withOutcomes[0];
      if (!repo?.map || !repo.linker || !vscode.workspace.isTrusted) { void vscode.window.showInformationMessage('Outcome Lens: needs a trusted repository with a valid outcomes.yaml'); return undefined; }
      const format = arg?.format ?? (await vscode.window.showQuickPick(['html', 'md', 'csv', 'json'], { placeHolder: 'Report format' })) as ReportFormat | undefined;
      if (!format) return undefined;
      const target = arg?.file ? vscode.Uri.file(arg.file) : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(vscode.Uri.file(repo.root), `outcome-report.${format}`), filters: { Report: [format] } });
      if (!target) return undefined;
      return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Outcome Lens: exporting report', cancellable: true }, async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        await repo.refreshGit();
        const commits = await repo.fullCommits();
        const lines = await repo.repo().numstat(commits.filter(c => c.commit.parents.length <= 1).map(c => c.commit.sha), undefined, ac.signal);
        const since = new Date(Date.now() - settings.windowDays(target) * 86400_000).toISOString();
        const alloc = allocate(commits, repo.map!.outcomes.map(o => o.id), 'week', { since }, lines);
        await vscode.workspace.fs.writeFile(target, Buffer.from(renderReport(format, { map: repo.map!, allocation: alloc, repoName: repo.name, generatedAt: new Date().toISOString() })));
        void vscode.window.showInformationMessage(`Outcome Lens: report written to ${target.fsPath}`);
        return target.fsPath;
      });
    }),
  );

  // Context key for the views' welcome content (no folder / no repository / no outcomes.yaml).
  // Set when the first scan ends (right after activation), not before: until then the state is only 'loading', which
  // shows the same welcome content as no state, and the command costs activation about 1 ms.
  const setState = () => void vscode.commands.executeCommand('setContext', 'outcomeLens.state', index.state);
  context.subscriptions.push(index.onDidChange(setState));

  const activationMs = performance.now() - started;
  // The bundle's load (read, compiled or taken from the code cache, run; stamped by src/extensionLoader.ts) plus
  // activate() itself: what activation adds to the host.
  const g = loadStamps();
  const fromCodeCache = !!g.__outcomeLensFromCodeCache;
  const loadAndActivateMs = (g.__outcomeLensLoadEnd ?? started) - (g.__outcomeLensLoadStart ?? started) + activationMs;
  // The same two spans in the thread's CPU time: on a loaded machine the wall clock also counts waiting for a CPU.
  const cpuMs = (from?: Cpu, to?: Cpu) => (from && to ? (to.user + to.system - from.user - from.system) / 1000 : NaN);
  const activateCpuMs = cpuMs(cpuAtStart, threadCpu());
  const loadAndActivateCpuMs = cpuMs(g.__outcomeLensCpuStart, g.__outcomeLensCpuEnd) + activateCpuMs;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${loadAndActivateMs.toFixed(1)} ms with module load; CPU ${loadAndActivateCpuMs.toFixed(1)} ms, activate() ${activateCpuMs.toFixed(1)} ms; ${fromCodeCache ? 'compiled code from the cache' : 'compiled'}) (${index.all.length} repositories; trusted: ${vscode.workspace.isTrusted})`);
  // For the integration tests and for other extensions: read-only handles, no behaviour of their own.
  return { index, historyCacheDir: historyCacheDir!, globalStorage: context.globalStorageUri.fsPath, outcomesTree, unlinkedTree, decorations, statusBar, currentLine, yamlFeatures, gitProcesses, activationMs, loadAndActivateMs, loadAndActivateCpuMs, activateCpuMs, fromCodeCache, dashboard };
}

export function deactivate(): void {}
