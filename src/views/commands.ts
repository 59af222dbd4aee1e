import vscode = require('vscode');
import fs = require('node:fs');
import path = require('node:path');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { authorEntry, planAddPattern, patternForPath, TopLevelList } from '../core/outcomes/edit';
import { findCodeowners } from '../core/outcomes/init';
import { createOutcomesFile } from '../core/usecases/outcomesFile';
import { gitExtension, isUntrusted, registerCommitActions } from './commitActions';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { suggestOutcomes } from '../core/links/link';
import { withTrailer } from '../core/message/trailers';
import { OutcomeNode } from './outcomesTree';
import { UnlinkedNode } from './unlinkedTree';
import { toRange } from './outcomesYaml';
import { Settings } from '../vscode/settings';
import { Dashboard, repoReport } from './dashboard';
import { renderReport, ReportFormat } from '../core/report/render';

export const COMMIT_SCHEME = 'outcome-lens-commit';

/** Read-only `git show` documents for "Show Commit". */
export class CommitDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly index: WorkspaceIndex) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const repo = this.index.all.find(r => r.root === q.get('root'));
    if (!repo) return 'Repository not open.';
    return repo.history().show(q.get('sha') ?? '');
  }
}

/**
 * A failure whose message is ours alone, shown as it is. Any other error's text may hold file names, git's output
 * or outcomes.yaml's text, which VS Code would render as markdown in a notification: those go to the log only.
 */
export class UserMessage extends Error {}

export function registerCommands(context: vscode.ExtensionContext, index: WorkspaceIndex, log: Log, settings: Settings, dashboard: Dashboard, refreshViews: () => void): void {
  const reg = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        log.error(`${id} failed`, e);
        const text = e instanceof UserMessage ? `Outcome Lens: ${e.message}`
          : isUntrusted(e) ? 'Outcome Lens: git does not run in Restricted Mode; trust the workspace to use this command.' : 'Outcome Lens: the command failed; the log says why.';
        void vscode.window.showErrorMessage(text, 'Show Log').then(choice => { if (choice) log.show(); });
        return undefined;
      }
    }));

  const pickRepo = async (): Promise<RepoIndex | undefined> => {
    const active = index.active();
    if (active || index.withOutcomes.length === 0) return active;
    const p = await vscode.window.showQuickPick(index.withOutcomes.map(r => ({ label: r.name, description: r.root, r })), { placeHolder: 'Repository' });
    return p?.r;
  };

  const pickOutcome = async (repo: RepoIndex, placeHolder: string, preferred: string[] = [], exclude: string[] = []): Promise<string | undefined> => {
    const outcomes = (repo.map?.outcomes ?? []).filter(o => !exclude.includes(o.id));
    const items = [...outcomes].sort((a, b) => rank(preferred, a.id) - rank(preferred, b.id))
      .map(o => ({ label: o.title, description: o.id, detail: preferred.includes(o.id) ? '$(lightbulb) suggested: it changed together with this work most often' : undefined, id: o.id }));
    return (await vscode.window.showQuickPick(items, { placeHolder }))?.id;
  };

  reg('outcomeLens.refresh', async () => {
    for (const r of index.all) r.readOutcomes();
    refreshViews();
    await Promise.all(index.withOutcomes.map(r => r.refresh(true)));
  });

  reg('outcomeLens.openLink', (node?: OutcomeNode | string, id?: string) => {
    // From a row, or from a hover's link: (repository root, outcome id).
    const outcome = typeof node === 'string' ? index.all.find(r => r.root === node)?.map?.outcomes.find(o => o.id === id) : node?.kind === 'outcome' ? node.outcome : undefined;
    if (outcome?.link) return vscode.env.openExternal(vscode.Uri.parse(outcome.link));
    return undefined;
  });

  const reveal = async (repo: RepoIndex, id: string) => {
    const o = repo.map?.outcomes.find(x => x.id === id);
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    const editor = await vscode.window.showTextDocument(doc);
    if (o) { const r = toRange(o.idRange); editor.selection = new vscode.Selection(r.start, r.end); editor.revealRange(r, vscode.TextEditorRevealType.InCenter); }
  };
  reg('outcomeLens.revealInFile', (node?: OutcomeNode) => {
    if (node?.kind === 'outcome') return reveal(node.repo, node.outcome.id);
    return undefined;
  });
  reg('outcomeLens.revealOutcome', (root: string, id: string) => {
    const repo = index.all.find(r => r.root === root);
    return repo ? reveal(repo, id) : undefined;
  });

  reg('outcomeLens.showCommit', async (root: string, sha: string) => {
    const uri = vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${sha.slice(0, 10)}.diff`, query: new URLSearchParams({ root, sha }).toString() });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'diff');
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  /** Appends an entry to a list of outcomes.yaml through a WorkspaceEdit: undoable, and every comment in the file survives. */
  const addEntry = async (repo: RepoIndex, dest: { outcome: string } | TopLevelList, entry: string) => {
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    const plan = planAddPattern(doc.getText(), dest, entry);
    if (!plan) throw new UserMessage('outcomes.yaml has errors or lacks that outcome; fix it first');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(plan.offset), plan.text);
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok) repo.readOutcomes(doc.getText());
    return ok;
  };
  /** Adds a pattern to an outcome's areas or to ignore (see addEntry). */
  const addPattern = async (node: UnlinkedNode | undefined, target: 'areas' | 'ignore', outcomeArg?: string) => {
    if (!node || (node.kind !== 'folder' && node.kind !== 'file')) return undefined;
    const repo = node.repo;
    const rel = node.kind === 'folder' ? node.folder : node.path;
    const pattern = patternForPath(rel, node.kind === 'folder');
    let dest: { outcome: string } | 'ignore' = 'ignore';
    if (target === 'areas') {
      const id = outcomeArg ?? await pickOutcome(repo, `Link ${rel} to which outcome?`);
      if (!id) return undefined;
      dest = { outcome: id };
    }
    return addEntry(repo, dest, pattern);
  };
  reg('outcomeLens.linkToOutcome', (node?: UnlinkedNode, outcome?: string) => addPattern(node, 'areas', outcome));
  reg('outcomeLens.applySuggestion', (node?: UnlinkedNode) => (node?.kind === 'folder' && node.suggestion?.outcome ? addPattern(node, 'areas', node.suggestion.outcome) : undefined));
  // Ignore on a commit marks it in its note (`tag --none`); on an author's group, the author goes to ignoreAuthors.
  reg('outcomeLens.ignore', async (node?: UnlinkedNode) => {
    if (node?.kind === 'commit') {
      const results = await node.repo.history().settle([node.row.sha]);
      await node.repo.refresh();
      return results;
    }
    if (node?.kind === 'commitGroup') {
      if (node.by !== 'author' || !node.group) throw new UserMessage('Ignore takes an author\'s group (group the commits by author), or one commit');
      return addEntry(node.repo, 'ignoreAuthors', authorEntry(node.group));
    }
    return addPattern(node, 'ignore');
  });

  reg('outcomeLens.createOutcomesFile', async (arg?: { from?: 'folders' | 'codeowners' }) => {
    // The repository of the active editor, else the only one without an outcomes.yaml, else the user picks.
    const without = index.all.filter(r => !r.exists);
    const editor = vscode.window.activeTextEditor && index.forUri(vscode.window.activeTextEditor.document.uri);
    const repo = editor && !editor.exists ? editor : without.length <= 1 ? without[0] ?? index.all[0]
      : (await vscode.window.showQuickPick(without.map(r => ({ label: r.name, description: r.root, r })), { placeHolder: 'Create outcomes.yaml in which repository?' }))?.r;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!repo && !folder) return undefined;
    const root = repo?.root ?? folder!.uri.fsPath;
    const file = path.join(root, OUTCOMES_FILE);
    if (!fs.existsSync(file)) {
      // With a CODEOWNERS file, both ways are offered (GitHub's own places, in its order).
      const codeowners = repo && await findCodeowners(root);
      const from = arg?.from ?? (codeowners ? (await vscode.window.showQuickPick([
        { label: '$(organization) From CODEOWNERS', description: codeowners.source, detail: 'One outcome per owner; each file gets the outcome of the owner GitHub picks for it', from: 'codeowners' as const },
        { label: '$(folder) From top-level folders', detail: 'One outcome per top-level folder', from: 'folders' as const },
      ], { placeHolder: 'Create outcomes.yaml from…' }))?.from : 'folders');
      if (!from) return undefined;
      // In the history worker, where git runs; without git (Restricted Mode, or not a repository) the folders on disk stand for the tracked ones.
      if (from === 'codeowners' && !(repo && vscode.workspace.isTrusted)) throw new UserMessage('reading CODEOWNERS needs the tracked files, which needs git: trust the workspace first');
      const made = repo && vscode.workspace.isTrusted ? await repo.history().createOutcomes(from) : await createOutcomesFile(root, from);
      // (our own message, which names no file)
      if ('refused' in made) throw new UserMessage(made.refused === 'exists' ? 'outcomes.yaml was made meanwhile: open it to edit it' : made.message);
      for (const line of made.report) log.info(`Create outcomes.yaml: ${line}`);
      void vscode.window.showInformationMessage('Outcome Lens: outcomes.yaml written; what was translated is in the log.', 'Show Log')
        .then(c => { if (c) log.show(); });
    }
    repo?.readOutcomes();
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    return file;
  });

  reg('outcomeLens.tagCommit', async (arg?: { ids?: string[] } | vscode.SourceControl) => {
    const git = await gitExtension();
    // From the Source Control title bar: the repository it was invoked on.
    const scmRoot = arg && 'rootUri' in arg ? arg.rootUri : undefined;
    const repo = scmRoot ? index.forFolder(scmRoot) : await pickRepo();
    if (!git || !repo?.map || !repo.linker) { void vscode.window.showWarningMessage('Outcome Lens: no repository with an outcomes.yaml and the git extension'); return undefined; }
    const gitRepo = git.repositories.find(r => r.rootUri.fsPath === (scmRoot?.fsPath ?? repo.root));
    if (!gitRepo) return undefined;
    const staged = gitRepo.state.indexChanges.length ? gitRepo.state.indexChanges : gitRepo.state.workingTreeChanges;
    const rels = staged.map(c => repo.relative(c.uri)).filter((p): p is string => !!p);
    const suggested = suggestOutcomes(repo.linker, rels);
    let ids = arg && 'ids' in arg && Array.isArray(arg.ids) ? arg.ids : undefined;
    if (!ids) {
      const items = [...repo.map.outcomes].sort((a, b) => rank(suggested, a.id) - rank(suggested, b.id)).map(o => ({
        label: o.title, description: o.id, detail: suggested.includes(o.id) ? '$(check) matches the staged files' : undefined, picked: suggested.includes(o.id), id: o.id,
      }));
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: 'Tag the commit with outcomes (staged files\' outcomes are pre-selected)' });
      if (!picked) return undefined;
      ids = picked.map(p => p.id);
    }
    gitRepo.inputBox.value = withTrailer(gitRepo.inputBox.value, repo.map.trailer, ids);
    return gitRepo.inputBox.value;
  });

  reg('outcomeLens.toggleLineAnnotation', () => settings.toggleLineAnnotation(vscode.window.activeTextEditor?.document.uri));

  reg('outcomeLens.showFileOutcomes', async () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const repo = uri && index.forUri(uri);
    const rel = uri && repo?.relative(uri);
    if (!repo?.linker || rel === undefined) return undefined;
    const f = repo.linker.file(rel);
    const items = f.outcomes.map(id => ({ label: repo.map!.outcomes.find(o => o.id === id)?.title ?? id, description: id, id }));
    // An unlinked file (the status bar's "Click to link it"): the Link to Outcome… pick, as on a row of Unlinked Work.
    if (f.status === 'unlinked') return addPattern({ kind: 'file', repo, path: rel }, 'areas');
    if (!items.length) {
      // (the file's name stays out of the message: VS Code renders notifications as markdown)
      const choice = await vscode.window.showInformationMessage('Outcome Lens: this file is ignored by outcomes.yaml.', 'Open outcomes.yaml');
      if (choice) await vscode.window.showTextDocument(repo.outcomesUri);
      return undefined;
    }
    const p = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Reveal which outcome?' });
    return p ? reveal(repo, p.id) : undefined;
  });

  reg('outcomeLens.openDashboard', () => dashboard.open());

  reg('outcomeLens.exportReport', async (arg?: { format?: ReportFormat; file?: string }) => {
    await index.ready();
    const repo = dashboard.shown ?? await pickRepo();
    if (!repo?.map) { void vscode.window.showInformationMessage('Outcome Lens: needs a repository with a valid outcomes.yaml'); return undefined; }
    const format = arg?.format ?? (await vscode.window.showQuickPick(['html', 'md', 'csv', 'json'], { placeHolder: 'Report format' })) as ReportFormat | undefined;
    if (!format) return undefined;
    // What the dashboard shows (window, measure, bucket) when it shows this repository; else the views' window.
    const view = dashboard.shown === repo ? dashboard.view : { windowDays: settings.windowDays(vscode.Uri.file(repo.root)), measure: 'commits' as const, bucket: 'auto' as const };
    // Next to the repository, not in it: a report is not part of the code.
    const suggested = path.join(path.dirname(repo.root), `${repo.name}-outcomes-${view.windowDays}d-${new Date().toISOString().slice(0, 10)}.${format}`);
    const target = arg?.file ? vscode.Uri.file(arg.file) : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters: { Report: [format] }, saveLabel: 'Export Report' });
    if (!target) return undefined;
    const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Outcome Lens: exporting report', cancellable: true }, async (_p, token) => {
      const stop = token.onCancellationRequested(() => repo.cancel());
      try {
        await repo.refresh(); // what git has now, also when no view showed the history
        const got = token.isCancellationRequested ? undefined : await repoReport(repo, settings, view, true);
        if (token.isCancellationRequested) return undefined;
        if (!got) throw new UserMessage('there is no history to report');
        await vscode.workspace.fs.writeFile(target, Buffer.from(renderReport(format, got)));
        return target;
      } finally {
        stop.dispose();
      }
    });
    if (!written) return undefined;
    // A fixed text (VS Code renders a notification as markdown); the window is in the report and the file name.
    const note = dashboard.shown === repo ? "Outcome Lens: report written with the dashboard's window, measure and bucket." : "Outcome Lens: report written with the views' window, by commits.";
    void vscode.window.showInformationMessage(note, 'Open').then(choice => {
      if (choice !== 'Open') return;
      // HTML in the browser, the other formats in an editor.
      if (format === 'html') void vscode.env.openExternal(written);
      else void vscode.window.showTextDocument(written);
    });
    return written.fsPath;
  });

  registerCommitActions(reg, { context, index, pickOutcome, UserMessage, onTagged: repo => void shareHint(repo) });

  /** Once: links made with notes stay on this machine until the notes are pushed, and the remote fetches them. */
  const shareHint = async (repo: RepoIndex) => {
    const KEY = 'outcomeLens.shareNotesHintShown';
    if (context.globalState.get(KEY)) return;
    const remotes = await repo.history().remotes().catch(() => []);
    if (!remotes.length || remotes.every(r => r.fetchesNotes)) return;
    await context.globalState.update(KEY, true);
    const choice = await vscode.window.showInformationMessage('Outcome Lens: links made with git notes stay on this machine until the notes are shared: git does not push or fetch them by default.', 'Share Outcome Notes…');
    if (choice) await vscode.commands.executeCommand('outcomeLens.shareNotes', { root: repo.root });
  };

  reg('outcomeLens.showLog', () => log.show());
  reg('outcomeLens.cancel', () => { for (const r of index.all) r.cancel(); });
}

function rank(preferred: string[], id: string): number {
  const i = preferred.indexOf(id);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

/** Completion of outcome ids after `Outcome:` in the Source Control message box. */
export class TrailerCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly index: WorkspaceIndex) {}
  provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] {
    // The box's document names its repository: vscode-scm:git/scm0/input?rootUri=...
    const rootUri = new URLSearchParams(doc.uri.query).get('rootUri');
    const repo = rootUri ? this.index.forFolder(vscode.Uri.parse(rootUri)) : this.index.withOutcomes[0];
    if (!repo?.map) return [];
    const before = doc.lineAt(pos.line).text.slice(0, pos.character);
    const m = new RegExp(`^${repo.map.trailer}\\s*:\\s*(?:[^,]*,\\s*)*([a-z0-9._-]*)$`, 'i').exec(before);
    if (!m) return [];
    return repo.map.outcomes.map(o => {
      const item = new vscode.CompletionItem(o.id, vscode.CompletionItemKind.EnumMember);
      item.detail = o.title;
      item.range = new vscode.Range(pos.translate(0, -m[1].length), pos);
      return item;
    });
  }
}

