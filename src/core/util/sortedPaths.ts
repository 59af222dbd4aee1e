// Binary search in a file list as git prints it (`git ls-files`: sorted by the paths' UTF-8 bytes).

/** A UTF-16 code unit ranked as its code point ranks: a surrogate (half of a character above U+FFFF) ranks above U+E000-U+FFFF. */
const rank = (c: number) => (c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c);

/** git's order for paths: UTF-8 bytes, which is code point order. */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** The first index of `sorted` (in git's order) whose path is not below `key`. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaths(sorted[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
