import vscode = require('vscode');
import path = require('node:path');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Diagnostic } from '../core/outcomes/model';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { countText, throttled } from './common';
import { areaAddsText } from './outcomesTree';

/** How long the typing pauses before the views follow the new text. */
const SETTLE_MS = 1500;

const isOutcomesFile = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && path.basename(doc.uri.fsPath) === OUTCOMES_FILE;

export function toRange(d: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  return new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, Math.max(d.endColumn - 1, d.column - 1));
}

/**
 * outcomes.yaml in the editor: the core's diagnostics as you type, a CodeLens per outcome with its files and
 * recent commits, a hover on a pattern with how many files it matches. The repository's map follows the
 * buffer, so views relink while you type, without asking git again.
 */
export class OutcomesYamlFeatures implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('outcome-lens');
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly index: WorkspaceIndex) {
    const selector: vscode.DocumentSelector = { scheme: 'file', pattern: `**/${OUTCOMES_FILE}` };
    this.subs.push(
      vscode.languages.registerCodeLensProvider(selector, this),
      vscode.languages.registerHoverProvider(selector, this),
      vscode.workspace.onDidOpenTextDocument(d => this.onEdit(d, 0)),
      vscode.workspace.onDidChangeTextDocument(e => { if (e.contentChanges.length) this.onEdit(e.document, 250); }),
      vscode.workspace.onDidSaveTextDocument(d => this.onEdit(d, 0)),
      vscode.workspace.onDidCloseTextDocument(d => { if (isOutcomesFile(d) && !d.isDirty) void this.publishFromIndex(d.uri); }),
      // Throttled: while history streams in, the index changes every few milliseconds.
      throttled(index.onDidChange, () => { this.lensEmitter.fire(); for (const r of index.all) void this.publishFromIndex(r.outcomesUri); }),
      index.showsHistory(() => vscode.window.visibleTextEditors.some(e => isOutcomesFile(e.document))),
    );
    for (const d of vscode.workspace.textDocuments) this.onEdit(d, 0);
    for (const r of index.all) void this.publishFromIndex(r.outcomesUri);
  }

  private repoOf(doc: vscode.TextDocument): RepoIndex | undefined {
    const repo = this.index.forUri(doc.uri);
    return repo && repo.outcomesUri.fsPath === doc.uri.fsPath ? repo : undefined;
  }

  /**
   * Diagnostics a moment after each keystroke; the map the views follow once the typing pauses (SETTLE_MS) or the
   * file is saved, so that no half-typed outcome is linked and relinked.
   */
  private onEdit(doc: vscode.TextDocument, delay: number): void {
    if (!isOutcomesFile(doc)) return;
    const key = doc.uri.toString();
    for (const k of [key, `${key}#settle`]) clearTimeout(this.timers.get(k));
    const run = (settled: boolean) => {
      this.timers.delete(settled ? `${key}#settle` : key);
      const repo = this.repoOf(doc);
      if (repo) repo.readOutcomes(doc.getText(), settled); // fires onDidChange -> publishFromIndex
      else this.publish(doc.uri, []); // an outcomes.yaml outside a repository root is not ours
    };
    if (!delay) { run(true); return; }
    this.timers.set(key, setTimeout(() => run(false), delay));
    this.timers.set(`${key}#settle`, setTimeout(() => run(true), SETTLE_MS));
  }

  /** The file's own diagnostics and, once git has listed the files, the pattern warnings that need them. */
  private async publishFromIndex(uri: vscode.Uri): Promise<void> {
    const repo = this.index.all.find(r => r.outcomesUri.fsPath === uri.fsPath);
    if (!repo) return;
    const own = repo.diagnostics;
    const last = this.published.get(uri.fsPath);
    const patterns = repo.summary?.files ? await repo.history().patternDiagnostics().catch(() => undefined) : undefined;
    const shown = patterns ?? last?.patterns ?? []; // the last ones until counted again
    // A newer edit was published meanwhile, or nothing changed (a new part of history changes neither).
    if (repo.diagnostics !== own) return;
    if (last && last.own === own && last.patterns === shown && last.exists === repo.exists) return;
    this.publish(uri, repo.exists ? [...own, ...shown] : []);
    this.published.set(uri.fsPath, { own, patterns: shown, exists: repo.exists });
  }

  private readonly published = new Map<string, { own: readonly Diagnostic[]; patterns: readonly Diagnostic[]; exists: boolean }>();

  private publish(uri: vscode.Uri, diags: Diagnostic[]): void {
    this.published.delete(uri.fsPath); // what is shown now may come from an unsaved buffer
    this.diagnostics.set(uri, diags.map(d => {
      const v = new vscode.Diagnostic(toRange(d), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      v.source = 'Outcome Lens';
      // the outcomes editor tells the pattern warnings (which need git) from the file's own problems by it
      if (d.code) v.code = d.code;
      return v;
    }));
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const repo = this.repoOf(doc);
    if (!repo?.map) return [];
    void repo.refreshIfWanted();
    const s = repo.summary;
    // What each area adds to its outcome after the negations (the number `files --json` gives), once the files are listed.
    const areaLenses = !s?.files || repo.stale ? [] : repo.map.outcomes.flatMap(o => o.areas.flatMap((a, i) => {
      const n = s.files!.byArea[o.id]?.[i];
      return n === undefined || a.pattern.startsWith('!') ? [] : [new vscode.CodeLens(toRange(a.range), { title: areaAddsText(n), command: 'outcomeLens.revealOutcome', arguments: [repo.root, o.id] })];
    }));
    return [...repo.map.outcomes.map(o => {
      const files = s?.files?.byOutcome[o.id] ?? 0;
      const commits = countText(s, h => h.byOutcome[o.id] ?? 0);
      const title = s?.error?.kind === 'untrusted' ? 'Outcome Lens: history needs a trusted workspace'
        : !s?.files || commits === undefined || commits === '…' ? (s?.error ? 'Outcome Lens: git failed (see the log)' : 'Outcome Lens: counting…')
        : `${files} file${files === 1 ? '' : 's'} · ${commits} commit${commits === '1' ? '' : 's'} in ${s.history?.windowDays} days`;
      return new vscode.CodeLens(toRange(o.idRange), { title, command: 'outcomeLens.revealOutcome', arguments: [repo.root, o.id] });
    }), ...areaLenses];
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const repo = this.repoOf(doc);
    if (!repo?.map || !repo.summary?.files || repo.stale) return undefined;
    const entries = [...repo.map.ignore.map(e => ({ e, outcome: undefined, index: -1 })), ...repo.map.outcomes.flatMap(o => o.areas.map((e, index) => ({ e, outcome: o.id, index })))];
    const hit = entries.find(p => toRange(p.e.range).contains(pos));
    if (!hit) return undefined;
    const { e } = hit;
    // A negation alone matches nothing: what it can take away is what its pattern matches.
    const negation = e.pattern.startsWith('!');
    const { count, files } = await repo.history().filesMatching([negation ? e.pattern.slice(1) : e.pattern], 10);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendText(`${negation ? `${e.pattern} takes away what ${e.pattern.slice(1)} matches: ` : `${e.pattern} matches `}${count} tracked file${count === 1 ? '' : 's'}${negation ? '' : ' on its own'}`);
    const adds = hit.outcome === undefined ? undefined : repo.summary.files.byArea[hit.outcome]?.[hit.index];
    // What it adds after the negations can differ from what it matches: a later negation takes files away.
    if (adds !== undefined && !e.pattern.startsWith('!')) md.appendText(`; it ${areaAddsText(adds)} to ${hit.outcome} after the negations`);
    if (count) md.appendMarkdown('\n\n').appendText(files.join('\n') + (count > 10 ? `\n… and ${count - 10} more` : ''));
    return new vscode.Hover(md, toRange(e.range));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    this.diagnostics.dispose();
    this.lensEmitter.dispose();
  }
}
