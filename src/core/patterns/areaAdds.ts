import { compilePatterns, matchMask, MatchOptions } from './matcher';

/**
 * Which line of an area list brings each file into the outcome, after the negations: for a file the whole list
 * matches, the first positive line that matches it on its own (a folder it matches standing for what is in it);
 * -1 for a file the list does not match. A file the list matches always has one (the line that decides it, or the
 * one that matches its folder, is positive), so the lines' counts add up to the outcome's files. Each file is
 * decided by its own path, so the answer for a part of the files is the same as within all of them.
 */
export function areaAttribution(patterns: readonly string[], files: readonly string[], options: MatchOptions = {}, matched?: ArrayLike<number>): Int32Array {
  const out = new Int32Array(files.length).fill(-1);
  if (!files.length || !patterns.length) return out;
  // `matched`: which files the whole list matches, when the caller has classified them already (Linker.classifyAll).
  const whole = matched ?? matchMask(compilePatterns(patterns, options), files);
  const positive = positiveLines(patterns);
  // The files left to attribute, a subset carrying the submodules' list: each line after the first walks only the
  // outcome's files not yet attributed, not the whole repository.
  const gitlinks = (files as { gitlinks?: ReadonlySet<string> }).gitlinks;
  let left: number[] = [];
  for (let k = 0; k < files.length; k++) if (whole[k]) left.push(k);
  for (let n = 0; n < positive.length && left.length; n++) {
    const i = positive[n];
    // A list of one positive line (the common case) needs no second walk: that line adds every file the list matches.
    if (positive.length === 1) { for (const k of left) out[k] = i; break; }
    const subset = Object.assign(left.map(k => files[k]), gitlinks ? { gitlinks } : {});
    const alone = matchMask(compilePatterns([patterns[i]], options), subset);
    const next: number[] = [];
    left.forEach((k, j) => { if (alone[j]) out[k] = i; else next.push(k); });
    left = next;
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

/** The lines of an area list that add files (not a negation, not a comment), by index. */
export function positiveLines(patterns: readonly string[]): number[] {
  return patterns.flatMap((p, i) => (p.startsWith('!') || p.startsWith('#') ? [] : [i]));
}
