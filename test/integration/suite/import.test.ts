import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXT_ID, root, rows, settled, until } from './helpers';

// Run on the shop fixture after `outcome-lens init --from codeowners` and a lead's edit (the runner's import pass):
// the default owner's "*" narrowed to "services/". What each area adds to its outcome after the negations must be
// the same in the Outcomes view, the CodeLens and the pattern hover as in `files --json`, counted per area.

interface CliFile { path: string; areas: { outcome: string; pattern: string; line: number }[] }

/** `files --json`, counted per outcome and area line: `id:line` -> files. */
function cliCounts(): Map<string, number> {
  const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'files', '--json', '--repo', root()], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const counts = new Map<string, number>();
  for (const f of JSON.parse(r.stdout) as CliFile[]) for (const a of f.areas) counts.set(`${a.outcome}:${a.line}`, (counts.get(`${a.outcome}:${a.line}`) ?? 0) + 1);
  return counts;
}

describe('a CODEOWNERS import, narrowed by hand: each area\'s count', () => {
  it('the Outcomes view\'s area rows, the CodeLens and the hover say what files --json says each area adds', async () => {
    const { a, repo } = await settled('outcomeLens.outcomes');
    const want = cliCounts();
    const map = repo.map!;
    const team = map.outcomes.find(o => o.id === 'team');
    assert.ok(team, `the import's outcomes: ${map.outcomes.map(o => o.id).join(', ')}`);
    assert.ok(team.areas.some(x => x.pattern === 'services/'), 'the lead\'s narrowed line');
    let compared = 0;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root(), 'outcomes.yaml')));
    await vscode.window.showTextDocument(doc);
    const lenses = await until('the areas\' CodeLenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return l?.some(x => x.command?.title.startsWith('adds ')) && l;
    });
    for (const outcome of (await rows(a.outcomesTree)).filter(r => (r.node as { kind: string }).kind === 'outcome')) {
      const id = (outcome.node as { outcome: { id: string } }).outcome.id;
      const o = map.outcomes.find(x => x.id === id)!;
      const group = (await rows(a.outcomesTree, outcome.node)).find(r => r.label === 'Areas');
      if (!group) continue;
      const areaRows = await rows(a.outcomesTree, group.node);
      assert.equal(areaRows.length, o.areas.length);
      for (const [i, r] of areaRows.entries()) {
        const p = o.areas[i];
        if (p.pattern.startsWith('!')) { assert.equal(r.description, 'takes files away', p.pattern); continue; }
        const n = want.get(`${id}:${p.range.line}`) ?? 0;
        assert.equal(r.description, `adds ${n} file${n === 1 ? '' : 's'}`, `${id}: ${p.pattern} (line ${p.range.line})`);
        // The row opens on the files it adds: as many as files --json gives it.
        if (n) assert.equal((await rows(a.outcomesTree, r.node)).length, n, `${p.pattern}'s files`);
        const lens = lenses.find(l => l.range.start.line === p.range.line - 1 && l.command?.title.startsWith('adds '));
        assert.equal(lens?.command?.title, `adds ${n} file${n === 1 ? '' : 's'}`, `the CodeLens of ${p.pattern}`);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(p.range.line - 1, p.range.column));
        const text = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
        assert.ok(text.includes(`it adds ${n} file${n === 1 ? '' : 's'} to ${id} after the negations`), `the hover on ${p.pattern}: ${text}`);
        compared++;
      }
    }
    assert.ok(compared >= 3, `areas compared: ${compared}`);
    // The narrowed line claims the folder's files: the number is not 0.
    const narrowed = team.areas.findIndex(x => x.pattern === 'services/');
    assert.ok((want.get(`team:${team.areas[narrowed].range.line}`) ?? 0) + team.areas.slice(0, narrowed).reduce((n, x) => n + (want.get(`team:${x.range.line}`) ?? 0), 0) > 0, 'team claims services/ files');
  });
});
