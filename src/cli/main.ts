import { parseArgs } from 'node:util';
import { promises as fs } from 'node:fs';
import path = require('node:path');
import { GitRepo, HistoryQuery } from '../core/git/repo';
import { configureGit, GitError, logLine } from '../core/git/runner';
import { readHistory } from '../core/git/history';
import { loadOutcomes, OUTCOMES_FILE } from '../core/outcomes/load';
import { formatDiagnostic, OutcomeMap } from '../core/outcomes/model';
import { patternDiagnostics } from '../core/outcomes/patternCheck';
import { CommitLink, FileLink, Linker } from '../core/links/link';
import { allocate, Bucket } from '../core/links/allocation';
import { renderReport, ReportFormat, REPORT_FORMATS } from '../core/report/render';
import { defaultCacheDir } from '../core/util/cacheDir';

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
reads only new commits from git; --no-cache reads everything from git. OUTCOME_LENS_TRACE=1 prints each git
command with its time on stderr; OUTCOME_LENS_GIT_TIMEOUT=SECONDS stops a git command that prints nothing for
that long (default 60).

exit codes: 0 all good; 1 problems found (errors in outcomes.yaml, or --unlinked listed something);
            2 usage error, no repository or no outcomes.yaml, or git failed
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
  const timeout = Number(process.env.OUTCOME_LENS_GIT_TIMEOUT);
  configureGit({
    log: process.env.OUTCOME_LENS_TRACE ? line => err(`outcome-lens: ${line}`) : () => undefined,
    ...(timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
  });
  try {
    return await run(cmd, v, out, err);
  } catch (e) {
    // git's refusals and our own usage errors are one line; anything else is a bug, and says so.
    if (e instanceof CliError) { err(`outcome-lens: ${e.message}`); return e.code; }
    if (e instanceof GitError) { err(`outcome-lens: ${e.message}`); return 2; }
    if (process.env.OUTCOME_LENS_DEBUG) err(String((e as Error).stack));
    err(`outcome-lens: internal error: ${String((e as Error).message ?? e).split('\n')[0]} (OUTCOME_LENS_DEBUG=1 shows where)`);
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

/** outcomes.yaml for commands that need a usable map: errors are printed and end the command. */
async function usableMap(repo: GitRepo, err: (s: string) => void): Promise<OutcomeMap> {
  const loaded = await loadOutcomes(repo.root);
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
 * Linked history, through the cache unless --no-cache. `stream`: each part goes to it as it is linked, in order, and
 * nothing is kept (returns []): `commits --json` on 100k commits then holds a part at a time, not the whole history.
 */
async function history(repo: GitRepo, linker: Linker, q: HistoryQuery, v: Values, stream?: (part: CommitLink[]) => void): Promise<CommitLink[]> {
  const t0 = performance.now();
  const tips = await repo.tips();
  const notes = tips.notes ? await repo.notes() : new Map<string, string>();
  const links: CommitLink[] = [];
  const r = await readHistory(repo, q, {
    tips,
    cacheDir: v['no-cache'] || process.env.OUTCOME_LENS_NO_CACHE ? undefined : defaultCacheDir(),
    keep: false,
    onCommits: part => {
      const linked = part.map(c => linker.commit(c, notes.get(c.sha)));
      if (stream) stream(linked);
      else for (const l of linked) links.push(l);
    },
  });
  logLine(`${r.count} commits (${r.fromGit} read from git) in ${Math.round(performance.now() - t0)} ms`);
  return links;
}

/** `files`: every tracked file with its outcomes, in git's order (byte order, as the contract asks). */
async function files(repo: GitRepo, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [list, map] = await Promise.all([repo.trackedFiles(), usableMap(repo, err)]);
  const linker = new Linker(map);
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
  // Written a part at a time: the same bytes as one JSON.stringify of the whole array (or one line per file).
  for (let i = 0; i < list.length; i += 5000) {
    let part = linker.classifyAll(list, i, Math.min(list.length, i + 5000));
    if (v.unlinked) part = part.filter(f => f.status === 'unlinked');
    if (!part.length) continue;
    out(v.json ? `${shown ? ',' : '['}${part.map(fileJson).join(',')}` : part.map(fileLine).join('\n'));
    shown += part.length;
  }
  if (v.json) out(shown ? ']\n' : '[]\n');
  return v.unlinked && shown ? 1 : 0;
}

async function check(repo: GitRepo, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const tracked = repo.trackedFiles();
  tracked.catch(() => undefined); // awaited below, where a failure is reported
  const loaded = await loadOutcomes(repo.root);
  if (!loaded.exists) throw new CliError(`no ${OUTCOMES_FILE} at ${repo.root}`, 2);
  const diags = [...loaded.result.diagnostics];
  const invalid: { sha: string; ids: string[] }[] = [];
  if (loaded.result.map) {
    diags.push(...await patternDiagnostics(loaded.result.map, await tracked));
    const linker = new Linker(loaded.result.map);
    await history(repo, linker, {}, v, part => { for (const c of part) if (c.invalid.length) invalid.push({ sha: c.commit.sha, ids: c.invalid }); });
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

async function commits(repo: GitRepo, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const linker = new Linker(await usableMap(repo, err));
  const q = { since: checkDate('since', v.since), until: checkDate('until', v.until), maxCount: maxCount(v), range: v.range };
  let shown = 0;
  // Written a part at a time as the history is linked: for --json, the same bytes as one JSON array.
  await history(repo, linker, q, v, part => {
    const rows = v.unlinked ? part.filter(c => c.status === 'unlinked') : part;
    if (!rows.length) return;
    if (v.json) out(`${shown ? ',' : '['}${rows.map(commitJson).join(',')}`);
    else {
      out(rows.map(c => {
        const links = c.links.map(l => `${l.outcome}(${l.via})`).join(' ');
        return `${c.commit.sha.slice(0, 10)} ${c.commit.date.slice(0, 10)} ${c.status.padEnd(8)} ${c.commit.subject}${links ? '  -> ' + links : ''}${c.invalid.length ? '  invalid: ' + c.invalid.join(',') : ''}`;
      }).join('\n'));
    }
    shown += rows.length;
  });
  if (v.json) out(shown ? ']\n' : '[]\n');
  return v.unlinked && shown ? 1 : 0;
}

async function report(repo: GitRepo, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const map = await usableMap(repo, err);
  const format = (v.format ?? 'md') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`, 2);
  const bucket = (v.bucket ?? 'week') as Bucket;
  if (bucket !== 'week' && bucket !== 'month') throw new CliError('--bucket must be week or month', 2);
  const window = { since: checkDate('since', v.since), until: checkDate('until', v.until) };
  const links = await history(repo, new Linker(map), window, v);
  // Changed lines need --numstat (about ten times dearer than the names): only for the non-merge commits counted.
  const lines = v['no-lines'] ? undefined : await repo.numstat(links.filter(c => c.commit.parents.length <= 1).map(c => c.commit.sha));
  const alloc = allocate(links, map.outcomes.map(o => o.id), bucket, window, lines);
  const text = renderReport(format, { map, allocation: alloc, repoName: path.basename(repo.root), generatedAt: new Date().toISOString() });
  if (v.out) {
    await fs.writeFile(v.out, text);
    out(`wrote ${v.out}`);
  } else out(text);
  return 0;
}

async function run(cmd: string, v: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const repo = await openRepo(v);
  switch (cmd) {
    case 'files': return files(repo, v, out, err);
    case 'check': return check(repo, v, out, err);
    case 'commits': return commits(repo, v, out, err);
    default: return report(repo, v, out, err);
  }
}

/** Runs the command line of this process; dist/cli.js calls it. */
export function runCli(): void {
  // A closed pipe (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); });
  // Pieces of a JSON array arrive without newlines; everything else is a whole line.
  const write = (s: string) => { if (s) process.stdout.write(s.endsWith('\n') || /^[[,]/.test(s) ? s : s + '\n'); };
  const writeErr = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  void main(process.argv.slice(2), write, writeErr).then(code => { process.exitCode = code; });
}
