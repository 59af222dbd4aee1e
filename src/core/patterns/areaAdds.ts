import { compilePatterns, matchMask, MatchOptions } from './matcher';

/**
 * Which line of an area list brings each file into the outcome, after the negations: for a file the whole list
 * matches, the first positive line that matches it on its own (a folder it matches standing for what is in it);
 * -1 for a file the list does not match. A file the list matches always has one (the line that decides it, or the
 * one that matches its folder, is positive), so the lines' counts add up to the outcome's files. Each file is
 * decided by its own path, so the answer for a part of the files is the same as within all of them.
 */
export function areaAttribution(patterns: readonly string[], files: readonly string[], options: MatchOptions = {}): Int32Array {
  const out = new Int32Array(files.length).fill(-1);
  if (!files.length || !patterns.length) return out;
  const whole = matchMask(compilePatterns(patterns, options), files);
  let left = whole.reduce((n, x) => n + x, 0);
  for (let i = 0; i < patterns.length && left; i++) {
    if (patterns[i].startsWith('!') || patterns[i].startsWith('#')) continue;
    const alone = matchMask(compilePatterns([patterns[i]], options), files);
    for (let k = 0; k < files.length; k++) if (whole[k] && alone[k] && out[k] === -1) { out[k] = i; left--; }
  }
  return out;
}

/**
 * What each line of an area list adds to its outcome after the negations (see areaAttribution): a count per line,
 * 0 for a negation, a comment, or a line whose files the lines above bring in already or a negation takes away.
 */
export function areaAdds(patterns: readonly string[], files: readonly string[], options: MatchOptions = {}): number[] {
  const counts = patterns.map(() => 0);
  for (const i of areaAttribution(patterns, files, options)) if (i >= 0) counts[i]++;
  return counts;
}
