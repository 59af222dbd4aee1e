import vscode = require('vscode');
import path = require('node:path');
import type { CommitRow } from '../core/history/protocol';
import type { TagResult } from '../core/git/outcomeNotes';
import { printable } from '../core/util/printable';
import { WorkspaceIndex } from '../vscode/workspaceIndex';
import { RepoIndex } from '../vscode/repoIndex';
import { HistoryCallError } from '../vscode/historyClient';
import type { OutcomeNode } from './outcomesTree';
import type { UnlinkedNode } from './unlinkedTree';

/** The parts of the built-in Git extension's API used here (its typings are not published as a package). */
export interface GitExtensionRepository {
  rootUri: vscode.Uri;
  inputBox: { value: string };
  state: { indexChanges: { uri: vscode.Uri }[]; workingTreeChanges: { uri: vscode.Uri }[] };
}
export interface GitExtensionApi {
  repositories: GitExtensionRepository[];
  /** A `git:` URI of a file as it is at `ref`, which VS Code's diff editor opens through the Git extension. */
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

/** The built-in Git extension's API, or undefined when it is disabled or missing. */
export async function gitExtension(): Promise<GitExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitExtensionApi }>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports?.getAPI(1);
}

/** git's empty tree: the "before" of a root commit's files. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
/** Commits tagged per call to the history service: between parts the user can cancel, and sees how far it got. */
const PART = 25;

type Reg = (id: string, fn: (...args: any[]) => unknown) => void;
export type PickOutcome = (repo: RepoIndex, placeHolder: string, preferred?: string[], exclude?: string[]) => Promise<string | undefined>;

/** What a commit command is about: one row, every commit of a group, or ids named by a hover link. */
interface Target {
  repo: RepoIndex;
  shas: string[];
  /** The row, when there is one. */
  row?: CommitRow;
  /** The outcome of the Outcomes view row. */
  outcome?: string;
}

/** A failure whose message is ours alone (see commands.ts UserMessage): defined there, passed in to avoid a cycle. */
type UserMessageClass = new (message: string) => Error;

/**
 * The commands of commit rows, groups and invalid links (Link to Outcome…, Remove, Replace with…, Open Changes, Copy
 * Commit ID), Share Outcome Notes…, and the one-time hint that notes need sharing. Notes are written by the history
 * service (in the history worker, through the git runner and its trust gate); it reads them again before it answers,
 * so the views show each commit where it now belongs.
 */
export function registerCommitActions(reg: Reg, o: {
  context: vscode.ExtensionContext; index: WorkspaceIndex; pickOutcome: PickOutcome; UserMessage: UserMessageClass; onTagged: (repo: RepoIndex) => void;
}): void {
  const { index, UserMessage } = o;
  const byRoot = (root: unknown) => index.all.find(r => r.root === root);

  const targetOf = async (arg: unknown): Promise<Target | undefined> => {
    const node = arg as (UnlinkedNode | OutcomeNode | undefined);
    if (node?.kind === 'commit') return { repo: node.repo, shas: [node.row.sha], row: node.row, outcome: 'outcome' in node ? node.outcome : undefined };
    if (node?.kind === 'commitGroup') {
      const { rows } = await node.repo.history().commits({ kind: 'group', by: node.by, key: node.group }, 0, node.count);
      return { repo: node.repo, shas: rows.map(r => r.sha) };
    }
    const plain = arg as { root?: string; shas?: unknown } | undefined;
    const repo = byRoot(plain?.root);
    const shas = Array.isArray(plain?.shas) ? plain.shas.filter((s): s is string => typeof s === 'string' && /^[0-9a-f]{40,64}$/.test(s)) : [];
    if (!repo || !shas.length) return undefined;
    const row = shas.length === 1 ? await repo.history().commit(shas[0]) : undefined;
    return { repo, shas, row };
  };

  /** Tags in parts with a cancellable progress notification when there are many; the notes are read again at the end. */
  const tag = async (repo: RepoIndex, shas: string[], ids: string[], remove: boolean): Promise<TagResult[]> => {
    const h = repo.history();
    if (shas.length <= PART) {
      const r = await h.tag(shas, ids, remove);
      await repo.refresh();
      return r;
    }
    const title = `Outcome Lens: ${remove ? 'unlinking' : 'linking'} ${shas.length} commits`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const out: TagResult[] = [];
      try {
        for (let i = 0; i < shas.length && !token.isCancellationRequested; i += PART) {
          out.push(...await h.tag(shas.slice(i, i + PART), ids, remove, false));
          progress.report({ message: `${out.length} of ${shas.length}`, increment: (100 * Math.min(PART, shas.length - i)) / shas.length });
        }
      } finally {
        await repo.refresh();
      }
      return out;
    });
  };

  const tagged = (repo: RepoIndex, results: TagResult[]) => {
    if (results.some(r => r.changed)) o.onTagged(repo);
    return results;
  };

  reg('outcomeLens.linkCommits', async (arg?: unknown, ids?: string[]) => {
    const t = await targetOf(arg);
    if (!t?.repo.map) return undefined;
    const already = t.shas.length === 1 ? t.row?.outcomes ?? [] : [];
    const id = ids?.[0] ?? await o.pickOutcome(t.repo, t.shas.length === 1 ? 'Link this commit to which outcome? (a git note, the commit stays as it is)'
      : `Link these ${t.shas.length} commits to which outcome? (a git note on each)`, t.row?.suggestion ? [t.row.suggestion.outcome] : [], already);
    if (!id) return undefined;
    return tagged(t.repo, await tag(t.repo, t.shas, [id], false));
  });

  reg('outcomeLens.removeFromOutcome', async (arg?: unknown) => {
    const t = await targetOf(arg);
    if (!t?.outcome || !t.row) return undefined;
    if (!t.row.noteIds?.includes(t.outcome)) throw new UserMessage('this commit is linked by its message, a ticket or its files, not by a note: a note cannot take that link away');
    return tag(t.repo, t.shas, [t.outcome], true);
  });

  reg('outcomeLens.replaceInvalidLink', async (arg?: unknown, ids?: string[]) => {
    const t = await targetOf(arg);
    if (!t?.row || !t.repo.map) return undefined;
    const id = ids?.[0] ?? await o.pickOutcome(t.repo, 'Replace the unknown outcome id with which outcome?', t.row.suggestion ? [t.row.suggestion.outcome] : []);
    if (!id) return undefined;
    const inNote = t.row.invalid.filter(x => t.row!.noteIds?.includes(x));
    const results = await tag(t.repo, t.shas, [id], false);
    if (inNote.length) await tag(t.repo, t.shas, inNote, true);
    // The note now names a valid outcome: it settles the message's unknown id too (Linker.commit), so the commit
    // leaves Invalid links.
    return tagged(t.repo, results);
  });

  reg('outcomeLens.removeInvalidLink', async (arg?: unknown) => {
    const t = await targetOf(arg);
    if (!t?.row) return undefined;
    const inNote = t.row.invalid.filter(x => t.row!.noteIds?.includes(x));
    if (!inNote.length) throw new UserMessage('the unknown id is in the commit message itself, which a note cannot change; use Replace with… to link the commit, or add the id to outcomes.yaml');
    return tag(t.repo, t.shas, inNote, true);
  });

  reg('outcomeLens.openChanges', async (arg?: unknown, shaArg?: string, fileArg?: string) => {
    const t = typeof arg === 'string' ? await targetOf({ root: arg, shas: [shaArg] }) : await targetOf(arg);
    if (!t) return undefined;
    const sha = t.shas[0];
    const git = await gitExtension();
    if (!git) throw new UserMessage('Open Changes needs VS Code\'s built-in Git extension, which is disabled');
    const info = await t.repo.history().commitFiles(sha);
    if (!info?.files.length) throw new UserMessage('this commit changes no file');
    let file = fileArg && info.files.includes(fileArg) ? fileArg : info.files.length === 1 ? info.files[0] : undefined;
    if (!file) {
      const picked = await vscode.window.showQuickPick(info.files.map(f => ({ label: path.posix.basename(f), description: path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f), f })),
        { placeHolder: `Open the changes of which file? (${info.files.length} changed)`, matchOnDescription: true });
      file = picked?.f;
    }
    if (!file) return undefined;
    const uri = vscode.Uri.file(path.join(t.repo.root, file));
    const before = info.parents[0] ?? EMPTY_TREE;
    const title = `${path.posix.basename(file)} (${sha.slice(0, 7)})`;
    await vscode.commands.executeCommand('vscode.diff', git.toGitUri(uri, before), git.toGitUri(uri, sha), title, { preview: true });
    return file;
  });

  reg('outcomeLens.copyCommitId', async (arg?: unknown, shaArg?: string) => {
    const t = typeof arg === 'string' ? await targetOf({ root: arg, shas: [shaArg] }) : await targetOf(arg);
    if (!t) return undefined;
    await vscode.env.clipboard.writeText(t.shas[0]);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${t.shas[0].slice(0, 10)}`, 3000);
    return t.shas[0];
  });

  /**
   * Share Outcome Notes…: the chosen remote fetches refs/notes/outcomes from now on, and gets ours. Each change is
   * shown exactly and asked for first; `confirmed` (for scripts) answers yes to both.
   */
  reg('outcomeLens.shareNotes', async (arg?: { root?: string; remote?: string; confirmed?: boolean }) => {
    await index.ready();
    const repo = byRoot(arg?.root) ?? index.active() ?? (index.withOutcomes.length ? index.withOutcomes[0] : undefined);
    if (!repo) return undefined;
    const remotes = await repo.history().remotes();
    if (!remotes.length) throw new UserMessage('this repository has no remote to share the notes with');
    const remote = arg?.remote !== undefined ? remotes.find(r => r.name === arg.remote)
      : remotes.length === 1 ? remotes[0]
        : (await vscode.window.showQuickPick(remotes.map(r => ({ label: r.name, description: r.url, detail: r.fetchesNotes ? 'fetches the outcome notes already' : undefined, r })),
          { placeHolder: 'Share the outcome notes with which remote?' }))?.r;
    if (!remote) return undefined;
    const ask = async (message: string, detail: string, yes: string) =>
      arg?.confirmed || (await vscode.window.showWarningMessage(message, { modal: true, detail }, yes)) === yes;
    // The remote's name and URL come from the repository's config: shown in the dialog's plain-text detail only.
    const where = `remote ${printable(remote.name)}${remote.url ? ` (${printable(remote.url)})` : ''}`;
    const done: string[] = [];
    if (!remote.fetchesNotes) {
      const change = `git config --add remote.${printable(remote.name)}.fetch +refs/notes/outcomes:refs/notes/outcomes`;
      if (await ask('Fetch the outcome notes from this remote from now on?', `${change}\n\nChanges the repository's config for ${where}: every fetch then brings the notes others pushed.`, 'Add Fetch Refspec')) {
        await repo.history().addNotesFetch(remote.name);
        done.push('fetch');
      }
    }
    const push = `git push ${printable(remote.name)} refs/notes/outcomes:refs/notes/outcomes`;
    if (await ask('Push the outcome notes to this remote?', `${push}\n\nSends this repository's links of old commits to ${where}.`, 'Push Notes')) {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Outcome Lens: pushing the outcome notes' }, () => repo.history().pushNotes(remote.name));
      done.push('push');
      void vscode.window.showInformationMessage('Outcome Lens: the outcome notes are pushed; others see them after their next fetch.');
    }
    return done;
  });
}

/** Whether a failure is git's refusal to run in Restricted Mode. */
export function isUntrusted(e: unknown): boolean {
  return e instanceof HistoryCallError && e.error.kind === 'untrusted';
}
