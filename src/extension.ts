import * as vscode from 'vscode';
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
import { OUTCOMES_FILE } from './core/outcomes/load';

/**
 * Wiring only. Activation reads outcomes.yaml from disk and registers providers; git runs only when a view
 * is shown or a command asks (never in Restricted Mode).
 */
export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const log = new Log();
  const settings = new Settings();
  const index = new WorkspaceIndex(log, settings);
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
    vscode.languages.registerCompletionItemProvider({ language: 'scminput' }, new TrailerCompletion(index), ':', ' ', ','),
  );
  registerCommands(context, index, log, () => { outcomesTree.refresh(); unlinkedTree.refresh(); });

  // Context key for the views' welcome content (no folder / no repository / no outcomes.yaml).
  const setState = () => void vscode.commands.executeCommand('setContext', 'outcomeLens.state', index.state);
  setState();
  context.subscriptions.push(index.onDidChange(setState));

  // Refresh by itself: outcomes.yaml on disk (no git), HEAD / refs / index (git, throttled, latest wins).
  const watch = (glob: string, fn: (uri: vscode.Uri) => void) => {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, glob));
      context.subscriptions.push(w, w.onDidChange(fn), w.onDidCreate(fn), w.onDidDelete(fn));
    }
  };
  watch(`**/${OUTCOMES_FILE}`, uri => {
    const repo = index.forUri(uri);
    const open = vscode.workspace.textDocuments.find(d => d.uri.fsPath === uri.fsPath && d.isDirty);
    if (repo && !open) repo.readOutcomes();
  });
  let gitTimer: NodeJS.Timeout | undefined;
  watch('**/.git/{HEAD,index,refs/**,packed-refs}', uri => {
    clearTimeout(gitTimer);
    gitTimer = setTimeout(() => {
      const repo = index.forUri(vscode.Uri.file(uri.fsPath.replace(/[\\/]\.git[\\/].*$/, '')));
      for (const r of repo ? [repo] : index.all) {
        if (!r.files) continue; // nothing read yet: nothing to refresh, and no git before a view asks
        if (!uri.path.endsWith('/index')) r.invalidateHistory();
        void r.refreshGit();
      }
    }, 500);
  });
  context.subscriptions.push({ dispose: () => clearTimeout(gitTimer) });

  const activationMs = performance.now() - started;
  // Module evaluation (banner to footer of the bundle) plus activate() itself: what activation adds to the host.
  const g = globalThis as { __outcomeLensLoadStart?: number; __outcomeLensLoadEnd?: number };
  const loadAndActivateMs = (g.__outcomeLensLoadEnd ?? started) - (g.__outcomeLensLoadStart ?? started) + activationMs;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${loadAndActivateMs.toFixed(1)} ms with module load) (${index.all.length} repositories; trusted: ${vscode.workspace.isTrusted})`);
  // For the integration tests and for other extensions: read-only handles, no behaviour of their own.
  return { index, outcomesTree, unlinkedTree, decorations, statusBar, currentLine, yamlFeatures, gitProcesses, activationMs, loadAndActivateMs };
}

export function deactivate(): void {}
