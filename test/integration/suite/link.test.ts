import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { EXT_ID, git, root, row, rows, settled, until } from './helpers';
import type { UnlinkedNode } from '../../../src/views/unlinkedTree';
import type { OutcomeNode } from '../../../src/views/outcomesTree';

// The tech lead's loop in the real extension host, on its own fixture (the runner's link pass, with a bare
// repository as `origin`): link past commits from their rows, fix invalid links, apply a suggestion, open changes,
// the status-bar click, a walkthrough step, and sharing the notes.

/** Runs a command that opens a quick pick and accepts the pick's first item, as a user pressing Enter would. */
async function acceptingFirst<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  let done: { value: T | undefined } | undefined;
  const p = vscode.commands.executeCommand<T>(command, ...args).then(value => { done = { value }; });
  await until(`${command} to finish once its pick is accepted`, async () => {
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return done;
  }, 60_000, 200);
  await p;
  return done!.value;
}

const note = (sha: string) => (git('notes', '--ref=outcomes', 'list').includes(sha) ? git('notes', '--ref=outcomes', 'show', sha) : undefined);

describe('Linking past work in the real extension host', () => {
  it('"Link to Outcome…" on an unlinked commit\'s row writes the note; the commit moves to its outcome, via note; a walkthrough step completes', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    // (the steps follow the views' change events, which come right after the summary)
    await until('"Create outcomes.yaml" and "Tag a commit" done', () => a.walkthrough.done.has('outcomeLens.walkthrough.hasOutcomes') && a.walkthrough.done.has('outcomeLens.walkthrough.taggedCommit'));
    assert.ok(!a.walkthrough.done.has('outcomeLens.walkthrough.linkedPastCommit'), 'no past commit linked yet');
    const group = await row(t, 'Mallory **Bold**', (await row(t, 'Unlinked commits')).node);
    const commit = await row(t, 'Add utilities', group.node);
    const item = await t.getTreeItem(commit.node);
    assert.equal(item.contextValue, 'commit.unlinked');
    const sha = (commit.node as Extract<UnlinkedNode, { kind: 'commit' }>).row.sha;
    // The row's inline action, then Enter on the pick's first outcome.
    const results = await acceptingFirst<{ sha: string; changed: boolean }[]>('outcomeLens.linkCommits', commit.node);
    assert.deepEqual(results?.map(r => [r.sha, r.changed]), [[sha, true]]);
    assert.equal(note(sha), 'Outcome: checkout-conversion\n', 'the note git holds');
    // At once: the views' answers already moved when the command returned.
    assert.equal(repo.summary?.history?.unlinked, 2);
    const o = a.outcomesTree;
    const checkout = (await rows(o)).find(r => r.label.startsWith('Raise checkout'))!;
    const recent = (await rows(o, checkout.node)).find(r => r.label === 'Recent commits')!;
    assert.equal(recent.description, '3 in 90 days');
    const linked = (await rows(o, recent.node)).find(r => r.label.startsWith('Add utilities'))!;
    assert.match(linked.description, /^via note · /);
    const linkedItem = await o.getTreeItem(linked.node);
    assert.equal(linkedItem.contextValue, 'commit.linked.note');
    const tip = (await o.resolveTreeItem(linkedItem, linked.node)).tooltip as vscode.MarkdownString;
    // (the text as a reader sees it: appendText's escapes taken off)
    assert.match(tip.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'), /\(checkout-conversion\) via note: note Outcome: checkout-conversion/);
    assert.ok(tip.value.includes('](command:outcomeLens.openChanges?'), 'the hover has its actions');
    assert.ok(!tip.value.includes('<script>'), 'the subject stays escaped');
    await until('the walkthrough step "Link a past commit" is done', () => a.walkthrough.done.has('outcomeLens.walkthrough.linkedPastCommit'));
    const steps = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension('outcome-lens.outcome-lens')!.extensionPath, 'package.json'), 'utf8')).contributes.walkthroughs[0].steps;
    assert.deepEqual(steps.find((s: { id: string }) => s.id === 'linkPastCommit').completionEvents, ['onContext:outcomeLens.walkthrough.linkedPastCommit']);

    // Removing is as easy: from the commit's row in the Outcomes view.
    await vscode.commands.executeCommand('outcomeLens.removeFromOutcome', linked.node as OutcomeNode);
    assert.equal(note(sha), undefined);
    assert.equal(repo.summary?.history?.unlinked, 3);
  });

  it('a whole group (an author): every commit in it, each with its note', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    const group = await row(t, 'Ada Lovelace', (await row(t, 'Unlinked commits')).node);
    assert.equal(group.description, '2');
    assert.equal((await t.getTreeItem(group.node)).contextValue, 'commitGroup.author');
    const results = await vscode.commands.executeCommand<{ sha: string }[]>('outcomeLens.linkCommits', group.node, ['search-latency']);
    assert.equal(results?.length, 2);
    for (const r of results!) assert.equal(note(r.sha), 'Outcome: search-latency\n');
    assert.equal(repo.summary?.history?.unlinked, 1);
    assert.equal(repo.summary?.history?.byOutcome['search-latency'], 4);
    for (const r of results!) await vscode.commands.executeCommand('outcomeLens.linkCommits', { root: repo.root, shas: [r.sha] }, ['checkout-conversion']);
    assert.equal(note(results![0].sha), 'Outcome: search-latency, checkout-conversion\n', 'extended, never duplicated');
    git('notes', '--ref=outcomes', 'remove', ...results!.map(r => r.sha));
    await until('unlinked again (a note removed in a terminal)', () => repo.summary?.history?.unlinked === 3);
  });

  it('Ignore on an unlinked commit marks it in its note: it leaves the list, as `commits --json` says; on an author\'s group, the author joins ignoreAuthors', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    const cliJson = () => JSON.parse(execFileSync(process.execPath, [path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js'), 'commits', '--json', '--no-cache', '--repo', root()],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { sha: string; author: string; status: string; ignoredBy: string | null }[];
    const section = async () => row(t, 'Unlinked commits');
    const mallory = await row(t, 'Mallory **Bold**', (await section()).node);
    const commit = await row(t, 'Add utilities', mallory.node);
    assert.equal((await t.getTreeItem(commit.node)).contextValue, 'commit.unlinked', 'where the menu offers Ignore');
    const sha = (commit.node as Extract<UnlinkedNode, { kind: 'commit' }>).row.sha;
    const original = fs.readFileSync(repo.outcomesUri.fsPath, 'utf8');
    try {
      await vscode.commands.executeCommand('outcomeLens.ignore', commit.node);
      assert.equal(note(sha), 'No-Outcome: yes\n', 'the note git holds');
      assert.equal(repo.summary?.history?.unlinked, 2);
      await until('the row gone with its group', async () => !(await rows(t, (await section()).node)).some(r => r.label.startsWith('Mallory')));
      assert.match((await section()).description, /^2 in 90 days/);
      let json = cliJson();
      assert.equal(json.filter(x => x.status === 'unlinked').length, repo.summary?.history?.unlinked, 'the view and the CLI count the same');
      assert.deepEqual([json.find(x => x.sha === sha)?.status, json.find(x => x.sha === sha)?.ignoredBy], ['ignored', 'note: needs no outcome']);
      const tip = (await t.resolveTreeItem(new vscode.TreeItem('x'), { kind: 'commit', repo, row: (await repo.history().commit(sha))! })).tooltip as vscode.MarkdownString;
      assert.match(tip.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'), /Needs no outcome: note: needs no outcome/);

      // An author's group: the author goes to ignoreAuthors, through the same undoable edit as a folder's Ignore.
      const ada = await row(t, 'Ada Lovelace', (await section()).node);
      assert.equal((await t.getTreeItem(ada.node)).contextValue, 'commitGroup.author');
      assert.equal(await vscode.commands.executeCommand('outcomeLens.ignore', ada.node), true);
      const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
      assert.ok(doc.getText().includes('    areas:\n      - services/search/\nignoreAuthors:\n  - "Ada Lovelace"\n') || doc.getText().includes('ignoreAuthors:\n  - "Ada Lovelace"\noutcomes:'), doc.getText());
      assert.ok(doc.getText().startsWith('# Fixture outcomes (a comment that must survive edits)'));
      await until('Ada\'s commits ignored', () => repo.summary?.history?.unlinked === 0);
      await doc.save();
      json = cliJson();
      assert.equal(json.filter(x => x.status === 'unlinked').length, 0);
      assert.ok(json.filter(x => x.author === 'Ada Lovelace' && x.status === 'ignored').every(x => x.ignoredBy === 'ignoreAuthors: Ada Lovelace' || x.ignoredBy === 'ignore: every file it changed needs no outcome'));
      assert.ok(json.some(x => x.ignoredBy === 'ignoreAuthors: Ada Lovelace'));

      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.ok(!doc.getText().includes('ignoreAuthors'));
      await doc.save();
    } finally {
      // Back to the fixture as it was, whatever failed: the next tests count Mallory's and Ada's commits.
      const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
      if (doc.getText() !== original) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
        await vscode.workspace.applyEdit(edit);
      }
      if (doc.isDirty) await doc.save();
      if (note(sha) !== undefined) git('notes', '--ref=outcomes', 'remove', sha);
    }
    await until('unlinked again', () => repo.summary?.history?.unlinked === 3);
  });

  it('fixes an invalid link: Replace with… and Remove', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    const vendorSha = git('log', '--format=%H', '--grep=Vendor a library').trim();
    const querySha = git('log', '--format=%H', '--grep=Faster query parsing').trim();
    git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: chekout-conversion', vendorSha);
    git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: serch', querySha);
    await until('three invalid links', () => repo.summary?.history?.invalid === 3);
    const invalid = await rows(t, (await row(t, 'Invalid links')).node);
    const vendor = invalid.find(r => r.label === 'Vendor a library')!;
    assert.equal(vendor.description, 'invalid: chekout-conversion (in its note)');
    assert.equal((await t.getTreeItem(vendor.node)).contextValue, 'commit.invalid.note');
    const guide = invalid.find(r => r.label === 'Write the guide')!;
    assert.equal((await t.getTreeItem(guide.node)).contextValue, 'commit.invalid', 'a message trailer: Replace only, no Remove');
    await vscode.commands.executeCommand('outcomeLens.replaceInvalidLink', vendor.node, ['checkout-conversion']);
    assert.equal(note(vendorSha), 'Outcome: checkout-conversion\n', 'the right id in, the wrong one out');
    assert.equal(repo.summary?.history?.invalid, 2);
    const byCheckout = await repo.history().commits({ kind: 'outcome', id: 'checkout-conversion' }, 0, 10);
    assert.deepEqual(byCheckout.rows.find(r => r.sha === vendorSha)?.links.map(l => l.via), ['note']);
    const query = (await rows(t, (await row(t, 'Invalid links')).node)).find(r => r.label === 'Faster query parsing')!;
    await vscode.commands.executeCommand('outcomeLens.removeInvalidLink', query.node);
    assert.equal(note(querySha), undefined);
    assert.equal(repo.summary?.history?.invalid, 1);
    git('notes', '--ref=outcomes', 'remove', vendorSha);
    await until('the vendored commit ignored again', () => repo.summary?.history?.byOutcome['checkout-conversion'] === 2);
  });

  it('Replace with… on a typo in a commit message settles it: the commit leaves Invalid links, linked via its note, as `commits --json` says', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    const guideSha = git('log', '--format=%H', '--grep=Write the guide').trim();
    await until('the guide under Invalid links', () => repo.summary?.history?.invalid === 1);
    const guide = (await rows(t, (await row(t, 'Invalid links')).node)).find(r => r.label === 'Write the guide')!;
    await vscode.commands.executeCommand('outcomeLens.replaceInvalidLink', guide.node, ['search-latency']);
    assert.equal(note(guideSha), 'Outcome: search-latency\n');
    await until('no invalid link left', () => repo.summary?.history?.invalid === 0);
    assert.ok(!(await rows(t)).some(r => r.label === 'Invalid links'), 'the section is gone with its last commit');
    const row_ = (await repo.history().commits({ kind: 'outcome', id: 'search-latency' }, 0, 50)).rows.find(r => r.sha === guideSha)!;
    assert.deepEqual([row_.status, row_.links.map(l => l.via), row_.invalid], ['linked', ['note'], []]);
    const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
    const json = JSON.parse(execFileSync(process.execPath, [cli, 'commits', '--json', '--no-cache', '--repo', root()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { sha: string; status: string; invalid: string[]; links: { via: string }[] }[];
    const c = json.find(x => x.sha === guideSha)!;
    assert.deepEqual([c.status, c.links.map(l => l.via), c.invalid], [row_.status, row_.links.map(l => l.via), row_.invalid], 'the view and the CLI agree');
    assert.equal(json.filter(x => x.invalid.length).length, repo.summary?.history?.invalid);
    git('notes', '--ref=outcomes', 'remove', guideSha);
    await until('the guide an invalid link again', () => repo.summary?.history?.invalid === 1);
  });

  it('a folder shows its best suggestion, and one click applies it (the same undoable, comment-keeping edit)', async () => {
    const { a, repo } = await settled();
    const t = a.unlinkedTree;
    for (const n of [1, 2]) {
      fs.writeFileSync(path.join(root(), 'libs', 'util', 'strings.ts'), `export const x = ${n + 1};\n`);
      fs.writeFileSync(path.join(root(), 'services', 'search', `s${n}.ts`), 'export {};\n');
      git('add', '-A');
      git('commit', '-q', '--no-verify', '-m', `Search with strings ${n}`);
    }
    const libs = await until('the suggestion on libs', async () => {
      const r = (await rows(t, (await row(t, 'Unlinked files')).node)).find(x => x.label === 'libs');
      return r?.description.includes('→') ? r : undefined;
    });
    assert.equal(libs.description, '2 · → search-latency · 2 of 3 commits');
    assert.equal((await t.getTreeItem(libs.node)).contextValue, 'unlinkedFolder.suggested');
    // an unlinked commit in that folder carries the suggestion too
    const mallory = await row(t, 'Add utilities', (await row(t, 'Mallory **Bold**', (await row(t, 'Unlinked commits')).node)).node);
    assert.match(mallory.description, / · → search-latency\?$/);
    assert.equal(await vscode.commands.executeCommand('outcomeLens.applySuggestion', libs.node), true);
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    assert.ok(doc.getText().includes('      - services/search/\n      - "/libs/"\n'), doc.getText());
    assert.ok(doc.getText().startsWith('# Fixture outcomes (a comment that must survive edits)'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.ok(!doc.getText().includes('/libs/'));
    await doc.save();
  });

  it('Open Changes opens VS Code\'s diff editor on the Git extension\'s URIs (a change, and a root commit\'s file)', async () => {
    const { repo } = await settled();
    const gitApi = (await vscode.extensions.getExtension<any>('vscode.git')!.activate()).getAPI(1);
    await until('the Git extension has the repository', () => gitApi.repositories.length > 0);
    const pay = git('log', '--format=%H', '--grep=Add payment step').trim();
    assert.equal(await vscode.commands.executeCommand('outcomeLens.openChanges', repo.root, pay), 'services/checkout/pay.ts', 'one file: no pick');
    const input = await until('a diff editor', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff ? i : undefined;
    });
    assert.equal(input.original.scheme, 'git');
    assert.equal(input.modified.scheme, 'git');
    const after = await until('the right side\'s text', async () => (await vscode.workspace.openTextDocument(input.modified)).getText() || undefined);
    assert.match(after, /return amount/);
    // The root commit: its files against git's empty tree; a file is picked when there are several.
    const first = git('rev-list', '--max-parents=0', 'HEAD').trim();
    assert.equal(await vscode.commands.executeCommand('outcomeLens.openChanges', repo.root, first, 'README.md'), 'README.md');
    const rootDiff = await until('the root commit\'s diff', () => {
      const i = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return i instanceof vscode.TabInputTextDiff && i.modified.query.includes(first) ? i : undefined;
    });
    assert.equal((await vscode.workspace.openTextDocument(rootDiff.modified)).getText(), '# Shop\n');
    assert.equal((await vscode.workspace.openTextDocument(rootDiff.original)).getText(), '');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the status bar on an unlinked file: a click opens the "Link to Outcome…" pick', async () => {
    const { a, repo } = await settled();
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'tools', 'build.sh')));
    await until('the status bar says unlinked', () => a.statusBar.item.text === '$(question) Unlinked');
    assert.match(String(a.statusBar.item.tooltip), /Click to link it/);
    const command = typeof a.statusBar.item.command === 'string' ? a.statusBar.item.command : a.statusBar.item.command!.command;
    assert.equal(await acceptingFirst(command), true);
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    assert.ok(doc.getText().includes('      - services/checkout/\n      - "/tools/build.sh"\n'), doc.getText());
    await until('the status bar follows', () => a.statusBar.item.text === '$(target) checkout-conversion');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await doc.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Share Outcome Notes…: the fetch refspec added to the remote, the notes pushed', async () => {
    const { repo } = await settled();
    const sha = git('log', '--format=%H', '--grep=Add utilities').trim();
    await vscode.commands.executeCommand('outcomeLens.linkCommits', { root: repo.root, shas: [sha] }, ['search-latency']);
    const remotes = await repo.history().remotes();
    assert.deepEqual(remotes.map(r => [r.name, r.fetchesNotes]), [['origin', false]]);
    assert.deepEqual(await vscode.commands.executeCommand('outcomeLens.shareNotes', { root: repo.root, remote: 'origin', confirmed: true }), ['fetch', 'push']);
    assert.deepEqual(git('config', '--get-all', 'remote.origin.fetch').trim().split('\n'), ['+refs/heads/*:refs/remotes/origin/*', '+refs/notes/outcomes:refs/notes/outcomes']);
    const bare = git('remote', 'get-url', 'origin').trim();
    assert.equal(git('--git-dir', bare, 'rev-parse', 'refs/notes/outcomes').trim(), git('rev-parse', 'refs/notes/outcomes').trim());
    assert.deepEqual((await repo.history().remotes()).map(r => r.fetchesNotes), [true]);
    // Asked again, only the push is left to do.
    assert.deepEqual(await vscode.commands.executeCommand('outcomeLens.shareNotes', { root: repo.root, remote: 'origin', confirmed: true }), ['push']);
  });
});
