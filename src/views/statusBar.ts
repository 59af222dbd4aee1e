import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { Settings } from '../vscode/settings';
import { outcomeTitles } from './common';
import { OutcomeSignals } from './outcomeSignals';

/** The current file's outcome(s) in the status bar; a click lists them to reveal one. Needs no git. */
export class OutcomeStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('outcomeLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings, private readonly signals?: OutcomeSignals) {
    this.item.name = 'Outcome Lens';
    this.item.command = 'outcomeLens.showFileOutcomes';
    this.subs = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      index.onDidChange(() => this.update()),
      settings.onDidChange(['statusBar'], () => this.update()),
      ...(signals ? [signals.onDidChange(() => this.update())] : []),
    ];
    this.update();
  }

  update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const repo = uri && this.index.forUri(uri);
    const rel = uri && repo?.relative(uri);
    if (!uri || !repo?.linker || rel === undefined || !this.settings.statusBar(uri)) { this.item.hide(); return; }
    const f = repo.linker.file(rel);
    if (f.status === 'linked') {
      this.item.text = `$(target) ${f.outcomes.join(', ')}`;
      // The adjustment signal of each time-boxed outcome it serves, as last read (the status bar runs no git).
      const signals = f.outcomes.flatMap(id => { const a = this.signals?.peek(repo, id)?.adjustment; return a ? [`${id}: ${a}`] : []; });
      this.item.tooltip = `Serves: ${outcomeTitles(repo, f.outcomes).join('; ')}${repo.stale ? ' (outcomes.yaml has errors; last good version)' : ''}${signals.length ? `\n${signals.join('\n')}` : ''}`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = f.status === 'ignored' ? '$(circle-outline) No outcome needed' : '$(question) Unlinked';
      this.item.tooltip = f.status === 'ignored' ? 'outcomes.yaml ignores this file' : 'No outcome\'s areas match this file. Click to link it.';
    }
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
