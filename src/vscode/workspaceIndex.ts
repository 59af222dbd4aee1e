import vscode = require('vscode');
import fs = require('node:fs');
import path = require('node:path');
import { RepoIndex } from './repoIndex';
import { Log } from './log';
import { Settings } from './settings';
import { HistoryWorker } from './historyClient';
import { OUTCOMES_FILE } from '../core/outcomes/load';

export type WorkspaceState = 'loading' | 'noFolder' | 'noRepo' | 'noOutcomes' | 'ready';

/** How long git's files are let settle after a change before the history is read (a commit writes several). */
const SETTLE_MS = 100;

/**
 * Every repository of the workspace, each with its own index. Repositories are found by looking for `.git` on disk,
 * so activation, badges and the status bar never start git. History is read only while something that shows it is
 * visible (a view, the dashboard, an outcomes.yaml editor): `showsHistory` registers each such thing.
 */
export class WorkspaceIndex implements vscode.Disposable {
  private readonly repos = new Map<string, RepoIndex>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly firstScan: NodeJS.Timeout;
  private readonly worker: HistoryWorker;
  private readonly consumers = new Set<() => boolean>();

  /** `historyCache`: where commits read from git are kept between sessions; `workerFile`: dist/worker.js. */
  constructor(private readonly log: Log, private readonly settings: Settings, private readonly historyCache: string | undefined, workerFile: string) {
    this.worker = new HistoryWorker(workerFile, vscode.workspace.isTrusted, settings.gitTimeoutMs(), line => log.info(line), e => log.error('the history worker failed', e));
    // The first scan (each outcomes.yaml read and parsed) runs once activate() has returned, so that VS Code goes on
    // activating the extensions that wait for this one first.
    this.firstScan = setTimeout(() => this.scan(), 0);
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scan()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.worker.setTrust(true, settings.gitTimeoutMs());
        for (const r of this.repos.values()) r.gitChanged();
      }),
      settings.onDidChange(['gitTimeout'], () => this.worker.setTrust(vscode.workspace.isTrusted, settings.gitTimeoutMs())),
      settings.onDidChange(['windowDays'], change => {
        for (const r of this.repos.values()) if (change.affects(vscode.Uri.file(r.root))) r.windowChanged();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.shown()),
    );
  }

  /** Registers something that shows history while `visible()` says so; it calls `shown()` when it becomes visible. */
  showsHistory(visible: () => boolean): vscode.Disposable {
    this.consumers.add(visible);
    return { dispose: () => this.consumers.delete(visible) };
  }

  /** Something that shows history became visible: repositories that are behind read now. */
  shown(): void {
    for (const r of this.repos.values()) void r.refreshIfWanted();
  }

  private wanted(): boolean {
    for (const v of this.consumers) if (v()) return true;
    return false;
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

  /** The repository whose root is `dir` (a Source Control's root), or the one that holds it. */
  forFolder(dir: vscode.Uri): RepoIndex | undefined {
    return this.all.find(r => r.root === dir.fsPath) ?? this.forUri(dir);
  }

  /** The repository a command is about: the active editor's, else the only one, else undefined (the caller asks). */
  active(): RepoIndex | undefined {
    const editor = vscode.window.activeTextEditor;
    const r = editor && this.forUri(editor.document.uri);
    if (r?.exists) return r;
    return this.withOutcomes.length === 1 ? this.withOutcomes[0] : undefined;
  }

  private isScanned = false;
  private markScanned!: () => void;
  private readonly scanned = new Promise<void>(r => { this.markScanned = r; });

  private scan(): void {
    const roots = new Set<string>();
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      const root = findRepoRoot(f.uri.fsPath);
      if (root) roots.add(root);
      else if (isGitDir(f.uri.fsPath)) this.log.info(`folder ${f.uri.fsPath} is a bare repository: it has no work tree, so there are no files to link`);
    }
    for (const [root, r] of this.repos) if (!roots.has(root)) { r.dispose(); this.repos.delete(root); this.unwatch(root); }
    for (const root of roots) {
      if (this.repos.has(root)) continue;
      const r = new RepoIndex(root, this.worker, this.log, () => this.settings.windowDays(vscode.Uri.file(root)), this.historyCache, () => this.wanted());
      r.readOutcomes();
      r.onDidChange(() => this.emitter.fire());
      this.repos.set(root, r);
      this.watch(r);
      this.log.info(`repository ${root}: ${r.exists ? 'outcomes.yaml found' : 'no outcomes.yaml'}`);
    }
    this.isScanned = true;
    this.markScanned();
    this.emitter.fire();
    this.shown();
  }

  private readonly watchers = new Map<string, vscode.Disposable[]>(); // by repository root
  private readonly timers = new Map<string, NodeJS.Timeout>(); // by repository root: a change in one never drops another's

  /**
   * Refresh by itself: outcomes.yaml on disk (no git), and HEAD, refs, notes and the index in the repository's git
   * folders, wherever they are (a worktree's or a submodule's are outside the work tree).
   */
  private watch(r: RepoIndex): void {
    const ws: vscode.Disposable[] = [];
    const watch = (base: string, glob: string, fn: () => void) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), glob));
      ws.push(w, w.onDidChange(fn), w.onDidCreate(fn), w.onDidDelete(fn));
    };
    watch(r.root, OUTCOMES_FILE, () => {
      if (!vscode.workspace.textDocuments.some(d => d.uri.fsPath === r.outcomesUri.fsPath && d.isDirty)) r.readOutcomes();
    });
    const changed = () => {
      clearTimeout(this.timers.get(r.root));
      this.timers.set(r.root, setTimeout(() => { this.timers.delete(r.root); r.gitChanged(); }, SETTLE_MS));
    };
    for (const dir of gitDirs(r.root)) watch(dir, '{HEAD,index,packed-refs,refs/**}', changed);
    // .git itself going away or coming back (a re-clone, a restore): the watchers above follow the new folder.
    watch(r.root, '.git', () => {
      if (this.watchers.get(r.root) !== ws) return;
      this.unwatch(r.root);
      this.watch(r);
      r.gitChanged(true);
    });
    this.watchers.set(r.root, ws);
  }

  private unwatch(root: string): void {
    for (const w of this.watchers.get(root) ?? []) w.dispose();
    this.watchers.delete(root);
    clearTimeout(this.timers.get(root));
    this.timers.delete(root);
  }

  /** Resolves once the workspace has been scanned (commands that run right after activation). */
  ready(): Promise<void> {
    return this.scanned;
  }

  dispose(): void {
    clearTimeout(this.firstScan);
    for (const root of this.watchers.keys()) this.unwatch(root);
    for (const r of this.repos.values()) r.dispose();
    for (const d of this.disposables) d.dispose();
    this.worker.dispose();
    this.emitter.dispose();
  }
}

/**
 * The nearest folder at or above `dir` that holds a `.git` folder or file (worktrees, submodules). A bare repository
 * on the way up is where git stops too: it has no work tree, so nothing above it is this folder's repository.
 */
export function findRepoRoot(dir: string): string | undefined {
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    if (fs.existsSync(path.join(cur, '.git'))) return cur;
    if (isGitDir(cur) || path.dirname(cur) === cur) return undefined;
  }
}

/** Whether `dir` is itself a git directory (a bare repository), by the files git looks for. */
function isGitDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects')) && fs.existsSync(path.join(dir, 'refs'));
}

/** The repository's git folder and, for a worktree, the main repository's (which holds the refs). */
function gitDirs(root: string): string[] {
  const dotGit = path.join(root, '.git');
  try {
    if (fs.statSync(dotGit).isDirectory()) return [dotGit];
    const m = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    if (!m) return [];
    const gitDir = path.resolve(root, m[1].trim());
    let common: string | undefined;
    try { common = path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()); } catch { /* not a worktree */ }
    return common && common !== gitDir ? [gitDir, common] : [gitDir];
  } catch {
    return [];
  }
}
