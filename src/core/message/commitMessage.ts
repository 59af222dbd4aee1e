import { trailerValues, withTrailer } from './trailers';

const SCISSORS = '# ------------------------ >8 ------------------------';

/** What prepare-commit-msg does to a message: the new text, or undefined to leave the file as it is. */
export interface HookEdit {
  text?: string;
  /** Why it was left alone, or how it was changed (for a test or a trace; the hook prints nothing). */
  reason: 'trailer' | 'hint' | 'source' | 'has-trailer' | 'comment-char' | 'no-place';
}

/**
 * The commit message as prepare-commit-msg leaves it when the staged files point to outcome `id` alone.
 *
 * - `merge`, `squash` and `commit` (amend, -c, -C) messages are git's or an earlier commit's: left alone.
 * - A message that already has a `key` trailer is the author's choice: left alone.
 * - A message with text (`-m`, `-F`) gets the trailer (withTrailer keeps everything else).
 * - An empty message or a template (the editor opens next) gets the trailer as a comment to uncomment: a real
 *   trailer there would make git commit a message the author left empty or untouched, instead of aborting.
 *
 * `commentChar` is git's core.commentChar; the hint is written only for `#`, the one trailers.ts reads.
 */
export function hookEdit(message: string, key: string, id: string, source: string, commentChar = '#'): HookEdit {
  if (source === 'merge' || source === 'squash' || source === 'commit') return { reason: 'source' };
  if (trailerValues(message, key).length) return { reason: 'has-trailer' };
  const body = message.split('\n').filter(l => !l.startsWith('#')).join('\n').trim();
  if (body && source !== 'template') return { text: withTrailer(message, key, [id]), reason: 'trailer' };
  if (commentChar !== '#') return { reason: 'comment-char' };
  const lines = message.split('\n');
  const at = lines.findIndex(l => l.startsWith('#'));
  // With commit.cleanup=scissors git's comments start at the scissors line and only what follows it is dropped.
  if (at === -1 || lines[at] === SCISSORS) return { reason: 'no-place' };
  const hint = [`# ${key}: ${id}`, `#   ^ outcome-lens: the staged files serve "${id}"; remove the "# " above to link this commit to it.`, '#'];
  const before = lines.slice(0, at);
  // The subject line, a blank line, then the hint: uncommented, it is a trailer.
  while (before.length < 2) before.push('');
  if (before[before.length - 1].trim() !== '') before.push('');
  return { text: [...before, ...hint, ...lines.slice(at)].join('\n'), reason: 'hint' };
}
