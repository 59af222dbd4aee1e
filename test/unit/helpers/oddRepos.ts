import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './repo';

// Builders of odd and hostile repositories (issue 17), one function per kind, each made with real git and fixed dates
// so that every run makes the same commits. Each returns the folder to run in (`dir`), what a truthful answer
// contains (`expect…`), and `rm()`. They use nothing but Node and git, so that the extension's integration fixture
// can build the same repositories (`parent` puts them in a folder of its choosing).
// From another module: `const r = unbornRepo({ parent: dir })` builds under `dir` (default os.tmpdir()) and returns the
// repository's path as `r.dir`; `r.rm()` removes it. Every builder has that one optional argument, bloblessHistory(n, o)
// aside; none reads or changes the process's working folder or environment.

/** The outcomes.yaml most kinds use: `app` claims src/, `docs` docs/; lock files need no outcome. */
export const ODD_YAML = `version: 1
ignore: ["*.lock"]
outcomes:
  - id: app
    title: App
    areas: [src/]
  - id: docs
    title: Docs
    areas: [docs/]
`;

export interface OddRepo {
  /** Where the CLI is pointed (`--repo DIR`, or its working folder). */
  dir: string;
  /** Removes every folder the builder made. */
  rm(): void;
}

export interface BuildOptions {
  /** The folder to build in (default the system's temporary folder). */
  parent?: string;
}

/** One folder per repository kind, holding its repository and anything it needs besides (a clone's source). */
function scratch(kind: string, o: BuildOptions): { root: string; rm(): void } {
  const root = fs.mkdtempSync(path.join(o.parent ?? os.tmpdir(), `ol-odd-${kind}-`));
  return { root, rm: () => fs.rmSync(root, { recursive: true, force: true }) };
}

function repoIn(root: string, o: { init?: string[] } = {}): TempRepo {
  return new TempRepo('repo-', { parent: root, init: o.init });
}

/** git with the fixed identity and dates of a TempRepo, in any folder (a clone, a worktree). */
function gitIn(repo: TempRepo, cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: repo.env(), encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** A shell script that appends its name and arguments to `<root>/markers/<name>`: proof that git ran it. */
export function markerScript(root: string, name: string): string {
  const dir = path.join(root, 'markers');
  fs.mkdirSync(dir, { recursive: true });
  const script = path.join(root, `run-${name}.sh`);
  fs.writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${path.join(dir, name)}'\nexit 0\n`, { mode: 0o755 });
  return script;
}

/** The names of the marker scripts that ran (see markerScript). */
export function markersWritten(root: string): string[] {
  return fs.readdirSync(path.join(root, 'markers'), { withFileTypes: true }).filter(e => e.isFile()).map(e => e.name).sort();
}

/** No commit yet, two files staged: the one "no history" there is (DESIGN.md). */
export function unbornRepo(o: BuildOptions = {}): OddRepo & { expectFiles: string[] } {
  const s = scratch('unborn', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts');
  repo.git('add', '-A');
  return { dir: repo.dir, rm: s.rm, expectFiles: ['outcomes.yaml', 'src/a.ts'] };
}

/**
 * An orphan branch checked out, with commits on another branch: HEAD is unborn, the index still holds main's files
 * (as `git checkout --orphan` leaves it), and main's commits are not this branch's history.
 */
export function orphanRepo(o: BuildOptions = {}): OddRepo & { expectFiles: string[] } {
  const s = scratch('orphan', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Main work\n');
  repo.write('docs/guide.md').commit('Main docs\n');
  repo.git('checkout', '-q', '--orphan', 'fresh');
  return { dir: repo.dir, rm: s.rm, expectFiles: ['docs/guide.md', 'outcomes.yaml', 'src/a.ts'] };
}

/**
 * `git clone --depth 3` of five commits: the oldest commit there (the boundary) lists its whole tree, 1,000-line
 * files among it, as added. Only the two commits above it have true line counts: `app` 3 lines, `docs` 5.
 */
export function shallowClone(o: BuildOptions = {}): OddRepo & { expectSubjects: string[]; expectBoundary: string; expectLines: Record<string, number> } {
  const s = scratch('shallow', o);
  const src = repoIn(s.root);
  const many = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n';
  src.write('outcomes.yaml', ODD_YAML).write('src/big.ts', many(1000)).write('docs/big.md', many(1000)).commit('Big start\n');
  src.write('src/b.ts', many(400)).commit('More app\n');
  src.write('docs/c.md', many(1)).commit('Boundary\n');
  src.write('src/d.ts', many(3)).commit('App change\n');
  src.write('docs/e.md', many(5)).commit('Docs change\n');
  const dir = path.join(s.root, 'clone');
  gitIn(src, s.root, 'clone', '-q', '--depth', '3', `file://${src.dir}`, dir);
  const boundary = fs.readFileSync(path.join(dir, '.git', 'shallow'), 'utf8').trim();
  return { dir, rm: s.rm, expectSubjects: ['Docs change', 'App change', 'Boundary'], expectBoundary: boundary, expectLines: { app: 3, docs: 5 } };
}

/** HEAD detached at the commit before main's tip: history is what that commit reaches. */
export function detachedHead(o: BuildOptions = {}): OddRepo & { expectSubjects: string[] } {
  const s = scratch('detached', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n');
  repo.write('docs/x.md').commit('Docs\n');
  repo.write('src/later.ts').commit('Later, not reached\n');
  repo.git('checkout', '-q', '--detach', 'HEAD~1');
  return { dir: repo.dir, rm: s.rm, expectSubjects: ['Docs', 'Start'] };
}

/**
 * A linked worktree (`git worktree add`) on branch `feature`, whose outcomes.yaml adds outcome `web`; a note on a
 * main commit made from the main checkout. `main` is the main checkout, for adding notes later.
 */
export function linkedWorktree(o: BuildOptions = {}): OddRepo & { main: string; expectSubjects: string[]; noted: string; webCommit: string; git(...args: string[]): string } {
  const s = scratch('worktree', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n');
  const noted = repo.write('lib/old.ts').commit('Old work\n');
  repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: docs', noted);
  const dir = path.join(s.root, 'wt');
  repo.git('worktree', 'add', '-q', '-b', 'feature', dir);
  fs.writeFileSync(path.join(dir, 'outcomes.yaml'), `${ODD_YAML}  - id: web\n    title: Web\n    areas: [web/]\n`);
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'page.ts'), 'page\n');
  gitIn(repo, dir, 'add', '-A');
  gitIn(repo, dir, 'commit', '-q', '-m', 'Web page');
  const webCommit = gitIn(repo, dir, 'rev-parse', 'HEAD').trim();
  return { dir, main: repo.dir, rm: s.rm, expectSubjects: ['Web page', 'Old work', 'Start'], noted, webCommit, git: (...a) => repo.git(...a) };
}

/** outcomes.yaml with `dep` claiming the submodule's folder `vendor/dep/`. */
const SUBMODULE_YAML = `${ODD_YAML}  - id: dep
    title: Dependency
    areas: [vendor/dep/]
`;

/** A submodule at vendor/dep (a gitlink), added in one commit and moved to a newer commit of its own in the next. */
export function withSubmodule(o: BuildOptions = {}): OddRepo & { added: string; bumped: string } {
  const s = scratch('submodule', o);
  const dep = repoIn(s.root);
  dep.write('lib.c').commit('Dep one\n');
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', SUBMODULE_YAML).write('src/a.ts').commit('Start\n');
  repo.git('-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', `file://${dep.dir}`, 'vendor/dep');
  const added = repo.commit('Add the dependency\n');
  dep.write('lib.c', 'two\n').commit('Dep two\n');
  const sub = path.join(repo.dir, 'vendor', 'dep');
  gitIn(repo, sub, '-c', 'protocol.file.allow=always', 'pull', '-q', 'origin', 'main');
  const bumped = repo.commit('Bump the dependency\n');
  return { dir: repo.dir, rm: s.rm, added, bumped };
}

/** `git clone --bare`: a repository with no work tree. */
export function bareRepo(o: BuildOptions = {}): OddRepo {
  const s = scratch('bare', o);
  const src = repoIn(s.root);
  src.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n');
  const dir = path.join(s.root, 'bare.git');
  gitIn(src, s.root, 'clone', '-q', '--bare', src.dir, dir);
  return { dir, rm: s.rm };
}

/** The commits of a history with blobs that may go missing: only `docsOnly` needs docs/guide.md's blob. */
function blobHistory(repo: TempRepo): { docsOnly: string; subjects: string[] } {
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts', '1\n2\n').commit('Start\n');
  const docsOnly = repo.write('docs/guide.md', 'a\nb\nc\nd\n').commit('Write the guide\n');
  repo.write('src/b.ts', '1\n2\n3\n').commit('App work\n');
  repo.write('src/c.ts', '1\n').commit('More app work\n');
  return { docsOnly, subjects: ['More app work', 'App work', 'Write the guide', 'Start'] };
}

/**
 * A blobless partial clone (`--filter=blob:none --no-checkout`, then a sparse checkout of src/): docs/guide.md's
 * blob was never fetched. Its promisor remote is reachable and its `remote.origin.uploadpack` is a marker script: a
 * read that fetched the blob would run it. `root` holds the markers.
 */
export function partialClone(o: BuildOptions = {}): OddRepo & { root: string; expectUnknown: string[]; expectSubjects: string[]; expectLines: Record<string, number> } {
  const s = scratch('partial', o);
  const src = repoIn(s.root);
  src.git('config', 'uploadpack.allowFilter', 'true');
  src.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  const h = blobHistory(src);
  const dir = path.join(s.root, 'clone');
  gitIn(src, s.root, 'clone', '-q', '--filter=blob:none', '--no-checkout', `file://${src.dir}`, dir);
  gitIn(src, dir, 'sparse-checkout', 'set', 'src');
  gitIn(src, dir, 'checkout', '-q', 'main');
  gitIn(src, dir, 'config', 'remote.origin.uploadpack', markerScript(s.root, 'uploadpack'));
  return { dir, root: s.root, rm: s.rm, expectUnknown: [h.docsOnly], expectSubjects: h.subjects, expectLines: { app: 2 + 3 + 1 } };
}

/**
 * A blobless clone of `n` commits made with fast-import, each adding one one-line file: the odd ones under docs/
 * (outside the sparse checkout, so their blobs were never fetched), the even ones under src/. The first adds
 * outcomes.yaml as well.
 */
export function bloblessHistory(n: number, o: BuildOptions = {}): OddRepo & { expectUnknown: string[]; expectAppLines: number } {
  const s = scratch('blobless', o);
  const src = repoIn(s.root);
  src.git('config', 'uploadpack.allowFilter', 'true');
  src.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  let stream = '';
  for (let i = 0; i < n; i++) {
    const msg = `change ${i}\n`;
    const file = i % 2 ? `docs/d${i}.md` : `src/f${i}.ts`;
    stream += `commit refs/heads/main\nmark :${i + 1}\nauthor Dev <d@example.com> ${1704067200 + i * 60} +0000\ncommitter Dev <d@example.com> ${1704067200 + i * 60} +0000\n`;
    stream += `data ${msg.length}\n${msg}${i ? `from :${i}\n` : `M 644 inline outcomes.yaml\ndata ${Buffer.byteLength(ODD_YAML)}\n${ODD_YAML}`}M 644 inline ${file}\ndata ${String(i).length + 1}\n${i}\n\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: src.dir, input: stream });
  src.git('reset', '-q', '--hard', 'main');
  const shas = src.git('rev-list', '--reverse', 'HEAD').trim().split('\n');
  const dir = path.join(s.root, 'clone');
  gitIn(src, s.root, 'clone', '-q', '--filter=blob:none', '--no-checkout', `file://${src.dir}`, dir);
  gitIn(src, dir, 'sparse-checkout', 'set', 'src');
  gitIn(src, dir, 'checkout', '-q', 'main');
  return { dir, rm: s.rm, expectUnknown: shas.filter((_, i) => i % 2).sort(), expectAppLines: Math.ceil(n / 2) };
}

/**
 * A treeless partial clone (`--filter=tree:0`): the trees of every commit but HEAD's were never fetched, so no history
 * can be read (only git fetching them would tell what the commits changed). `root` holds the markers.
 */
export function treelessClone(o: BuildOptions = {}): OddRepo & { root: string; expectFiles: string[] } {
  const s = scratch('treeless', o);
  const src = repoIn(s.root);
  src.git('config', 'uploadpack.allowFilter', 'true');
  src.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  blobHistory(src);
  const dir = path.join(s.root, 'clone');
  gitIn(src, s.root, 'clone', '-q', '--filter=tree:0', `file://${src.dir}`, dir);
  gitIn(src, dir, 'config', 'remote.origin.uploadpack', markerScript(s.root, 'uploadpack'));
  return { dir, root: s.root, rm: s.rm, expectFiles: ['docs/guide.md', 'outcomes.yaml', 'src/a.ts', 'src/b.ts', 'src/c.ts'] };
}

/** A full repository whose one blob (docs/guide.md's) was deleted from its loose objects, as a mirror without it. */
export function missingBlob(o: BuildOptions = {}): OddRepo & { expectUnknown: string[]; expectSubjects: string[]; expectLines: Record<string, number> } {
  const s = scratch('missing-blob', o);
  const repo = repoIn(s.root);
  const h = blobHistory(repo);
  const blob = repo.git('rev-parse', `${h.docsOnly}:docs/guide.md`).trim();
  fs.rmSync(path.join(repo.dir, 'docs', 'guide.md'));
  repo.git('rm', '-q', '--cached', 'docs/guide.md');
  repo.commit('Drop the guide from the checkout\n');
  fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
  return { dir: repo.dir, rm: s.rm, expectUnknown: [repo.git('rev-parse', 'HEAD').trim(), h.docsOnly].sort(), expectSubjects: ['Drop the guide from the checkout', ...h.subjects], expectLines: { app: 2 + 3 + 1 } };
}

/** `git init --object-format=sha256`: a trailer link, an area link and a note link, with 64-hex ids. */
export function sha256Repo(o: BuildOptions = {}): OddRepo & { noted: string } {
  const s = scratch('sha256', o);
  const repo = repoIn(s.root, { init: ['--object-format=sha256'] });
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n');
  const noted = repo.write('lib/x.ts').commit('Old work\n');
  repo.write('lib/y.ts').commit('Tagged\n\nOutcome: docs\n');
  repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: app', noted);
  return { dir: repo.dir, rm: s.rm, noted };
}

/**
 * A commit whose message and author name are ISO-8859-1 bytes, with the `encoding ISO-8859-1` header that
 * `i18n.commitEncoding` writes.
 */
export function latin1Repo(o: BuildOptions = {}): OddRepo & { expectSubject: string; expectAuthor: string; sha: string } {
  const s = scratch('latin1', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n');
  const author = 'José Müller';
  const subject = 'Café crème: naïve façade';
  // A later [user] section wins: its name is written as Latin-1 bytes, as an ISO-8859-1 system would keep it.
  fs.appendFileSync(path.join(repo.dir, '.git', 'config'), Buffer.concat([Buffer.from('[user]\n\tname = '), Buffer.from(author, 'latin1'), Buffer.from('\n')]));
  const msg = path.join(s.root, 'message.txt');
  fs.writeFileSync(msg, Buffer.from(`${subject}\n\nÀ bientôt.\n`, 'latin1'));
  repo.write('src/b.ts');
  repo.git('add', '-A');
  repo.git('-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '-q', '-F', msg);
  return { dir: repo.dir, rm: s.rm, expectSubject: subject, expectAuthor: author, sha: repo.git('rev-parse', 'HEAD').trim() };
}

/**
 * An octopus merge of three branches (src/, docs/ and web/ work) into main, which moved on meanwhile: judged by its
 * first-parent diff, the three branches' files.
 */
export function octopusMerge(o: BuildOptions = {}): OddRepo & { merge: string; expectFiles: string[] } {
  const s = scratch('octopus', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('README.md').commit('Start\n');
  for (const [branch, file] of [['b1', 'src/one.ts'], ['b2', 'docs/two.md'], ['b3', 'web/three.ts']]) {
    repo.git('checkout', '-q', '-b', branch, 'main');
    repo.write(file).commit(`Work on ${branch}\n`);
  }
  repo.git('checkout', '-q', 'main');
  repo.write('notes.txt').commit('Main moves on\n');
  execFileSync('git', ['merge', '-q', '--no-ff', '-m', 'Octopus', 'b1', 'b2', 'b3'], { cwd: repo.dir, env: repo.env() });
  return { dir: repo.dir, rm: s.rm, merge: repo.git('rev-parse', 'HEAD').trim(), expectFiles: ['docs/two.md', 'src/one.ts', 'web/three.ts'] };
}

/**
 * One commit adding 50,000 one-line files (30,000 under src/, 20,000 under lib/), made with plumbing (one blob, one
 * index, one tree) in a second or two. The files are in the index, not written out.
 */
export function fiftyThousandFiles(o: BuildOptions = {}): OddRepo & { expectTracked: number; expectSrc: number; big: string } {
  const s = scratch('50k', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).commit('Start\n');
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: 'x\n', encoding: 'utf8' }).trim();
  const entries: string[] = [];
  for (let i = 0; i < 50_000; i++) entries.push(`100644 ${blob}\t${i < 30_000 ? 'src' : 'lib'}/d${i % 100}/f${i}.ts\0`);
  execFileSync('git', ['update-index', '--add', '-z', '--index-info'], { cwd: repo.dir, input: entries.join('') });
  const tree = repo.git('write-tree').trim();
  const big = execFileSync('git', ['commit-tree', tree, '-p', 'HEAD', '-m', 'Add 50,000 files'], { cwd: repo.dir, env: repo.env(), encoding: 'utf8' }).trim();
  repo.git('update-ref', 'refs/heads/main', big);
  return { dir: repo.dir, rm: s.rm, expectTracked: 50_001, expectSrc: 30_000, big };
}

/**
 * A path that would forge a commit if git's output were framed by byte 0x1E (the ASCII record separator): after
 * two of them come a 40-hex "sha" and a whole record's fields. Framed by NUL it is one file name.
 */
export const FORGED_SHA = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';
export const FORGING_PATH = `src/forge\x1e\x1e${FORGED_SHA}\x1e\x1eMallory\x1emallory@example.com\x1e2024-01-01T00:00:00+00:00\x1e2024-01-01T00:00:00+00:00\x1eForged\x1e\x1eForged\x1e.ts`;

/** File names that quoting, option parsing, record framing and Unicode normalisation could each get wrong. */
export const ODD_PATHS = [
  'src/with space.ts', 'src/"quoted".ts', "src/it's.ts", 'src/new\nline.ts', 'src/tab\there.ts', 'src/back\\slash.ts',
  'src/-rf', 'src/--help', '-rf', '--help', '\nfirst.ts', ':colon.ts', 'src/caf\u00e9.ts', 'src/cafe\u0301.ts', 'src/rec\x1esep.ts', 'src/unit\x1fsep.ts',
  'src/ctl\x01\x7f.ts', 'src/\u001b[31mred.ts', FORGING_PATH,
];

/**
 * Every ODD_PATHS file, added by a commit whose message itself holds 0x1E and 0x1F bytes and a fake record, then the
 * forging path changed alone. `nfc` claims only the NFC spelling of café, `dash` the top-level `-rf` and `--help`.
 */
export function oddPathsRepo(o: BuildOptions = {}): OddRepo & { expectSubjects: string[]; yaml: string } {
  const s = scratch('paths', o);
  const repo = repoIn(s.root);
  const yaml = `${ODD_YAML}  - id: nfc\n    title: NFC\n    areas: ["src/caf\\u00e9.ts"]\n  - id: dash\n    title: Dash\n    areas: ["/-rf", "/--help"]\n`;
  repo.write('outcomes.yaml', yaml).commit('Start\n');
  for (const p of ODD_PATHS) repo.write(p, `${JSON.stringify(p)}\n`);
  const subject = `Odd names \x1e\x1f${FORGED_SHA}\x1e`;
  repo.commit(`${subject}\n\n\x1e\x1e${FORGED_SHA}\x1eMallory\x1e\n`);
  repo.write(FORGING_PATH, 'changed\n').commit('Change the forging path alone\n');
  return { dir: repo.dir, rm: s.rm, expectSubjects: ['Change the forging path alone', subject, 'Start'], yaml };
}

/** outcomes.yaml of the hostile-config kind: `web` as well, and the gitlink's folder. */
const HOSTILE_YAML = `${SUBMODULE_YAML}  - id: web
    title: Web
    areas: [web/]
`;

/**
 * The history both config kinds share: files under two areas in one commit (their order in git's output decides the
 * order of links), a commit with a (fake) PGP signature, a gitlink, notes under refs/notes/outcomes and
 * refs/notes/commits, and .gitattributes that give every file a diff and a filter driver.
 */
function configHistory(repo: TempRepo): { head: string } {
  repo.write('outcomes.yaml', HOSTILE_YAML).write('.gitattributes', '*.ts diff=evil filter=evil\n*.md diff=evil filter=evilproc\n*.txt diff=evil\n');
  // git's default diff (myers) counts 8 changed lines in src/lines.txt, histogram 18.
  repo.write('src/a.ts', 'one\ntwo\n').write('web/b.ts', 'b\n').write('docs/c.md', 'c\n').write('src/lines.txt', 'a\nc\nb\nc\nb\na\nc\nc\nb\nb\n').commit('Start\n');
  repo.write('src/a.ts', 'one\ntwo\nthree\n').write('web/b.ts', 'b\nb\n').write('src/lines.txt', 'b\nc\nc\nc\nb\nb\nb\nb\nc\na\n').commit('Both areas\n');
  const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
  const parent = repo.git('rev-parse', 'HEAD').trim();
  const signed = `tree ${tree}\nparent ${parent}\nauthor Test Author <test@example.com> 1704153600 +0000\ncommitter Test Author <test@example.com> 1704153600 +0000\n` +
    'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEfakefakefakefakefakefakefake\n =abcd\n -----END PGP SIGNATURE-----\n\nSigned work\n';
  const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: repo.dir, input: signed, encoding: 'utf8' }).trim();
  repo.git('update-ref', 'HEAD', sha);
  repo.git('update-index', '--add', '--cacheinfo', `160000,${parent},vendor/dep`);
  repo.write('docs/d.md', 'd\n');
  repo.git('add', 'docs/d.md');
  execFileSync('git', ['commit', '-q', '-m', 'Add a gitlink'], { cwd: repo.dir, env: repo.env('2024-01-02T01:00:00Z') });
  repo.git('notes', '--ref=outcomes', 'add', '-m', 'Outcome: docs', sha);
  repo.git('notes', 'add', '-m', 'Outcome: web', 'HEAD');
  return { head: repo.git('rev-parse', 'HEAD').trim() };
}

/** The clean twin of hostileConfig: the same commits (same ids), no configuration beyond an identity. */
export function cleanConfig(o: BuildOptions = {}): OddRepo & { head: string } {
  const s = scratch('clean', o);
  const repo = repoIn(s.root);
  return { dir: repo.dir, rm: s.rm, ...configHistory(repo) };
}

/**
 * The same commits as cleanConfig, in a repository whose config would run a marker script through every hook git
 * offers a read (diff drivers, filters, fsmonitor, pager, alias, gpg) and would change git's output every way it can
 * (colour, decoration, format, renames, order, submodules, notes, encoding, quoting). `root` holds the markers.
 */
export function hostileConfig(o: BuildOptions = {}): OddRepo & { root: string; head: string } {
  const s = scratch('hostile', o);
  const repo = repoIn(s.root);
  const h = configHistory(repo);
  const mark = (n: string) => markerScript(s.root, n);
  const order = path.join(s.root, 'order.txt');
  fs.writeFileSync(order, 'web/*\ndocs/*\nsrc/*\n');
  const config: [string, string][] = [
    ['diff.evil.textconv', mark('textconv')], ['diff.evil.command', mark('diff-command')], ['diff.external', mark('diff-external')],
    ['filter.evil.clean', mark('filter-clean')], ['filter.evil.smudge', mark('filter-smudge')], ['filter.evil.required', 'true'],
    ['filter.evilproc.process', mark('filter-process')],
    ['core.fsmonitor', mark('fsmonitor')], ['core.pager', mark('pager')], ['pager.log', mark('pager-log')], ['alias.log', `!${mark('alias')}`],
    ['gpg.program', mark('gpg')], ['log.showSignature', 'true'], ['log.decorate', 'full'], ['color.ui', 'always'], ['color.diff', 'always'],
    ['diff.renames', 'copies'], ['log.follow', 'true'], ['format.pretty', 'format:%h %s %d'], ['diff.orderFile', order],
    ['diff.ignoreSubmodules', 'all'], ['notes.displayRef', 'refs/notes/*'], ['core.notesRef', 'refs/notes/commits'],
    ['i18n.logOutputEncoding', 'ISO-8859-1'], ['core.quotePath', 'true'], ['diff.relative', 'true'], ['log.showRoot', 'false'],
    ['diff.noprefix', 'true'], ['core.abbrev', '4'], ['log.abbrevCommit', 'true'], ['log.date', 'relative'], ['diff.algorithm', 'histogram'],
  ];
  for (const [k, v] of config) repo.git('config', k, v);
  return { dir: repo.dir, root: s.root, rm: s.rm, ...h };
}

/** Commits by two authors that .mailmap, mailmap.file and `git replace` can each make git print differently. */
export function rewritableNames(o: BuildOptions = {}): OddRepo & { git(...args: string[]): string; write(file: string, text: string): void; second: string } {
  const s = scratch('mailmap', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts').commit('Start\n', { author: 'Dev One <one@example.com>' });
  const second = repo.write('docs/x.md').commit('Second\n', { author: 'Dev Two <two@example.com>' });
  repo.write('src/b.ts').commit('Third\n', { author: 'Dev One <one@example.com>' });
  return { dir: repo.dir, rm: s.rm, second, git: (...a) => repo.git(...a), write: (f, t) => { repo.write(f, t); } };
}

/**
 * A merge stopped on conflicts: src/a.ts changed on both sides (stages 1, 2, 3), docs/b.md deleted on one side and
 * changed on the other (stages 1 and 3), src/new.ts added on both (stages 2 and 3).
 */
export function mergeConflict(o: BuildOptions = {}): OddRepo & { expectFiles: string[] } {
  const s = scratch('conflict', o);
  const repo = repoIn(s.root);
  repo.write('outcomes.yaml', ODD_YAML).write('src/a.ts', 'base\n').write('docs/b.md', 'base\n').commit('Start\n');
  repo.git('checkout', '-q', '-b', 'side');
  repo.write('src/a.ts', 'side\n').write('docs/b.md', 'side\n').write('src/new.ts', 'side\n').commit('Side\n');
  repo.git('checkout', '-q', 'main');
  repo.git('rm', '-q', 'docs/b.md');
  repo.write('src/a.ts', 'main\n').write('src/new.ts', 'main\n').commit('Main\n');
  try {
    execFileSync('git', ['merge', '-q', 'side'], { cwd: repo.dir, env: repo.env(), stdio: 'pipe' });
  } catch {
    // exit 1: the conflicts this kind is for
  }
  return { dir: repo.dir, rm: s.rm, expectFiles: ['docs/b.md', 'outcomes.yaml', 'src/a.ts', 'src/new.ts'] };
}
