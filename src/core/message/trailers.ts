/**
 * Commit-message trailers, read exactly as `git log --format='%(trailers)'` reads them
 * (git's trailer.c with the "no divider" option that pretty.c sets, so a `---` line is plain text).
 * History reading asks git itself for message trailers; this port serves the places git cannot:
 * notes (parsed as a message whose title is empty) and the commit message box in the editor.
 * test/unit/trailers.test.ts checks every rule against git.
 */

export interface Trailer {
  key: string;
  value: string;
}

const GIT_GENERATED_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];
const COMMENT = '#';
const SCISSORS = '# ------------------------ >8 ------------------------\n';

// git's own isspace (git-compat-util.h's sane_ctype): space, tab, LF and CR; not \v or \f, unlike C's.
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlnum = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

/** Offset of the separator `:` in a trailer line (`Key: v`, `Key : v`), or -1 (git's find_separator). */
export function findSeparator(line: string, from = 0): number {
  let whitespace = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '\n') break;
    if (c === ':') return i - from;
    if (!whitespace && (isAlnum(c) || c === '-')) continue;
    if (i !== from && (c === ' ' || c === '\t')) { whitespace = true; continue; }
    break;
  }
  return -1;
}

function isBlankLine(s: string, at: number): boolean {
  let i = at;
  while (i < s.length && s[i] !== '\n' && isSpace(s[i])) i++;
  return i >= s.length || s[i] === '\n';
}

function nextLine(s: string, at: number): number {
  const nl = s.indexOf('\n', at);
  return nl === -1 ? s.length : nl + 1;
}

/** Start of the last line in s[0, len) (git's last_line; a final newline belongs to the last line). */
function lastLine(s: string, len: number): number {
  if (len === 0) return -1;
  if (len === 1) return 0;
  for (let i = len - 2; i >= 0; i--) if (s[i] === '\n') return i + 1;
  return 0;
}

/** Length of the message without trailing comments, blank lines and an old `Conflicts:` block (git's ignore_non_trailer). */
function endOfLogMessage(s: string): number {
  let cutoff = s.length;
  const sc = s.startsWith(SCISSORS) ? 0 : s.indexOf('\n' + SCISSORS);
  if (sc !== -1) cutoff = sc === 0 ? 0 : sc + 1;
  let boc = 0, bol = 0, inConflicts = false;
  while (bol < cutoff) {
    const next = nextLine(s, bol);
    if (s[bol] === COMMENT || s[bol] === '\n') {
      if (!boc) boc = bol;
    } else if (s.startsWith('Conflicts:\n', bol)) {
      inConflicts = true;
      if (!boc) boc = bol;
    } else if (inConflicts && s[bol] === '\t') {
      // a path in the conflicts block
    } else if (boc) {
      boc = 0;
      inConflicts = false;
    }
    bol = next;
  }
  return boc ? boc : cutoff;
}

/** Start of the trailer block in s[0, len), or len when there is none (git's find_trailer_start). */
function trailerStart(s: string, len: number): number {
  let p = 0;
  for (; p < len; p = nextLine(s, p)) {
    if (s[p] === COMMENT) continue;
    if (isBlankLine(s, p)) break;
  }
  const endOfTitle = p;
  let onlySpaces = true, recognized = false;
  let trailerLines = 0, nonTrailerLines = 0, continuation = 0;
  for (let l = lastLine(s, len); l >= endOfTitle; l = lastLine(s, l)) {
    if (s[l] === COMMENT) {
      nonTrailerLines += continuation;
      continuation = 0;
      continue;
    }
    if (isBlankLine(s, l)) {
      if (onlySpaces) continue;
      nonTrailerLines += continuation;
      if (recognized && trailerLines * 3 >= nonTrailerLines) return nextLine(s, l);
      if (trailerLines && !nonTrailerLines) return nextLine(s, l);
      return len;
    }
    onlySpaces = false;
    if (GIT_GENERATED_PREFIXES.some(pre => s.startsWith(pre, l))) {
      trailerLines++;
      continuation = 0;
      recognized = true;
      continue;
    }
    const sep = findSeparator(s, l);
    if (sep >= 1 && !isSpace(s[l])) {
      trailerLines++;
      continuation = 0;
    } else if (isSpace(s[l])) {
      continuation++;
    } else {
      nonTrailerLines++;
      nonTrailerLines += continuation;
      continuation = 0;
    }
  }
  return len;
}

/** Collapses continuation lines into single spaces and trims (git's unfold_value). */
function unfold(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; ) {
    const c = v[i++];
    if (c === '\n') {
      while (i < v.length && isSpace(v[i])) i++;
      out += ' ';
    } else out += c;
  }
  return trimSpace(out);
}

function trimSpace(s: string): string {
  let a = 0, b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

/** Where the blank lines at the start of a message end: git's `%(trailers)` reads the message from there (pretty.c's skip_blank_lines). */
function afterBlankLines(s: string): number {
  let p = 0;
  while (p < s.length && isBlankLine(s, p)) p = nextLine(s, p);
  return p;
}

/**
 * Where the trailer block starts and ends in a message (offsets; start === end when there is none). The message's
 * title is its first paragraph after any blank lines, as git reads a commit; `titled: false` reads from the very
 * start, so that a message beginning with a blank line has an empty title (how a note is read).
 */
export function trailerBlock(message: string, titled = true): { start: number; end: number } {
  const from = titled ? afterBlankLines(message) : 0;
  const rest = message.slice(from);
  const end = endOfLogMessage(rest);
  const start = trailerStart(rest, end);
  return { start: from + Math.min(start, end), end: from + end };
}

/** Every trailer of the message's trailer block, values unfolded, as `%(trailers:only,unfold)` lists them. */
export function parseTrailers(message: string, titled = true): Trailer[] {
  const { start, end } = trailerBlock(message, titled);
  const lines: string[] = [];
  let lastIsTrailer = false;
  for (let p = start; p < end; ) {
    const n = Math.min(nextLine(message, p), end);
    const line = message.slice(p, n);
    p = n;
    if (lastIsTrailer && isSpace(line[0])) {
      lines[lines.length - 1] += line;
      continue;
    }
    lines.push(line);
    lastIsTrailer = findSeparator(line) >= 1;
  }
  const out: Trailer[] = [];
  for (const line of lines) {
    const sep = findSeparator(line);
    if (sep < 1) continue;
    out.push({ key: trimSpace(line.slice(0, sep)), value: unfold(trimSpace(line.slice(sep + 1))) });
  }
  return out;
}

/** Values of the trailers whose key equals `key` case-insensitively (`%(trailers:key=K,valueonly,unfold)`). */
export function trailerValues(message: string, key: string, titled = true): string[] {
  const k = key.toLowerCase();
  return parseTrailers(message, titled).filter(t => t.key.toLowerCase() === k).map(t => t.value);
}

/** The values of the trailers whose key is `key` (case-insensitive, as git's `%(trailers:key=...)`), from [key, value] pairs. */
export function valuesFor(trailers: readonly (readonly [string, string])[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter(t => t[0].toLowerCase() === k).map(t => t[1]);
}

/** Outcome ids in trailer values: comma-separated, trimmed, empty pieces dropped. */
export function idsFromValues(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) for (const part of v.split(',')) { const id = part.trim(); if (id && !out.includes(id)) out.push(id); }
  return out;
}

/**
 * A git note holds trailers without a subject line: read it as a message whose title is empty,
 * so a one-line note `Outcome: x` is a trailer block (as a user writing it expects).
 */
export function noteTrailerValues(note: string, key: string): string[] {
  return trailerValues('\n\n' + note, key, false);
}

/**
 * The message with `key: ids` in its trailer block, keeping everything the user typed: ids already in a
 * `key` trailer are kept (merged, each once), the `key` line(s) are replaced by one line at the end of the
 * block, and a block is started (after a blank line) when there is none. The result's trailers, read by git,
 * name exactly the merged ids.
 */
export function withTrailer(message: string, key: string, ids: readonly string[]): string {
  const eol = message.includes('\r\n') ? '\r\n' : '\n';
  const { start, end } = trailerBlock(message);
  const hasBlock = start < end && parseTrailers(message).length > 0;
  const existing = hasBlock ? idsFromValues(trailerValues(message, key)) : [];
  const merged = [...existing, ...ids.filter(id => !existing.includes(id))];
  if (!merged.length) return message;
  const line = `${key}: ${merged.join(', ')}`;
  if (!hasBlock) {
    const body = message.replace(/[\s]+$/, '');
    return `${body}${eol}${eol}${line}${eol}`;
  }
  // Drop the key's lines (and their continuation lines) from the block, then append the merged line.
  const block = message.slice(start, end);
  const kept: string[] = [];
  let dropping = false;
  for (const l of block.split('\n')) {
    if (l === '' ) continue;
    const sep = findSeparator(l);
    if (sep >= 1 && !isSpace(l[0])) dropping = trimSpace(l.slice(0, sep)).toLowerCase() === key.toLowerCase();
    else if (!isSpace(l[0])) dropping = false;
    if (!dropping) kept.push(l.replace(/\r$/, ''));
  }
  kept.push(line);
  return message.slice(0, start) + kept.join(eol) + eol + message.slice(end).replace(/^[\r\n]+/, '');
}

/**
 * A note's text with its `key` trailer naming exactly `ids` (with none, the trailer line goes), the rest of the note
 * kept: prose, other trailers, their order. Read back with noteTrailerValues, the result names exactly `ids`.
 */
export function noteWithIds(note: string, key: string, ids: readonly string[]): string {
  // A note is read as a message whose title is empty (see noteTrailerValues).
  const msg = '\n\n' + note.replace(/\r\n/g, '\n');
  const { start, end } = trailerBlock(msg, false);
  const hasBlock = start < end && parseTrailers(msg, false).length > 0;
  const prose = (hasBlock ? msg.slice(0, start) : msg).replace(/^\n+/, '').replace(/\s+$/, '');
  const kept: string[] = [];
  if (hasBlock) {
    let dropping = false;
    for (const l of msg.slice(start, end).split('\n')) {
      if (!l.trim()) continue;
      const sep = findSeparator(l);
      if (sep >= 1 && !isSpace(l[0])) dropping = trimSpace(l.slice(0, sep)).toLowerCase() === key.toLowerCase();
      else if (!isSpace(l[0])) dropping = false;
      if (!dropping) kept.push(l);
    }
  }
  if (ids.length) kept.push(`${key}: ${ids.join(', ')}`);
  const block = kept.join('\n');
  return [prose, block].filter(Boolean).join('\n\n') + (prose || block ? '\n' : '');
}
