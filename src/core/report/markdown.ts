import { printable } from '../util/printable';

/**
 * Untrusted text (titles, key results, folder names, subjects, authors, paths) as literal Markdown text, for a
 * table cell, a list item or a heading. A report is posted as a pull-request comment and a job summary, where
 * `[Sign in](https://evil.example)`, `![](…)`, raw HTML, `**`, `$math$`, `~~`, a `@team` mention, a `#12` reference
 * or a `|` that ends a table cell would otherwise be live. Those characters are backslash-escaped (CommonMark
 * renders `\x` as `x` for any ASCII punctuation), so are the ones that start a list or a heading when the text
 * comes first in its block; `<`, `>` and `&` become entities, line breaks spaces, control characters are
 * neutralised (see printable).
 */
export function mdText(s: string): string {
  return printable(s.replace(/[\r\n]+/g, ' '))
    .replace(/[\\`*_[\]()#!|~$@]/g, '\\$&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/[<>&]/g, c => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}
