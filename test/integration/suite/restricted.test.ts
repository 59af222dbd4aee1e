import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, root, rows, until } from './helpers';

// Run with workspace trust on and the folder not trusted (the runner's restricted pass), with a `git` first on the
// extension host's PATH that records every time it is started (OUTCOME_LENS_GIT_RECORD) before running the real one.
describe('Outcome Lens in Restricted Mode', () => {
  const record = () => fs.readFileSync(process.env.OUTCOME_LENS_GIT_RECORD!, 'utf8');

  it('the workspace is untrusted, the extension activates, and the recording git is the one on PATH', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const a = await api();
    await a.index.ready();
    assert.equal(a.index.state, 'ready');
    assert.equal(fs.existsSync(process.env.OUTCOME_LENS_GIT_RECORD!), true);
    // The shim itself works: a git started from here is recorded (this test's own process, not the extension's).
    require('node:child_process').execFileSync('git', ['--version'], { cwd: root() });
    assert.match(record(), /--version/, `PATH in the extension host: ${process.env.PATH}`);
    fs.writeFileSync(process.env.OUTCOME_LENS_GIT_RECORD!, '');
  });

  it('every view and every command runs no git; the views say why, the YAML features still work', async function () {
    this.timeout(300_000); // every command, each given up to 5 s to settle
    const a = await api();
    const repo = a.index.withOutcomes[0];
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
    // The refusal is the proof that the views asked: the one trust gate (in the git runner) said no.
    await until('the history service refused to run git', () => repo.summary?.error?.kind === 'untrusted');
    assert.deepEqual(await rows(a.unlinkedTree), [], 'an empty tree: the view\'s Restricted Mode welcome content shows');
    assert.deepEqual((await rows(a.outcomesTree)).map(r => r.label), ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms'], 'outcomes come from outcomes.yaml');
    const pay = vscode.Uri.file(path.join(root(), 'services/checkout/pay.ts'));
    const editor = await vscode.window.showTextDocument(pay);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await a.currentLine.schedule();
    await until('status bar', () => a.statusBar.item.text === '$(target) checkout-conversion');
    assert.equal((await a.decorations.provideFileDecoration(pay))?.badge, 'CC');
    const doc = await vscode.workspace.openTextDocument(repo.outcomesUri);
    const yamlEditor = await vscode.window.showTextDocument(doc);
    assert.match(a.yamlFeatures.provideCodeLenses(doc)[0].command!.title, /needs a trusted workspace/);
    await yamlEditor.edit(e => e.insert(new vscode.Position(1, 0), 'version: 2\n'));
    await until('diagnostic', () => vscode.languages.getDiagnostics(repo.outcomesUri).some(d => d.severity === vscode.DiagnosticSeverity.Error));
    await vscode.commands.executeCommand('undo');
    const commands = (await vscode.commands.getCommands(true)).filter(c => c.startsWith('outcomeLens.'));
    const args: Record<string, unknown[]> = {
      'outcomeLens.showCommit': [repo.root, '0123456789abcdef0123456789abcdef01234567'],
      'outcomeLens.exportReport': [{ format: 'json', file: path.join(root(), '..', 'restricted-report.json') }],
      'outcomeLens.revealOutcome': [repo.root, 'checkout-conversion'],
      'outcomeLens.tagCommit': [{ ids: ['checkout-conversion'] }],
    };
    const ran: string[] = [];
    for (const c of commands) {
      if (c === 'outcomeLens.createOutcomesFile' || c.endsWith('.focus') || c.endsWith('.resetViewLocation') || c.endsWith('.toggleVisibility') || c.endsWith('.removeView')) continue;
      const t0 = Date.now();
      await Promise.race([vscode.commands.executeCommand(c, ...(args[c] ?? [])).then(() => undefined, () => undefined), new Promise(r => setTimeout(r, 5000))]);
      ran.push(`${c} ${Date.now() - t0} ms`);
    }
    assert.ok(ran.length >= 12, `every command ran: ${ran.join(', ')}`);
    await vscode.commands.executeCommand('outcomeLens.refresh');
    await until('the refusal again, after every command', () => repo.summary?.error?.kind === 'untrusted' && !repo.summary.reading);
    assert.equal(record(), '', 'no git process was started');
  });

  it('the outcomes editor works but for the match counts, which say why they are missing; no git runs', async () => {
    const a = await api();
    const repo = a.index.withOutcomes[0];
    fs.writeFileSync(process.env.OUTCOME_LENS_GIT_RECORD!, '');
    await vscode.commands.executeCommand('outcomeLens.openOutcomesEditor', repo.outcomesUri);
    const s = await until('the form', () => a.outcomesEditor.sessionsOf(repo.outcomesUri)[0]?.model && a.outcomesEditor.sessionsOf(repo.outcomesUri)[0]);
    assert.deepEqual(s.model!.outcomes.map(o => o.fields.title), ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms']);
    const c = await until('the counts\' answer', () => s.counts);
    assert.equal(c.state, 'unavailable');
    assert.match(c.state === 'unavailable' ? c.reason : '', /Restricted Mode/);
    const before = s.document.getText();
    await a.outcomesEditor.receive(s, { type: 'edit', edit: { kind: 'setField', outcome: 1, field: 'owner', value: '@search-team' } });
    assert.equal(s.document.getText(), before.replace('owner: "@search"', 'owner: "@search-team"'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(record(), '', 'no git process was started');
  });
});
