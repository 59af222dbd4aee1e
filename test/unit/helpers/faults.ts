import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A folder holding one executable script named `git`, to put first on PATH. */
export function gitShim(script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-shim-'));
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

/** The real git binary, for shims that wrap it. */
export const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/**
 * Makes git refuse `dir` as a repository owned by someone else ("detected dubious ownership"): as root the folder is
 * given to another uid, as CI containers do; otherwise git is run through a shim that makes it assume the same
 * (git's own test switch). Returns the PATH to run git with.
 */
export function makeUnsafe(dir: string): string {
  if (process.getuid?.() === 0) {
    execFileSync('chown', ['-R', '65534:65534', dir]);
    return process.env.PATH!;
  }
  return `${gitShim(`GIT_TEST_ASSUME_DIFFERENT_OWNER=1 exec ${REAL_GIT} "$@"`)}:${process.env.PATH}`;
}

/** A PATH with node on it but no git: a folder holding only a link to this node. */
export function pathWithoutGit(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-nogit-'));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

/** Removes one object file (a tree or commit) from a repository's loose objects. */
export function removeObject(repoDir: string, sha: string): void {
  fs.rmSync(path.join(repoDir, '.git', 'objects', sha.slice(0, 2), sha.slice(2)));
}
