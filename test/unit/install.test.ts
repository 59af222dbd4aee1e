import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { REAL_GIT } from './helpers/faults';

const ROOT = path.resolve(__dirname, '../..');

/** A PATH of one folder that holds only node and git: a machine with nothing else installed. */
function nodeAndGitOnly(under: string): string {
  const dir = fs.mkdtempSync(path.join(under, 'path-'));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  fs.symlinkSync(REAL_GIT, path.join(dir, 'git'));
  return dir;
}

describe('the npm package: npm pack, then npm install -g into an empty prefix', function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-pack-'));
  let tarball = '';
  const prefix = path.join(tmp, 'prefix');
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  before(() => {
    // The real `npm pack`, prepack (the build) included.
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [info] = JSON.parse(out.slice(out.indexOf('[')));
    tarball = path.join(tmp, info.filename);
    fs.mkdirSync(prefix);
    // Offline with an empty cache: the install cannot download anything, so it works only if nothing is needed.
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--cache', path.join(tmp, 'cache'), '--no-audit', '--no-fund', tarball], { encoding: 'utf8', stdio: 'pipe' });
  });

  it('the tarball holds the bundled CLI and its docs, nothing else', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    assert.deepEqual(listing, ['package/CHANGELOG.md', 'package/LICENSE', 'package/README.md', 'package/dist/cli.js', 'package/package.json']);
  });

  it('installs without dependencies: no node_modules beside the CLI', () => {
    const pkg = path.join(prefix, 'lib', 'node_modules', 'outcome-lens');
    assert.ok(fs.existsSync(path.join(pkg, 'dist', 'cli.js')));
    assert.ok(!fs.existsSync(path.join(pkg, 'node_modules')), 'nothing was installed with it');
  });

  it('outcome-lens --help and a real command run from the prefix with only node and git on PATH', () => {
    const bin = path.join(prefix, 'bin', 'outcome-lens');
    const env = { ...process.env, PATH: nodeAndGitOnly(tmp) };
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8', env });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^outcome-lens: outcome-linked development/);
    assert.match(help.stdout, /outcome-lens hook +install\|uninstall/);
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n').write('src/x.ts').commit('Linked\n');
      repo.write('docs/y.md').commit('Unlinked\n');
      const r = spawnSync(bin, ['commits', '--unlinked', '--json', '--repo', repo.dir], { encoding: 'utf8', env });
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).map((c: { subject: string }) => c.subject), ['Unlinked']);
      const hook = spawnSync(bin, ['hook', 'install', '--repo', repo.dir], { encoding: 'utf8', env });
      assert.equal(hook.status, 0, hook.stderr);
      // The hook runs the installed copy by its real path, with this node.
      assert.ok(fs.readFileSync(path.join(repo.dir, '.git', 'hooks', 'prepare-commit-msg'), 'utf8')
        .includes(`'${process.execPath}' '${fs.realpathSync(path.join(prefix, 'lib', 'node_modules', 'outcome-lens', 'dist', 'cli.js'))}' hook run`));
    } finally {
      repo.rm();
    }
  });
});
