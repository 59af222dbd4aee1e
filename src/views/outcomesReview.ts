import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Log } from '../vscode/log';
import { OutcomesDiff } from '../core/links/outcomesDiff';
import { renderOutcomesDiffMd } from '../core/report/outcomesDiff';
import { isUntrusted } from './commitActions';

export const REVIEW_SCHEME = 'outcome-lens-review';
export const REVIEW_COMMAND = 'outcomeLens.reviewOutcomesChanges';

/** What the command is given from a view's title, an editor's title (the file's URI) or a test (the root and the base). */
type ReviewArg = vscode.Uri | { root?: string; base?: string } | undefined;

/**
 * "Review Changes to outcomes.yaml": the working copy (with an editor's unsaved text) against HEAD, the merge base
 * with the default branch, or a branch the user picks, shown as the Markdown `outcome-lens diff --format md` writes,
 * in a read-only document opened in VS Code's Markdown preview (whose own CSP runs no script; every string from
 * outcomes.yaml or git is escaped by the renderer).
 */
export class OutcomesReview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly index: WorkspaceIndex, private readonly log: Log) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, this),
      vscode.commands.registerCommand(REVIEW_COMMAND, (arg?: ReviewArg) => this.run(arg).catch(e => {
        this.log.error(`${REVIEW_COMMAND} failed`, e);
        // Fixed texts: a notification renders markdown, and git's complaint may hold names from the repository.
        const text = isUntrusted(e) ? 'Outcome Lens: git does not run in Restricted Mode; trust the workspace to review changes to outcomes.yaml.'
          : 'Outcome Lens: the review of outcomes.yaml could not be made; the log says why.';
        void vscode.window.showErrorMessage(text, 'Show Log').then(choice => { if (choice) this.log.show(); });
        return undefined;
      })),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'Run "Outcome Lens: Review Changes to outcomes.yaml" again to see this review.';
  }

  /** Makes the review and shows it; returns what it showed (for the tests), or undefined when the user cancelled. */
  private async run(arg: ReviewArg): Promise<{ uri: string; diff: OutcomesDiff; markdown: string } | undefined> {
    const repo = await this.pickRepo(arg);
    if (!repo) return undefined;
    const base = arg && !(arg instanceof vscode.Uri) && arg.base !== undefined ? arg.base : await this.pickBase(repo);
    if (base === undefined) return undefined;
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === repo.outcomesUri.toString());
    const answer = await repo.history().diffOutcomes(base || undefined, open?.isDirty ? open.getText() : undefined);
    if ('errors' in answer) {
      for (const line of answer.errors) this.log.error(line);
      void vscode.window.showErrorMessage('Outcome Lens: outcomes.yaml has errors on one side of the comparison; the log lists them.', 'Show Log')
        .then(choice => { if (choice) this.log.show(); });
      return undefined;
    }
    const markdown = renderOutcomesDiffMd(answer.diff);
    const uri = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: '/outcomes.yaml changes.md', query: new URLSearchParams({ root: repo.root, base }).toString() });
    this.texts.set(uri.toString(), markdown);
    this.emitter.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, async (e: unknown) => {
      // Without the Markdown preview (a host that leaves it out), the text itself.
      this.log.error('the Markdown preview is not available', e);
      await vscode.window.showTextDocument(uri, { preview: true });
    });
    return { uri: uri.toString(), diff: answer.diff, markdown };
  }

  private async pickRepo(arg: ReviewArg): Promise<RepoIndex | undefined> {
    if (arg instanceof vscode.Uri) return this.index.forUri(arg);
    if (arg?.root) return this.index.all.find(r => r.root === arg.root);
    const active = this.index.active();
    if (active || this.index.withOutcomes.length === 0) return active;
    const p = await vscode.window.showQuickPick(this.index.withOutcomes.map(r => ({ label: r.name, description: r.root, r })), { placeHolder: 'Repository' });
    return p?.r;
  }

  /** '' for the merge base with the default branch, else a revision as `outcome-lens diff A` takes it. */
  private async pickBase(repo: RepoIndex): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { base?: string; branches?: boolean };
    const items: Item[] = [
      { label: '$(git-commit) HEAD', description: 'the working copy against the last commit', base: 'HEAD' },
      { label: '$(git-merge) Merge base with the default branch', description: 'what a pull request from here would change', base: '' },
      { label: '$(git-branch) A branch…', description: 'the working copy against a branch you pick', branches: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Compare the working copy of outcomes.yaml with…' });
    if (!pick?.branches) return pick?.base;
    const branches = await repo.history().branches();
    return (await vscode.window.showQuickPick(branches.map(b => ({ label: b })), { placeHolder: 'Branch' }))?.label;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
