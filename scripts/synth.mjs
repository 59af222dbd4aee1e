// Builds (once, cached under .bench/) a synthetic repository with ../shared/tools/synth-repo.mjs.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOOL = process.env.SYNTH_REPO_TOOL || resolve(ROOT, '../shared/tools/synth-repo.mjs');

export function synthRepo(commits, files) {
  const dir = join(ROOT, '.bench', `synth-c${commits}-f${files}`);
  if (existsSync(join(dir, '.git'))) return dir;
  if (!existsSync(TOOL)) throw new Error(`synth-repo.mjs not found at ${TOOL} (set SYNTH_REPO_TOOL)`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  console.error(`building ${commits}-commit synthetic repository (once) ...`);
  execFileSync('node', [TOOL, '--out', tmp, '--commits', String(commits), '--files', String(files)], { stdio: 'inherit' });
  renameSync(tmp, dir);
  return dir;
}
