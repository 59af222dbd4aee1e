import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from './parse';

const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
const isScalar = (n: unknown): n is Scalar => yaml().isScalar(n);
const isSeq = (n: unknown): n is YAMLSeq => yaml().isSeq(n);

/** A text insertion, as offsets into the file: enough for an undoable WorkspaceEdit that keeps comments. */
export interface Insertion {
  offset: number;
  text: string;
}

/**
 * A repository-relative path, as git lists it (`/`-separated: a backslash is part of a name), as a pattern that
 * matches exactly it: gitignore specials escaped (`\\` too), anchored with a leading `/` (a bare `README.md` would
 * match every README.md below too), a trailing `/` for a folder.
 */
export function patternForPath(relPath: string, isFolder: boolean): string {
  let p = relPath.replace(/^\/+|\/+$/g, '');
  p = p.replace(/[*?[\]\\]/g, c => `\\${c}`);
  p = p.replace(/ $/, '\\ ');
  return `/${p}${isFolder ? '/' : ''}`;
}

/**
 * An `ignoreAuthors` entry that matches exactly this author name: the name itself, unless it would read as a
 * `/regular expression/`, which then becomes one that matches only the whole name.
 */
export function authorEntry(name: string): string {
  return /^\/.*\/[a-z]*$/s.test(name) ? `/^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/i` : name;
}

/** The top-level lists planAddPattern can append to: files, authors and subjects that need no outcome. */
export type TopLevelList = 'ignore' | 'ignoreAuthors' | 'ignoreSubjects';

/**
 * Where and what to insert so that `pattern` is appended to an outcome's `areas` (or to the top-level `ignore`,
 * `ignoreAuthors` or `ignoreSubjects` list when `target` names it), touching nothing else: block lists get a new `- item` line at their indentation,
 * flow lists `[a, b]` get `, item`, a missing list is created. Returns undefined when the file cannot be read
 * as a valid mapping or the outcome is not there.
 */
export function planAddPattern(text: string, target: { outcome: string } | TopLevelList, pattern: string): Insertion | undefined {
  const doc = yaml().parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const item = JSON.stringify(pattern);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (typeof target === 'string') {
    const top = doc.contents as YAMLMap;
    const pair = top.items.find(p => isScalar(p.key) && p.key.value === target);
    if (pair) return appendTo(text, pair.value as Node | null, pair.key as Node, item, eol, 2);
    // No such list yet: put one right before `outcomes:` (or at the end), at column 0.
    const outcomes = top.items.find(p => isScalar(p.key) && p.key.value === 'outcomes');
    const at = outcomes ? lineStart(text, (outcomes.key as Node).range![0]) : endWithNewline(text);
    return { offset: at, text: `${at === text.length && !text.endsWith('\n') ? eol : ''}${target}:${eol}  - ${item}${eol}` };
  }
  const outcomesPair = (doc.contents as YAMLMap).items.find(p => isScalar(p.key) && p.key.value === 'outcomes');
  if (!outcomesPair || !isSeq(outcomesPair.value)) return undefined;
  const o = (outcomesPair.value as YAMLSeq).items.find(n => isMap(n) && (n as YAMLMap).items.some(p => isScalar(p.key) && p.key.value === 'id' && isScalar(p.value) && p.value.value === target.outcome)) as YAMLMap | undefined;
  if (!o) return undefined;
  const areas = o.items.find(p => isScalar(p.key) && p.key.value === 'areas');
  if (!areas && o.flow) {
    // `- {id: a, title: A}`: the new key goes inside the braces, in the same flow style.
    const close = text.lastIndexOf('}', o.range![1]);
    return close === -1 ? undefined : { offset: close, text: `, areas: [${item}]` };
  }
  const keyCol = columnOf(text, (o.items[0].key as Node).range![0]);
  if (areas) return appendTo(text, areas.value as Node | null, areas.key as Node, item, eol, keyCol + 2);
  // No areas yet: add the key after the outcome's last line, at the indentation of its keys.
  const end = lineEndAfter(text, o.range![1] - 1);
  const pad = ' '.repeat(keyCol);
  return { offset: end, text: `${end === text.length && !text.endsWith('\n') ? eol : ''}${pad}areas:${eol}${pad}  - ${item}${eol}` };
}

function appendTo(text: string, list: Node | null, key: Node, item: string, eol: string, defaultIndent: number): Insertion | undefined {
  if (isSeq(list) && (list as YAMLSeq).flow) {
    const close = text.lastIndexOf(']', list.range![1]);
    const empty = (list as YAMLSeq).items.length === 0;
    return { offset: close, text: empty ? item : `, ${item}` };
  }
  if (isSeq(list) && list.items.length) {
    const last = list.items[list.items.length - 1] as Node;
    const firstStart = (list.items[0] as Node).range![0];
    const dashCol = columnOf(text, text.lastIndexOf('-', firstStart));
    const end = lineEndAfter(text, last.range![1] - 1);
    return { offset: end, text: `${end === text.length && !text.endsWith('\n') ? eol : ''}${' '.repeat(dashCol)}- ${item}${eol}` };
  }
  if (list === null || (isScalar(list) && (list.value === null || list.value === ''))) {
    // `areas:` with nothing after it: start a block list on the next line.
    const end = lineEndAfter(text, key.range![1]);
    return { offset: end, text: `${end === text.length && !text.endsWith('\n') ? eol : ''}${' '.repeat(defaultIndent)}- ${item}${eol}` };
  }
  return undefined;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
/** Offset just past the newline that ends the line containing `offset` (or the end of the text). */
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset));
  return nl === -1 ? text.length : nl + 1;
}
function endWithNewline(text: string): number {
  return text.length;
}
