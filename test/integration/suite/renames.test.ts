import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { EXT_ID, git, root, row, rows, settled, until } from './helpers';

// The rename rule in the real extension host (the runner's renames pass: the fixture plus a plugin made in
// plugins/search/ and moved into services/search/plugin/): the views, the current line and `commits --json` agree.

interface CliCommit { sha: string; subject: string; status: string; links: { outcome: string; via: string }[] }

function cliCommits(since: string): CliCommit[] {
  const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
  return JSON.parse(execFileSync(process.execPath, [cli, 'commits', '--json', '--no-cache', '--since', since, '--repo', root()],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as CliCommit[];
}

describe('Renames and moves in the real extension host', () => {
  it('the work before the move counts for the outcome that owns the moved folder: the Outcomes view and `commits --json` agree', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const h = repo.summary!.history!;
    const json = cliCommits(h.since);
    const plugin = json.filter(c => /search plugin/.test(c.subject));
    assert.deepEqual(plugin.map(c => [c.subject, c.status, c.links.map(l => `${l.outcome}(${l.via})`).join(' ')]), [
      ['Move the search plugin into services/search', 'linked', 'search-latency(area)'],
      ['Bump the search plugin', 'linked', 'search-latency(area)'],
      ['Add the search plugin', 'linked', 'search-latency(area)'],
    ], 'the CLI follows the move');
    const count = (id: string) => json.filter(c => c.links.some(l => l.outcome === id)).length;
    assert.equal(h.byOutcome['search-latency'], count('search-latency'));
    assert.equal(h.unlinked, json.filter(c => c.status === 'unlinked').length);
    const o = a.outcomesTree;
    const search = (await rows(o)).find(r => r.label.startsWith('Cut search p95'))!;
    const recent = await row(o, 'Recent commits', search.node);
    assert.equal(recent.description, `${count('search-latency')} in 90 days`);
    const bump = (await rows(o, recent.node)).find(r => r.label === 'Bump the search plugin')!;
    assert.ok(bump, 'the commit made before the move is under its outcome');
    const item = await o.getTreeItem(bump.node);
    const tip = (await o.resolveTreeItem(item, bump.node)).tooltip as vscode.MarkdownString;
    const text = tip.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(text, /\(search-latency\) via area: services\/search\/plugin\/index\.ts \(renamed from plugins\/search\/index\.ts\)/);
    assert.match(text, /Files are judged where they live today \(renames followed\); a file deleted since, by its path then\./);
  });

  it('the current-line annotation names the outcome of a line last changed before the move, and the hover says where it was', async () => {
    const { a } = await settled();
    const bumpSha = git('log', '--format=%H', '--grep=Bump the search plugin').trim();
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), 'services/search/plugin/index.ts')));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await until('annotation', () => a.currentLine.current?.line === 1 && a.currentLine.current.link?.sha === bumpSha);
    assert.match(a.currentLine.current!.text, /^◎ search-latency \(area, renamed\) · /);
    const hover = a.currentLine.provideHover(editor.document, new vscode.Position(1, 100))!;
    const text = (hover.contents[0] as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(text, /Bump the search plugin/);
    assert.match(text, /via area: services\/search\/plugin\/index\.ts \(renamed from plugins\/search\/index\.ts\)/);
    await until('status bar', () => a.statusBar.item.text === '$(target) search-latency');
  });
});
