import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A real, throw-away git repository with fixed identities and dates, so every run makes the same commits. */
export class TempRepo {
  readonly dir: string;
  private tick = 0;

  /** `parent`: the folder to make it in (default the system's temporary folder); `init`: more `git init` arguments. */
  constructor(prefix = 'ol-repo-', o: { parent?: string; init?: string[] } = {}) {
    this.dir = fs.mkdtempSync(path.join(o.parent ?? os.tmpdir(), prefix));
    this.git('init', '-q', '-b', 'main', ...(o.init ?? []));
    this.git('config', 'user.name', 'Test Author');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env(), encoding: 'utf8', maxBuffer: 1 << 28 });
  }

  /** Fixed dates: each commit one hour after the previous one, from 2024-01-01T00:00:00Z (or the given date). */
  env(date?: string): NodeJS.ProcessEnv {
    const d = date ?? new Date(Date.UTC(2024, 0, 1) + this.tick * 3600_000).toISOString();
    return { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1' };
  }

  write(file: string, content = `${file}\n`): this {
    const p = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return this;
  }

  /** Stages everything and commits with the message exactly as given (no cleanup), returning the sha. */
  commit(message: string, opts: { date?: string; author?: string; allowEmpty?: boolean } = {}): string {
    this.git('add', '-A');
    const args = ['commit', '-q', '--cleanup=verbatim', '--no-verify', '-F', '-'];
    if (opts.allowEmpty) args.push('--allow-empty', '--allow-empty-message');
    if (opts.author) args.push(`--author=${opts.author}`);
    execFileSync('git', args, { cwd: this.dir, env: this.env(opts.date), input: message });
    this.tick++;
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Makes a commit object with exactly this message on top of HEAD's tree (CRLF and all), and moves HEAD to it. */
  commitRaw(message: string): string {
    const tree = this.git('rev-parse', 'HEAD^{tree}').trim();
    const parent = this.git('rev-parse', 'HEAD').trim();
    const sha = execFileSync('git', ['commit-tree', tree, '-p', parent], { cwd: this.dir, env: this.env(), input: message, encoding: 'utf8' }).trim();
    this.git('update-ref', 'HEAD', sha);
    this.tick++;
    return sha;
  }

  /**
   * Makes a commit on top of HEAD's tree that carries an OpenPGP signature header (which no key verifies), and moves
   * HEAD to it: what makes `log.showSignature` run gpg.program.
   */
  commitSigned(message: string): string {
    const tree = this.git('rev-parse', 'HEAD^{tree}').trim();
    const parent = this.git('rev-parse', 'HEAD').trim();
    const when = `${Math.floor(Date.UTC(2024, 0, 1) / 1000) + this.tick * 3600} +0000`;
    const object = `tree ${tree}\nparent ${parent}\nauthor Test Author <test@example.com> ${when}\ncommitter Test Author <test@example.com> ${when}\n`
      + 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n'
      + `\n${message}`;
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: this.dir, env: this.env(), input: object, encoding: 'utf8' }).trim();
    this.git('update-ref', 'HEAD', sha);
    this.tick++;
    return sha;
  }

  rm(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Two outcomes with one folder each: the map most CLI tests start from. */
export const TWO_OUTCOMES_YAML = `version: 1
outcomes:
  - id: checkout
    title: Checkout
    areas: [src/checkout/]
  - id: search
    title: Search
    areas: [src/search/]
`;
