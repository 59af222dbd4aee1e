import { Diagnostic, OutcomeMap, PatternEntry } from './model';
import { compilePatterns, matchMask } from '../patterns/matcher';
import { OUTCOMES_FILE } from './load';

/**
 * Warnings that need the tracked files: a pattern that matches none of them, a pattern without which its list matches
 * the same files (it is shadowed), and a negation that takes nothing away. Each is judged against the whole list
 * (the list with and without it): in .gitignore's rules a later `!dir/` can let an earlier negation reach files under
 * `dir`, so a line's effect is not always visible in the lines above it.
 */
export async function patternDiagnostics(map: OutcomeMap, tracked: readonly string[], pause: () => Promise<void> = async () => undefined): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  // outcomes.yaml is there (the map was read from it) even before it is committed: a fresh `init`'s `/outcomes.yaml`
  // lines are not stale.
  const files = tracked.includes(OUTCOMES_FILE) ? tracked : [...tracked, OUTCOMES_FILE];
  // Each count is one pass over the files: `pause` lets the thread answer other questions in between.
  const matched = async (list: PatternEntry[]) => { await pause(); return countMatches(list, files); };
  const check = async (list: PatternEntry[], where: string) => {
    let all: number | undefined;
    const without = async (i: number) => { all ??= await matched(list); return (await matched([...list.slice(0, i), ...list.slice(i + 1)])) === all; };
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.pattern.startsWith('#')) {
        warn(p, `${JSON.stringify(p.pattern)} is a comment in .gitignore syntax and matches nothing; write \\# for a literal #`, 'comment-pattern');
        continue;
      }
      if (p.pattern.startsWith('!')) {
        if (await without(i) && (await matched(list.slice(0, i))) > 0) {
          const hint = p.pattern.endsWith('/') ? `; in .gitignore syntax \`${p.pattern}\` does not un-match files that a file pattern above matched: write \`${p.pattern}**\`` : '';
          warn(p, `${JSON.stringify(p.pattern)} in ${where} has no effect${hint}`, 'negation-no-effect');
        }
        continue;
      }
      if (!(await matched([p]))) {
        warn(p, `${JSON.stringify(p.pattern)} in ${where} matches no tracked file`, 'pattern-matches-nothing');
        continue;
      }
      if (await without(i)) warn(p, `${JSON.stringify(p.pattern)} in ${where} is shadowed: the other patterns already match every file it matches`, 'pattern-shadowed');
    }
  };
  const warn = (p: PatternEntry, message: string, code: string) => out.push({ severity: 'warning', message, ...p.range, code });
  await check(map.ignore, 'ignore');
  for (const o of map.outcomes) await check(o.areas, `the areas of "${o.id}"`);
  return out;
}

/** How many of the files the list matches. */
function countMatches(list: PatternEntry[], files: readonly string[]): number {
  const mask = matchMask(compilePatterns(list.map(p => p.pattern)), files);
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
