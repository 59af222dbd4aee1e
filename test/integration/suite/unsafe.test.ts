import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, rows, until } from './helpers';

// Run on a fixture owned by another user (the runner's unsafe pass): git refuses it ("detected dubious ownership").
describe('Outcome Lens on a repository git refuses (unsafe ownership)', () => {
  it('the views show git\'s complaint and VS Code\'s fix, never 0 commits', async () => {
    const a = await api();
    await a.index.ready();
    const repo = await until('the repository', () => a.index.withOutcomes[0]);
    await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
    await until('the error', () => repo.summary?.error?.kind === 'unsafe');
    const unlinked = await rows(a.unlinkedTree);
    assert.match(unlinked[0].label, /^git failed: git refuses the repository at .*: detected dubious ownership/);
    assert.ok(unlinked[0].label.includes('safe.directory'), unlinked[0].label);
    const fix = unlinked.find(r => r.label === 'Manage Unsafe Repositories…')!;
    assert.equal((await a.unlinkedTree.getTreeItem(fix.node)).command?.command, 'git.manageUnsafeRepositories');
    assert.ok(!unlinked.some(r => r.label.startsWith('Unlinked commits') || /^0\b/.test(r.description)), `no count: ${JSON.stringify(unlinked)}`);
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    const outcomes = await rows(a.outcomesTree);
    assert.match(outcomes[0].label, /^git failed: .*dubious ownership/);
    const checkout = outcomes.find(r => r.label === 'Raise checkout conversion to 4%')!;
    const commits = (await rows(a.outcomesTree, checkout.node)).find(r => r.label === 'Recent commits')!;
    assert.equal(commits.description, 'not read', 'not "0"');
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    await vscode.window.showTextDocument(doc);
    assert.match(a.yamlFeatures.provideCodeLenses(doc)[0].command!.title, /git failed/);
  });
});
