// The outcomes editor in the real extension host, on the fixture with planning (budgets 50% and 20%) whose
// outcomes.yaml the runner gave more comments (run.mjs, pass `editor`). The form's messages are sent to the
// extension as the webview sends them; what the webview draws is checked by the runner's UI check.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { EXT_ID, root, settled, until } from './helpers';

type FilesJson = { path: string; outcomes: string[] }[];
const commentLines = (text: string) => text.split('\n').filter(l => l.trimStart().startsWith('#') || / #/.test(l));

describe('the outcomes editor', () => {
  it('opens from the editor title\'s command on outcomes.yaml, in file order, with the counts of `files --json`', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const uri = repo.outcomesUri;
    await vscode.commands.executeCommand('outcomeLens.openOutcomesEditor', uri);
    const s = await until('the form', () => a.outcomesEditor.sessionsOf(uri)[0]?.model && a.outcomesEditor.sessionsOf(uri)[0]);
    assert.deepEqual(s.model!.outcomes.map(o => o.fields.id), ['checkout-conversion', 'search-latency']);
    assert.equal(s.model!.totalBudget, 70);
    const counts = await until('the counts', () => (s.counts?.state === 'counted' ? s.counts : undefined));
    const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
    const files: FilesJson = JSON.parse(execFileSync(process.execPath, [cli, 'files', '--json', '--repo', root()], { encoding: 'utf8' }));
    const of = (id: string) => files.filter(f => f.outcomes.includes(id)).length;
    assert.deepEqual(counts.outcomes.map(o => o.total), [of('checkout-conversion'), of('search-latency')]);
    // each outcome has one area here, so the area's count is the outcome's
    assert.deepEqual(counts.outcomes.map(o => o.areas[0].count), [of('checkout-conversion'), of('search-latency')]);
    assert.ok(of('checkout-conversion') > 0 && counts.outcomes[0].areas[0].files.every(f => f.startsWith('services/checkout/')));
  });

  it('changes a title, adds a key result, moves a budget and adds an area through the text document, every comment kept; undo restores the bytes', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const uri = repo.outcomesUri;
    await vscode.commands.executeCommand('outcomeLens.openOutcomesEditor', uri);
    const s = await until('the form', () => a.outcomesEditor.sessionsOf(uri)[0]?.model && a.outcomesEditor.sessionsOf(uri)[0]);
    const doc = s.document;
    const before = doc.getText();
    const send = (edit: object) => a.outcomesEditor.receive(s, { type: 'edit', edit });
    await send({ kind: 'setField', outcome: 0, field: 'title', value: 'Raise checkout conversion to 4.5%' });
    await send({ kind: 'addMetric', outcome: 1, name: 'Zero-result searches' });
    await send({ kind: 'setMetric', outcome: 1, metric: 1, field: 'target', value: '2%' });
    await send({ kind: 'setField', outcome: 0, field: 'budget', value: '40%' });
    await send({ kind: 'setField', outcome: 1, field: 'budget', value: '30%' });
    await send({ kind: 'addItem', outcome: 1, list: 'areas', value: 'libs/' });
    const after = doc.getText();
    const want = before
      .replace('title: Raise checkout conversion to 4%', 'title: Raise checkout conversion to 4.5%')
      .replace('budget: 50%', 'budget: 40%')
      .replace('budget: 20%', 'budget: 30%')
      .replace('        current: 260ms\n', '        current: 260ms\n      - name: Zero-result searches\n        target: 2%\n')
      .replace('      - services/search/\n', '      - services/search/\n      - libs/\n');
    assert.equal(after, want, 'only the edited values changed');
    assert.deepEqual(commentLines(after), commentLines(before), 'every comment kept, in place');
    assert.ok(doc.isDirty, 'the edits are unsaved, as typed ones would be');
    // The extension reads the unsaved text as typed text (the views follow it once it settles).
    const map = await until('the map read from the edited text', () => (repo.map?.outcomes[1]?.areas.some(x => x.pattern === 'libs/') ? repo.map : undefined));
    assert.deepEqual(map.outcomes.map(o => [o.title, o.budget, o.metrics.map(m => m.name), o.areas.map(x => x.pattern)]), [
      ['Raise checkout conversion to 4.5%', 0.4, ['Checkout conversion'], ['services/checkout/']],
      ['Cut search p95 to 200 ms', 0.3, ['Search p95', 'Zero-result searches'], ['services/search/', 'libs/']],
    ]);
    const m = await until('the form drawn again from the text', () => (s.model?.version === doc.version ? s.model : undefined));
    assert.equal(m.totalBudget, 70);
    assert.equal(m.outcomes[1].metrics[1].target, '2%');
    // Undo, in the text editor beside the form: one step per edit, back to the bytes on disk.
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    let undos = 0;
    while (doc.getText() !== before && undos < 12) {
      const v = doc.version;
      await vscode.commands.executeCommand('undo');
      await until('the undo', () => doc.version !== v, 10_000);
      undos++;
    }
    assert.equal(doc.getText(), before, 'undo restores the original bytes');
    assert.equal(undos, 6, 'one undo step per edit of the form');
    await until('the form follows the undo', () => s.model?.version === doc.version && s.model.outcomes[0].fields.title === 'Raise checkout conversion to 4%');
  });

  it('shows a typo made in the text editor beside it at the field it concerns', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const uri = repo.outcomesUri;
    await vscode.commands.executeCommand('outcomeLens.openOutcomesEditor', uri);
    const s = await until('the form', () => a.outcomesEditor.sessionsOf(uri)[0]?.model && a.outcomesEditor.sessionsOf(uri)[0]);
    const editor = await vscode.window.showTextDocument(s.document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    const at = s.document.getText().indexOf('https://okr.example.com');
    assert.ok(at > 0);
    // as typed: one letter taken out of the scheme
    await editor.edit(e => e.delete(new vscode.Range(s.document.positionAt(at + 1), s.document.positionAt(at + 2))));
    const p = await until('the problem in the form', () => s.model?.version === s.document.version && s.model.problems.find(x => x.path === 'o.0.link'));
    assert.equal(p.severity, 'error');
    assert.match(p.message, /http/);
    assert.equal(s.model!.outcomes[0].fields.link, 'htps://okr.example.com/objectives/42');
    await editor.edit(e => e.insert(s.document.positionAt(at + 1), 't'));
    await until('the problem gone', () => s.model?.version === s.document.version && !s.model.problems.some(x => x.path === 'o.0.link'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('shows the text editor\'s pattern warnings (they need the tracked files) at the area they concern', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const uri = repo.outcomesUri;
    await vscode.commands.executeCommand('outcomeLens.openOutcomesEditor', uri);
    const s = await until('the form', () => a.outcomesEditor.sessionsOf(uri)[0]?.model && a.outcomesEditor.sessionsOf(uri)[0]);
    // A file with an error keeps the last good map (by design), so no warning would come for the new area: say so now.
    assert.ok(!s.document.getText().includes('htps://'), 'the previous test left its typo in outcomes.yaml');
    await a.outcomesEditor.receive(s, { type: 'edit', edit: { kind: 'addItem', outcome: 0, list: 'areas', value: 'no-such-folder/' } });
    const diag = await until('the warning in the text editor', () => vscode.languages.getDiagnostics(uri).find(d => d.code === 'pattern-matches-nothing'));
    const p = await until('the same warning in the form', () => s.model?.version === s.document.version && s.model.problems.find(x => x.path === 'o.0.areas.1'));
    assert.equal(p.message, diag.message);
    assert.equal(p.severity, 'warning');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

