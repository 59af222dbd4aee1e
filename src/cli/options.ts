import { statSync } from 'node:fs';
import path = require('node:path');
import { parseArgs } from 'node:util';
import { DATE_FORMS, DayEdge, resolveDate } from '../core/util/dates';
import { printable, quoted } from '../core/util/printable';

// One table per command drives node's parser, the checks of the values and the help, so that the three cannot disagree.

/** The command line asks for what the table does not allow: one line naming the command, exit 2. */
export class UsageError extends Error {}

/** How an option appears on the command line: `--x VALUE`, `--x`, or `--x VALUE` given again and again. */
export type OptionKind = 'string' | 'boolean' | 'multiple';

/** One option of a table: `Always` keeps `undefined` out of its value's type when the command always gets one (a default, a flag, a list). */
export interface Option<T = unknown, Always extends boolean = boolean, Text extends string = string> {
  readonly kind: OptionKind;
  /** The value's name in the help: DATE, N, FILE, DIR, A..B. */
  readonly placeholder?: string;
  readonly help: string;
  /** The only values it takes, when they are a fixed set. */
  readonly values?: readonly string[];
  /** The text as typed, turned into the value (a list: its part of the list); throws a UsageError saying why it cannot be. */
  readonly convert: (text: string, flag: string) => T;
  /** The text it has when not given, converted as if typed. */
  readonly default?: Text;
  /** The default in words, where the command works it out itself (the report's window). */
  readonly defaultHelp?: string;
  /** A command without it cannot run. */
  readonly required?: boolean;
  /** Phantom: whether the command always gets a value. */
  readonly always?: Always;
}

export type OptionTable = Record<string, Option<any, boolean, any>>;

/** The values a command gets from its table, typed. */
export type Values<S extends OptionTable> = {
  readonly [K in keyof S]: S[K] extends Option<infer T, infer A, any> ? (A extends true ? T : T | undefined) : never;
};

/** Two options that ask for opposite things (`a` only when it has the value `when`). */
export interface Conflict<K extends string> {
  a: K;
  when?: string;
  b: K;
  /** What the two ask for together, after "--a and --b": "ask for two windows". */
  why: string;
}

/** A command as its table declares it. */
export interface CommandSpec<S extends OptionTable> {
  name: string;
  /** One line, for `outcome-lens --help`. */
  summary: string;
  /** More of what it does, for `outcome-lens <name> --help`. */
  description?: string;
  /** What it takes besides options (`COMMIT...`); without it, none. */
  args?: string;
  options: S;
  conflicts?: readonly Conflict<keyof S & string>[];
}

type Given<D> = [D] extends [undefined] ? false : true;

const usage = (message: string): never => { throw new UsageError(message); };

/** `--max-count` for the key `maxCount`: the table's keys are the values' names, the flags follow from them. */
export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`;

/** A flag: true when given. */
export function flag(help: string): Option<boolean, true> {
  return { kind: 'boolean', help, convert: () => true };
}

/** Any text, as typed (a range, a folder). */
export function text<D extends string | undefined = undefined>(placeholder: string, help: string, dflt?: D, defaultHelp?: string): Option<string, Given<D>> {
  return { kind: 'string', placeholder, help, convert: s => s, default: dflt, defaultHelp };
}

/** One of a fixed set of values. */
export function oneOf<const V extends string, D extends V | undefined = undefined>(values: readonly V[], help: string, dflt?: D): Option<V, Given<D>, V> {
  return {
    kind: 'string', help, values, default: dflt,
    convert: (s, f) => (values.includes(s as V) ? s as V : usage(`${f} must be one of ${values.join(', ')}, not ${quoted(s)}`)),
  };
}

/** A whole number of at least `min`. */
export function whole<D extends `${number}` | undefined = undefined>(help: string, min: number, dflt?: D): Option<number, Given<D>> {
  return {
    kind: 'string', placeholder: 'N', help, default: dflt,
    convert: (s, f) => (/^\d+$/.test(s) && Number(s) >= min ? Number(s) : usage(`${f} must be a whole number${min ? `, ${min} or more` : ''}, not ${quoted(s)}`)),
  };
}

/** A date as DATE_FORMS says, resolved here (resolveDate) because git would read almost any text as some date. */
export function date<D extends string | undefined = undefined>(edge: DayEdge, help: string, dflt?: D, defaultHelp?: string): Option<string, Given<D>> {
  return {
    kind: 'string', placeholder: 'DATE', help, default: dflt, defaultHelp,
    convert: (s, f) => resolveDate(s, edge) ?? usage(`${f} ${quoted(s)} is not a date; use ${DATE_FORMS}`),
  };
}

/** A file to write: its folder must exist, so that a long run does not end in a file it cannot write. */
export function outFile(help: string): Option<string, false> {
  return {
    kind: 'string', placeholder: 'FILE', help,
    convert: (s, f) => {
      if (!s) usage(`${f} needs a file name`);
      const dir = path.dirname(path.resolve(s));
      const st = statSync(dir, { throwIfNoEntry: false });
      if (!st) usage(`${f} ${printable(s)}: there is no folder ${printable(dir)} to write it in`);
      else if (!st.isDirectory()) usage(`${f} ${printable(s)}: ${printable(dir)} is not a folder`);
      return s;
    },
  };
}

/** An option that may be given several times, each value checked by `check`. */
export function list(placeholder: string, help: string, check: (text: string, flag: string) => string = s => s, required = false): Option<string[], true> {
  return { kind: 'multiple', placeholder, help, convert: (s, f) => [check(s, f)], required };
}

/** `--json`, the same as `--format json`: given to every command whose `--format` has json, and to no other. */
export function jsonAlias(options: OptionTable): boolean {
  return !!options.format?.values?.includes('json');
}

/** The command line of one command, typed by its table; `help` when it asks for its help. */
export function parseCommandLine<S extends OptionTable>(spec: CommandSpec<S>, argv: string[]): { values: Values<S>; args: string[] } | 'help' {
  const keys = Object.keys(spec.options);
  const parserOptions: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const k of keys) parserOptions[flagOf(k).slice(2)] = { type: spec.options[k].kind === 'boolean' ? 'boolean' : 'string', multiple: spec.options[k].kind === 'multiple' };
  const json = jsonAlias(spec.options);
  if (json) parserOptions.json = { type: 'boolean' };
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: parserOptions, allowPositionals: spec.args !== undefined, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']*)'/.exec(err.message)?.[1] : undefined;
    throw new UsageError(unknown !== undefined
      ? `unknown option ${printable(unknown)} ('outcome-lens ${spec.name} --help' lists the options${spec.args ? `; an argument that starts with '-' goes after '--'` : ''})`
      : printable(err.message.split('\n')[0].replace(/\.$/, '')));
  }
  const raw = parsed.values;
  if (raw.help) return 'help';
  if (json && raw.json) {
    if (raw.format !== undefined && raw.format !== 'json') usage(`--json and --format ${printable(String(raw.format))} ask for two formats; give one`);
    raw.format = 'json';
  }
  const values: Record<string, unknown> = {};
  for (const k of keys) {
    const o = spec.options[k];
    const f = flagOf(k);
    const typed = raw[f.slice(2)];
    if (o.required && typed === undefined) usage(`needs ${f}${o.placeholder ? ` ${o.placeholder}` : ''}`);
    if (o.kind === 'boolean') values[k] = typed === true;
    else if (o.kind === 'multiple') values[k] = ((typed ?? []) as string[]).flatMap(s => o.convert(s, f));
    else {
      const s = (typed as string | undefined) ?? o.default;
      values[k] = s === undefined ? undefined : o.convert(s, f);
    }
  }
  const given = (key: string, value?: string) => {
    const v = raw[flagOf(key).slice(2)];
    return v !== undefined && v !== false && (value === undefined || v === value);
  };
  for (const c of spec.conflicts ?? []) {
    if (given(c.a, c.when) && given(c.b)) usage(`${flagOf(c.a)}${c.when !== undefined ? ` ${c.when}` : ''} and ${flagOf(c.b)} ${c.why}; give one`);
  }
  return { values: values as Values<S>, args: parsed.positionals };
}

const WIDTH = 100;

/** Words in lines of at most WIDTH columns after `indent` spaces (the first after `first`); a list keeps its items whole, as a usage line's `[--format md|json]`. */
export function wrap(words: string | readonly string[], indent: number, first = ' '.repeat(indent)): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of typeof words === 'string' ? words.split(/\s+/).filter(Boolean) : words) {
    if (!empty && line.length + 1 + word.length > WIDTH) { lines.push(line); line = ' '.repeat(indent); empty = true; }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Rows of two columns, the second one starting where the widest first one ends. */
export function columns(rows: readonly (readonly [string, string])[], indent = 2): string {
  const width = Math.max(...rows.map(([a]) => a.length)) + indent + 2;
  return rows.map(([a, b]) => {
    const left = `${' '.repeat(indent)}${a}`;
    return wrap(b, width, left.padEnd(width));
  }).join('\n');
}

/** A phrase of the tables as a sentence of the help: a capital first, a full stop last. */
const sentence = (phrase: string): string => `${phrase[0].toUpperCase()}${phrase.slice(1)}${phrase.endsWith('.') ? '' : '.'}`;

/** How an option is written in a usage line: `--format md|json|csv|html`, `--since DATE`, `--all`. */
function written(key: string, o: Option): string {
  const value = o.values ? o.values.join('|') : o.placeholder;
  return `${flagOf(key)}${o.kind === 'boolean' || !value ? '' : ` ${value}`}`;
}

/** `outcome-lens <name> [ARGS]`, as the list of commands and the usage line start. */
export const invocation = (spec: CommandSpec<OptionTable>): string => `outcome-lens ${spec.name}${spec.args ? ` ${spec.args}` : ''}`;

/** The help of one command, made from its table: usage, what it does, each option with its values and default. */
export function commandHelp(spec: CommandSpec<OptionTable>): string {
  const entries = Object.entries(spec.options);
  const json = jsonAlias(spec.options);
  const synopsis = [...entries.map(([k, o]) => (o.required ? written(k, o) : `[${written(k, o)}]`)), ...(json ? ['[--json]'] : [])];
  const conflictsOf = (k: string) => (spec.conflicts ?? []).flatMap(c => (c.a === k ? [`${c.when !== undefined ? `${quoted(c.when)} ` : ''}not with ${flagOf(c.b)}`] : c.b === k ? [`not with ${flagOf(c.a)}${c.when !== undefined ? ` ${c.when}` : ''}`] : []));
  const rows: [string, string][] = entries.map(([k, o]) => {
    const notes = [
      ...(o.kind === 'multiple' ? ['May be given more than once.'] : []),
      ...(o.defaultHelp ?? o.default) !== undefined ? [sentence(`default: ${o.defaultHelp ?? o.default}`)] : [],
      ...conflictsOf(k).map(sentence),
    ];
    return [written(k, o), [sentence(o.help), ...notes].join(' ')];
  });
  if (json) rows.push(['--json', 'The same as --format json. Not with another --format.']);
  rows.push(['-h, --help', 'This help.']);
  const start = `usage: ${invocation(spec)} `;
  const dates = entries.some(([, o]) => o.placeholder === 'DATE');
  return [
    wrap(synopsis, start.length, start),
    '',
    wrap([spec.summary, spec.description].filter(d => d !== undefined).map(sentence).join(' '), 0, ''),
    '',
    'options:',
    columns(rows),
    '',
    ...(dates ? [DATE_HELP, ''] : []),
    EXIT_HELP,
  ].join('\n') + '\n';
}

/** What `DATE` accepts, for every help that has a date option. */
export const DATE_HELP = wrap(`DATE is ${DATE_FORMS}; without a zone, local time. A day alone means from its start (--since) or to its end (--until).`, 0, '');

/** The exit codes every command keeps (DESIGN.md, "Command-line contract"). */
export const EXIT_HELP = `exit codes:
${columns([
    ['0', 'all good'],
    ['1', 'problems found (errors in outcomes.yaml, or --unlinked listed something)'],
    ['2', 'usage error, no repository or no outcomes.yaml, or git failed'],
  ])}`;
