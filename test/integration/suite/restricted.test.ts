import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, root, until } from './helpers';

// Run with workspace trust enabled and the folder not trusted (the runner's restricted pass).
describe('Outcome Lens in Restricted Mode', () => {
  it('the workspace is untrusted and the extension activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const a = await api();
    await a.index.ready();
    assert.equal(a.index.state, 'ready');
  });

  it('views, commands and editors start no git process; YAML features still work', async () => {
    const a = await api();
    const before = a.gitProcesses.started;
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
    a.outcomesTree.getChildren();
    a.unlinkedTree.getChildren();
    await vscode.commands.executeCommand('outcomeLens.refresh');
    const pay = await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'services/checkout/pay.ts')));
    pay.selection = new vscode.Selection(1, 0, 1, 0);
    await a.currentLine.schedule();
    await until('status bar', () => a.statusBar.item.text === '$(target) checkout-conversion');
    const uri = vscode.Uri.file(path.join(root(), 'outcomes.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    a.yamlFeatures.provideCodeLenses(doc);
    await editor.edit(e => e.insert(new vscode.Position(1, 0), 'version: 2\n'));
    await until('diagnostic', () => vscode.languages.getDiagnostics(uri).some(d => d.severity === vscode.DiagnosticSeverity.Error));
    await vscode.commands.executeCommand('undo');
    await new Promise(r => setTimeout(r, 1000));
    assert.equal(a.gitProcesses.started, before);
    assert.equal(a.gitProcesses.started, 0, 'no git process at all in Restricted Mode');
    assert.equal(a.index.all[0].files, undefined);
  });
});
