// npm run bench: Outcome Lens against git itself, in the same run (this machine is noisy: compare ratios, not
// absolute times). Builds the synthetic repositories once (../shared/tools/synth-repo.mjs, cached in .bench/),
// runs each scenario and its git baseline alternately RUNS times, and prints medians and ratios.
// The last rows come from the extension itself in a real extension host (scripts/bench-host.mjs): absolute
// times there, since the views have no git command to compare with.
// A real repository is measured the same way with --repo DIR: its outcomes.yaml is used, or --outcomes FILE is
// copied into its work tree first (scripts/bench-real/ has one for github.com/Homebrew/brew).
// The real histories git/git and Homebrew/brew are measured after the synthetic ones: the clones named in
// $OUTCOME_LENS_BENCH_REAL (folders separated by ':'), else clones made once into .bench/ from the mirrors in
// $OUTCOME_LENS_BENCH_MIRRORS (default /work/.mirror, as <owner>+<name>/repo); skipped, with a line saying so, when
// neither is there. --only takes 20000, 100000, git or brew; --no-real leaves the real histories out.
// usage: node scripts/bench.mjs [--runs 3] [--only 20000|100000|git|brew] [--no-host] [--no-real] [--repo DIR [--outcomes FILE] [--host]]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, synthRepo } from './synth.mjs';
import { hostRows, measureHost, printRow } from './bench-host.mjs';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const RUNS = Number(arg('--runs', 3));
const only = arg('--only');
const scenarios = arg('--scenarios'); // e.g. "dashboard": only the dashboard rows
const CLI = path.join(ROOT, 'dist/cli.js');
// The same facts we read: a merge commit is judged by its first-parent diff (DESIGN.md), so git lists its files too
// (a plain `git log --name-only` lists none for merges), and with exact renames only, as we ask git.
const FACTS = ['--diff-merges=first-parent', '--find-renames=100%', '--format=%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%s%x00%(trailers:only,unfold)%x00%B'];
// The yardstick for the history (issue 24): the same facts, NUL-separated as we ask for them.
const GIT_LOG = ['log', '--name-only', '-z', ...FACTS];
// Changed lines as a report counts them: every commit's --numstat against its first parent.
const GIT_NUMSTAT = ['log', '--numstat', '-z', '--no-renames', '--diff-merges=first-parent', '--format=%H'];
// The CI gate of the README: the last 50 commits' unlinked ones.
const GATE = ['commits', '--range', 'HEAD~50..HEAD', '--unlinked'];
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-cache-'));
const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-empty-'));
/** Peak memory of any CLI run, per repository (the bound: 150 MB at 100k commits). */
let peakMb = 0;
const PEAK_MB = 150;

/**
 * Wall time of one command, output discarded (to a file, as a user's redirect would). For ours, the CLI's trace
 * (OUTCOME_LENS_TRACE) says how many commits git read, and the process's own peak RSS is read from outside, from
 * /proc (VmHWM, looked at every 20 ms while it runs: git's processes are not counted).
 */
async function time(cmd, args, env = {}) {
  const out = fs.openSync('/dev/null', 'w');
  const ours = cmd === 'node';
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: ['ignore', out, 'pipe'], env: { ...process.env, OUTCOME_LENS_CACHE_DIR: cacheDir, ...(ours ? { OUTCOME_LENS_TRACE: '1' } : {}), ...env } });
  let stderr = '';
  let peakKb = 0;
  child.stderr.on('data', b => { stderr += b; });
  const poll = setInterval(() => {
    try { peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0)); } catch { /* exited */ }
  }, 20);
  const status = await new Promise(r => child.on('close', r));
  clearInterval(poll);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(out);
  if (status !== 0 && status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr}`);
  const read = /commits \((\d+) read from git\)/.exec(stderr);
  if (ours && peakKb) peakMb = Math.max(peakMb, Math.round(peakKb / 1024));
  return { ms, fromGit: read ? Number(read[1]) : undefined, rssMb: ours && peakKb ? Math.round(peakKb / 1024) : undefined };
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const row = (repo, scenario, ours, base, baseName, target, extra = '') => {
  const ratio = ours / base;
  rows.push({ repo, scenario, ours, base, baseName, ratio, target, ok: ratio <= target, extra });
  console.error(`  ${scenario}: ${ours.toFixed(0)} ms vs ${baseName} ${base.toFixed(0)} ms = ${ratio.toFixed(2)}x (target <= ${target}x) ${extra}`);
};

const realRepo = arg('--repo');
const skipped = [];
const targets = realRepo ? [realTarget(path.resolve(realRepo), arg('--outcomes'))]
  : [...[[20000, 5000], [100000, 50000]].filter(([c]) => !only || String(c) === only)
    .map(([commits, files]) => ({ repo: synthRepo(commits, files), name: `${commits / 1000}k commits, ${files / 1000}k files`, commits })),
  ...(process.argv.includes('--no-real') ? [] : realHistories())];

/**
 * git/git and Homebrew/brew: a clone named in $OUTCOME_LENS_BENCH_REAL, else one made once into .bench/ from a
 * local mirror; each left out with a line saying so when there is neither. git/git gets `init --from folders`,
 * brew the outcomes.yaml in scripts/bench-real/.
 */
function realHistories() {
  const given = (process.env.OUTCOME_LENS_BENCH_REAL ?? '').split(':').filter(Boolean).map(d => path.resolve(d));
  const mirrors = process.env.OUTCOME_LENS_BENCH_MIRRORS || '/work/.mirror';
  const out = [];
  for (const h of [{ key: 'git', slug: 'git+git', re: /(^|\/)git(\.git)?$/ }, { key: 'brew', slug: 'Homebrew+brew', re: /brew(\.git)?$/ }]) {
    if (only && only !== h.key) continue;
    const remote = d => { try { return execFileSync('git', ['-C', d, 'config', '--default', '', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim(); } catch { return ''; } };
    let dir = given.find(d => h.re.test(remote(d).replace(/\/repo$/, '').replace(/\+/, '/')) || h.re.test(path.basename(d)));
    const mirror = path.join(mirrors, h.slug, 'repo');
    if (!dir && fs.existsSync(mirror)) {
      dir = path.join(ROOT, '.bench', `real-${h.key}`);
      if (!fs.existsSync(path.join(dir, '.git'))) {
        console.error(`cloning ${mirror} into ${dir} (once) ...`);
        fs.rmSync(dir, { recursive: true, force: true });
        execFileSync('git', ['clone', '-q', mirror, dir], { stdio: 'inherit' });
      }
    }
    if (!dir) {
      skipped.push(`${h.slug.replace('+', '/')}: skipped, no clone (set OUTCOME_LENS_BENCH_REAL to one, or put a mirror at ${mirror})`);
      console.error(skipped.at(-1));
      continue;
    }
    if (!fs.existsSync(path.join(dir, 'outcomes.yaml'))) {
      if (h.key === 'brew') fs.copyFileSync(path.join(ROOT, 'scripts/bench-real/homebrew-brew.outcomes.yaml'), path.join(dir, 'outcomes.yaml'));
      else execFileSync('node', [CLI, 'init', '--from', 'folders', '--repo', dir], { stdio: 'ignore' });
    }
    out.push(realTarget(dir, undefined, h.slug.replace('+', '/')));
  }
  return out;
}

/** A real repository: its name and size for the table, and its outcomes.yaml (copied in from --outcomes). */
function realTarget(repo, outcomes, known) {
  if (outcomes) fs.copyFileSync(outcomes, path.join(repo, 'outcomes.yaml'));
  if (!fs.existsSync(path.join(repo, 'outcomes.yaml'))) throw new Error(`${repo} has no outcomes.yaml: pass --outcomes FILE`);
  const git = (...a) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const commits = Number(git('rev-list', '--count', 'HEAD').trim());
  const files = git('ls-files', '-z').split('\0').filter(Boolean).length;
  const origin = git('config', '--default', '', '--get', 'remote.origin.url').trim();
  const label = known ?? /github\.com[:/](.+?)(\.git)?$/.exec(origin)?.[1] ?? path.basename(repo);
  return { repo, name: `${label} (real): ${(commits / 1000).toFixed(0)}k commits, ${files} files`, commits, real: true };
}

for (const { repo, name, commits } of targets) {
  console.error(`${name}: ${repo}`);
  // 1. full history, read and linked, vs git log --name-only printing the same facts
  const ours = [], git = [], rss = [];
  for (let i = 0; i < RUNS; i++) {
    const o = await time('node', [CLI, 'commits', '--json', '--no-cache', '--repo', repo]);
    ours.push(o.ms); rss.push(o.rssMb);
    git.push((await time('git', ['-C', repo, 'log', '--name-only', ...FACTS])).ms);
  }
  row(name, 'commits --json (full history)', median(ours), median(git), 'git log --name-only', 1.5, rss[0] === undefined ? '' : `peak RSS ${Math.max(...rss)} MB`);
  // 2. every tracked file matched, vs git ls-files -z plus a process start
  const f = [], l = [];
  for (let i = 0; i < RUNS; i++) {
    f.push((await time('node', [CLI, 'files', '--json', '--repo', repo])).ms);
    l.push((await time('git', ['-C', repo, 'ls-files', '-z'])).ms + (await time('node', ['-e', '0'])).ms);
  }
  row(name, 'files --json', median(f), median(l), 'git ls-files -z + node start', 2);
  // 3. the first run (an empty cache, as every user's first command) and the second (warm), vs git log -z
  const cold = [], warm = [], gitZ = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    cold.push((await time('node', [CLI, 'commits', '--json', '--repo', repo])).ms);
    warm.push((await time('node', [CLI, 'commits', '--json', '--repo', repo])).ms);
    gitZ.push((await time('git', ['-C', repo, ...GIT_LOG])).ms);
  }
  row(name, 'commits --json, warm cache', median(warm), median(cold), 'the cold run', 0.2);
  row(name, 'cold: commits --json, empty cache', median(cold), median(gitZ), 'git log --name-only -z', 1.0);
  row(name, 'warm: commits --json, warm cache', median(warm), median(gitZ), 'git log --name-only -z', 0.05);
  // 3b. the CI gate, with an empty cache and with the whole history cached (the cache left by the runs above)
  const gateEmpty = [], gateWarm = [], nodeStart = [], gateGit = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(emptyCache, { recursive: true, force: true });
    gateEmpty.push((await time('node', [CLI, ...GATE, '--repo', repo], { OUTCOME_LENS_CACHE_DIR: emptyCache })).ms);
    gateWarm.push((await time('node', [CLI, ...GATE, '--repo', repo])).ms);
    nodeStart.push((await time('node', ['-e', '0'])).ms);
    gateGit.push((await time('git', ['-C', repo, 'log', '--name-only', '-z', ...FACTS, 'HEAD~50..HEAD'])).ms);
  }
  const gateBase = median(nodeStart) + 2 * median(gateGit);
  const gateWhat = `node start ${median(nodeStart).toFixed(0)} ms + 2 x git log HEAD~50..HEAD ${median(gateGit).toFixed(0)} ms`;
  row(name, 'gate: commits --range HEAD~50..HEAD --unlinked, empty cache', median(gateEmpty), gateBase, gateWhat, 1.0);
  row(name, 'gate: commits --range HEAD~50..HEAD --unlinked, warm cache', median(gateWarm), gateBase, gateWhat, 1.0);
  // 4. the dashboard's first paint: commit counts per outcome for a 90-day window, before any line counts,
  //    vs git log --name-only for the same window (the 90 days before the last commit)
  const lastDate = new Date(execFileSync('git', ['-C', repo, 'log', '-1', '--format=%cI', 'HEAD'], { encoding: 'utf8' }).trim());
  const since = new Date(lastDate.getTime() - 90 * 86400_000).toISOString().slice(0, 19) + 'Z';
  const d = [], dg = [];
  for (let i = 0; i < RUNS; i++) {
    d.push((await time('node', [CLI, 'report', '--format', 'json', '--no-lines', '--no-cache', '--since', since, '--repo', repo])).ms);
    dg.push((await time('git', ['-C', repo, 'log', '--name-only', `--since=${since}`, ...FACTS])).ms);
  }
  row(name, 'report --no-lines, 90-day window (new process)', median(d), median(dg), 'git log --name-only --since', 2);
  const h = [];
  for (let i = 0; i < RUNS; i++) {
    h.push(JSON.parse(execFileSync('node', [path.join(ROOT, 'scripts/dashboard-counts.mjs'), repo, since], { encoding: 'utf8' })).ms);
  }
  row(name, 'dashboard commit counts, 90-day window (in a running host)', median(h), median(dg), 'git log --name-only --since', 2);
  // 5. one new commit on top: only it is read from git
  const tip = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const tree = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD^{tree}'], { encoding: 'utf8' }).trim();
  const outcomeId = /^\s*-\s*id:\s*["']?([\w.-]+)/m.exec(fs.readFileSync(path.join(repo, 'outcomes.yaml'), 'utf8'))?.[1] ?? 'none';
  // a commit object only (no ref moves): the repository is left as it was. Dated a minute after HEAD, as a new commit
  // is: one dated before it does not simply continue the cached history, and its order is asked of git again.
  const after = new Date(Number(execFileSync('git', ['-C', repo, 'log', '-1', '--format=%ct', 'HEAD'], { encoding: 'utf8' }).trim()) * 1000 + 60_000).toISOString();
  const next = execFileSync('git', ['-C', repo, 'commit-tree', tree, '-p', tip, '-m', `bench: one new commit\n\nOutcome: ${outcomeId}`], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: after, GIT_COMMITTER_DATE: after } }).trim();
  const inc = await time('node', [CLI, 'commits', '--json', '--range', next, '--repo', repo]);
  row(name, 'one new commit on a warm cache', inc.ms, median(cold), 'the cold run', 0.02, `${inc.fromGit} commit(s) read from git`);
  if (inc.fromGit !== 1) rows.at(-1).ok = false;
  // 6. changed lines: a warm `report --all --measure lines` (the counts cached by a first run, not timed) vs
  //    git log --numstat over the whole history
  await time('node', [CLI, 'report', '--all', '--measure', 'lines', '--format', 'json', '--repo', repo]);
  const lw = [], ln = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      lw.push((await time('node', [CLI, 'report', '--all', '--measure', 'lines', '--format', 'json', '--repo', repo])).ms);
      ln.push((await time('git', ['-C', repo, ...GIT_NUMSTAT])).ms);
    }
    row(name, 'warm: report --all --measure lines', median(lw), median(ln), 'git log --numstat', 0.05);
  } catch (e) {
    // A clone without some blobs (a mirror without its largest files): git cannot give the baseline; we name them.
    skipped.push(`${name}: warm report --all --measure lines not compared: git log --numstat failed (${/fatal: [^\n]*/.exec(String(e.message))?.[0] ?? String(e.message).split('\n')[0]})`);
    console.error(`  ${skipped.at(-1)}`);
  }
  // 7. the most memory any CLI run above took (git's processes not counted)
  rows.push({ repo: name, scenario: 'peak memory of any CLI run (VmHWM)', ours: peakMb, unit: 'MB', base: NaN, baseName: '', ratio: NaN, target: NaN,
    targetText: `<= ${PEAK_MB} MB`, ok: peakMb <= PEAK_MB, extra: '' });
  console.error(`  peak memory: ${peakMb} MB (target <= ${PEAK_MB} MB)`);
  peakMb = 0;
}
fs.rmSync(cacheDir, { recursive: true, force: true });
fs.rmSync(emptyCache, { recursive: true, force: true });

// 8. the extension on the 100k repository, the whole history in its window (the worst case): first rows of each
//    view, the whole window, and the longest the extension host's thread was busy; first session (git) and
//    second session (the history kept in the extension's storage)
const hostTarget = realRepo ? (process.argv.includes('--host') ? targets[0] : undefined)
  : process.argv.includes('--no-host') ? undefined : targets.find(t => t.commits === 100000);
if (hostTarget) {
  console.error(`extension host (code-server), ${hostTarget.name}, window 3650 days ...`);
  const host = await measureHost({ folder: hostTarget.repo, windowDays: 3650 });
  for (const r of hostRows(host, hostTarget.name)) {
    rows.push(r);
    console.error(`  ${r.scenario}: ${r.ours.toFixed(0)} ms ${r.targetText ?? ''} ${r.extra}`);
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nOutcome Lens benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()}; medians of ${RUNS} runs\n`);
for (const line of skipped) console.log(`${line}\n`);
console.log('| repository | scenario | Outcome Lens | baseline | ratio | target | |');
console.log('| --- | --- | ---: | --- | ---: | ---: | --- |');
for (const r of rows) printRow(r);
process.exit(rows.every(r => r.ok) ? 0 : 1);
