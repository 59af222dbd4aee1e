import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Settings } from '../vscode/settings';
import type { CommitRow } from '../core/history/protocol';
import { LatestWins } from '../core/util/throttle';
import { Log } from '../vscode/log';
import { commitMarkdown, relativeTime } from './common';

/**
 * Like GitLens' current-line blame: at the end of the line under the cursor, the outcome(s) of the commit
 * that last changed it and how it is linked; a hover with the commit and the outcome's key results.
 */
export class CurrentLine implements vscode.HoverProvider, vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 3em', color: new vscode.ThemeColor('outcomeLens.annotationForeground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
  });
  private readonly subs: vscode.Disposable[] = [];
  private readonly runner: LatestWins;
  private timer?: NodeJS.Timeout;
  /** What is shown now, for the hover and the tests. */
  current?: { uri: string; line: number; text: string; link?: CommitRow; repo: RepoIndex };

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings, private readonly log: Log) {
    this.runner = new LatestWins(signal => this.annotate(signal), e => this.log.error('current-line annotation failed', e));
    this.subs.push(
      vscode.window.onDidChangeTextEditorSelection(() => this.schedule()),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, this),
      settings.onDidChange(['lineAnnotation'], () => void this.schedule()),
    );
  }

  /** Debounced: moving the cursor fast asks git once, for where it stops. */
  schedule(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    // Every caller waits for the run after the last call, a caller whose own timer was replaced included.
    return new Promise(resolve => {
      this.waiting.push(resolve);
      this.timer = setTimeout(() => {
        const waiting = this.waiting.splice(0);
        void this.runner.request().then(() => { for (const w of waiting) w(); });
      }, 200);
    });
  }
  private readonly waiting: (() => void)[] = [];

  private clear(editor?: vscode.TextEditor): void {
    editor?.setDecorations(this.decoration, []);
    this.current = undefined;
  }

  private async annotate(signal: AbortSignal): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const uri = editor.document.uri;
    const repo = this.index.forUri(uri);
    const rel = repo?.relative(uri);
    if (!repo?.linker || rel === undefined || !this.settings.lineAnnotation(uri) || editor.selections.length !== 1) {
      this.clear(editor);
      return;
    }
    const line = editor.selection.active.line;
    let text: string;
    let link: CommitRow | undefined;
    // An unsaved buffer is blamed as it is, as GitLens does: its changed lines are not committed yet.
    const doc = editor.document;
    const answer = await repo.history().lineCommit(rel, line + 1, doc.isDirty ? doc.getText() : undefined).catch(() => undefined);
    if (signal.aborted) return;
    if (!answer || answer.kind === 'untracked') { this.clear(editor); return; }
    if (answer.kind === 'uncommitted') text = 'Uncommitted changes';
    else {
      link = answer.row;
      text = annotationText(link);
    }
    if (vscode.window.activeTextEditor !== editor || editor.selection.active.line !== line) return;
    const end = editor.document.lineAt(line).range.end;
    editor.setDecorations(this.decoration, [{ range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } }]);
    this.current = { uri: uri.toString(), line, text, link, repo };
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const cur = this.current;
    if (!cur?.link || cur.uri !== doc.uri.toString() || cur.line !== pos.line) return undefined;
    // Only past the end of the text, where the annotation is, so it does not cover the language's own hovers.
    if (pos.character < doc.lineAt(pos.line).range.end.character) return undefined;
    const map = cur.repo.map;
    const md = commitMarkdown(cur.link, cur.repo);
    for (const id of cur.link.outcomes) {
      const o = map?.outcomes.find(x => x.id === id);
      if (!o?.metrics.length) continue;
      md.appendMarkdown('\n\n').appendMarkdown('**').appendText(o.title).appendMarkdown('** key results:\n');
      for (const m of o.metrics) md.appendMarkdown('\n- ').appendText(`${m.name}: ${m.baseline ?? '?'} → ${m.current ?? '?'} → ${m.target ?? '?'}`);
    }
    return new vscode.Hover(md);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.runner.dispose();
    for (const s of this.subs) s.dispose();
    this.decoration.dispose();
  }
}

/** "◎ checkout-conversion (trailer) · Jane, 3 days ago" */
export function annotationText(link: CommitRow): string {
  const who = `${link.author}, ${relativeTime(link.date)}`;
  if (!link.links.length) return `${link.status === 'ignored' ? 'No outcome needed' : 'Unlinked commit'} · ${who}`;
  const parts = link.outcomes.map(id => {
    const l = link.links.find(x => x.outcome === id)!;
    // (the hover names the old path: README, "Renames and moves")
    return `${id} (${l.via}${l.renamedFrom === undefined ? '' : ', renamed'})`;
  });
  return `◎ ${parts.join(', ')} · ${who}`;
}
