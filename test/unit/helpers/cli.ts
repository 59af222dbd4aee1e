import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The bundled CLI, as `npm run build` writes it and the package installs it. */
export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `outcome-lens ARGS` as a process (in `cwd` when given) and waits for it to exit. */
export function cli(args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...o.env }, cwd: o.cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same as `cli`, without blocking the test's thread: several commands can run at once. */
export function cliAsync(args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise(resolve => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...o.env }, cwd: o.cwd, timeout: 120_000, maxBuffer: 1 << 28 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}
