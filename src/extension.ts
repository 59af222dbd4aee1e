import vscode = require('vscode');
import path = require('node:path');
import { Log } from './vscode/log';
import { Settings } from './vscode/settings';
import { WorkspaceIndex } from './vscode/workspaceIndex';
import { OutcomesTree } from './views/outcomesTree';
import { UnlinkedTree } from './views/unlinkedTree';
import { OutcomeDecorations } from './views/fileDecorations';
import { OutcomeStatusBar } from './views/statusBar';
import { OutcomeSignals } from './views/outcomeSignals';
import { CurrentLine } from './views/currentLine';
import { OutcomesYamlFeatures } from './views/outcomesYaml';
import { COMMIT_SCHEME, CommitDocuments, registerCommands, TrailerCompletion } from './views/commands';
import { CommitBoxDiagnostics } from './views/commitBox';
import { Dashboard } from './views/dashboard';
import { historyView } from './views/common';
import { RepoIndex } from './vscode/repoIndex';
import { WalkthroughProgress } from './views/walkthrough';
import { OutcomesReview } from './views/outcomesReview';
import { OutcomesEditor } from './views/outcomesEditor';

/**
 * Wiring only. Activation reads outcomes.yaml from disk and registers providers; git runs, in the history worker,
 * only when something that shows history is visible or a command asks (never in Restricted Mode).
 */
export function activate(context: vscode.ExtensionContext) {
  const log = new Log();
  const settings = new Settings();
  // Commits read from git are kept in the extension's global storage: reopening a repository reads only new ones.
  const historyCacheDir = context.globalStorageUri.scheme === 'file' ? path.join(context.globalStorageUri.fsPath, 'history') : undefined;
  const index = new WorkspaceIndex(log, settings, historyCacheDir, path.join(context.extensionPath, 'dist', 'worker.js'));
  const signals = new OutcomeSignals(index, settings, log);
  const outcomesTree = new OutcomesTree(index, settings, signals);
  const unlinkedTree = new UnlinkedTree(index, settings);
  const decorations = new OutcomeDecorations(index, settings);
  const statusBar = new OutcomeStatusBar(index, settings, signals);
  const currentLine = new CurrentLine(index, settings, log);
  const yamlFeatures = new OutcomesYamlFeatures(index);
  const outcomes = historyView(index, 'outcomeLens.outcomes', outcomesTree);
  const unlinked = historyView(index, 'outcomeLens.unlinked', unlinkedTree);
  // Dashboard: a click on an outcome reveals it in the Outcomes view; on "unlinked" it shows Unlinked Work.
  const revealKey = (repo: RepoIndex, key: string) => {
    const node = outcomesTree.outcomeNode(repo, key);
    if (node) void outcomes.view.reveal(node, { select: true, focus: true, expand: true });
    else void vscode.commands.executeCommand('outcomeLens.unlinked.focus');
  };
  const dashboard = new Dashboard(context.extensionUri, index, log, settings, revealKey);
  const review = new OutcomesReview(index, log);
  const outcomesEditor = new OutcomesEditor(context.extensionUri, index, log);
  context.subscriptions.push(
    log, settings, index, signals, outcomesTree, unlinkedTree, decorations, statusBar, currentLine, yamlFeatures, dashboard, review, outcomesEditor, ...outcomes.disposables, ...unlinked.disposables,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, new CommitDocuments(index)),
    // The commit message box's document (scheme vscode-scm); without a scheme VS Code warns in its log.
    vscode.languages.registerCompletionItemProvider({ scheme: 'vscode-scm', language: 'scminput' }, new TrailerCompletion(index), ':', ' ', ','),
    new CommitBoxDiagnostics(index),
    // The views' welcome content (no folder / no repository / no outcomes.yaml) follows this context key.
    index.onDidChange(() => void vscode.commands.executeCommand('setContext', 'outcomeLens.state', index.state)),
  );
  registerCommands(context, index, log, settings, dashboard, () => { outcomesTree.refresh(); unlinkedTree.refresh(); });
  const walkthrough = new WalkthroughProgress(index, { unlinked: unlinked.view, onDidShowDashboard: dashboard.onDidShow });
  context.subscriptions.push(walkthrough);
  // For other extensions and the integration tests: the index and the views' providers, read-only.
  return { index, outcomesTree, unlinkedTree, decorations, statusBar, currentLine, yamlFeatures, dashboard, outcomesEditor, historyCacheDir, walkthrough, review, views: { outcomes: outcomes.view, unlinked: unlinked.view } };
}

export function deactivate(): void {}
