import { trailerValues, withTrailer } from './trailers';

/** The characters git chooses from, in its order, when core.commentChar is `auto` (builtin/commit.c). */
const AUTO_CANDIDATES = '#;@!$%^&|:';
/** git's scissors line after its comment character: what follows the line is never part of the message. */
const CUT = ' ------------------------ >8 ------------------------';
const SCISSORS = `#${CUT}`;
/** Marks a line that starts with `#` but is text, while the message is read with `#` as the comment character. */
const TEXT = '\u0000';

/**
 * The comment string git uses in a commit message file that it wrote for the editor: core.commentChar as configured
 * (`#` when unset), or, for `auto`, the character git picked. git picks the first of `#;@!$%^&|:` that starts no line
 * of the message it had before writing its comments; in the file those comments are the lines that end it, so the
 * character is the scissors line's, else the first candidate whose lines all belong to that closing run (which holds
 * a bare comment line).
 */
export function commentString(message: string, configured: string | undefined): string {
  if (!configured) return '#';
  if (configured.toLowerCase() !== 'auto') return configured;
  const lines = message.split('\n').map(l => l.replace(/\r$/, ''));
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].length === CUT.length + 1 && AUTO_CANDIDATES.includes(lines[i][0]) && lines[i].slice(1) === CUT) return lines[i][0];
  }
  const filled = lines.filter(l => l.trim() !== '');
  const starts = filled.map(l => l[0]);
  for (const c of AUTO_CANDIDATES) {
    let run = starts.length;
    while (run > 0 && starts[run - 1] === c) run--;
    // git's comments include a bare comment line (after "Please enter the commit message..."), which text rarely is.
    if (run < starts.length && !starts.slice(0, run).includes(c) && filled.slice(run).includes(c)) return c;
  }
  // No comment of git's in the file (no status was written): git's own choice, made on the message alone.
  if (!message.includes('#')) return '#';
  return [...AUTO_CANDIDATES].find(c => !starts.includes(c)) ?? '#';
}

/**
 * The message with the lines git will drop as comments (those starting with `comment`; none when `comment` is null)
 * turned into `#` lines and `#` lines that are text marked, so that trailers.ts, which knows `#` only, reads it as git
 * will. `fromHashComments` undoes it: each is the other's inverse, and lines added in between stay as they are.
 */
function toHashComments(message: string, comment: string | null): string {
  if (comment === '#') return message;
  return message.split('\n').map(l => (comment !== null && l.startsWith(comment) ? `#${l.slice(comment.length)}` : l.startsWith('#') ? TEXT + l : l)).join('\n');
}

function fromHashComments(message: string, comment: string | null): string {
  if (comment === '#') return message;
  return message.split('\n').map(l => (l.startsWith('#') && comment !== null ? comment + l.slice(1) : l.startsWith(TEXT) ? l.slice(1) : l)).join('\n');
}

/**
 * Where the text git keeps ends in a message read with `#` comments: after its last line that is neither a comment nor
 * blank, above the scissors line. What follows (git's closing comments, the scissors line and the diff of `commit -v`
 * below it) is dropped by git, so nothing may be written there.
 */
function endOfText(m: string): number {
  let end = 0;
  for (let at = 0; at < m.length; ) {
    const nl = m.indexOf('\n', at);
    const next = nl === -1 ? m.length : nl + 1;
    const line = m.slice(at, next).replace(/\r?\n$/, '');
    if (line === SCISSORS) break;
    if (line.trim() !== '' && !line.startsWith('#')) end = next;
    at = next;
  }
  return end;
}

/**
 * The message as git will read its trailers once the hook is done: above the scissors line, the comment lines of the
 * editor read as `#` comments (see HookContext), which trailers.ts skips.
 */
export function hookMessageText(message: string, o: Pick<HookContext, 'editor' | 'comment'>): string {
  const m = toHashComments(message, o.editor ? o.comment : null);
  return m.slice(0, endOfText(m));
}

/** What prepare-commit-msg does to a message: the new text, or undefined to leave the file as it is. */
export interface HookEdit {
  text?: string;
  /** Why it was left alone, or how it was changed (for a test or a trace; the hook prints nothing). */
  reason: 'trailer' | 'hint' | 'has-trailer' | 'no-place' | 'no-editor';
}

export interface HookContext {
  /** prepare-commit-msg's second argument: `message`, `template`, `merge`, `squash`, `commit` or empty. */
  source: string;
  /** Whether the editor opens after the hook (git gives its hooks GIT_EDITOR=: when it does not). */
  editor: boolean;
  /** The comment string of the message file (see commentString); only read when the editor opens. */
  comment: string;
}

/**
 * The commit message as prepare-commit-msg leaves it when the commit being made points to outcome `id` alone.
 *
 * - A message that already has a `key` trailer is the author's choice (or an earlier commit's): left alone.
 * - A message with text (`-m`, `-F`, an amended or reused message, a squash) gets the trailer at the end of its text:
 *   above git's comments and above the scissors line of `commit -v`, below which git drops everything.
 * - An empty message or a template, where the editor opens next, gets the trailer as a comment to uncomment: a real
 *   trailer there would make git commit a message the author left empty or untouched, instead of aborting.
 *
 * Without the editor git keeps comment lines (its cleanup is `whitespace`), so every line is then read as text.
 */
export function hookEdit(message: string, key: string, id: string, o: HookContext): HookEdit {
  const comment = o.editor ? o.comment : null;
  const m = toHashComments(message, comment);
  if (trailerValues(m, key).length) return { reason: 'has-trailer' };
  const end = endOfText(m);
  const head = m.slice(0, end);
  const tail = m.slice(end);
  const text = head.split('\n').filter(l => !l.startsWith('#')).join('\n').trim();
  if (text && o.source !== 'template') return { text: fromHashComments(withTrailer(head, key, [id]) + tail, comment), reason: 'trailer' };
  if (!o.editor) return { reason: 'no-editor' };
  const closing = tail.split('\n');
  const first = closing.findIndex(l => l.trim() !== '');
  // With commit.cleanup=scissors git's comments start at the scissors line and only what follows it is dropped.
  if (first === -1 || !closing[first].startsWith('#') || closing[first].replace(/\r$/, '') === SCISSORS) return { reason: 'no-place' };
  const hint = [`# ${key}: ${id}`, `#   ^ outcome-lens: the files of this commit serve "${id}"; remove the "${o.comment} " above to link the commit to it.`, '#'];
  const before = head ? head.replace(/\n$/, '').split('\n') : [];
  // The subject line, a blank line, then the hint: uncommented, it is a trailer.
  while (before.length < 2) before.push('');
  if (before[before.length - 1].trim() !== '') before.push('');
  return { text: fromHashComments([...before, ...hint, ...closing].join('\n'), comment), reason: 'hint' };
}
