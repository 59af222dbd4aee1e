import { findSeparator, trailerBlock } from './trailers';

/** An id a message's outcome trailer names that outcomes.yaml does not define, and where it is. */
export interface UnknownId {
  id: string;
  /** Offsets of the id in the message (for the commit box's diagnostic and its quick fix). */
  start: number;
  end: number;
}

/**
 * The unknown ids of the message's `key` trailers (its trailer block, read as git reads it; comment lines are not
 * trailers); outcomes/parse's nearestKey gives the id each likely means. A value folded over several lines is read line by line.
 */
export function unknownTrailerIds(message: string, key: string, known: readonly string[]): UnknownId[] {
  const ids = new Set(known);
  const k = key.toLowerCase();
  const { start, end } = trailerBlock(message);
  const out: UnknownId[] = [];
  for (let at = start; at < end; ) {
    const nl = message.indexOf('\n', at);
    const next = nl === -1 || nl >= end ? end : nl + 1;
    const line = message.slice(at, next);
    const sep = findSeparator(line);
    if (sep >= 1 && line.slice(0, sep).trim().toLowerCase() === k) {
      let from = sep + 1;
      for (const piece of line.slice(from).replace(/\r?\n$/, '').split(',')) {
        const id = piece.trim();
        if (id && !ids.has(id)) {
          const s = at + from + piece.indexOf(id);
          out.push({ id, start: s, end: s + id.length });
        }
        from += piece.length + 1;
      }
    }
    at = next;
  }
  return out;
}
