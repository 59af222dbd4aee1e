import * as vscode from 'vscode';
import { unknownTrailerIds } from '../core/message/unknownIds';
import { nearestKey } from '../core/outcomes/parse';
import type { WorkspaceIndex } from '../vscode/workspaceIndex';

const SELECTOR: vscode.DocumentSelector = { scheme: 'vscode-scm', language: 'scminput' };
const CODE = 'unknown-outcome-id';

/**
 * The commit message box warns, as it is typed, on an outcome id its trailer names that outcomes.yaml does not define
 * (it would be an invalid link), with a quick fix to the nearest id.
 */
export class CommitBoxDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('outcomeLens.commitBox');
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex) {
    this.disposables = [
      this.diagnostics,
      vscode.languages.registerCodeActionsProvider(SELECTOR, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.workspace.onDidOpenTextDocument(d => this.check(d)),
      vscode.workspace.onDidChangeTextDocument(e => this.check(e.document)),
      vscode.workspace.onDidCloseTextDocument(d => this.diagnostics.delete(d.uri)),
      // an outcome added to (or renamed in) outcomes.yaml changes which ids are known
      index.onDidChange(() => { for (const d of vscode.workspace.textDocuments) this.check(d); }),
    ];
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private known(doc: vscode.TextDocument): { key: string; ids: string[] } | undefined {
    // The box's document names its repository: vscode-scm:git/scm0/input?rootUri=... (as TrailerCompletion reads it)
    const rootUri = new URLSearchParams(doc.uri.query).get('rootUri');
    const repo = rootUri ? this.index.forFolder(vscode.Uri.parse(rootUri)) : this.index.withOutcomes[0];
    return repo?.map ? { key: repo.map.trailer, ids: repo.map.outcomes.map(o => o.id) } : undefined;
  }

  private check(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'vscode-scm' || doc.languageId !== 'scminput') return;
    const k = this.known(doc);
    if (!k) { this.diagnostics.delete(doc.uri); return; }
    const text = doc.getText();
    this.diagnostics.set(doc.uri, unknownTrailerIds(text, k.key, k.ids).map(u => {
      const nearest = nearestKey(u.id, k.ids);
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(u.start), doc.positionAt(u.end)),
        `"${u.id}" is not an outcome id in outcomes.yaml${nearest ? `; did you mean "${nearest}"?` : ''}`, vscode.DiagnosticSeverity.Warning);
      d.source = 'Outcome Lens';
      d.code = CODE;
      return d;
    }));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const k = this.known(doc);
    if (!k) return [];
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.code !== CODE || d.source !== 'Outcome Lens') continue;
      const nearest = nearestKey(doc.getText(d.range), k.ids);
      if (!nearest) continue;
      const fix = new vscode.CodeAction(`Change to "${nearest}"`, vscode.CodeActionKind.QuickFix);
      fix.edit = new vscode.WorkspaceEdit();
      fix.edit.replace(doc.uri, d.range, nearest);
      fix.diagnostics = [d];
      fix.isPreferred = true;
      out.push(fix);
    }
    return out;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
