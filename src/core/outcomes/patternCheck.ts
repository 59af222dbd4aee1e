import { Diagnostic, OutcomeMap, PatternEntry } from './model';
import { compilePatterns, matchMask } from '../patterns/matcher';

/**
 * Warnings that need the tracked files: a pattern that matches none of them, a pattern that adds nothing to the
 * ones above it in the same list (it is shadowed), and a negation that takes nothing away. Adding a pattern at
 * the end of a list can only add files (a negation only take them away), so comparing how many files each
 * prefix of the list matches is enough.
 */
export function patternDiagnostics(map: OutcomeMap, files: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (list: PatternEntry[], where: string) => {
    let before = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.pattern.startsWith('#')) {
        warn(p, `${JSON.stringify(p.pattern)} is a comment in .gitignore syntax and matches nothing; write \\# for a literal #`);
        continue;
      }
      if (p.pattern.startsWith('!')) {
        const after = matched(list.slice(0, i + 1), files);
        if (after === before && before > 0) {
          const hint = p.pattern.endsWith('/') ? `; in .gitignore syntax \`${p.pattern}\` does not un-match files that a file pattern above matched: write \`${p.pattern}**\`` : '';
          warn(p, `${JSON.stringify(p.pattern)} in ${where} has no effect${hint}`);
        }
        before = after;
        continue;
      }
      if (!matched([p], files)) {
        warn(p, `${JSON.stringify(p.pattern)} in ${where} matches no tracked file`);
        continue;
      }
      const after = matched(list.slice(0, i + 1), files);
      if (after === before) warn(p, `${JSON.stringify(p.pattern)} in ${where} is shadowed: the patterns above it already match every file it matches`);
      before = after;
    }
  };
  const warn = (p: PatternEntry, message: string) => out.push({ severity: 'warning', message, ...p.range });
  check(map.ignore, 'ignore');
  for (const o of map.outcomes) check(o.areas, `the areas of "${o.id}"`);
  return out;
}

/** How many of the files the list matches. */
function matched(list: PatternEntry[], files: readonly string[]): number {
  const mask = matchMask(compilePatterns(list.map(p => p.pattern)), files);
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
