import vscode = require('vscode');
import fs = require('node:fs');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { Settings } from '../vscode/settings';
import { outcomeTitles } from './common';

/** Two-letter initials of an outcome id for an explorer badge: "checkout-conversion" -> "CC". */
export function badgeFor(id: string): string {
  const parts = id.split(/[-_.]/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[1][0] : id.slice(0, 2);
  return s.toUpperCase();
}

/**
 * Explorer badges: a linked file shows its outcome's initials in the "linked" colour, an unlinked one a dot
 * in the "unlinked" colour (can be turned off). Linked badges need only outcomes.yaml; unlinked ones need the tracked
 * files, so they appear once an Outcome Lens view has had git list them.
 */
export class OutcomeDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private readonly subs: vscode.Disposable[];
  private lastKey: unknown[] = [];

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings) {
    this.subs = [
      // Badges depend on outcomes.yaml and the file list, not on history: a new part of history changes none.
      index.onDidChange(() => {
        const key = index.all.map(r => [r.linker, r.summary?.files?.tracked, r.summary?.files?.unlinked, r.map]).flat();
        if (key.length === this.lastKey.length && key.every((k, i) => k === this.lastKey[i])) return;
        this.lastKey = key;
        this.emitter.fire(undefined);
      }),
      settings.onDidChange(['badges', 'unlinkedBadges'], () => this.emitter.fire(undefined)),
    ];
  }

  async provideFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined> {
    if (uri.scheme !== 'file' || !this.settings.badges(uri)) return undefined;
    const repo = this.index.forUri(uri);
    const rel = repo?.relative(uri);
    if (!repo?.linker || rel === undefined) return undefined;
    // Folders have no badge of their own: a file-level answer says more, and folders would need a walk.
    if (fs.statSync(uri.fsPath, { throwIfNoEntry: false })?.isDirectory() !== false) return undefined;
    // Only tracked files link to outcomes: once git has listed them, an untracked or ignored file gets no badge.
    const tracked = repo.summary?.files ? await repo.history().tracked(rel).catch(() => undefined) : undefined;
    if (tracked === 'untracked') return undefined;
    const f = repo.linker.file(rel);
    if (f.status === 'linked') {
      return { badge: f.outcomes.length > 1 ? `${f.outcomes.length}+` : badgeFor(f.outcomes[0]), tooltip: `Outcome: ${outcomeTitles(repo, f.outcomes).join('; ')}`, color: new vscode.ThemeColor('outcomeLens.linkedForeground'), propagate: false };
    }
    if (f.status === 'unlinked' && tracked === 'file' && this.settings.unlinkedBadges(uri)) {
      return { badge: '◌', tooltip: 'Linked to no outcome', color: new vscode.ThemeColor('outcomeLens.unlinkedForeground'), propagate: false };
    }
    return undefined;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
