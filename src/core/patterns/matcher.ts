import ignore, { Ignore } from 'ignore';

/**
 * A compiled pattern list with the semantics of one .gitignore file whose lines are the list,
 * read relative to the repository root (DESIGN.md, "Patterns"). Paths are repository-relative,
 * `/`-separated, exactly as `git ls-files -z` prints them.
 */
export interface PathMatcher {
  matches(path: string): boolean;
}

/** Compiles a list once; `ignore` caches per path internally, so repeated queries are cheap. */
export function compilePatterns(patterns: readonly string[]): PathMatcher {
  if (patterns.length === 0) return { matches: () => false };
  // git on Linux is case-sensitive (core.ignoreCase=false); `ignore` defaults to case-insensitive.
  const ig: Ignore = ignore({ ignorecase: false, allowRelativePaths: true }).add(patterns.map(p => asBytes(firstLine(p))));
  return {
    matches(path: string): boolean {
      if (!path || path.startsWith('/')) return false;
      return ig.ignores(asBytes(path));
    },
  };
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * git's wildmatch compares bytes: `?` matches one byte, so it does not match `ü` (two bytes in UTF-8).
 * `ignore` compares UTF-16 code units. Giving it one character per UTF-8 byte makes the two agree.
 */
function asBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/**
 * `ignore` reads each list entry as a gitignore line. An entry in YAML is one line already, so a
 * stray line break would split it into two patterns: keep the first line only, as git would see it.
 */
function firstLine(p: string): string {
  const nl = p.search(/[\r\n]/);
  return nl === -1 ? p : p.slice(0, nl);
}
