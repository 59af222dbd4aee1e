import vscode = require('vscode');
import path = require('node:path');
import { readOutcomesFile } from '../core/usecases/outcomesFile';
import { Diagnostic, OutcomeMap } from '../core/outcomes/model';
import { OUTCOMES_FILE } from '../core/outcomes/load';
import { Linker } from '../core/links/link';
import { HistoryApi, HistoryWorker } from './historyClient';
import { mapKey, Summary } from '../core/history/protocol';
import { Log } from './log';

/**
 * One repository as the extension sees it: its outcomes.yaml, read and parsed here (no git; the last good map is
 * kept, marked stale, while the file has errors), and its history service, which runs in the history worker and
 * answers what the views ask. The host keeps only the service's latest summary. History is read when something that
 * shows it is visible; otherwise a change only marks it stale.
 */
export class RepoIndex implements vscode.Disposable {
  readonly outcomesUri: vscode.Uri;
  map?: OutcomeMap;
  linker?: Linker;
  stale = false;
  exists = false;
  diagnostics: Diagnostic[] = [];
  /** The history service's latest answer to "what do you have" (undefined until it first answered). */
  private latest?: Summary;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private service?: HistoryApi;
  /** Something changed in git while nothing showed history: read when something does. */
  private behind = true;
  private forceNext = false;
  private lastContent?: string;
  private summaryAsked?: Promise<void>;
  private summaryAgain = false;

  constructor(readonly root: string, private readonly worker: HistoryWorker, private readonly log: Log, private readonly windowDays: () => number,
    private readonly cacheDir: string | undefined, private readonly wanted: () => boolean) {
    this.outcomesUri = vscode.Uri.file(path.join(root, OUTCOMES_FILE));
  }

  /**
   * What the views show: the service's latest summary, without its counts while they are for another outcomes.yaml
   * than the one shown here (a relink is under way): those would be counts for the wrong map.
   */
  get summary(): Summary | undefined {
    const s = this.latest;
    if (!s || s.map === mapKey(this.map)) return s;
    return { ...s, history: undefined, files: undefined };
  }

  /** The workspace folder's name where the repository is one (a .code-workspace may name it), else the folder's. */
  get name(): string {
    return vscode.workspace.workspaceFolders?.find(f => f.uri.fsPath === this.root)?.name ?? path.basename(this.root);
  }

  /** The history service, opened in the worker on first use (a view, a command, the current line). */
  history(): HistoryApi {
    this.service ??= this.worker.open(this.root, { cacheDir: this.cacheDir, windowDays: this.windowDays(), map: this.map }, {
      changed: () => void this.askSummary(),
      restarted: () => {
        this.latest = undefined;
        this.endProgress();
        this.gitChanged();
        this.emitter.fire();
      },
    });
    return this.service;
  }

  /**
   * Reads outcomes.yaml from disk or an editor's text (no git): cheap, at start and whenever the file changes.
   * `settled: false` (a keystroke) updates only the diagnostics: the map the views and the history follow is the
   * last valid text the user paused on or saved, not a half-typed one (`id: check` on the way to `checkout`).
   */
  readOutcomes(text?: string, settled = true): void {
    const file = readOutcomesFile(this.root, text);
    // What the file says, as a key: the same text (or the same absence or failure) twice is one read.
    const key = file.kind === 'absent' ? undefined : file.kind === 'unreadable' ? `\0unreadable\0${file.reason}` : file.content;
    if (key === this.lastContent && (settled ? this.settledContent === key : true) && this.exists === (file.kind !== 'absent') && (key !== undefined || !this.map)) return;
    this.lastContent = key;
    this.exists = file.kind !== 'absent';
    if (file.kind === 'absent') {
      this.map = undefined; this.linker = undefined; this.diagnostics = []; this.stale = false;
      this.settledContent = undefined;
    } else {
      // An unreadable file is not an absent one: its reason shows where the file's problems do, and the last good map stays.
      const r = file.kind === 'read' ? file.result
        : { diagnostics: [{ severity: 'error' as const, message: `outcomes.yaml cannot be read: ${file.reason}`, line: 1, column: 1, endLine: 1, endColumn: 1, code: 'unreadable' }] };
      this.diagnostics = r.diagnostics;
      if ('map' in r && r.map && settled) { this.map = r.map; this.linker = new Linker(r.map); this.settledContent = key; }
      // Stale: the text has errors and the views show the last good map.
      this.stale = !!this.map && !('map' in r && r.map);
    }
    // The service links again what it has read (a new trailer key included), without git.
    if (this.service && settled && (file.kind === 'absent' || this.map)) this.service.configure({ map: this.map }).catch(e => this.failed('relinking', e));
    this.emitter.fire();
  }

  /** The text the current map was taken from. */
  private settledContent?: string;
  /** The text the current map (and the pattern warnings, which are for it) was taken from. */
  get mapText(): string | undefined {
    return this.settledContent;
  }

  /** The history window changed in the settings: the next read covers the new one. */
  windowChanged(): void {
    if (!this.service) return;
    this.service.configure({ windowDays: this.windowDays() }).catch(e => this.failed('the new window', e));
    this.gitChanged();
  }

  /** git's HEAD, refs, notes or index moved (or a command asked): read again now if shown, else when next shown. */
  gitChanged(force = false): void {
    this.behind = true;
    this.forceNext ||= force;
    void this.refreshIfWanted();
  }

  /** Reads what is behind, if something shows history now: the views call it when they become visible. */
  refreshIfWanted(): Promise<void> {
    if (!this.behind || !this.map || !this.wanted()) return Promise.resolve();
    this.behind = false;
    const force = this.forceNext;
    this.forceNext = false;
    return this.history().refresh(force).catch(e => this.failed('reading history', e));
  }

  /** Reads now (a command, a test), whatever is visible; resolves when the read is done. */
  async refresh(force = false): Promise<void> {
    if (!this.map) return;
    this.behind = false;
    await this.history().refresh(force || this.forceNext).catch(e => this.failed('reading history', e));
    this.forceNext = false;
    await this.askSummary();
  }

  cancel(): void {
    this.service?.cancel().catch(e => this.failed('cancelling', e));
  }

  /** The service's answers changed: ask for the new summary (one question at a time, the latest wins). */
  private askSummary(): Promise<void> {
    if (this.summaryAsked) { this.summaryAgain = true; return this.summaryAsked; }
    const ask = async () => {
      do {
        this.summaryAgain = false;
        const s = await this.history().summary();
        if (!this.latest || s.service !== this.latest.service || s.gen >= this.latest.gen) this.latest = s;
        this.showProgress();
      } while (this.summaryAgain);
    };
    this.summaryAsked = ask().catch(e => this.failed('asking for the summary', e)).finally(() => { this.summaryAsked = undefined; this.emitter.fire(); });
    return this.summaryAsked;
  }

  /**
   * While git is read, a progress bar on both views with how many commits are read so far, and their Cancel button
   * (the `outcomeLens.loading` key).
   */
  private showProgress(): void {
    if (!this.latest?.reading || this.progressDone) return;
    const done = new Promise<void>(resolve => { this.progressDone = resolve; });
    void vscode.commands.executeCommand('setContext', 'outcomeLens.loading', true);
    const reports: ((m: string) => void)[] = [];
    const title = `Reading the history of ${this.name}`;
    for (const viewId of ['outcomeLens.unlinked', 'outcomeLens.outcomes']) {
      void vscode.window.withProgress({ location: { viewId }, title }, p => { reports.push(message => p.report({ message })); return done; });
    }
    const sub = this.onDidChange(() => {
      if (this.latest?.reading) {
        for (const r of reports) r(`${this.latest.readSoFar.toLocaleString('en-US')} commits`);
        return;
      }
      sub.dispose();
      this.endProgress();
    });
  }

  private endProgress(): void {
    if (!this.progressDone) return;
    this.progressDone();
    this.progressDone = undefined;
    void vscode.commands.executeCommand('setContext', 'outcomeLens.loading', false);
  }

  private progressDone?: () => void;

  private failed(what: string, e: unknown): void {
    // A refresh's own failures (git's) come in the summary, and never reach here: these are the worker's and relinks'.
    this.log.error(`${this.name}: ${what} failed`, e);
  }

  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const rel = path.relative(this.root, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const p = rel.split(path.sep).join('/');
    return p === '.git' || p.startsWith('.git/') ? undefined : p;
  }

  dispose(): void {
    this.endProgress();
    if (this.service) this.worker.close(this.root);
    this.emitter.dispose();
  }
}
