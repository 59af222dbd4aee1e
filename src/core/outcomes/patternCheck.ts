import { Diagnostic, OutcomeMap, PatternEntry } from './model';
import { compilePatterns, matchMask } from '../patterns/matcher';
import { quotedShort } from '../util/printable';

/**
 * Warnings that need the tracked files: a pattern that matches none of them, a pattern that adds nothing to the
 * ones above it in the same list (it is shadowed), and a negation that takes nothing away. Adding a pattern at
 * the end of a list can only add files (a negation only take them away), so comparing how many files each
 * prefix of the list matches is enough.
 */
export async function patternDiagnostics(map: OutcomeMap, files: readonly string[], pause: () => Promise<void> = async () => undefined): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  // Each count is one pass over the files: `pause` lets the thread answer other questions in between.
  const matched = async (list: PatternEntry[]) => { await pause(); return countMatches(list, files); };
  const check = async (list: PatternEntry[], where: string) => {
    let before = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.pattern.startsWith('#')) {
        warn(p, `${quotedShort(p.pattern)} is a comment in .gitignore syntax and matches nothing; write \\# for a literal #`, 'comment-pattern');
        continue;
      }
      if (p.pattern.startsWith('!')) {
        const after = await matched(list.slice(0, i + 1));
        if (after === before && before > 0) {
          const hint = p.pattern.endsWith('/') ? `; in .gitignore syntax \`${p.pattern}\` does not un-match files that a file pattern above matched: write \`${p.pattern}**\`` : '';
          warn(p, `${quotedShort(p.pattern)} in ${where} has no effect${hint}`, 'negation-no-effect');
        }
        before = after;
        continue;
      }
      if (!(await matched([p]))) {
        warn(p, `${quotedShort(p.pattern)} in ${where} matches no tracked file`, 'pattern-matches-nothing');
        continue;
      }
      const after = await matched(list.slice(0, i + 1));
      if (after === before) warn(p, `${quotedShort(p.pattern)} in ${where} is shadowed: the patterns above it already match every file it matches`, 'pattern-shadowed');
      before = after;
    }
  };
  const warn = (p: PatternEntry, message: string, code: string) => out.push({ severity: 'warning', message, ...p.range, code });
  await check(map.ignore, 'ignore');
  for (const o of map.outcomes) await check(o.areas, `the areas of ${quotedShort(o.id)}`);
  return out;
}

/** How many of the files the list matches. */
function countMatches(list: PatternEntry[], files: readonly string[]): number {
  const mask = matchMask(compilePatterns(list.map(p => p.pattern)), files);
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
