import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, Api, row, rows, until } from './helpers';
import type { RepoIndex } from '../../../src/vscode/repoIndex';

// Run on a multi-root workspace (the runner's multiroot pass): the fixture "shop", a copy "second" whose
// outcomes.yaml has a third outcome (docs-quality, docs/), and a copy "slow" behind a git that hangs while
// .git/outcome-lens-hang exists. Each test sets up what it needs and puts back what it changed.

const folder = (name: string) => vscode.workspace.workspaceFolders!.find(f => f.name === name)!.uri.fsPath;
const file = (name: string, rel: string) => vscode.Uri.file(path.join(folder(name), rel));

/** git as a user in a terminal runs it: the real binary, not the hanging shim the extension host's PATH has. */
function git(name: string, ...args: string[]): string {
  return execFileSync(process.env.OUTCOME_LENS_REAL_GIT!, args, {
    cwd: folder(name), encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Terminal User', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Terminal User', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

async function repos(): Promise<{ a: Api; shop: RepoIndex; second: RepoIndex; slow: RepoIndex }> {
  const a = await api();
  await a.index.ready();
  const by = (name: string) => until(`the repository ${name}`, () => a.index.withOutcomes.find(r => r.root === folder(name)));
  return { a, shop: await by('shop'), second: await by('second'), slow: await by('slow') };
}

/** Every repository's history read and linked. */
async function settled() {
  const r = await repos();
  await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
  for (const repo of [r.shop, r.second, r.slow]) {
    await until(`a complete read of ${repo.name}`, () => repo.summary?.history?.complete && repo.summary.files && !repo.summary.reading && !repo.summary.error);
  }
  return r;
}

/** The repository's section rows in Unlinked Work ("Unlinked files", "Unlinked commits", ...). */
async function sections(a: Api, repo: RepoIndex) {
  return rows(a.unlinkedTree, (await row(a.unlinkedTree, repo.name)).node);
}

describe('Outcome Lens in a multi-root workspace', () => {
  it('first open: before any view has listed the files, no folder, untracked or ignored file is called unlinked', async () => {
    const { a, shop, second } = await repos();
    assert.equal(shop.summary?.files, undefined, 'precondition: no Outcome Lens view has been shown yet');
    fs.mkdirSync(path.join(folder('shop'), 'build'), { recursive: true });
    fs.writeFileSync(path.join(folder('shop'), 'build/out.js'), '// built\n');
    fs.appendFileSync(path.join(folder('shop'), '.git/info/exclude'), 'build/\n');
    fs.writeFileSync(path.join(folder('shop'), 'libs/new.ts'), '// not added yet\n');
    fs.writeFileSync(path.join(folder('shop'), 'services/checkout/draft.ts'), '// not added yet\n');
    const badge = (name: string, rel: string) => a.decorations.provideFileDecoration(file(name, rel)).then(d => d?.badge);
    try {
      assert.equal(await badge('shop', 'services/checkout/pay.ts'), 'CC', 'a linked badge needs only outcomes.yaml');
      assert.equal(await badge('second', 'docs/guide.md'), 'DQ', 'each folder by its own outcomes.yaml');
      assert.equal(await badge('shop', 'docs/guide.md'), undefined);
      for (const rel of ['libs', 'services/checkout', 'vendor', 'libs/util/strings.ts', 'vendor/lib.js', 'build/out.js', 'libs/new.ts']) {
        assert.equal(await badge('shop', rel), undefined, `${rel}: nothing is known to be unlinked before git listed the files`);
      }
      await vscode.commands.executeCommand('outcomeLens.unlinked.focus');
      await until('the files listed', () => shop.summary?.files && second.summary?.files);
      await until('an unlinked tracked file marked', async () => (await badge('shop', 'libs/util/strings.ts')) === '◌');
      assert.equal(await badge('shop', 'libs/new.ts'), undefined, 'untracked');
      assert.equal(await badge('shop', 'build/out.js'), undefined, 'ignored by git');
      assert.equal(await badge('shop', 'services/checkout/draft.ts'), undefined, 'in an area, but not tracked: it serves nothing yet');
      assert.equal(await badge('shop', 'vendor/lib.js'), undefined, 'ignored by outcomes.yaml');
      assert.equal(await badge('shop', 'libs'), undefined, 'a folder');
    } finally {
      fs.rmSync(path.join(folder('shop'), 'build'), { recursive: true });
      fs.rmSync(path.join(folder('shop'), 'libs/new.ts'));
      fs.rmSync(path.join(folder('shop'), 'services/checkout/draft.ts'));
    }
  });

  it('each folder is its own repository in both views, and an outcome of the second reveals under its repository', async () => {
    const { a, second } = await settled();
    assert.deepEqual((await rows(a.outcomesTree)).map(r => r.label), ['shop', 'second', 'slow']);
    const outcomes = await rows(a.outcomesTree, (await row(a.outcomesTree, 'second')).node);
    assert.deepEqual(outcomes.map(r => r.label), ['Raise checkout conversion to 4%', 'Cut search p95 to 200 ms', 'Docs people finish reading']);
    assert.deepEqual((await rows(a.unlinkedTree)).map(r => r.label), ['shop', 'second', 'slow']);
    assert.deepEqual((await sections(a, second)).map(s => `${s.label}:${s.description}`), ['Unlinked files:4', 'Unlinked commits:2 in 90 days', 'Invalid links:1'],
      'docs/ belongs to docs-quality in the second repository only');
    assert.deepEqual((await sections(a, (await repos()).shop)).map(s => `${s.label}:${s.description}`), ['Unlinked files:5', 'Unlinked commits:3 in 90 days', 'Invalid links:1']);
    await vscode.commands.executeCommand('outcomeLens.outcomes.focus');
    const node = a.outcomesTree.outcomeNode(second, 'docs-quality')!;
    await a.views.outcomes.reveal(node, { select: true, expand: true });
    const selected = a.views.outcomes.selection[0];
    assert.ok(selected && selected.kind === 'outcome' && selected.repo === second && selected.outcome.id === 'docs-quality', 'the nested node is revealed and selected');
  });

  it('a commit in one repository and another in a second within 500 ms: both views follow', async () => {
    const { a, shop, second } = await settled();
    const before = [shop.summary!.history!.unlinked, second.summary!.history!.unlinked];
    for (const name of ['shop', 'second']) {
      fs.writeFileSync(path.join(folder(name), 'tools/terminal.sh'), `echo ${name}\n`);
      git(name, 'add', '-A');
      git(name, 'commit', '-q', '--no-verify', '-m', `Terminal work in ${name}`);
    }
    await until('both repositories re-read', () => shop.summary?.history?.unlinked === before[0] + 1 && second.summary?.history?.unlinked === before[1] + 1);
    for (const repo of [shop, second]) {
      const commits = (await sections(a, repo)).find(s => s.label === 'Unlinked commits')!;
      const authors = await rows(a.unlinkedTree, commits.node);
      assert.ok(authors.some(r => r.label === 'Terminal User'), `${repo.name}: ${JSON.stringify(authors.map(r => r.label))}`);
    }
  });

  it('settings of one folder (history window, grouping) are picked up there and only there', async () => {
    const { a, shop, second } = await settled();
    const cfg = vscode.workspace.getConfiguration('outcomeLens', vscode.Uri.file(second.root));
    try {
      await cfg.update('history.windowDays', 7, vscode.ConfigurationTarget.WorkspaceFolder);
      // The fixture's commits are 22 to 30 days old; only the previous test's terminal commit is this week's.
      await until('the second repository re-read over 7 days', () => second.summary?.history?.windowDays === 7 && !second.summary.reading && second.summary.history.complete);
      assert.equal(second.summary!.history!.unlinked, 1);
      const commits = (await sections(a, second)).find(s => s.label === 'Unlinked commits')!;
      assert.equal(commits.description, '1 in 7 days');
      assert.deepEqual((await rows(a.unlinkedTree, commits.node)).map(r => r.label), ['Terminal User']);
      assert.equal(shop.summary!.history!.windowDays, 90, 'the other folder keeps its window');
      await cfg.update('unlinked.groupCommitsBy', 'week', vscode.ConfigurationTarget.WorkspaceFolder);
      await until('grouped by week', async () => {
        const c = (await sections(a, second)).find(s => s.label === 'Unlinked commits')!;
        return (await rows(a.unlinkedTree, c.node)).every(r => /^Week of \d{4}-\d{2}-\d{2}$/.test(r.label));
      });
      const shopCommits = (await sections(a, shop)).find(s => s.label === 'Unlinked commits')!;
      assert.ok((await rows(a.unlinkedTree, shopCommits.node)).some(r => r.label === 'Ada Lovelace'), 'the other folder is still grouped by author');
    } finally {
      await cfg.update('history.windowDays', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await cfg.update('unlinked.groupCommitsBy', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await until('back to 90 days', () => second.summary?.history?.windowDays === 90 && second.summary.history.complete && !second.summary.reading);
  });

  it('Toggle Line Annotation changes the value in effect: a folder\'s own value, not the user\'s', async () => {
    await repos();
    const uri = file('second', 'services/checkout/pay.ts');
    const cfg = () => vscode.workspace.getConfiguration('outcomeLens', uri);
    await cfg().update('currentLine.enabled', true, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await vscode.window.showTextDocument(uri);
      await vscode.commands.executeCommand('outcomeLens.toggleLineAnnotation');
      assert.equal(cfg().inspect('currentLine.enabled')?.workspaceFolderValue, false);
      assert.equal(cfg().get('currentLine.enabled'), false);
      assert.equal(cfg().inspect('currentLine.enabled')?.globalValue, undefined, 'the user\'s setting is left alone');
      assert.equal(vscode.workspace.getConfiguration('outcomeLens', file('shop', 'services/checkout/pay.ts')).get('currentLine.enabled'), true, 'the other folder is unaffected');
    } finally {
      await cfg().update('currentLine.enabled', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('commands act on the repository they were invoked on: Tag Commit, the commit box\'s completion, Export Report', async () => {
    await settled();
    const gitApi = (await vscode.extensions.getExtension<any>('vscode.git')!.activate()).getAPI(1);
    const scm = (name: string) => until(`the git repository ${name}`, () => gitApi.repositories.find((r: any) => r.rootUri.fsPath === folder(name)));
    const [shopScm, secondScm] = [await scm('shop'), await scm('second')];
    shopScm.inputBox.value = 'Shop work';
    secondScm.inputBox.value = 'Docs work';
    await vscode.commands.executeCommand('outcomeLens.tagCommit', { rootUri: secondScm.rootUri, ids: ['docs-quality'] });
    assert.equal(secondScm.inputBox.value, 'Docs work\n\nOutcome: docs-quality\n');
    assert.equal(shopScm.inputBox.value, 'Shop work', 'the other repository\'s box is untouched');
    // Completion offers the ids of the box's own repository.
    await vscode.commands.executeCommand('workbench.view.scm');
    const ids = async (box: any) => {
      box.inputBox.value = 'Work\n\nOutcome: ';
      const doc = await until(`the commit box document of ${box.rootUri.fsPath}`, () => vscode.workspace.textDocuments.find(d =>
        d.uri.scheme === 'vscode-scm' && new URLSearchParams(d.uri.query).get('rootUri') === box.rootUri.toString() && d.getText() === box.inputBox.value));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(2, 9));
      return list.items.filter(i => i.kind === vscode.CompletionItemKind.EnumMember).map(i => String(typeof i.label === 'string' ? i.label : i.label.label)).sort();
    };
    assert.deepEqual(await ids(secondScm), ['checkout-conversion', 'docs-quality', 'search-latency']);
    assert.deepEqual(await ids(shopScm), ['checkout-conversion', 'search-latency']);
    shopScm.inputBox.value = ''; secondScm.inputBox.value = '';
    // Export Report: the repository of the active editor.
    await vscode.window.showTextDocument(file('second', 'docs/guide.md'));
    const out = path.join(folder('second'), '..', 'second-report.json');
    assert.equal(await vscode.commands.executeCommand('outcomeLens.exportReport', { format: 'json', file: out }), out);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.ok(report.outcomes.some((o: { id: string }) => o.id === 'docs-quality'), JSON.stringify(report.outcomes.map((o: { id: string }) => o.id)));
  });

  it('the dashboard names the repository it shows and offers the others; a click on one shows it', async () => {
    const { a } = await settled();
    await vscode.window.showTextDocument(file('shop', 'services/checkout/pay.ts'));
    await vscode.commands.executeCommand('outcomeLens.openDashboard');
    const d = a.dashboard as unknown as { report?: { repository: string }; panel?: vscode.WebviewPanel; drawn?: { body: string }; onMessage(m: unknown): void };
    await until('the shop\'s dashboard', () => d.report?.repository === 'shop' && d.drawn);
    assert.equal(d.panel?.title, 'Outcome Dashboard · shop');
    const picker = /<span role="group" aria-label="Repository">(.*?)<\/span>/.exec(d.drawn!.body)?.[1] ?? '';
    const buttons = [...picker.matchAll(/data-value="([^"]*)" aria-pressed="(true|false)">([^<]*)</g)].map(m => [m[3], m[2], m[1]]);
    assert.deepEqual(buttons, [['shop', 'true', folder('shop')], ['second', 'false', folder('second')], ['slow', 'false', folder('slow')]]);
    // The page's click, as its script posts it; a root the workspace does not have changes nothing.
    d.onMessage({ type: 'set', key: 'repo', value: path.join(folder('shop'), '..') });
    d.onMessage({ type: 'set', key: 'repo', value: folder('second') });
    await until('the second\'s dashboard', () => d.report?.repository === 'second' && d.drawn?.body.includes('aria-pressed="true">second<'));
    assert.equal(d.panel?.title, 'Outcome Dashboard · second');
    assert.ok((d.drawn?.body ?? '').includes('Docs people finish reading'), 'the second repository\'s own outcome');
    d.panel?.dispose();
  });

  it('git hangs: the timeout stops it, the view says so and keeps the last good counts; the other folders carry on', async () => {
    const { a, shop, slow } = await settled();
    const counts = JSON.stringify(slow.summary!.history!.byOutcome);
    const cfg = vscode.workspace.getConfiguration('outcomeLens');
    const hang = path.join(folder('slow'), '.git/outcome-lens-hang');
    // (The runner's user settings have 10 s for this pass, so that the other faults end sooner than the default.)
    await cfg.update('git.timeout', 3, vscode.ConfigurationTarget.Workspace);
    try {
      fs.writeFileSync(hang, '');
      await vscode.commands.executeCommand('outcomeLens.refresh');
      await until('the timeout', () => slow.summary?.error?.kind === 'timeout' && !slow.summary.reading, 90_000);
      const top = await sections(a, slow);
      assert.match(top[0].label, /^git failed: git show-ref printed nothing for 3 s and was stopped \(timeout\)$/, JSON.stringify(top.map(r => r.label)));
      assert.deepEqual(top.slice(1).map(r => r.label), ['Show the log', 'Unlinked files', 'Unlinked commits', 'Invalid links']);
      assert.equal(JSON.stringify(slow.summary!.history!.byOutcome), counts, 'the last complete answer stays');
      assert.equal(shop.summary?.error, undefined);
    } finally {
      fs.rmSync(hang, { force: true });
      await cfg.update('git.timeout', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('outcomeLens.refresh');
      await until('recovered', () => !slow.summary?.error && !slow.summary?.reading && slow.summary?.history?.complete);
    }
  });

  it('.git removed while git is reading: named as no repository, never 0 commits; back when it returns', async () => {
    const { a, slow } = await settled();
    const dir = folder('slow');
    const hang = path.join(dir, '.git/outcome-lens-hang');
    fs.writeFileSync(hang, '');
    void vscode.commands.executeCommand('outcomeLens.refresh'); // hangs until the timeout; not awaited
    await until('a read running', () => slow.summary?.reading);
    fs.renameSync(path.join(dir, '.git'), path.join(dir, '.git-away'));
    fs.rmSync(path.join(dir, '.git-away/outcome-lens-hang'));
    try {
      await vscode.commands.executeCommand('outcomeLens.refresh');
      await until('no repository', async () => {
        const top = await rows(a.unlinkedTree);
        const slowRows = top.find(r => r.label === 'slow');
        const inner = slowRows ? await rows(a.unlinkedTree, slowRows.node) : [];
        return [...top, ...inner].some(r => /not a git repository/i.test(r.label));
      }, 90_000);
      const top = await rows(a.unlinkedTree);
      const slowRow = top.find(r => r.label === 'slow');
      const inner = slowRow ? await rows(a.unlinkedTree, slowRow.node) : [];
      assert.ok(!inner.some(r => /^0\b/.test(r.description) || r.description.startsWith('0 in')), `no zero count: ${JSON.stringify(inner)}`);
    } finally {
      fs.renameSync(path.join(dir, '.git-away'), path.join(dir, '.git'));
    }
    await vscode.commands.executeCommand('outcomeLens.refresh');
    const again = await until('the repository back', () => a.index.withOutcomes.find(r => r.root === dir && r.summary?.history?.complete && !r.summary.error && !r.summary.reading));
    assert.equal(again.summary!.history!.unlinked, 3);
  });

  it('outcomes.yaml deleted while git is reading: the folder says it has none; restored, it comes back', async () => {
    const { a, slow } = await settled();
    const dir = folder('slow');
    const yamlFile = path.join(dir, 'outcomes.yaml');
    const text = fs.readFileSync(yamlFile, 'utf8');
    const hang = path.join(dir, '.git/outcome-lens-hang');
    fs.writeFileSync(hang, '');
    try {
      void vscode.commands.executeCommand('outcomeLens.refresh'); // hangs until the timeout; not awaited
      await until('a read running', () => slow.summary?.reading);
      fs.rmSync(yamlFile);
      await until('the folder has no outcomes.yaml', () => !a.index.withOutcomes.some(r => r.root === dir));
      assert.ok(!(await rows(a.outcomesTree)).some(r => r.label === 'slow'), 'no outcomes shown for it');
    } finally {
      fs.rmSync(hang, { force: true });
      fs.writeFileSync(yamlFile, text);
    }
    const back = await until('outcomes.yaml read again', () => a.index.withOutcomes.find(r => r.root === dir));
    await vscode.commands.executeCommand('outcomeLens.refresh'); // after the stopped read, which said it timed out
    await until('its history again', () => back.summary?.history?.complete && !back.summary.reading && !back.summary.error && back.summary.history.unlinked === 3);
  });

  it('a branch switch while git is reading: the views end on the new branch\'s history', async () => {
    const { slow } = await settled();
    const dir = folder('slow');
    git('slow', 'checkout', '-q', '-b', 'other');
    fs.writeFileSync(path.join(dir, 'tools/other.sh'), 'echo other\n');
    git('slow', 'add', '-A');
    git('slow', 'commit', '-q', '--no-verify', '-m', 'Work on the other branch');
    git('slow', 'checkout', '-q', 'main');
    await until('main again', () => slow.summary?.history?.unlinked === 3 && !slow.summary.reading);
    const hang = path.join(dir, '.git/outcome-lens-hang');
    fs.writeFileSync(hang, '');
    try {
      void vscode.commands.executeCommand('outcomeLens.refresh'); // hangs until the timeout; not awaited
      await until('a read running', () => slow.summary?.reading);
      git('slow', 'checkout', '-q', 'other');
    } finally {
      fs.rmSync(hang, { force: true });
    }
    await until('the other branch\'s history', () => slow.summary?.history?.unlinked === 4 && slow.summary.history.complete && !slow.summary.reading && !slow.summary.error, 90_000);
    git('slow', 'checkout', '-q', 'main');
    await until('main again', () => slow.summary?.history?.unlinked === 3 && !slow.summary.reading);
  });

  it('typing fast in outcomes.yaml: every keystroke kept, no half-typed outcome ever adopted', async () => {
    const { a, second } = await settled();
    const doc = await vscode.workspace.openTextDocument(second.outcomesUri);
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const typed = '  - id: onboarding\n    title: Onboarding flow\n    areas:\n      - tools/\n';
    // Every map the views adopt, and when; every change of the document, and when (the product's listener gets the same).
    const adopted: { at: number; outcome: string }[] = [];
    const changedAt: number[] = [];
    const sub = a.index.onDidChange(() => { for (const o of second.map?.outcomes ?? []) adopted.push({ at: Date.now(), outcome: `${o.id}|${o.title}` }); });
    const typing = vscode.workspace.onDidChangeTextDocument(e => { if (e.document === doc && e.contentChanges.length) changedAt.push(Date.now()); });
    try {
      for (const ch of typed) {
        const end = doc.lineAt(doc.lineCount - 1).range.end;
        assert.ok(await editor.edit(e => e.insert(end, ch), { undoStopBefore: false, undoStopAfter: false }));
      }
      assert.equal(doc.getText(), original + typed, 'no keystroke lost');
      await until('the typed outcome adopted once the typing pauses', () => second.map?.outcomes.some(o => o.id === 'onboarding' && o.title === 'Onboarding flow'));
      await until('its history relinked', async () => (await second.history().commits({ kind: 'outcome', id: 'onboarding' }, 0, 10)).rows.length >= 1);
      // A half-typed outcome may be adopted only where the typing really paused for the settle time (1.5 s): on a loaded
      // machine one keystroke can take that long, and then the text is what the user left. Anywhere else it is a defect.
      const isHalf = (s: string) => (s.startsWith('onboarding|') && s !== 'onboarding|Onboarding flow') || (!s.startsWith('onboarding|') && /^o/.test(s));
      const half = adopted.filter(x => isHalf(x.outcome)).map(x => {
        const before = changedAt.filter(t => t <= x.at).pop() ?? 0;
        const after = changedAt.find(t => t > x.at) ?? Infinity;
        return { ...x, pause: after - before };
      }).filter(x => x.pause < 1400);
      assert.deepEqual(half, [], 'no map made of a half-typed outcome while the typing went on');
      assert.deepEqual(vscode.languages.getDiagnostics(second.outcomesUri).filter(d => d.severity === vscode.DiagnosticSeverity.Error), []);
    } finally {
      sub.dispose();
      typing.dispose();
      await editor.edit(e => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
      await doc.save();
    }
    await until('back to the file on disk', () => !second.map?.outcomes.some(o => o.id === 'onboarding'));
  });

  it('the log explains every error it has: no stack trace, no "undefined"', async () => {
    await repos();
    const logs = path.join(path.dirname(process.env.OUTCOME_LENS_RESULT!), 'ud', 'logs');
    const session = fs.readdirSync(logs).sort().reverse().map(s => path.join(logs, s, 'exthost1', 'outcome-lens.outcome-lens', 'Outcome Lens.log')).find(f => fs.existsSync(f))!;
    const text = fs.readFileSync(session, 'utf8');
    const errors = text.split('\n').filter(l => /\[error\]| failed \(/.test(l));
    assert.ok(errors.some(l => /failed \(timeout\): git show-ref printed nothing for 3 s/.test(l)), `the timeout is in the log:\n${errors.join('\n')}`);
    for (const l of errors) {
      assert.doesNotMatch(l, /\bat .+:\d+:\d+\)?$|undefined|\[object Object\]|TypeError|ReferenceError/, l);
    }
  });
});
