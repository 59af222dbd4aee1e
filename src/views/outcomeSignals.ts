import vscode = require('vscode');
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { Settings } from '../vscode/settings';
import { Log } from '../vscode/log';
import type { ReportKeyResult, ReportOutcome } from '../core/report/model';
import type { KeyResultStatus } from '../core/keyresults/status';

/** A time-boxed outcome's status and adjustment sentence, with its key results as the report has them. */
export interface OutcomeSignal {
  status: KeyResultStatus | null;
  adjustment: string | null;
  behind: number | null;
  keyResults: ReportKeyResult[];
}

/** Icons of the statuses (a person's status keeps the Outcomes view's own icons). */
export const STATUS_ICONS: Partial<Record<KeyResultStatus, [string, string]>> = {
  'on-track': ['pass', 'charts.green'], 'at-risk': ['warning', 'charts.yellow'], 'off-track': ['error', 'charts.red'],
  'not-measured': ['question', 'charts.yellow'], achieved: ['pass-filled', 'charts.green'],
};

/**
 * The adjustment signal of each time-boxed outcome, for the Outcomes view and the status bar: the report of the views'
 * window, asked of the repository's history service (the same function as the dashboard's and the CLI's) once per
 * change of what the service answers (a new HEAD, a new outcomes.yaml), so a data file's new row shows without a reload.
 */
export class OutcomeSignals implements vscode.Disposable {
  private readonly kept = new Map<RepoIndex, { key: string; signals?: Map<string, OutcomeSignal>; asking: boolean }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex, private readonly settings: Settings, private readonly log: Log) {
    this.subs = [
      index.onDidChange(() => { for (const r of index.withOutcomes) this.ask(r); }),
      settings.onDidChange(['tolerance', 'windowDays'], () => { this.kept.clear(); this.emitter.fire(); }),
    ];
  }

  /** The signal of an outcome as last read (asking for a newer one when the repository moved), or undefined. */
  get(repo: RepoIndex, id: string): OutcomeSignal | undefined {
    this.ask(repo);
    return this.kept.get(repo)?.signals?.get(id);
  }

  /** The signal as last read, without asking git (the status bar needs no git). */
  peek(repo: RepoIndex, id: string): OutcomeSignal | undefined {
    return this.kept.get(repo)?.signals?.get(id);
  }

  private ask(repo: RepoIndex): void {
    const s = repo.summary;
    // Only maps with a time-boxed outcome have a status, and only once the window is read (no second read of it).
    if (!repo.map?.outcomes.some(o => o.period) || !s?.history?.complete) return;
    const key = `${s.service}:${s.gen}:${s.map}`;
    const had = this.kept.get(repo);
    if (had && (had.key === key || had.asking)) return;
    const entry = { key, signals: had?.signals, asking: true };
    this.kept.set(repo, entry);
    const uri = vscode.Uri.file(repo.root);
    repo.history().report({
      days: this.settings.windowDays(uri), bucket: 'auto', measure: 'commits', lines: false, defaulted: true, repoName: repo.name,
      driftThreshold: this.settings.driftThreshold(uri), tolerance: this.settings.tolerance(uri),
    }).then(r => {
      entry.signals = new Map((r?.outcomes ?? []).filter(o => o.keyResultStatus).map((o: ReportOutcome) => [o.id, {
        status: o.keyResultStatus ?? null, adjustment: o.adjustment ?? null, behind: o.behind ?? null, keyResults: r!.keyResults.filter(k => k.outcome === o.id),
      }]));
    }, e => this.log.error('reading the key results\' status failed', e)).finally(() => {
      entry.asking = false;
      this.emitter.fire();
      // The repository moved while this was read: read again for where it is now.
      if (repo.summary && `${repo.summary.service}:${repo.summary.gen}:${repo.summary.map}` !== entry.key) this.ask(repo);
    });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
