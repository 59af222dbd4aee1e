import { parseArgs } from 'node:util';
import { existsSync, promises as fs, statSync } from 'node:fs';
import path = require('node:path');
import { GitRepo } from '../core/git/repo';
import { loadOutcomes, OUTCOMES_FILE, ParseCache } from '../core/outcomes/load';
import { formatDiagnostic, OutcomeMap } from '../core/outcomes/model';
import { patternDiagnostics } from '../core/outcomes/patternCheck';
import { Linker } from '../core/links/link';
import { linkHistory } from '../core/links/history';
import { CommitCache, readHistoryCached } from '../core/git/cache';
import { defaultCacheDir } from '../core/util/cacheDir';
import { HistoryQuery } from '../core/git/repo';
import { CommitLink, FileLink } from '../core/links/link';
import { allocate, Bucket } from '../core/links/allocation';
import { renderReport, ReportFormat, REPORT_FORMATS } from '../core/report/render';

const USAGE = `outcome-lens: outcome-linked development from outcomes.yaml and git history

usage:
  outcome-lens check   [--repo DIR] [--json]                   validate outcomes.yaml and links
  outcome-lens files   [--repo DIR] [--unlinked] [--json]       every tracked file with its outcomes
  outcome-lens commits [--repo DIR] [--since DATE] [--until DATE] [--max-count N] [--range A..B]
                       [--unlinked] [--json]                   commits with their links
  outcome-lens report  [--repo DIR] [--since DATE] [--until DATE] [--bucket week|month]
                       [--format md|json|csv|html] [--out FILE] [--no-lines]
                                                               effort per outcome over time

History is cached per repository in $OUTCOME_LENS_CACHE_DIR (default ~/.cache/outcome-lens): a second run
reads only new commits from git. --no-cache reads everything from git. OUTCOME_LENS_STATS=1 prints timings.

exit codes: 0 all good; 1 problems found (errors in outcomes.yaml, or --unlinked listed something);
            2 usage error, no repository or no outcomes.yaml
`;

/** An expected failure: one line on stderr and an exit code, never a stack trace. */
class CliError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

const OPTIONS = {
  repo: { type: 'string' }, json: { type: 'boolean' }, unlinked: { type: 'boolean' },
  since: { type: 'string' }, until: { type: 'string' }, 'max-count': { type: 'string' }, range: { type: 'string' },
  format: { type: 'string' }, out: { type: 'string' }, bucket: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  'no-cache': { type: 'boolean' }, 'no-lines': { type: 'boolean' },
} as const;

const ALLOWED: Record<string, (keyof typeof OPTIONS)[]> = {
  check: ['repo', 'json', 'no-cache'],
  files: ['repo', 'unlinked', 'json'],
  commits: ['repo', 'since', 'until', 'max-count', 'range', 'unlinked', 'json', 'no-cache'],
  report: ['repo', 'since', 'until', 'format', 'out', 'bucket', 'no-cache', 'no-lines'],
};

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    err(`outcome-lens: ${(e as Error).message.split('\n')[0]}\nRun 'outcome-lens --help' for usage.`);
    return 2;
  }
  const v = parsed.values as Values;
  const [cmd, ...extra] = parsed.positionals;
  if (v.help || cmd === 'help') { out(USAGE); return 0; }
  if (!cmd) { err(USAGE); return 2; }
  if (!ALLOWED[cmd]) { err(`outcome-lens: unknown command '${cmd}'\nRun 'outcome-lens --help' for usage.`); return 2; }
  if (extra.length) { err(`outcome-lens: unexpected argument '${extra[0]}'`); return 2; }
  for (const k of Object.keys(v) as (keyof typeof OPTIONS)[]) {
    if (!ALLOWED[cmd].includes(k)) { err(`outcome-lens ${cmd}: option '--${k}' does not apply here\nRun 'outcome-lens --help' for usage.`); return 2; }
  }
  try {
    return await run(cmd, v, out, err);
  } catch (e) {
    if (e instanceof CliError) { err(`outcome-lens: ${e.message}`); return e.code; }
    if (process.env.OUTCOME_LENS_DEBUG) err(String((e as Error).stack));
    err(`outcome-lens: ${String((e as Error).message ?? e).split('\n')[0]}`);
    return 2;
  }
}

/**
 * One commit of `commits --json`, the same bytes as JSON.stringify of { sha, author, email, date, subject,
 * links: [{ outcome, via }], invalid, status }, written directly: no object per commit and per link.
 */
function commitJson(c: CommitLink): string {
  const m = c.commit;
  let links = '';
  for (const l of c.links) links += `${links ? ',' : ''}{"outcome":${jsonString(l.outcome)},"via":"${l.via}"}`;
  return `{"sha":"${m.sha}","author":${jsonString(m.author)},"email":${jsonString(m.email)},"date":${jsonString(m.date)},"subject":${jsonString(m.subject)},` +
    `"links":[${links}],"invalid":[${c.invalid.map(jsonString).join(',')}],"status":"${c.status}"}`;
}

/** Characters JSON.stringify would escape (quotes, backslash, controls, lone surrogates). */
const JSON_ESCAPED = /["\\\x00-\x1f\ud800-\udfff]/;
/** JSON.stringify(s), faster for the common path that needs no escape (50k of them in `files --json`). */
function jsonString(s: string): string {
  return JSON_ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`;
}

async function openRepo(v: Values): Promise<GitRepo> {
  const dir = path.resolve(v.repo ?? '.');
  const repo = await GitRepo.find(dir);
  if (!repo) throw new CliError(`not a git repository: ${dir}`, 2);
  return repo;
}

/** The CLI remembers parses of outcomes.yaml (see ParseCache), unless caches are turned off. */
function parseCache(): ParseCache | undefined {
  if (process.env.OUTCOME_LENS_NO_CACHE) return undefined;
  try {
    const st = statSync(__filename); // the bundle: a new build never reads an old parse
    return { dir: defaultCacheDir(), build: `${st.size}-${st.mtimeMs}` };
  } catch {
    return undefined;
  }
}

/** outcomes.yaml for commands that need a usable map: errors are printed and end the command. */
async function usableMap(repo: GitRepo, err: (s: string) => void): Promise<OutcomeMap> {
  const loaded = await loadOutcomes(repo.root, parseCache());
  if (!loaded.exists) throw new CliError(`no ${OUTCOMES_FILE} at ${repo.root} (create one: see the README, or run the extension's "Create outcomes.yaml")`, 2);
  for (const d of loaded.result.diagnostics) if (d.severity === 'error') err(formatDiagnostic(OUTCOMES_FILE, d));
  if (!loaded.result.map) throw new CliError(`${OUTCOMES_FILE} has errors; run 'outcome-lens check'`, 1);
  return loaded.result.map;
}

function maxCount(v: Values): number | undefined {
  if (v['max-count'] === undefined) return undefined;
  if (!/^\d+$/.test(v['max-count'])) throw new CliError(`--max-count must be a whole number, not '${v['max-count']}'`, 2);
  return Number(v['max-count']);
}

function checkDate(name: string, s: string | undefined): string | undefined {
  // git accepts many date forms ("2 weeks ago"); refuse only what git would read as an option.
  if (s !== undefined && (s === '' || s.startsWith('-'))) throw new CliError(`--${name} needs a date, not '${s}'`, 2);
  return s;
}

/**
 * Linked history, from the cache unless --no-cache; OUTCOME_LENS_STATS=1 says how much git had to read.
 * `stream`: with --no-cache, each part goes to it as it is linked, in order, and nothing is kept (returns []):
 * `commits --json` on 100k commits then holds a part at a time, not the whole history.
 */
async function history(repo: GitRepo, linker: Linker, q: HistoryQuery, v: Values, err: (s: string) => void,
  stream?: (part: CommitLink[]) => void): Promise<CommitLink[]> {
  const noCache = !!(v['no-cache'] || process.env.OUTCOME_LENS_NO_CACHE);
  // Filling an empty cache with a whole history holds every commit with its message, and makes tens of
  // megabytes of short-lived strings: V8's memory-saving heap growth keeps the peak lower (~230 MB instead of
  // ~290 MB for 100k commits) for ~10% more time. Not needed with --no-cache, which keeps nothing (streamed:
  // 92 MB on Homebrew/brew), nor for a warm run or a window, which stay fast.
  const whole = !q.since && !q.until && q.maxCount === undefined && !q.range;
  if (whole && !noCache && !existsSync(CommitCache.fileFor(defaultCacheDir(), repo.root))) {
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--optimize-for-size');
  }
  const t0 = performance.now();
  let links: CommitLink[] = [];
  let count = 0;
  let fromGit: number;
  if (noCache) {
    const onPart = stream ? (part: CommitLink[]) => { count += part.length; stream(part); } : undefined;
    links = await linkHistory(repo, linker, q, onPart, undefined, { keepMessages: false, keep: !stream });
    if (!stream) count = links.length;
    fromGit = count;
  } else {
    const { commits, stats } = await readHistoryCached(repo, q, linker.trailerKey, defaultCacheDir());
    count = commits.length;
    fromGit = stats.readFromGit;
    // Streamed: linked and written a thousand at a time, so that the links are garbage at once.
    if (stream) for (let i = 0; i < commits.length; i += 1000) stream(commits.slice(i, i + 1000).map(c => linker.commit(c)));
    else links = commits.map(c => linker.commit(c));
  }
  if (process.env.OUTCOME_LENS_STATS) {
    // The peak is taken at exit, so that writing the output counts too (this process only: git's are its own).
    const ms = performance.now() - t0;
    process.once('exit', () => err(`stats: ${count} commits, ${fromGit} read from git, ${ms.toFixed(0)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`));
  }
  return links;
}

/**
 * `files`: every tracked file with its outcomes, in git's order (byte order, as the contract asks). The list is
 * linked and written a part at a time while git is still listing: for 50k files, holding every answer until
 * the end cost more in garbage collection than the matching, and waiting for git cost as much again.
 */
async function files(repo: GitRepo, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let write: ((paths: string[]) => void) | undefined;
  const early: string[][] = []; // parts git printed before outcomes.yaml was parsed
  const listing = repo.streamTrackedFiles(paths => (write ? write(paths) : early.push(paths)));
  listing.catch(() => undefined); // awaited below, where a failure is reported
  const linker = new Linker(await usableMap(repo, err));
  // Files of a directory share one outcomes array: what follows the path is built once per array.
  const tails = [new Map<readonly string[], string>(), new Map<readonly string[], string>()];
  const fileJson = (f: FileLink) => {
    const byArray = tails[f.ignored ? 1 : 0];
    let tail = byArray.get(f.outcomes);
    if (tail === undefined) { tail = `,"outcomes":${JSON.stringify(f.outcomes)},"ignored":${f.ignored}}`; byArray.set(f.outcomes, tail); }
    return `{"path":${jsonString(f.path)}${tail}`;
  };
  const fileLine = (f: FileLink) => `${f.path}\t${f.outcomes.length ? f.outcomes.join(',') : f.ignored ? '(ignored)' : '(unlinked)'}`;
  let shown = 0;
  write = paths => {
    let part = linker.classifyAll(paths);
    if (v.unlinked) part = part.filter(f => f.status === 'unlinked');
    if (!part.length) return;
    // The same bytes as one JSON.stringify of the whole array (or one line per file without --json).
    out(v.json ? `${shown ? ',' : '['}${part.map(fileJson).join(',')}` : part.map(fileLine).join('\n'));
    shown += part.length;
  };
  for (const paths of early.splice(0)) write(paths);
  await listing;
  if (v.json) out(shown ? ']\n' : '[]');
  return v.unlinked && shown ? 1 : 0;
}

async function run(cmd: string, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const repo = await openRepo(v);
  // git lists the files while outcomes.yaml is read and parsed (a quick command waits for both).
  const tracked = cmd === 'check' ? repo.trackedFiles() : undefined;
  tracked?.catch(() => undefined); // awaited below, where a failure is reported
  if (cmd === 'files') return files(repo, v, out, err);
  if (cmd === 'check') {
    const loaded = await loadOutcomes(repo.root, v['no-cache'] ? undefined : parseCache());
    if (!loaded.exists) throw new CliError(`no ${OUTCOMES_FILE} at ${repo.root}`, 2);
    const diags = [...loaded.result.diagnostics];
    const invalid: { sha: string; ids: string[] }[] = [];
    if (loaded.result.map) {
      diags.push(...await patternDiagnostics(loaded.result.map, await tracked!));
      const linker = new Linker(loaded.result.map);
      for (const c of await history(repo, linker, {}, v, err)) if (c.invalid.length) invalid.push({ sha: c.commit.sha, ids: c.invalid });
    }
    diags.sort((a, b) => a.line - b.line || a.column - b.column);
    const errors = diags.filter(d => d.severity === 'error').length;
    if (v.json) out(JSON.stringify({ file: OUTCOMES_FILE, errors, warnings: diags.length - errors, diagnostics: diags, invalidLinks: invalid }, null, 2));
    else {
      for (const d of diags) err(formatDiagnostic(OUTCOMES_FILE, d));
      for (const i of invalid) err(`${i.sha.slice(0, 12)}: warning: invalid link: ${i.ids.map(x => JSON.stringify(x)).join(', ')} ${i.ids.length > 1 ? 'are not outcome ids' : 'is not an outcome id'} in ${OUTCOMES_FILE}`);
      out(`${OUTCOMES_FILE}: ${errors} error(s), ${diags.length - errors} warning(s), ${invalid.length} commit(s) with invalid links`);
    }
    return errors ? 1 : 0;
  }
  const map = await usableMap(repo, err);
  const linker = new Linker(map);
  if (cmd === 'commits') {
    const q = { since: checkDate('since', v.since), until: checkDate('until', v.until), maxCount: maxCount(v), range: v.range };
    if (v.json) {
      // Written a part at a time as the history is linked: the same bytes as one JSON array.
      let shown = 0;
      await history(repo, linker, q, v, err, part => {
        const rows = v.unlinked ? part.filter(c => c.status === 'unlinked') : part;
        if (rows.length) out(`${shown ? ',' : '['}${rows.map(commitJson).join(',')}`);
        shown += rows.length;
      });
      out(shown ? ']\n' : '[]');
      return v.unlinked && shown ? 1 : 0;
    }
    const commits = await history(repo, linker, q, v, err);
    const shown = v.unlinked ? commits.filter(c => c.status === 'unlinked') : commits;
    {
      out(shown.map(c => {
        const links = c.links.map(l => `${l.outcome}(${l.via})`).join(' ');
        return `${c.commit.sha.slice(0, 10)} ${c.commit.date.slice(0, 10)} ${c.status.padEnd(8)} ${c.commit.subject}${links ? '  -> ' + links : ''}${c.invalid.length ? '  invalid: ' + c.invalid.join(',') : ''}`;
      }).join('\n'));
    }
    return v.unlinked && shown.length ? 1 : 0;
  }
  // report
  const format = (v.format ?? 'md') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`, 2);
  const bucket = (v.bucket ?? 'week') as Bucket;
  if (bucket !== 'week' && bucket !== 'month') throw new CliError('--bucket must be week or month', 2);
  const window = { since: checkDate('since', v.since), until: checkDate('until', v.until) };
  const commits = await history(repo, linker, window, v, err);
  // Changed lines need --numstat (about ten times dearer than the names): only for the non-merge commits counted.
  const lines = v['no-lines'] ? undefined : await repo.numstat(commits.filter(c => c.commit.parents.length <= 1).map(c => c.commit.sha));
  const alloc = allocate(commits, map.outcomes.map(o => o.id), bucket, window, lines);
  const text = renderReport(format, { map, allocation: alloc, repoName: path.basename(repo.root), generatedAt: new Date().toISOString() });
  if (v.out) {
    await fs.writeFile(v.out, text);
    out(`wrote ${v.out}`);
  } else out(text);
  return 0;
}

/** Runs the command line of this process; dist/cli.js (src/cli/bin.ts) calls it. */
export function runCli(): void {
  // A closed pipe (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); });
  // Pieces of a JSON array arrive without newlines; everything else is a whole line.
  const write = (s: string) => { if (s) process.stdout.write(s.endsWith('\n') || /^[[,]/.test(s) ? s : s + '\n'); };
  const writeErr = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  void main(process.argv.slice(2), write, writeErr).then(code => { process.exitCode = code; });
}
