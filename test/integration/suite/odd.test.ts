import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, Api, EXT_ID, row, rows, until } from './helpers';
import type { RepoIndex } from '../../../src/vscode/repoIndex';

// Run on a workspace of odd repositories, one folder per kind (the runner's odd pass builds them with
// test/unit/helpers/oddRepos.ts, the builders the CLI's tests use). The extension must tell each one's truth: the same
// counts as the CLI on the same repository, or the CLI's error, and nothing unexplained in its log.

const folders = () => vscode.workspace.workspaceFolders!.map(f => ({ name: f.name, dir: f.uri.fsPath }));
const cli = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');

/** The CLI as CI runs it, on one folder: its JSON, or its one-line complaint. */
function runCli(dir: string, ...args: string[]): { json?: unknown; status: number | null; err: string } {
  const r = spawnSync(process.execPath, [cli(), ...args, '--repo', dir], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', OUTCOME_LENS_CACHE_DIR: path.join(dir, '..', '.cli-cache') } });
  return { status: r.status, err: r.stderr.trim(), json: r.status === 0 || r.status === 1 ? JSON.parse(r.stdout) : undefined };
}

interface CliCommit { sha: string; links: { outcome: string }[]; invalid: string[]; status: string }
interface CliFile { path: string; outcomes: string[]; ignored: boolean }

let a: Api;
const indexFor = (dir: string): RepoIndex | undefined => a.index.all.find(r => r.root === dir);

/** Every repository with an outcomes.yaml read and linked (or its read failed), the files listed. */
async function settled(): Promise<void> {
  a = await api();
  await a.index.ready();
  await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
  for (const r of a.index.withOutcomes) {
    await until(`${r.name}: the read over`, () => r.summary && !r.summary.reading && (r.summary.error || (r.summary.history?.complete && r.summary.files)), 180_000);
  }
}

describe('Outcome Lens on odd repositories', () => {
  before(settled);

  it('every kind of repository is found where it is, and a bare one is not taken for the folder above it', () => {
    const names = folders().map(f => f.name);
    assert.ok(names.length >= 14, `the odd workspace has its folders: ${names.join(', ')}`);
    for (const { name, dir } of folders()) {
      const r = a.index.forFolder(vscode.Uri.file(dir));
      if (name === 'bare') {
        assert.equal(r, undefined, `a bare repository has no work tree to annotate; found ${r?.root}`);
        continue;
      }
      assert.equal(r?.root, dir, `${name}: its own repository`);
      assert.ok(r.exists, `${name}: its outcomes.yaml`);
    }
  });

  it('each view says what the CLI says: the same commits, links and files, or the same complaint', async () => {
    const checked: string[] = [];
    for (const { name, dir } of folders()) {
      const r = indexFor(dir);
      if (!r) continue;
      const s = r.summary!;
      const commits = runCli(dir, 'commits', '--json', '--no-cache', '--since', s.history?.since ?? '3650 days ago');
      if (commits.status === 2) {
        assert.ok(s.error, `${name}: the CLI failed (${commits.err}), the view must say so too`);
        assert.equal(s.error.message.split(':')[0], commits.err.replace(/^outcome-lens: /, '').split(':')[0], `${name}: the same complaint`);
        assert.equal(s.history?.commits ?? 0, 0, `${name}: no counts from a history that was not read`);
        checked.push(`${name}: ${s.error.kind}`);
        continue;
      }
      assert.equal(s.error, undefined, `${name}: ${s.error?.message}`);
      const list = commits.json as CliCommit[];
      const h = s.history!;
      assert.equal(h.commits, list.length, `${name}: commits in the window`);
      assert.equal(h.unlinked, list.filter(c => c.status === 'unlinked').length, `${name}: unlinked commits`);
      assert.equal(h.invalid, list.filter(c => c.invalid.length).length, `${name}: commits with an invalid link`);
      const byOutcome: Record<string, number> = {};
      for (const c of list) for (const id of new Set(c.links.map(l => l.outcome))) byOutcome[id] = (byOutcome[id] ?? 0) + 1;
      assert.deepEqual(h.byOutcome, Object.fromEntries(Object.entries(byOutcome).filter(([, n]) => n)), `${name}: commits per outcome`);
      const files = runCli(dir, 'files', '--json');
      assert.equal(files.status, 0, `${name}: files: ${files.err}`);
      const tracked = files.json as CliFile[];
      assert.equal(s.files!.tracked, tracked.length, `${name}: tracked files`);
      assert.equal(s.files!.unlinked, tracked.filter(f => !f.outcomes.length && !f.ignored).length, `${name}: unlinked files`);
      checked.push(`${name}: ${h.commits} commits, ${tracked.length} files`);
    }
    assert.ok(checked.length >= 13, checked.join('; '));
  });

  it('the views show each repository with its own rows, an error row where git could not read it', async () => {
    const labels = (await rows(a.outcomesTree)).map(r => r.label);
    for (const r of a.index.withOutcomes) {
      assert.ok(labels.includes(r.name), `${r.name} in the Outcomes view: ${labels.join(', ')}`);
      const sections = await rows(a.unlinkedTree, (await row(a.unlinkedTree, r.name)).node);
      if (r.summary!.error) {
        assert.ok(sections.some(x => x.label.includes(r.summary!.error!.message) || x.description.includes(r.summary!.error!.message)), `${r.name}: the error is shown: ${JSON.stringify(sections.map(x => x.label))}`);
      } else {
        const commitsRow = sections.find(x => x.label.startsWith('Unlinked commits'));
        assert.ok(commitsRow, `${r.name}: ${JSON.stringify(sections.map(x => x.label))}`);
        assert.match(`${commitsRow.label} ${commitsRow.description}`, new RegExp(`\\b${r.summary!.history!.unlinked}\\b`), `${r.name}: the count on screen`);
      }
    }
  });

  it('the files of each repository get the badges the CLI gives them', async () => {
    const badgeFor = (id: string) => id.slice(0, 2).toUpperCase(); // the ids here are one word: "app" -> "AP"
    let n = 0;
    for (const { name, dir } of folders()) {
      if (!indexFor(dir)?.summary?.files) continue;
      const files = (runCli(dir, 'files', '--json').json as CliFile[]).filter(f => !f.ignored && f.outcomes.length <= 1).slice(0, 30);
      for (const f of files) {
        // Badges are for what the explorer shows, files on disk: a submodule is a folder, a sparse checkout leaves
        // files out, the 50k-file commit is in the index only.
        if (!fs.statSync(path.join(dir, f.path), { throwIfNoEntry: false })?.isFile()) continue;
        const d = await a.decorations.provideFileDecoration(vscode.Uri.file(path.join(dir, f.path)));
        assert.equal(d?.badge, f.outcomes.length ? badgeFor(f.outcomes[0]) : '◌', `${name}: ${JSON.stringify(f.path)} (${f.outcomes.join(', ') || 'unlinked'})`);
        n++;
      }
    }
    assert.ok(n >= 50, `${n} files checked`);
  });

  it('the hostile configuration ran none of its commands', () => {
    const hostile = folders().find(f => f.name === 'hostile-config')!;
    const markers = path.join(path.dirname(hostile.dir), 'markers');
    assert.ok(fs.existsSync(path.join(path.dirname(hostile.dir), 'run-gpg.sh')), 'precondition: the marker scripts are there');
    assert.deepEqual(fs.existsSync(markers) ? fs.readdirSync(markers) : [], [], 'no marker script ran');
  });

  it('the log explains every error it has: no stack trace, no "undefined"', () => {
    const logs = path.join(path.dirname(process.env.OUTCOME_LENS_RESULT!), 'ud', 'logs');
    const session = fs.readdirSync(logs).sort().reverse().map(s => path.join(logs, s, 'exthost1', 'outcome-lens.outcome-lens', 'Outcome Lens.log')).find(f => fs.existsSync(f))!;
    const text = fs.readFileSync(session, 'utf8');
    assert.match(text, /bare/, 'the bare repository is named in the log');
    for (const l of text.split('\n').filter(l => /\[error\]| failed \(/.test(l))) {
      assert.doesNotMatch(l, /\bat .+:\d+:\d+\)?$|undefined|\[object Object\]|TypeError|ReferenceError|RangeError/, l);
    }
  });
});
