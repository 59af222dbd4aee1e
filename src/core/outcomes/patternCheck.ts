import { Diagnostic, OutcomeMap, PatternEntry } from './model';
import { compilePatterns, matchMask, MatchOptions } from '../patterns/matcher';
import { quotedShort, short } from '../util/printable';
import { OUTCOMES_FILE } from './load';

/**
 * How much matching one call may do, in files tested times patterns compiled (plus a compile's cost): enough for a
 * monorepo of 50,000 files with a thousand area patterns, and a bound on a hostile list of 100,000 patterns.
 */
const WORK_BUDGET = 100_000_000;
const COMPILE_COST = 100;
/** Each negation matches its whole prefix again: a list of thousands of them would cost their square. */
const MAX_NEGATIONS = 200;

/**
 * Warnings that need the tracked files: a pattern that matches none of them, a pattern that adds nothing to the
 * ones above it in the same list (it is shadowed), and a negation that takes nothing away. A pattern added at the
 * end of a list adds exactly the files it matches on its own (git's last match wins, and a folder it matches takes
 * all that is in it), so a positive pattern costs one pass over the files; only a negation needs its prefix matched
 * again. Past WORK_BUDGET or MAX_NEGATIONS the rest is not checked, and one warning says so. `options`: how the
 * repository's git compares paths (see repoMatchOptions), as the Linker matches them.
 */
export async function patternDiagnostics(map: OutcomeMap, tracked: readonly string[], pause: () => Promise<void> = async () => undefined, options: MatchOptions = {}): Promise<Diagnostic[]> {
  // outcomes.yaml is there (the map was read from it) even before it is committed: a fresh `init`'s `/outcomes.yaml`
  // lines are not stale.
  const files = tracked.includes(OUTCOMES_FILE) ? tracked : [...tracked, OUTCOMES_FILE];
  const out: Diagnostic[] = [];
  let work = 0;
  let negations = 0;
  let stopped = false;
  // Each mask is one pass over the files: `pause` lets the thread answer other questions in between.
  const maskOf = async (patterns: string[]) => {
    await pause();
    work += (files.length + COMPILE_COST) * patterns.length;
    return matchMask(compilePatterns(patterns, options), files);
  };
  const check = async (list: PatternEntry[], where: string, total: number) => {
    let mask: Uint8Array = new Uint8Array(files.length);
    let before = 0;
    // A candidate found on the patterns above it is confirmed on the whole list: a later `!dir/` can let an earlier
    // negation reach the files under `dir`, so only a pattern the whole list does not need gets a warning. Without a
    // negation after it, the list matches the union of its patterns, and the patterns above decide.
    let whole: Uint8Array | undefined;
    let lastNegation = -1;
    list.forEach((e, k) => { if (e.pattern.startsWith('!')) lastNegation = k; });
    const needless = async (i: number) => {
      if (i >= lastNegation) return true;
      whole ??= await maskOf(list.map(e => e.pattern));
      const without = await maskOf(list.filter((_, k) => k !== i).map(e => e.pattern));
      return without.every((m, k) => m === whole![k]);
    };
    // Negations after which the list matched nothing, though the lines above them matched files.
    const emptied: { p: PatternEntry; before: number; prefix: string[] }[] = [];
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.pattern.startsWith('#')) {
        warn(p, `${quotedShort(p.pattern)} is a comment in .gitignore syntax and matches nothing; write \\# for a literal #`, 'comment-pattern');
        continue;
      }
      if (work > WORK_BUDGET || (p.pattern.startsWith('!') && ++negations > MAX_NEGATIONS)) {
        stopped = true;
        warn(p, `${quotedShort(p.pattern)} and the patterns after it are not checked (for matching nothing, being shadowed or having no effect): ${total} patterns over ${tracked.length} tracked file(s) are too many to check`, 'patterns-not-checked');
        return;
      }
      if (p.pattern.startsWith('!')) {
        const prefix = list.slice(0, i + 1).map(e => e.pattern);
        const next = await maskOf(prefix);
        const after = count(next);
        if (after === before && before > 0 && await needless(i)) {
          warn(p, `${quotedShort(p.pattern)} in ${where} has no effect${negationHint(prefix, mask, files, options)}`, 'negation-no-effect');
        }
        if (after === 0 && before > 0) emptied.push({ p, before, prefix });
        mask = next;
        before = after;
        continue;
      }
      const alone = await maskOf([p.pattern]);
      let after = before;
      for (let k = 0; k < alone.length; k++) if (alone[k] && !mask[k]) { mask[k] = 1; after++; }
      if (after === before) {
        if (!count(alone)) warn(p, `${quotedShort(p.pattern)} in ${where} matches no tracked file`, 'pattern-matches-nothing');
        else if (await needless(i)) warn(p, `${quotedShort(p.pattern)} in ${where} is shadowed: the patterns above it already match every file it matches`, 'pattern-shadowed');
      }
      before = after;
    }
    // The list ends with no file: a negation took away everything the other lines match (a narrowed `"*"` before an
    // import's `"!*/"`, say), which is worth a word where it happens.
    if (before === 0) {
      for (const e of emptied) {
        warn(e.p, `${quotedShort(e.p.pattern)} in ${where} takes away every file the patterns above it match (${e.before}), so the outcome claims no file${emptiedHint(e.prefix, files, options)}`, 'negation-takes-all');
      }
    }
  };
  const warn = (p: PatternEntry, message: string, code: string) => out.push({ severity: 'warning', message, ...p.range, code });
  const total = map.ignore.length + map.outcomes.reduce((n, o) => n + o.areas.length, 0);
  await check(map.ignore, 'ignore', total);
  for (const o of map.outcomes) if (!stopped) await check(o.areas, `the areas of ${quotedShort(o.id)}`, total);
  return out;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/**
 * Why a negation that ends `list` takes nothing away from the files `before` (the rest of the list) matches, and
 * the patterns that would do what it means: un-match the files its pattern matches on its own. Each suggestion is
 * checked on the tracked files before it is made. The reasons are git's rules: nothing in an excluded folder can be
 * re-included (`dir/` then `!dir/sub/`: match `dir/*` instead, then `!dir/sub/`); a folder negation (`!dir/sub/`)
 * re-includes the folder, not the files a pattern above matched one by one (`!dir/sub/**`); and `!dir/sub/**`
 * re-includes what is in a folder, not the folder (`!dir/sub/`).
 */
function negationHint(list: string[], before: Uint8Array, files: readonly string[], options: MatchOptions): string {
  const neg = list[list.length - 1];
  const above = list.slice(0, -1);
  const alone = matchMask(compilePatterns([neg.slice(1)], options), files);
  const target = files.findIndex((_, k) => before[k] && alone[k]);
  if (target === -1) return '';
  const wanted = Uint8Array.from(before, (b, k) => (b && !alone[k] ? 1 : 0));
  const works = (l: string[]) => matchMask(compilePatterns(l, options), files).every((b, k) => b === wanted[k]);
  const dirs = files[target].split('/').slice(0, -1).map((_, k, segs) => segs.slice(0, k + 1).join('/'));
  // a pattern above that names a folder of that file (`dir/`, `/dir`, `dir/**`): `dir/*` in its place matches the
  // same files, and then a folder inside can be re-included
  for (const dir of dirs) {
    const by = above.findIndex(q => q.replace(/^\//, '').replace(/\/(\*\*)?$/, '') === dir);
    const chain = by === -1 ? undefined : reincludeChain(neg, dir);
    if (chain && works([...above.slice(0, by), `${dir}/*`, ...above.slice(by + 1), ...chain])) {
      return `; git cannot re-include anything in a folder that is excluded, and ${code(above[by])} excludes the folder ${code(`${dir}/`)}: write ${code(`${dir}/*`)} in its place, then ${chain.map(code).join(', ')}`;
    }
  }
  const folder = neg.replace(/\/(\*\*)?$/, '');
  if (neg.endsWith('/') && works([...above, `${folder}/**`])) {
    return `; in .gitignore syntax ${code(neg)} re-includes the folder, not the files a pattern above matched one by one: write ${code(`${folder}/**`)} instead`;
  }
  if (neg.endsWith('/**') && works([...above, `${folder}/`])) {
    return `; in .gitignore syntax ${code(neg)} re-includes what is in the folder, not the folder, which a pattern above excludes: write ${code(`${folder}/`)} instead`;
  }
  const m = compilePatterns(above, options);
  let excluded: string | undefined;
  for (let k = 0, parent = false; k < dirs.length && !excluded; k++) if ((parent = m.matchesDir(dirs[k], parent))) excluded = dirs[k];
  return excluded ? `; git cannot re-include anything in a folder that is excluded, and ${code(`${excluded}/`)} is excluded above` : '';
}

/**
 * For a negation that leaves a list with no file: a folder pattern above it (`packages/`) stands for the files in the
 * folder, and a negation of folders (`!*\/`) takes the folder and so all of them; the folder's files one by one
 * (`packages/**`) stay. Suggested only where the tracked files show that it leaves the list some file.
 */
function emptiedHint(list: string[], files: readonly string[], options: MatchOptions): string {
  const neg = list[list.length - 1];
  for (let k = 0; k < list.length - 1; k++) {
    const p = list[k];
    if (p.startsWith('!') || !p.endsWith('/') || p.endsWith('**/')) continue;
    // the same folders' files: an unanchored folder name matches at any depth
    const files1 = `${p.slice(0, -1).includes('/') ? '' : '**/'}${p}**`;
    const edited = [...list.slice(0, k), files1, ...list.slice(k + 1)];
    if (count(matchMask(compilePatterns(edited, options), files))) {
      return `; ${code(p)} matches a folder, which stands for its files, and ${code(neg)} takes the folder: write ${code(files1)} to match its files one by one, or delete ${code(neg)}`;
    }
  }
  return '';
}

/** A pattern in a message, as code, cut short (see `short`). */
const code = (p: string) => `\`${short(p)}\``;

/**
 * The lines after `excluded/*` that re-include what the negation `neg` names, folder by folder: `!dir/sub/` under
 * `dir` is `!dir/sub/`; `!dir/sub/deep/` is `!dir/sub/`, `dir/sub/*`, `!dir/sub/deep/`. Undefined when the negation
 * names no path under `excluded` (a pattern without a slash matches at any depth).
 */
function reincludeChain(neg: string, excluded: string): string[] | undefined {
  const body = neg.slice(1).replace(/^\//, '');
  const dirOnly = body.endsWith('/') || body.endsWith('/**');
  const path = body.replace(/\/(\*\*)?$/, '');
  if (!path.includes('/') && !neg.slice(1).startsWith('/')) return undefined;
  const segs = path.split('/');
  const firstGlob = segs.findIndex(s => /[*?[\\]/.test(s));
  // the literal folders the negation goes through, below `excluded`
  const literal = firstGlob === -1 ? segs.slice(0, -1) : segs.slice(0, firstGlob);
  if (!(literal.join('/') + '/').startsWith(excluded + '/')) return undefined;
  const depth = excluded.split('/').length;
  const out: string[] = [];
  for (let k = depth; k < literal.length; k++) {
    const d = literal.slice(0, k + 1).join('/');
    out.push(`!${d}/`, `${d}/*`);
  }
  out.push(firstGlob === -1 ? `!${path}${dirOnly ? '/' : ''}` : neg);
  return out;
}
