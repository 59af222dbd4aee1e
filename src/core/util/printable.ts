/**
 * Untrusted text (commit subjects, author names, paths, outcomes.yaml values) made safe for a terminal or a CI log:
 * every control character is written as JSON writes it (`\n`, `\t`, `\u001b`), so that no ANSI or OSC sequence in
 * a subject can recolour the log, move the cursor, rewrite an earlier line or hide a link (OSC 8). JSON.stringify
 * escapes C0 only; DEL and the C1 controls (U+0080-U+009F, where a terminal may read U+009B as CSI) are escaped too.
 */
export function printable(s: string): string {
  // Most text has no control character: no copy then.
  if (!/[\u0000-\u001f\u007f-\u009f]/.test(s)) return s;
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, c => {
    const j = JSON.stringify(c);
    return j.length === 4 ? j.slice(1, 3) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A value quoted as JSON writes it (`"id"`, with `"` and `\` escaped), control characters included (see printable). */
export function quoted(s: string): string {
  return printable(JSON.stringify(s));
}

/** Text of at most about `max` characters: a longer one is cut (at a character, not inside a surrogate pair) and says how long it was. */
export function short(s: string, max = 60): string {
  if (s.length <= max) return s;
  const cut = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return `${s.slice(0, cut)}… (${s.length} characters)`;
}

/**
 * A value from outcomes.yaml as a message quotes it: as JSON writes it, cut like `short`, so that a 100,000-character
 * id makes a line of a log, not a page.
 */
export function quotedShort(s: string, max = 60): string {
  if (s.length <= max) return JSON.stringify(s);
  const cut = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return `${JSON.stringify(s.slice(0, cut) + '…')} (${s.length} characters)`;
}
