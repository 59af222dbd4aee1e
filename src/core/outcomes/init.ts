import { promises as fs } from 'node:fs';
import path = require('node:path');
import { CODEOWNERS_LOCATIONS, CodeownersFile, EACH_FILE, parseCodeowners, translate } from './codeowners';
import type { GitRepo } from '../git/repo';
import { compilePatterns } from '../patterns/matcher';
import { patternForPath } from './edit';
import { OUTCOMES_FILE } from './load';

/** A first outcomes.yaml and what the user should know about how it was made. */
export interface InitResult {
  text: string;
  /** One line each: what was read, each rule that had to be translated, what was left out. */
  report: string[];
  outcomes: number;
}

/** Folders that hold no one's work: they go to `ignore`. */
const IGNORED_FOLDERS = ['vendor', 'dist', 'out', 'build', 'node_modules', 'third_party'];
/** Lock files and the like, wherever they are. */
const LOCK_RE = /(^|\/)([^/]+\.lock|package-lock\.json|pnpm-lock\.yaml|npm-shrinkwrap\.json)$/;

const q = (s: string) => JSON.stringify(s);

/** `@acme/payments` -> `payments`, `docs@example.com` -> `docs`: an outcome id (lower-case, digits, . _ -). */
function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'outcome';
}

/** Ids for names, short where that is unique (`payments`), longer where two would clash (`acme-payments`). */
function idsFor(names: readonly string[], short: (n: string) => string, long: (n: string) => string): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const shortCount = new Map<string, number>();
  for (const n of names) shortCount.set(short(n), (shortCount.get(short(n)) ?? 0) + 1);
  for (const n of names) {
    let id = shortCount.get(short(n)) === 1 ? short(n) : long(n);
    for (let k = 2; used.has(id); k++) id = `${long(n)}-${k}`;
    used.add(id);
    ids.set(n, id);
  }
  return ids;
}

function header(lines: string[]): string[] {
  return [
    ...lines.map(l => `# ${l}`),
    '# Patterns use .gitignore syntax. Give each outcome the business outcome it serves as its title, and key results;',
    '# tag commits with a trailer (`Outcome: <id>`), or link old ones with `outcome-lens tag`.',
    'version: 1',
  ];
}

function ignoreBlock(files: readonly string[], folders: readonly string[]): string[] {
  const entries = [q(`/${OUTCOMES_FILE}`), ...folders.filter(f => IGNORED_FOLDERS.includes(f)).map(f => q(patternForPath(f, true)))];
  // Each lock-file pattern only where such a file is tracked: one that matches nothing is a warning.
  for (const p of ['*.lock', 'package-lock.json', 'pnpm-lock.yaml', 'npm-shrinkwrap.json']) if (files.some(f => LOCK_RE.test(f) && compilePatterns([p]).matches(f))) entries.push(q(p));
  return ['ignore:', ...entries.map(e => `  - ${e}`)];
}

const topFolders = (files: readonly string[]) => [...new Set(files.filter(f => f.includes('/')).map(f => f.slice(0, f.indexOf('/'))))].sort();

/**
 * One outcome per top-level folder of the tracked files (dot-folders and vendored or built folders aside), each
 * with that folder as its area; vendored folders and lock files go to `ignore`, and so does outcomes.yaml itself.
 */
export function outcomesFromFolders(files: readonly string[]): InitResult {
  const folders = topFolders(files);
  const work = folders.filter(f => !f.startsWith('.') && !IGNORED_FOLDERS.includes(f));
  const ids = idsFor(work, slug, slug);
  const lines = [...header(['Written by `outcome-lens init --from folders`: one outcome per top-level folder.']), ...ignoreBlock(files, folders), 'outcomes:'];
  if (!work.length) lines.push('  []');
  for (const f of work) {
    lines.push(`  - id: ${ids.get(f)}`, `    title: ${q(`Work in ${f}/`)}`, '    areas:', `      - ${q(patternForPath(f, true))}`);
  }
  const report = [`${work.length} top-level folder${work.length === 1 ? '' : 's'}: one outcome each${folders.length > work.length ? ` (left out: ${folders.filter(f => !work.includes(f)).join(', ')})` : ''}`];
  return { text: lines.join('\n') + '\n', report, outcomes: work.length };
}

/**
 * One outcome per CODEOWNERS owner, whose areas give each tracked file the outcome of the owner GitHub picks for it
 * (see translate); the owner goes into `owner`, the file's comments into `description`, outcomes.yaml itself into
 * `ignore` (and out of every area that would claim it).
 */
export function outcomesFromCodeowners(source: string, parsed: CodeownersFile, files: readonly string[]): InitResult {
  const t = translate(parsed.rules, files.filter(f => f !== OUTCOMES_FILE));
  const ids = idsFor(t.owners.map(o => o.owner),
    o => slug(o.startsWith('@') ? o.slice(o.lastIndexOf('/') + 1) : o.slice(0, o.indexOf('@'))),
    o => slug(o.startsWith('@') ? o.slice(1).replace('/', '-') : o.replace('@', '-')));
  const lines = [
    ...header([`Written by \`outcome-lens init --from codeowners\` from ${source}: one outcome per owner.`,
      'Each file gets the outcome of the owner GitHub picks for it (the last matching rule wins).']),
    ...ignoreBlock(files, topFolders(files)), 'outcomes:',
  ];
  if (!t.owners.length) lines.push('  []');
  for (const o of t.owners) {
    const areas = o.areas.map(a => a.pattern);
    // outcomes.yaml needs no outcome: an area that would claim it (an outcome's claim wins over ignore) gives it up.
    if (compilePatterns(areas).matches(OUTCOMES_FILE)) o.areas.splice(o.areas.at(-1)?.pattern === EACH_FILE ? o.areas.length - 1 : o.areas.length, 0, { pattern: `!/${OUTCOMES_FILE}` });
    lines.push(`  - id: ${ids.get(o.owner)}`, `    title: ${q(`Work owned by ${o.owner}`)}`);
    if (o.description) lines.push(`    description: ${q(o.description)}`);
    lines.push(`    owner: ${q(o.owner)}`, '    areas:');
    for (const a of o.areas) {
      const why = a.rule ? `${source}:${a.rule.line}${a.negated ? ` (${a.rule.owners.length ? a.rule.owners.join(' ') : 'no owner'})` : ''}`
        : a.fix ?? (a.pattern === EACH_FILE ? 'no folder stands for its files: each file is judged on its own, as GitHub does' : 'needs no outcome');
      lines.push(`      - ${q(a.pattern)}  # ${why}`);
    }
  }
  const report = [
    `${source}: ${parsed.rules.length} rule${parsed.rules.length === 1 ? '' : 's'}, ${t.owners.length} owner${t.owners.length === 1 ? '' : 's'}: one outcome each`,
    ...parsed.skipped.map(s => `line ${s.line}: skipped ${q(s.text)}: ${s.why}`),
    ...t.notes,
    ...(t.redundant ? [`${t.redundant} time${t.redundant === 1 ? '' : 's'} a rule gave its owner no tracked file the owner's other rules did not, so it is not written there`] : []),
    ...(t.dropped ? [`${t.dropped} time${t.dropped === 1 ? '' : 's'} a later rule took no tracked file from an earlier owner, so it is not written as a negation there`] : []),
  ];
  return { text: lines.join('\n') + '\n', report, outcomes: t.owners.length };
}

/** The CODEOWNERS file GitHub would use (the first of its three places that holds one), or undefined. */
export async function findCodeowners(root: string): Promise<{ source: string; text: string } | undefined> {
  for (const source of CODEOWNERS_LOCATIONS) {
    const text = await fs.readFile(path.join(root, source), 'utf8').catch(() => undefined);
    if (text !== undefined) return { source, text };
  }
  return undefined;
}

/** A first outcomes.yaml for a repository, from its tracked files' folders or from its CODEOWNERS file. */
export async function initOutcomes(repo: GitRepo, from: 'folders' | 'codeowners', signal?: AbortSignal): Promise<InitResult> {
  const files = await repo.trackedFiles(signal);
  if (from === 'folders') return outcomesFromFolders(files);
  const found = await findCodeowners(repo.root);
  if (!found) throw new Error(`no CODEOWNERS file (GitHub reads ${CODEOWNERS_LOCATIONS.join(', ')}, the first found)`);
  return outcomesFromCodeowners(found.source, parseCodeowners(found.text), files);
}
