import vscode = require('vscode');
import fs = require('node:fs');
import path = require('node:path');
import { RepoIndex } from './repoIndex';
import { Log } from './log';
import { Settings } from './settings';
import { HistoryWorker } from '../core/worker/client';
import { gitProcesses } from '../core/git/repo';
import { OUTCOMES_FILE } from '../core/outcomes/load';

export type WorkspaceState = 'loading' | 'noFolder' | 'noRepo' | 'noOutcomes' | 'ready';

/**
 * Every repository of the workspace, each with its own index. Repositories are found by looking for `.git`
 * on disk (no git process), so activation, badges and the status bar never start git.
 */
export class WorkspaceIndex implements vscode.Disposable {
  private readonly repos = new Map<string, RepoIndex>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly firstScan: NodeJS.Timeout;

  /** Reads and links every repository's history off the host's thread; its thread starts with the first read. */
  private readonly worker: HistoryWorker;

  /**
   * `historyCache`: where commits read from git are kept between sessions (the extension's global storage).
   * `workerFile`: the history worker's bundle (dist/worker.js).
   */
  constructor(private readonly log: Log, private readonly settings: Settings, private readonly historyCache: string | undefined, workerFile: string) {
    this.worker = new HistoryWorker(workerFile, gitProcesses, e => this.log.error('the history worker failed', e));
    // Parsing outcomes.yaml loads the yaml library: do it right after activation, not during it.
    this.firstScan = setTimeout(() => this.scan(), 0);
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scan()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => { for (const r of this.repos.values()) void r.refreshGit(); }),
    );
  }

  get all(): RepoIndex[] {
    return [...this.repos.values()];
  }

  /** Repositories with an outcomes.yaml. */
  get withOutcomes(): RepoIndex[] {
    return this.all.filter(r => r.exists);
  }

  get state(): WorkspaceState {
    if (!vscode.workspace.workspaceFolders?.length) return 'noFolder';
    if (!this.isScanned) return 'loading'; // no welcome text flashes before the first scan
    if (!this.repos.size) return 'noRepo';
    return this.withOutcomes.length ? 'ready' : 'noOutcomes';
  }

  forUri(uri: vscode.Uri): RepoIndex | undefined {
    let best: RepoIndex | undefined;
    for (const r of this.repos.values()) {
      if (r.relative(uri) !== undefined && (!best || r.root.length > best.root.length)) best = r;
    }
    return best;
  }

  private isScanned = false;
  private markScanned!: () => void;
  private readonly scanned = new Promise<void>(r => { this.markScanned = r; });

  private scan(): void {
    this.watchFolders();
    const roots = new Set<string>();
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      const root = findRepoRoot(f.uri.fsPath);
      if (root) roots.add(root);
    }
    for (const [root, r] of this.repos) if (!roots.has(root)) { r.dispose(); this.repos.delete(root); }
    for (const root of roots) {
      if (this.repos.has(root)) continue;
      const r = new RepoIndex(root, () => vscode.workspace.isTrusted, this.log, () => this.settings.windowDays(vscode.Uri.file(root)), this.worker, this.historyCache);
      r.readOutcomes();
      r.onDidChange(() => this.emitter.fire());
      this.repos.set(root, r);
      this.log.info(`repository ${root}: ${r.exists ? 'outcomes.yaml found' : 'no outcomes.yaml'}`);
    }
    // A trusted workspace with outcomes.yaml will read history as soon as a view shows: the worker's thread loads
    // its code now, off this thread, and gets each first read ready from what the last session saved. It runs no
    // git until a view asks.
    if (vscode.workspace.isTrusted && this.withOutcomes.length) {
      this.worker.start();
      for (const r of this.withOutcomes) r.prepareHistory();
    }
    this.isScanned = true;
    this.markScanned();
    this.emitter.fire();
  }

  private readonly watchers = new Map<string, vscode.Disposable[]>(); // by workspace folder
  private gitTimer: NodeJS.Timeout | undefined;

  /**
   * Refresh by itself: outcomes.yaml on disk (no git), HEAD / refs / index (git, throttled, latest wins). The watchers
   * are made by each scan, before it reads anything (so no change is missed), not in activate(): VS Code's first
   * watcher of a folder merges that folder's settings, 3.5 of activate()'s 14 ms in a profile of the extension host.
   */
  private watchFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const keys = new Set(folders.map(f => f.uri.toString()));
    for (const [k, ws] of this.watchers) if (!keys.has(k)) { for (const w of ws) w.dispose(); this.watchers.delete(k); }
    for (const f of folders) {
      if (this.watchers.has(f.uri.toString())) continue;
      const ws: vscode.Disposable[] = [];
      const watch = (glob: string, fn: (uri: vscode.Uri) => void) => {
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, glob));
        ws.push(w, w.onDidChange(fn), w.onDidCreate(fn), w.onDidDelete(fn));
      };
      watch(`**/${OUTCOMES_FILE}`, uri => {
        const repo = this.forUri(uri);
        const open = vscode.workspace.textDocuments.find(d => d.uri.fsPath === uri.fsPath && d.isDirty);
        if (repo && !open) repo.readOutcomes();
      });
      watch('**/.git/{HEAD,index,refs/**,packed-refs}', uri => {
        clearTimeout(this.gitTimer);
        this.gitTimer = setTimeout(() => {
          const repo = this.forUri(vscode.Uri.file(uri.fsPath.replace(/[\\/]\.git[\\/].*$/, '')));
          for (const r of repo ? [repo] : this.all) {
            if (!r.files) continue; // nothing read yet: nothing to refresh, and no git before a view asks
            if (!uri.path.endsWith('/index')) r.invalidateHistory();
            void r.refreshGit();
          }
        }, 500);
      });
      this.watchers.set(f.uri.toString(), ws);
    }
  }

  /** Resolves once the workspace has been scanned (tests and commands that run right after activation). */
  ready(): Promise<void> {
    return this.scanned;
  }

  dispose(): void {
    clearTimeout(this.firstScan);
    clearTimeout(this.gitTimer);
    for (const ws of this.watchers.values()) for (const w of ws) w.dispose();
    for (const r of this.repos.values()) r.dispose();
    for (const d of this.disposables) d.dispose();
    this.worker.dispose();
    this.emitter.dispose();
  }
}

/** The nearest folder at or above `dir` that holds a `.git` folder or file (worktrees, submodules). */
export function findRepoRoot(dir: string): string | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(cur, '.git'))) return cur;
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}
