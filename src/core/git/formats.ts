/**
 * git's output formats, each described once. A record that git prints through `--format` placeholders is a list of
 * named fields (placeholder and decoder), from which its `--format=` string, its parse and its cache row all follow:
 * a new fact about a commit is one more line in COMMIT. The outputs without placeholders (a config listing, `--raw`
 * and `--numstat` entries, `ls-files --stage`, `show-ref` and `notes list` lines) have one parser each.
 */

/** Keeps one copy of a text that recurs across records (paths, names, e-mails). */
export type Intern = (s: string) => string;

/** One field of a record: what git prints it with, and how its text becomes the value. */
export interface Field<V = unknown, S = unknown> {
  /** A `--format` placeholder: `%H`, `%P`, `%aN`. */
  readonly placeholder: string;
  /** The value from git's text for this field (one NUL-separated token). */
  decode(text: string, intern: Intern): V;
  /** The value as a cache row keeps it (JSON); without it, the value itself. */
  store?(value: V): S;
  /** The value back from a cache row; without it, what the row holds. */
  load?(stored: S): V;
}

/** A field; `cache`: how a cache row keeps a value that is not plain JSON text. */
export function field<V, S = V>(placeholder: string, decode: (text: string, intern: Intern) => V, cache?: { store(value: V): S; load(stored: S): V }): Field<V, S> {
  return { placeholder, decode, store: cache?.store, load: cache?.load };
}

export type Fields = Record<string, Field<any, any>>;
/** The values of a record's fields, by name. */
export type Values<D extends Fields> = { -readonly [K in keyof D]: D[K] extends Field<infer V, any> ? V : never };

/** The values a GitRecord decodes to. */
export type RecordValues<R> = R extends GitRecord<infer D> ? Values<D> : never;

/** A copy that does not keep the chunk of git output it was cut from alive (V8 slices long substrings). */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

export const EMPTY: never[] = [];

/**
 * A record git prints with `--format`, its fields separated by NUL (%x00): no field of a commit can hold a NUL.
 * `framing`:
 * - 'lead': the record starts with an empty field (`%x00` first) and other output follows it (`--raw`, `--numstat`):
 *   git never prints an empty token there, so an empty token can only start a record.
 * - 'whole': the record is all git prints of a commit (`log -z` ends each with a NUL): exactly `width` tokens each.
 */
export class GitRecord<D extends Fields> {
  readonly names: readonly (keyof D & string)[];
  readonly width: number;
  /** The `--format=` argument. */
  readonly format: string;
  private readonly fields: readonly Field[];

  constructor(description: D, readonly framing: 'lead' | 'whole') {
    this.names = Object.keys(description);
    this.fields = this.names.map(n => description[n]);
    this.width = this.names.length;
    this.format = `--format=${framing === 'lead' ? '%x00' : ''}${this.fields.map(f => f.placeholder).join('%x00')}`;
  }

  /** The record whose fields are `tokens[at]` onwards. */
  decode(tokens: readonly string[], at: number, intern: Intern = own): Values<D> {
    const v: Record<string, unknown> = {};
    for (let i = 0; i < this.width; i++) v[this.names[i]] = this.fields[i].decode(tokens[at + i], intern);
    return v as Values<D>;
  }

  /**
   * Every record of a 'whole' output (`log -z --format=...`, which ends each record with a NUL). The first field of
   * a record may follow a newline (some options print one between records): it is dropped.
   */
  all(out: string, intern: Intern = own): Values<D>[] {
    const tokens = out.split('\0');
    // What follows the last NUL is no field.
    const end = tokens.length - 1;
    const records: Values<D>[] = [];
    for (let k = 0; k + this.width <= end; k += this.width) {
      if (tokens[k].startsWith('\n')) tokens[k] = tokens[k].slice(1);
      records.push(this.decode(tokens, k, intern));
    }
    return records;
  }

  /** The record's fields as a cache row keeps them, in the description's order. */
  toRow(v: Values<D>): unknown[] {
    const row = new Array<unknown>(this.width);
    for (let i = 0; i < this.width; i++) {
      const f = this.fields[i], x = v[this.names[i]];
      row[i] = f.store ? f.store(x) : x;
    }
    return row;
  }

  /** The record back from a cache row that toRow made. */
  fromRow(row: readonly unknown[]): Values<D> {
    const v: Record<string, unknown> = {};
    for (let i = 0; i < this.width; i++) {
      const f = this.fields[i];
      v[this.names[i]] = f.load ? f.load(row[i]) : row[i];
    }
    return v as Values<D>;
  }
}

/** `%(trailers:only,unfold)`: one `key: value` line per trailer (git prints ": " between them). */
export function parseTrailerLines(text: string): [string, string][] {
  if (!text) return EMPTY;
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    // git has trimmed the value already, by its own whitespace (a \v or a no-break space stays): take it as printed
    if (at > 0) out.push([own(line.slice(0, at)), own(line.slice(line[at + 1] === ' ' ? at + 2 : at + 1))]);
  }
  return out;
}

const text = (t: string) => own(t);
const idList = (t: string) => (t ? t.split(' ').map(own) : EMPTY);
const list = { store: (v: string[]) => v.join(' '), load: (s: string) => (s ? s.split(' ') : EMPTY) };

const sha = field('%H', text);
const parents = field('%P', idList, list);
const committed = field('%cI', text);

/** A commit's facts, as `git log` prints them for every commit read (the file list follows, from `--raw`). */
export const COMMIT = new GitRecord({
  sha,
  parents,
  /** Author name and e-mail after .mailmap. */
  author: field('%aN', (t, intern) => intern(t)),
  email: field('%aE', (t, intern) => intern(t)),
  /** Author date, strict ISO-8601 as git prints it. */
  date: field('%aI', text),
  /** Committer date: what `--since` selects by. */
  committed,
  subject: field('%s', text),
  /** The message's trailers as `git log --format=%(trailers:only,unfold)` reads them: [key, value]. */
  trailers: field('%(trailers:only,unfold)', parseTrailerLines, { store: v => v, load: (t: [string, string][]) => (t.length ? t : EMPTY) }),
  /** The whole message, for ticket keys. */
  message: field('%B', text),
}, 'lead');

/** A commit and its parents, before its `--raw` changes. */
export const COMMIT_PARENTS = new GitRecord({ sha, parents }, 'lead');
/** A commit id, before its `--numstat` changes. */
export const COMMIT_ID = new GitRecord({ sha }, 'lead');
/** A commit's note under the notes ref `--notes=` names (empty: none). */
export const NOTE = new GitRecord({ sha, note: field('%N', t => t) }, 'whole');
/** A commit and its dates (the commits that changed one file). */
export const DATED = new GitRecord({ sha, date: field('%aI', text), committed }, 'whole');
/** A commit's committer date. */
export const COMMITTED = new GitRecord({ committed }, 'whole');

/** A `--raw` change, `:<old mode> <new mode> <old id> <new id> <status>` (its path is the next token). */
export interface RawChange {
  oldMode: string;
  newMode: string;
  oldId: string;
  newId: string;
  status: string;
}

/** A `--raw` change token, or undefined for any other token; a newline before it (after a record) is dropped. */
export function parseRawChange(token: string): RawChange | undefined {
  const t = token.startsWith('\n') ? token.slice(1) : token;
  if (!t.startsWith(':')) return undefined;
  const p = t.slice(1).split(' ');
  return p.length === 5 ? { oldMode: p[0], newMode: p[1], oldId: p[2], newId: p[3], status: p[4] } : undefined;
}

/** Whether a `--raw` change token is a submodule (gitlink, mode 160000) before or after the change. */
export function isGitlinkChange(change: string): boolean {
  // ":160000 100644 …" or ":100644 160000 …"
  return change.startsWith('160000 ', 1) || change.startsWith('160000 ', 8);
}

/**
 * Whether a `--raw` change token moves a path (`R<score>`, or `C<score>` for a copy): two paths follow it, the old one
 * first, where any other change has one.
 */
export function isTwoPathChange(change: string): boolean {
  const s = change.charCodeAt(change.lastIndexOf(' ') + 1);
  return s === 82 /* R */ || s === 67 /* C */;
}

/** Whether a `--raw` change token is a rename (`R<score>`), not a copy. */
export function isRenameChange(change: string): boolean {
  return change.charCodeAt(change.lastIndexOf(' ') + 1) === 82;
}

/** Whether a `--raw` change token adds its path (`A`). */
export function isAddition(change: string): boolean {
  return change.endsWith(' A');
}

/** Whether a `--raw` change token deletes its path (`D`). */
export function isDeletion(change: string): boolean {
  return change.endsWith(' D');
}

/** A `--numstat -z` entry `added\tdeleted\tpath`: a binary file has no line counts (`-\t-`). */
export function parseNumstatEntry(token: string): { path: string; lines: number | null } | undefined {
  const t = token.startsWith('\n') ? token.slice(1) : token;
  const m = /^(-|\d+)\t(-|\d+)\t/.exec(t);
  if (!m) return undefined;
  return { path: t.slice(m[0].length), lines: m[1] === '-' && m[2] === '-' ? null : (Number(m[1]) || 0) + (Number(m[2]) || 0) };
}

/**
 * `git config -z --get-regexp` (or `--get`): `key\nvalue` per entry, NUL-terminated; a key set with no value (which
 * means true) has no newline and an undefined value.
 */
export function parseConfigEntries(out: string): [key: string, value: string | undefined][] {
  const entries: [string, string | undefined][] = [];
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const nl = entry.indexOf('\n');
    entries.push(nl === -1 ? [entry, undefined] : [entry.slice(0, nl), entry.slice(nl + 1)]);
  }
  return entries;
}

/** `git ls-files -z --stage`: `<mode> <object> <stage>\t<path>` per entry. */
export function parseStageEntries(out: string): { mode: string; path: string }[] {
  const entries: { mode: string; path: string }[] = [];
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab !== -1) entries.push({ mode: entry.slice(0, entry.indexOf(' ')), path: entry.slice(tab + 1) });
  }
  return entries;
}

/** Lines of two space-separated words, as `show-ref` (`<id> <ref>`) and `notes list` (`<note> <commit>`) print them. */
export function parsePairs(out: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) pairs.push([line.slice(0, sp), line.slice(sp + 1)]);
  }
  return pairs;
}
