import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXT_ID, root, until } from './helpers';
import type { OutcomeNode } from '../../../src/views/outcomesTree';
import type { UnlinkedNode } from '../../../src/views/unlinkedTree';

describe('Outcome Lens in a real VS Code extension host', () => {
  it('activates on the workspace (outcomes.yaml present) and is trusted here', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    await until('activation', () => ext.isActive);
    assert.ok(vscode.workspace.isTrusted);
    const a = await api();
    await a.index.ready();
    assert.equal(a.index.state, 'ready');
    assert.equal(a.gitProcesses.started, 0, 'activation runs no git');
    // Reported, not asserted (timed assertions do not belong in tests): the runner prints it.
    fs.writeFileSync(path.join(path.dirname(process.env.OUTCOME_LENS_RESULT!), 'activation.json'), JSON.stringify({ activateMs: a.activationMs, loadAndActivateMs: a.loadAndActivateMs, loadAndActivateCpuMs: a.loadAndActivateCpuMs, activateCpuMs: a.activateCpuMs }));
  });

  it('Outcomes view: outcomes with id, owner, key results, areas with counts, commits with how they link', async () => {
    const a = await api();
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    const t = a.outcomesTree;
    const top = await until('outcomes', () => { const c = t.getChildren(); return c.length === 2 ? c : undefined; });
    const items = top.map(n => t.getTreeItem(n));
    assert.deepEqual(items.map(i => i.label), ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms']);
    assert.equal(items[0].description, 'checkout-conversion · @payments');
    const groups = t.getChildren(top[0]);
    const metric = t.getTreeItem(t.getChildren(groups[0])[0]);
    assert.equal(metric.label, 'Checkout conversion');
    assert.equal(metric.description, '3.1% → 3.4% → 4%');
    await until('files and history', () => a.index.all[0].files && a.index.all[0].commits && !a.index.all[0].loading);
    const area = t.getChildren(groups[1])[0];
    assert.equal(t.getTreeItem(area).label, 'services/checkout/');
    assert.equal(t.getTreeItem(area).description, '2 files');
    assert.deepEqual(t.getChildren(area).map(n => (n as { path: string }).path), ['services/checkout/cart.ts', 'services/checkout/pay.ts']);
    const commits = t.getChildren(groups[2]).map(n => t.getTreeItem(n));
    assert.deepEqual(commits.map(c => c.label), ['Cart fixes for PAY-42', 'Add payment step']);
    assert.match(String(commits[0].description), /^ticket, area · /);
    assert.match(String(commits[1].description), /^trailer, area · /);
  });

  it('Unlinked Work view: files by folder with counts, commits by author, invalid links', async () => {
    const a = await api();
    await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
    const t = a.unlinkedTree;
    await until('history', () => a.index.all[0].commits && !a.index.all[0].loading);
    // found in steps after the file list arrives: wait for the whole answer, not a partial one
    await until('unlinked files', () => { const u = a.index.all[0].unlinkedFiles(); return u && !u.partial; });
    const sections = t.getChildren();
    assert.deepEqual(sections.map(s => t.getTreeItem(s).label), ['Unlinked files', 'Unlinked commits', 'Invalid links']);
    assert.equal(t.getTreeItem(sections[0]).description, '6');
    const folders = t.getChildren(sections[0]);
    const rows = folders.map(f => `${t.getTreeItem(f).label}:${t.getTreeItem(f).description ?? ''}`);
    assert.deepEqual(rows.filter(r => !r.startsWith('README') && !r.startsWith('outcomes')), ['libs:2', 'docs:1', 'tools:1']);
    const authors = t.getChildren(sections[1]).map(n => t.getTreeItem(n).label);
    assert.deepEqual(authors, ['Ada Lovelace', 'Mallory **Bold**']);
    const invalid = t.getChildren(sections[2]).map(n => t.getTreeItem(n));
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0].description, 'invalid: no-such-outcome');
    // untrusted text stays text: the label is the raw subject, the tooltip escapes markdown and HTML
    const mallory = t.getChildren(t.getChildren(sections[1])[1])[0];
    const item = t.getTreeItem(mallory);
    assert.equal(item.label, 'Add utilities <script>alert(1)</script>');
    assert.equal(item.tooltip, undefined, 'no tooltip until the row is hovered (VS Code lexes every markdown tooltip it is sent)');
    const tip = t.resolveTreeItem(item, mallory).tooltip as vscode.MarkdownString;
    assert.equal(tip.isTrusted, false);
    assert.equal(tip.supportHtml, false, 'raw HTML is not rendered');
    const text = tip.value.replace(/&nbsp;/g, ' ');
    assert.ok(!text.includes('<script>'), text);
    assert.ok(text.includes('Mallory \\*\\*Bold\\*\\*'), `markdown in an author name is escaped: ${text}`);
  });

  it('explorer badge and status bar for the current file', async () => {
    const a = await api();
    const pay = vscode.Uri.file(path.join(root(), 'services/checkout/pay.ts'));
    const d = a.decorations.provideFileDecoration(pay)!;
    assert.equal(d.badge, 'CC');
    assert.equal((d.color as unknown as { id: string }).id, 'outcomeLens.linkedForeground');
    const u = a.decorations.provideFileDecoration(vscode.Uri.file(path.join(root(), 'libs/util/strings.ts')))!;
    assert.equal((u.color as unknown as { id: string }).id, 'outcomeLens.unlinkedForeground');
    assert.equal(a.decorations.provideFileDecoration(vscode.Uri.file(path.join(root(), 'vendor/lib.js'))), undefined);
    await vscode.window.showTextDocument(pay);
    await until('status bar', () => a.statusBar.item.text === '$(target) checkout-conversion');
  });

  it('current-line annotation and hover name the commit\'s outcome', async () => {
    const a = await api();
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'services/checkout/pay.ts')));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await until('annotation', () => a.currentLine.current?.line === 1 && a.currentLine.current.text.startsWith('◎ checkout-conversion (trailer)'));
    const hover = a.currentLine.provideHover(editor.document, new vscode.Position(1, 100))!;
    const md = hover.contents[0] as vscode.MarkdownString;
    assert.equal(md.isTrusted, false);
    const text = md.value.replace(/&nbsp;/g, ' ');
    assert.match(text, /Add payment step/);
    assert.match(text, /Checkout conversion: 3\.1% → 3\.4% → 4%/);
  });

  it('Tag Commit with Outcome… adds the trailer to the commit message box, keeping the text', async () => {
    const gitExt = vscode.extensions.getExtension<any>('vscode.git')!;
    const git = (gitExt.isActive ? gitExt.exports : await gitExt.activate()).getAPI(1);
    const repo = await until('git repository', () => git.repositories[0]);
    repo.inputBox.value = 'Speed up checkout\n\nSome details.';
    const out = await vscode.commands.executeCommand<string>('outcomeLens.tagCommit', { ids: ['checkout-conversion'] });
    assert.equal(repo.inputBox.value, 'Speed up checkout\n\nSome details.\n\nOutcome: checkout-conversion\n');
    assert.equal(out, repo.inputBox.value);
    await vscode.commands.executeCommand('outcomeLens.tagCommit', { ids: ['search-latency'] });
    assert.equal(repo.inputBox.value, 'Speed up checkout\n\nSome details.\n\nOutcome: checkout-conversion, search-latency\n');
  });

  it('the commit message box suggests outcome ids after the trailer key', async () => {
    const git = (await vscode.extensions.getExtension<any>('vscode.git')!.activate()).getAPI(1);
    const repo = await until('git repository', () => git.repositories[0]);
    await vscode.commands.executeCommand('workbench.view.scm'); // the box's document exists while the view shows it
    repo.inputBox.value = 'Speed up checkout\n\nOutcome: checkout-conversion, se';
    const box = await until('the commit message box\'s document', () =>
      vscode.workspace.textDocuments.find(d => d.uri.scheme === 'vscode-scm' && d.getText() === repo.inputBox.value));
    assert.equal(box.languageId, 'scminput');
    const at = (line: number, character: number) => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', box.uri, new vscode.Position(line, character));
    const ids = (l: vscode.CompletionList) => l.items.filter(i => i.kind === vscode.CompletionItemKind.EnumMember).map(i => (typeof i.label === 'string' ? i.label : i.label.label));
    const list = await at(2, box.lineAt(2).text.length);
    assert.deepEqual(ids(list).sort(), ['checkout-conversion', 'search-latency']);
    const search = list.items.find(i => i.label === 'search-latency')!;
    assert.equal(search.detail, 'Cut search p95 to 200 ms');
    assert.deepEqual([(search.range as vscode.Range).start.character, (search.range as vscode.Range).end.character], [30, 32], 'replaces the typed "se"');
    assert.deepEqual(ids(await at(0, 5)), [], 'only after the trailer key');
    repo.inputBox.value = '';
  });

  it('diagnostics appear and disappear as outcomes.yaml is edited (last good map kept meanwhile)', async () => {
    const a = await api();
    const uri = vscode.Uri.file(path.join(root(), 'outcomes.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const idLine = doc.getText().split('\n').findIndex(l => l.includes('id: search-latency'));
    const range = doc.lineAt(idLine).range;
    await editor.edit(e => e.replace(range, '  - id: Search Latency'));
    const diags = await until('an error', () => vscode.languages.getDiagnostics(uri).find(d => d.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(diags.range.start.line, idLine);
    assert.equal(diags.range.start.character, 8);
    assert.match(diags.message, /may contain only lower-case/);
    assert.equal(a.index.all[0].stale, true);
    assert.equal(a.index.all[0].map!.outcomes.length, 2, 'last good map kept');
    await vscode.commands.executeCommand('undo');
    await until('no errors', () => !vscode.languages.getDiagnostics(uri).some(d => d.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(a.index.all[0].stale, false);
    assert.equal(doc.isDirty, false);
  });

  it('CodeLens per outcome counts files and recent commits', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root(), 'outcomes.yaml')));
    const lenses = await until('lenses', () => { const l = a.yamlFeatures.provideCodeLenses(doc); return l.length === 2 && !l[0].command!.title.includes('counting') ? l : undefined; });
    assert.equal(lenses[0].command!.title, '2 files · 2 commits in 90 days');
    assert.equal(lenses[1].command!.title, '1 file · 1 commit in 90 days');
  });

  it('"Link to Outcome…" adds the folder to the outcome\'s areas through an undoable WorkspaceEdit', async () => {
    const a = await api();
    const t = a.unlinkedTree;
    const files = t.getChildren()[0];
    const libs = t.getChildren(files).find(n => t.getTreeItem(n).label === 'libs') as UnlinkedNode;
    assert.equal(t.getTreeItem(libs).contextValue, 'unlinkedFolder');
    const ok = await vscode.commands.executeCommand('outcomeLens.linkToOutcome', libs, 'search-latency');
    assert.equal(ok, true);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root(), 'outcomes.yaml')));
    assert.ok(doc.getText().includes('      - services/search/\n      - "/libs/"\n'), doc.getText());
    assert.ok(doc.getText().startsWith('# Fixture outcomes (a comment that must survive edits)'));
    await until('relinked without git', () => a.index.all[0].linker!.file('libs/util/strings.ts').outcomes.includes('search-latency'));
    // The history worker links the commits it holds again, without git: the commit that added libs/ now serves it.
    const utilities = (r: { outcomes: string[]; commit: { subject: string } }) => r.commit.subject.startsWith('Add utilities');
    const gitBefore = a.gitProcesses.started;
    const relinked = await until('the commit relinked', () => [...a.index.all[0].commits!].find(c => utilities(c) && c.outcomes.includes('search-latency')));
    assert.equal(relinked.status, 'linked');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.ok(!doc.getText().includes('/libs/'));
    await doc.save();
    const back = await until('the commit relinked back', () => [...a.index.all[0].commits!].find(c => utilities(c) && c.outcomes.length === 0));
    assert.equal(back.status, 'unlinked');
    assert.equal(a.gitProcesses.started, gitBefore, 'no git process to relink');
  });

  it('Show Commit opens the diff; Refresh re-reads', async () => {
    const a = await api();
    const c = [...a.index.all[0].commits!].find(x => x.commit.subject === 'Add payment step')!;
    await vscode.commands.executeCommand('outcomeLens.showCommit', a.index.all[0].root, c.commit.sha);
    const doc = await until('diff', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'outcome-lens-commit' ? vscode.window.activeTextEditor.document : undefined));
    assert.match(doc.getText(), /services\/checkout\/pay\.ts/);
    assert.equal(doc.languageId, 'diff');
    await vscode.commands.executeCommand('outcomeLens.refresh');
    assert.equal(a.index.all[0].commits!.length, 7);
  });

  it('keeps the history in the extension\'s global storage: a fresh read takes every commit from there, none from git', async () => {
    const a = await api();
    const r = a.index.all[0];
    await until('history', () => r.commits && !r.loading);
    const before = [...r.commits!].map(c => `${c.commit.sha} ${c.status} ${c.outcomes.join(',')}`);
    const stored = path.join(a.historyCacheDir, fs.readdirSync(a.historyCacheDir).find(f => f.endsWith('.jsonl'))!);
    assert.ok(a.historyCacheDir.startsWith(a.globalStorage), `${a.historyCacheDir} is under the extension's global storage`);
    assert.match(fs.readFileSync(stored, 'utf8'), /Add payment step/, 'the commits are in the file');
    r.invalidateHistory();
    const started = a.gitProcesses.started;
    await r.refreshGit();
    assert.equal(r.lastLoad?.fromGit, 0, 'nothing read from git');
    assert.equal(r.lastLoad?.commits, 7);
    assert.deepEqual([...r.commits!].map(c => `${c.commit.sha} ${c.status} ${c.outcomes.join(',')}`), before, 'the same commits, links and order');
    assert.ok(a.gitProcesses.started - started <= 4, `only listing git processes (tips, ls-files, rev-list): ${a.gitProcesses.started - started}`);
  });

  it('dashboard: its table shows the hand-computed allocation (commits first, then lines)', async () => {
    const a = await api();
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    const shown = await until('lines rendered', () => (a.dashboard.rendered && a.dashboard.allocation?.linesPending === 0 && a.dashboard.rendered.lineAlignment !== 'n/a' ? a.dashboard.rendered : undefined), 30000);
    // 7 commits: checkout 2 (trailer, ticket), search 1, unlinked 3 (initial, utilities, guide), ignored 1 (vendor).
    // Lines: checkout 3+2, search 2, unlinked 23+1 (outcomes.yaml, README) + 5 + 2, ignored 2: 40 in all.
    assert.deepEqual(shown.rows.map(r => r.cells), [
      ['Raise checkout conversion to 4%', '2', '28.6%', '5', '12.5%', '0'],
      ['Cut search p95 to 200 ms', '1', '14.3%', '2', '5.0%', '0'],
      ['Unlinked', '3', '42.9%', '31', '77.5%', '0'],
      ['Ignored (needs no outcome)', '1', '14.3%', '2', '5.0%', '0'],
    ]);
    assert.equal(shown.alignment, '50.0%', '3 linked of 6 that need an outcome');
    assert.equal(shown.lineAlignment, '18.4%', '7 linked lines of 38');
  });

  it('Export Report… writes the same numbers', async () => {
    const file = path.join(root(), '..', 'report.json');
    const written = await vscode.commands.executeCommand<string>('outcomeLens.exportReport', { format: 'json', file });
    assert.equal(written, file);
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(r.outcomes.map((o: { id: string; commits: number; lines: number }) => [o.id, o.commits, o.lines]),
      [['checkout-conversion', 2, 5], ['search-latency', 1, 2], ['(unlinked)', 3, 31], ['(ignored)', 1, 2]]);
  });

  it('deliberate failure when OUTCOME_LENS_FAIL=1 (proves the runner reports failures)', () => {
    if (process.env.OUTCOME_LENS_FAIL === '1') assert.fail('deliberate failure requested');
  });
});

export type { OutcomeNode };
