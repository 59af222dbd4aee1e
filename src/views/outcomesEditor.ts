import vscode = require('vscode');
import path = require('node:path');
import { randomBytes } from 'node:crypto';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { Log } from '../vscode/log';
import { Diagnostic, PATTERN_CODES } from '../core/outcomes/model';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { planFormEdit, readOutcomesForm } from '../core/outcomes/formEdit';
import { FormCounts, FormModel, fromOutcomesForm, FromOutcomesForm, ToOutcomesForm } from '../core/outcomes/formMessages';
import { throttled } from './common';

export const OUTCOMES_EDITOR = 'outcomeLens.outcomesEditor';
/** How many of the files an area matches the form lists (on hover and when expanded). */
const FILES_SHOWN = 20;

interface Session {
  document: vscode.TextDocument;
  panel: vscode.WebviewPanel;
  /** What the form was last sent (the tests read it, as the webview does). */
  model?: FormModel;
  counts?: FormCounts;
}

/**
 * The outcomes editor: a form over outcomes.yaml for people who do not write YAML, as a custom *text* editor, so the
 * TextDocument stays the one truth: every change in the form is a minimal text edit (src/core/outcomes/formEdit.ts)
 * applied as a WorkspaceEdit, and the form is drawn again from the text whenever it changes, whoever changed it, so
 * undo, redo, save, dirty state and a text editor beside it stay in step.
 */
export class OutcomesEditor implements vscode.CustomTextEditorProvider, vscode.Disposable {
  private readonly sessions = new Set<Session>();
  private readonly subs: vscode.Disposable[];
  /** Edits of one document are made one after another, each on the text the one before left. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly extensionUri: vscode.Uri, private readonly index: WorkspaceIndex, private readonly log: Log) {
    this.subs = [
      vscode.window.registerCustomEditorProvider(OUTCOMES_EDITOR, this, { supportsMultipleEditorsPerDocument: true }),
      index.showsHistory(() => [...this.sessions].some(s => s.panel.visible)),
      vscode.workspace.onDidChangeTextDocument(e => { if (e.contentChanges.length) this.update(e.document); }),
      // The pattern warnings (they need the tracked files) are the text editor's: the form shows them when they come.
      vscode.languages.onDidChangeDiagnostics(e => { for (const uri of e.uris) this.updateUri(uri); }),
      throttled(index.onDidChange, () => { for (const s of this.sessions) void this.count(s); }, 500),
      vscode.commands.registerCommand('outcomeLens.openOutcomesEditor', (arg?: unknown) => this.run('opening the outcomes editor', () => this.openForm(arg))),
      vscode.commands.registerCommand('outcomeLens.openOutcomesText', (arg?: unknown) => this.run('opening outcomes.yaml as text', async () => {
        const uri = arg instanceof vscode.Uri ? arg : this.activeUri;
        if (uri) await this.openText(uri);
      })),
    ];
  }

  private async run(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.log.error(`outcomes editor: ${what} failed`, e);
      void vscode.window.showErrorMessage('Outcome Lens: the outcomes editor could not open (see the log).');
    }
  }

  /**
   * Opens the form on an outcomes.yaml: the one given (the editor title's button), the active editor's, the active
   * repository's, or the one picked among the workspace's.
   */
  async openForm(arg?: unknown): Promise<void> {
    const isOutcomes = (u?: vscode.Uri) => !!u && u.scheme === 'file' && path.basename(u.fsPath) === OUTCOMES_FILE;
    let uri = arg instanceof vscode.Uri && isOutcomes(arg) ? arg : undefined;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (!uri && isOutcomes(active)) uri = active;
    if (!uri) {
      await this.index.ready();
      const repos = this.index.withOutcomes;
      const repo = this.index.active() ?? (repos.length <= 1 ? repos[0]
        : (await vscode.window.showQuickPick(repos.map(r => ({ label: r.name, description: r.root, r })), { placeHolder: 'The outcomes of which repository?' }))?.r);
      if (!repo) { if (!repos.length) void vscode.window.showInformationMessage('Outcome Lens: no repository with an outcomes.yaml yet'); return; }
      uri = repo.outcomesUri;
    }
    await vscode.commands.executeCommand('vscode.openWith', uri, OUTCOMES_EDITOR);
  }

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const s: Session = { document, panel };
    this.sessions.add(s);
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')] };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'outcome-lens.svg');
    panel.webview.html = this.page(panel.webview);
    panel.onDidDispose(() => this.sessions.delete(s));
    panel.onDidChangeViewState(() => { if (panel.visible) { this.index.shown(); this.update(document); } });
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(s, m));
    this.index.shown();
  }

  /** The sessions open on a file (for the tests and the Open as Text command). */
  sessionsOf(uri: vscode.Uri): readonly Session[] {
    return [...this.sessions].filter(s => s.document.uri.toString() === uri.toString());
  }

  /** The outcomes.yaml the active outcomes editor shows. */
  get activeUri(): vscode.Uri | undefined {
    return [...this.sessions].find(s => s.panel.active)?.document.uri;
  }

  /** Handles what the form sends; the tests call it with the same messages, as the webview does. */
  receive(s: Session, raw: unknown): Promise<void> {
    const m: FromOutcomesForm | undefined = fromOutcomesForm(raw);
    if (!m) { this.log.info('outcomes editor: ignored a message from the webview that is not one the form sends'); return Promise.resolve(); }
    switch (m.type) {
      case 'ready': this.update(s.document); return Promise.resolve();
      case 'openText': return this.openText(s.document.uri);
      case 'reveal': {
        const at = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1));
        return Promise.resolve(vscode.window.showTextDocument(s.document, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(at, at) })).then(() => undefined);
      }
      case 'edit': {
        const run = this.queue.then(() => this.edit(s, m.edit));
        this.queue = run.catch(() => undefined);
        return run;
      }
    }
  }

  private async edit(s: Session, edit: Extract<FromOutcomesForm, { type: 'edit' }>['edit']): Promise<void> {
    const doc = s.document;
    const plan = planFormEdit(doc.getText(), edit);
    if ('error' in plan) { this.post(s, { type: 'note', text: `Not changed: ${plan.error}.` }); return; }
    if (plan.start === plan.end && !plan.text) return;
    const we = new vscode.WorkspaceEdit();
    we.replace(doc.uri, new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.end)), plan.text);
    if (!await vscode.workspace.applyEdit(we)) {
      this.log.error(`outcomes editor: VS Code did not apply the edit to ${doc.uri.fsPath}`, new Error(edit.kind));
      this.post(s, { type: 'note', text: 'Not changed: VS Code refused the edit (is the file read-only?).' });
    }
  }

  /** Opens the file in the text editor beside the form. */
  async openText(uri: vscode.Uri): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', uri, 'default', vscode.ViewColumn.Beside);
  }

  private updateUri(uri: vscode.Uri): void {
    const doc = [...this.sessions].find(s => s.document.uri.toString() === uri.toString())?.document;
    if (doc) this.update(doc);
  }

  /** Draws every form on `document` again from its text, then counts the areas' files. */
  private update(document: vscode.TextDocument): void {
    for (const s of this.sessions) {
      if (s.document !== document) continue;
      s.model = readOutcomesForm(document.getText(), document.version, this.patternDiagnostics(document));
      this.post(s, { type: 'model', model: s.model });
      void this.count(s);
    }
  }

  /** The text editor's pattern warnings (no match, shadowed, no effect), for the same text only. */
  private patternDiagnostics(document: vscode.TextDocument): Diagnostic[] {
    const repo = this.index.forUri(document.uri);
    // They are for the text the repository's map was read from; an edit since may have moved them.
    if (!repo || repo.outcomesUri.fsPath !== document.uri.fsPath || repo.mapText !== document.getText()) return [];
    return vscode.languages.getDiagnostics(document.uri)
      .filter(d => d.source === 'Outcome Lens' && (PATTERN_CODES as readonly string[]).includes(String(d.code)))
      .map(d => ({
        severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning', message: d.message,
        line: d.range.start.line + 1, column: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
      }));
  }

  /** How many tracked files each area matches, from the history worker's list of them; why not, where it cannot. */
  private async count(s: Session): Promise<void> {
    const model = s.model;
    if (!model || !s.panel.visible) return;
    const counts = await this.counts(s.document, model).catch((e: Error): FormCounts => ({ state: 'unavailable', reason: `The files could not be counted: ${e.message}` }));
    if (!counts || s.model !== model) return;
    s.counts = counts;
    this.post(s, { type: 'counts', version: model.version, counts });
  }

  private async counts(document: vscode.TextDocument, model: FormModel): Promise<FormCounts | undefined> {
    if (!vscode.workspace.isTrusted) return { state: 'unavailable', reason: 'Match counts need git, which Outcome Lens does not run in Restricted Mode. Trust this folder to see them.' };
    const repo = this.index.forUri(document.uri);
    if (!repo || repo.outcomesUri.fsPath !== document.uri.fsPath) {
      return { state: 'unavailable', reason: `Match counts are shown for the ${OUTCOMES_FILE} at the root of a git repository; this one is in ${path.dirname(document.uri.fsPath)}.` };
    }
    const summary = repo.summary;
    if (summary?.error && !summary.files) return { state: 'unavailable', reason: `git could not list the tracked files: ${summary.error.message}` };
    if (!summary?.files) { void repo.refreshIfWanted(); return undefined; }
    const history = repo.history();
    const outcomes = await Promise.all(model.outcomes.map(async o => {
      const areas = o.areas.filter(a => a.trim());
      const [total, each] = await Promise.all([
        history.filesMatching(areas, 0),
        Promise.all(o.areas.map(a => (a.trim() ? history.filesMatching([a], FILES_SHOWN) : Promise.resolve({ count: 0, files: [] })))),
      ]);
      return { total: total.count, areas: each };
    }));
    return { state: 'counted', outcomes };
  }

  private post(s: Session, m: ToOutcomesForm): void {
    void s.panel.webview.postMessage(m);
  }

  /** The page: the dashboard's strict policy (no network, scripts by nonce from the extension's own folder). */
  private page(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'outcomesEditor.js'));
    return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${FORM_CSS}</style></head>
<body><main id="main" aria-live="polite"><p>Reading outcomes.yaml…</p></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.sessions.clear();
  }
}

/** The form's own styles: VS Code's theme variables only, so light, dark and high contrast all follow the theme. */
const FORM_CSS = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 32px; }
h1 { font-size: 1.4em; margin: 16px 0 4px; }
h2 { font-size: 1.15em; margin: 0; flex: 1; }
h3 { font-size: 1em; margin: 14px 0 6px; color: var(--vscode-descriptionForeground); }
.summary { margin: 4px 0 12px; color: var(--vscode-descriptionForeground); }
.over { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
.card { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, #8884)); border-radius: 4px; padding: 12px 14px; margin: 12px 0; background: var(--vscode-sideBar-background, transparent); max-width: 980px; }
.card:focus-within { border-color: var(--vscode-focusBorder); }
.head { display: flex; gap: 6px; align-items: center; }
.grid { display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; align-items: start; margin-top: 10px; }
.grid > label { padding-top: 4px; }
.field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
vscode-textfield, vscode-textarea, vscode-single-select { width: 100%; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; padding: 2px 4px; color: var(--vscode-descriptionForeground); }
td { padding: 2px 4px; vertical-align: top; }
.items { list-style: none; padding: 0; margin: 0; }
.items li { display: grid; grid-template-columns: minmax(180px, 1fr) max-content max-content; gap: 8px; align-items: start; margin: 3px 0; }
.count { padding-top: 4px; color: var(--vscode-descriptionForeground); white-space: nowrap; }
details summary { cursor: pointer; }
details ul { margin: 4px 0; padding-left: 18px; font-family: var(--vscode-editor-font-family); font-size: 0.92em; }
.add { display: flex; gap: 8px; margin-top: 6px; align-items: center; }
.add vscode-textfield { width: 260px; }
.problem { font-size: 0.92em; }
.problem.error { color: var(--vscode-errorForeground); }
.problem.warning { color: var(--vscode-editorWarning-foreground); }
.problem button { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-decoration: underline; }
.problem button:focus-visible, summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
#note { color: var(--vscode-editorWarning-foreground); }
.muted { color: var(--vscode-descriptionForeground); }
`;
