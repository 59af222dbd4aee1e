// The history cache's alternatives measured side by side (docs/cache-format.md), interleaved with git itself: per run,
// `git log --name-only` with the facts we read, then for each CLI build its cold, warm, gate and one-new-commit runs.
// usage: node scripts/cache-bench.mjs REPO RUNS name=path/to/cli.js[,name=path...]
//   e.g. node scripts/cache-bench.mjs .bench/synth-c100000-f50000 3 old=/tmp/cli-main.js,new=dist/cli.js
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const [repo, runsArg, altsArg] = process.argv.slice(2);
const RUNS = Number(runsArg || 3);
const alts = (altsArg || 'new=dist/cli.js').split(',').map(a => a.split('='));
const FACTS = ['--diff-merges=first-parent', '--no-renames', '--format=%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%s%x00%(trailers:only,unfold)%x00%B'];
function time(cmd, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const fromGit = /commits \((\d+) read from git\)/.exec(r.stderr)?.[1];
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr.slice(-2000));
  return { ms, rss: Math.round(rss), fromGit };
}
const tip = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const tree = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD^{tree}'], { encoding: 'utf8' }).trim();
const next = execFileSync('git', ['-C', repo, 'commit-tree', tree, '-p', tip, '-m', 'bench: one new commit'], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2036-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2036-01-01T00:00:00Z' } }).trim();
const res = {};
const put = (k, v) => { (res[k] ??= []).push(v); };
for (let i = 0; i < RUNS; i++) {
  put('git log --name-only', time('git', ['-C', repo, 'log', '--name-only', '-z', ...FACTS]));
  for (const [alt, cli] of alts) {
    const dir = path.join(os.tmpdir(), `ol-cache-bench-${alt}`);
    const env = { OUTCOME_LENS_CACHE_DIR: dir, OUTCOME_LENS_TRACE: '1' };
    fs.rmSync(dir, { recursive: true, force: true });
    put(`${alt} cold commits --json`, time('node', [cli, 'commits', '--json', '--repo', repo], env));
    put(`${alt} --no-cache commits --json`, time('node', [cli, 'commits', '--json', '--no-cache', '--repo', repo], env));
    put(`${alt} warm commits --json`, time('node', [cli, 'commits', '--json', '--repo', repo], env));
    put(`${alt} warm check`, time('node', [cli, 'check', '--repo', repo], env));
    put(`${alt} gate HEAD~50..HEAD --unlinked (warm)`, time('node', [cli, 'commits', '--range', 'HEAD~50..HEAD', '--unlinked', '--repo', repo], env));
    const file = fs.readdirSync(dir).find(f => f.endsWith('.jsonl'));
    put(`${alt} cache file MB`, { ms: fs.statSync(path.join(dir, file)).size / 1e6 });
    put(`${alt} one new commit (warm)`, time('node', [cli, 'commits', '--json', '--range', next, '--repo', repo], env));
  }
  put('node start', time('node', ['-e', '0']));
  put('git log HEAD~50..HEAD', time('git', ['-C', repo, 'log', '--raw', '-z', ...FACTS, 'HEAD~50..HEAD']));
}
const med = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = med(res['git log --name-only'].map(x => x.ms));
for (const [k, v] of Object.entries(res)) {
  const ms = med(v.map(x => x.ms));
  console.log(`${k.padEnd(48)} ${ms.toFixed(k.includes('MB') ? 1 : 0).padStart(8)}  ${(ms / base).toFixed(3)}x git log  rss max ${Math.max(...v.map(x => x.rss ?? 0))} MB  fromGit ${v.map(x => x.fromGit).join('/')}  all ${v.map(x => x.ms.toFixed(0)).join(' ')}`);
}
