import { Diagnostic, firstDiagnostics, ParseCode, PATTERN_CODES, Severity } from '../outcomes/model';

/** A kind of problem: its default level, a one-line description and its help (Markdown), what it is and how to fix it. */
export interface Rule {
  level: Severity;
  text: string;
  help: string;
}

/** Every code a diagnostic of outcomes.yaml can have, and the commit whose link names an unknown outcome. */
export type RuleId = ParseCode | (typeof PATTERN_CODES)[number] | 'invalid-link';

/**
 * Every kind of problem `check` reports, by the `code` its diagnostics carry: SARIF's rule ids, stable across
 * versions so that code scanning keeps an alert open (or closes it) rather than seeing a new one each run. The help
 * travels in the SARIF itself: the tool has no web page to point to.
 */
export const RULES: Record<RuleId, Rule> = {
  'not-utf8': { level: 'error', text: 'outcomes.yaml is not UTF-8', help: 'outcomes.yaml must be UTF-8 text, and a byte here is not. Save the file as UTF-8 (most editors offer "Save with Encoding").' },
  'too-large': { level: 'error', text: 'outcomes.yaml is larger than 1 MiB', help: 'outcomes.yaml may be at most 1 MiB (1,048,576 bytes); a larger file is not read at all. Split long lists of patterns into broader ones (`src/payments/` rather than each file), or move text out of `description`.' },
  unreadable: { level: 'error', text: 'outcomes.yaml cannot be read', help: 'outcomes.yaml could not be read: the message says why (its permissions, a folder by that name, nesting too deep to read). Make it a readable regular file with plain YAML.' },
  'too-many-problems': { level: 'error', text: 'More problems than are shown', help: 'The file has more problems than an editor or a log lists (100); this note stands for the rest. Fix the ones shown first, or run `outcome-lens check --format sarif` to see every one.' },
  'too-deep': { level: 'error', text: 'Lists and mappings nested too deeply', help: 'Lists and mappings start here that go more than 100 levels deep; outcomes.yaml needs 5. Usually a bracket (`[` or `{`) is left open: close it, or remove the extra nesting.' },
  'forbidden-character': { level: 'error', text: 'A control character or half a surrogate pair', help: 'YAML allows no control character but tab and line ends, and no half of a UTF-16 surrogate pair (an escape such as `"\\ud800"` alone). Remove the character, or write the character itself instead of the escape.' },
  'yaml-syntax': { level: 'error', text: 'outcomes.yaml is not valid YAML', help: 'The text is not valid YAML at this place, so the file is not read. The message says what the YAML reader expected: often an indentation that does not line up, a `:` missing after a key, or a quote left open.' },
  'yaml-warning': { level: 'warning', text: 'YAML that is valid but probably not meant', help: 'The YAML reader accepts this but warns about it, for example a tag it does not know (`!foo`). Write the value plainly, as a string, list or mapping.' },
  'duplicate-key': { level: 'error', text: 'A key appears twice in one mapping', help: 'Each key may appear once in a mapping; YAML does not say which of two values counts. Remove one of them, or merge their values (two `areas:` lists into one).' },
  'empty-file': { level: 'error', text: 'outcomes.yaml is empty', help: 'outcomes.yaml has nothing in it. It needs at least `version: 1` and `outcomes:` (a list, which may be empty: `outcomes: []`); `outcome-lens init` writes a first one.' },
  'not-a-mapping': { level: 'error', text: 'outcomes.yaml is not a mapping', help: 'The file must be a mapping with the keys `version` and `outcomes` (and optionally `trailer` and `ignore`), not a list or a single value. Start it with `version: 1` on a line of its own.' },
  'alias-expansion': { level: 'error', text: 'Too many YAML aliases expanded', help: 'The file expands more aliases (`*name`) than outcomes.yaml ever needs, as an alias bomb does; it is not read. Write the lists out instead of nesting aliases of aliases.' },
  'unknown-alias': { level: 'error', text: 'An alias that names no anchor', help: 'An alias (`*name`) stands for the value marked `&name` above it, and no value above has that anchor. Write `&name` on the value it stands for, before the alias, or write the value out.' },
  'bad-merge': { level: 'error', text: 'A merge key that takes no mapping', help: 'A merge key (`<<: *base`) adds the keys of a mapping (or of a list of mappings) to this one; here it names something else. Point it at a mapping marked `&base`, or remove it.' },
  'bad-key': { level: 'error', text: 'A key that is not a plain name', help: 'Keys in outcomes.yaml are plain names such as `id` or `areas`; a list, a mapping or an empty value cannot be a key. Write the key as a plain word followed by `:`.' },
  'unknown-key': { level: 'warning', text: 'An unknown key (ignored)', help: 'outcomes.yaml has no such key at this level, so its value is ignored (a newer version may know it). The message names the known key it most likely means: rename it (`area:` to `areas:`), or remove it.' },
  'wrong-type': { level: 'error', text: 'A value of the wrong type', help: 'The value is not of the type this key takes: a string, a list of strings, a list of mappings or a number. The message says which; quote a number or a word such as `yes` that is meant as text (`"2024"`).' },
  'missing-version': { level: 'error', text: 'No `version: 1`', help: 'outcomes.yaml starts with the version of its format, so that a later format is not misread. Add `version: 1` at the top level.' },
  'bad-version': { level: 'error', text: 'An unknown file format version', help: 'The only format version is 1, written as the integer `version: 1` (not `"1"` or `1.0`). A file written for a newer version needs a newer Outcome Lens.' },
  'bad-trailer-key': { level: 'error', text: 'The trailer key is not a git trailer key', help: '`trailer` names the commit-message trailer that links a commit to an outcome (`Outcome: checkout`). git trailer keys have letters, digits and `-` only: write for example `trailer: Outcome`, or leave it out for that default.' },
  'missing-outcomes': { level: 'error', text: 'No `outcomes:` list', help: 'outcomes.yaml lists its outcomes under `outcomes:`. Add the list (it may be empty for now: `outcomes: []`), each item with at least `id` and `title`.' },
  'missing-id': { level: 'error', text: 'An outcome without an id', help: 'Each outcome needs an `id`: the name commits use to link to it (`Outcome: checkout`). Add `id:` with lower-case letters, digits, `.`, `_` and `-`.' },
  'bad-id': { level: 'error', text: 'A malformed outcome id', help: 'An outcome id may contain only lower-case letters, digits, `.`, `_` and `-`, so that it can be written in a commit trailer as it is. Rename it (`Checkout Flow` to `checkout-flow`), and the trailers that use it.' },
  'duplicate-id': { level: 'error', text: 'Two outcomes with one id', help: 'Two outcomes have this id, so a commit that names it could mean either. Give one of them another id, or merge the two outcomes.' },
  'missing-title': { level: 'error', text: 'An outcome without a title', help: 'Each outcome needs a `title`: the name the views, the dashboard and the reports show. Add `title:` with a short sentence of what the outcome is.' },
  'empty-title': { level: 'error', text: 'An empty title', help: 'The `title` is only spaces or empty, so the outcome would have no name in the views and reports. Write what the outcome is.' },
  'unknown-status': { level: 'error', text: 'An unknown status', help: 'An outcome\'s `status` is one of `proposed`, `active`, `achieved` or `dropped` (`active` when left out). Use one of them.' },
  'bad-link': { level: 'error', text: 'A link that is not http(s)', help: 'An outcome\'s `link` opens in a browser, so it must be an `http://` or `https://` URL. Write the full URL of the ticket, document or dashboard, or remove it.' },
  'bad-budget': { level: 'error', text: 'A budget that is not a percentage', help: '`budget` is the share of the effort planned for the outcome, a percentage from 0% to 100% such as `budget: 30%`. Write it that way, or remove it.' },
  'budget-out-of-range': { level: 'error', text: 'A budget over 100%', help: 'A budget is a share of the whole effort, so it is at most 100%. Lower it; the budgets of all outcomes together should make 100% or less.' },
  'budget-looks-like-fraction': { level: 'warning', text: 'A budget that reads as a fraction of a percent', help: 'A budget without `%` counts as a percentage, so `budget: 0.3` is 0.3% of the effort. Write `30%` if you meant a fraction of the effort, or write the `%` (`0.3%`) to keep it.' },
  'budgets-over-100': { level: 'warning', text: 'Budgets that add up to more than 100%', help: 'The budgets of the outcomes are shares of one whole effort, and from this one on they add up to more than 100%, so not all can be met. Lower some of them.' },
  'missing-key-result-name': { level: 'error', text: 'A key result without a name', help: 'Each key result under `metrics` needs a `name` (what is measured), besides its `baseline`, `target` and `current`. Add `name:`.' },
  'empty-pattern': { level: 'error', text: 'An empty pattern or ticket prefix', help: 'An entry of `areas`, `ignore` or `tickets` is empty, so it would match nothing (or everything). Remove it, or write the pattern (`src/payments/`) or the ticket prefix (`PAY-`).' },
  'no-areas-or-tickets': { level: 'warning', text: 'An outcome with neither areas nor tickets', help: 'The outcome has no `areas` (paths of the code that serves it) and no `tickets` (ticket-key prefixes), so only commit trailers and notes can link work to it. Add the folders that serve it under `areas:`.' },
  'bad-regex': { level: 'error', text: 'A commit rule that is not a valid regular expression', help: 'An entry of `ignoreAuthors` or `ignoreSubjects` written `/.../` is a regular expression, and this one does not compile (or is empty, or has a flag other than `i` and `u`). Fix it, or write it without the slashes to match plain text: an author\'s whole name or e-mail, or the start of a subject (`chore(deps):`).' },
  'bad-source': { level: 'error', text: 'A key result\'s source that cannot be read', help: 'A key result\'s `source` names a file inside the repository and how to read it: `{ file: metrics/checkout.csv, column: conversion }` for a CSV with a `date` column, or `{ file: metrics/kpis.json, pointer: /checkout/conversion }` for a JSON file. Outcome Lens reads only files inside the repository and runs nothing; fix the path or the key.' },
  'bad-period': { level: 'error', text: 'A period that is not a date range', help: 'An outcome runs over `period: 2026-Q4` (a year, a half `2026-H1`, a quarter or a month `2026-11`), or over `start` and `due` dates written YYYY-MM-DD, due not before start. Write one of these, not both.' },
  'comment-pattern': { level: 'warning', text: 'A pattern that is a comment in .gitignore syntax', help: 'Patterns follow .gitignore syntax, where a pattern that starts with `#` is a comment and matches nothing. Write `\\#` for a file name that starts with `#`, or remove it.' },
  'patterns-not-checked': { level: 'warning', text: 'Patterns too many to check', help: 'There are too many patterns over too many tracked files to check each for matching nothing, being shadowed or having no effect; from this pattern on they are not checked (they still match). Use fewer, broader patterns (folders rather than files).' },
  'negation-takes-all': { level: 'warning', text: 'A negation that takes away every file of its outcome', help: 'The lines above this `!pattern` match files, and after it the outcome claims none: often a folder line (`packages/`) that a negation of folders (`!*/`) takes with the folder. The message says how to write the folder\'s files one by one (`**/packages/**`), or delete the negation.' },
  'negation-no-effect': { level: 'warning', text: 'A negation that takes nothing away', help: 'A `!pattern` takes back files that the patterns above it matched; this one takes back none, often because git cannot re-include a file in a folder that is excluded. The message says how to write it so that it does.' },
  'pattern-matches-nothing': { level: 'warning', text: 'A pattern that matches no tracked file', help: 'No tracked file matches this pattern, so it links nothing to the outcome: the folder may have moved or been renamed. Correct the path, or remove the pattern.' },
  'pattern-shadowed': { level: 'warning', text: 'A pattern shadowed by the ones above it', help: 'The patterns above this one, in the same list, already match every file it matches, so it adds nothing. Remove it, or narrow the broader pattern above.' },
  'invalid-link': { level: 'error', text: 'A commit links to an outcome that is not defined', help: 'A commit\'s trailer or note names an id that outcomes.yaml does not define (a typo, or an outcome renamed or removed), and `check` fails until it is settled. Settle it with a note that names the right outcome (`outcome-lens tag COMMIT --outcome ID`, or Replace with… in the editor), add the outcome back, or take an id out of a note with `--remove`.' },
};

export interface SarifInput {
  /** outcomes.yaml's path relative to the repository root, with `/`. */
  file: string;
  /** Every problem: none stands for others (the parser's `too-many-problems` note is replaced by what it hides). */
  diagnostics: readonly Diagnostic[];
  invalidLinks: readonly { sha: string; ids: string[] }[];
  /** Problems found but not listed in `diagnostics` (past what the parser keeps): said in the run's notification. */
  unlisted?: number;
}

/** What code scanning takes of a run: it rejects a SARIF file with more results. */
export const MAX_RESULTS = 25_000;

/** A diagnostic's rule id: its code (a test checks that each code has its rule; one without is still not dropped). */
const ruleOf = (d: Diagnostic): string => d.code ?? 'other';
const ruleFor = (id: string, level: Severity): Rule =>
  Object.hasOwn(RULES, id) ? RULES[id as RuleId] : { level, text: 'A problem in outcomes.yaml', help: 'The message says what the problem is and how to fix it.' };

/** The help's Markdown as plain text: the same words without the code marks (every backslash in it is in code). */
const plain = (md: string) => md.replace(/`/g, '');

/**
 * `check --format sarif`: SARIF 2.1.0 with one run, one result per problem at its region (columns in UTF-16 code
 * units, as the parser counts them), and one per commit whose trailer or note names an unknown id, at file level (the
 * commit is in the message; SARIF allows a location without a region). Errors come first when there are more than
 * code scanning takes; what is left out is said in a notification of the run. The rules listed are the ones the
 * results use, each with its help.
 */
export function renderSarif({ file, diagnostics, invalidLinks, unlisted = 0 }: SarifInput): string {
  const diags = firstDiagnostics(diagnostics, MAX_RESULTS).shown;
  const links = invalidLinks.slice(0, MAX_RESULTS - diags.length);
  const left = diagnostics.length - diags.length + invalidLinks.length - links.length + unlisted;
  const levels = new Map<string, Severity>(diags.map(d => [ruleOf(d), d.severity]));
  if (links.length) levels.set('invalid-link', RULES['invalid-link'].level);
  const used = [...levels.keys()].sort();
  const index = new Map(used.map((id, i) => [id, i]));
  // Relative to the repository root, which is where code scanning resolves it.
  const artifact = { uri: file };
  const results = [
    ...diags.map(d => ({
      ruleId: ruleOf(d), ruleIndex: index.get(ruleOf(d))!, level: d.severity, message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: artifact, region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn } } }],
    })),
    ...links.map(i => ({
      ruleId: 'invalid-link', ruleIndex: index.get('invalid-link')!, level: RULES['invalid-link'].level,
      message: { text: `commit ${i.sha} names ${i.ids.map(x => JSON.stringify(x)).join(', ')}, which ${i.ids.length > 1 ? 'are not outcome ids' : 'is not an outcome id'} in ${file}` },
      locations: [{ physicalLocation: { artifactLocation: artifact } }],
      // One alert per commit and id, however often the run is repeated.
      partialFingerprints: { invalidLink: `${i.sha}:${i.ids.join(',')}` },
    })),
  ];
  const notice = `${left} more problem(s) not included: code scanning takes at most ${MAX_RESULTS} results of a run (errors are included first); \`outcome-lens check\` counts them all`;
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Outcome Lens',
          rules: used.map(id => {
            const rule = ruleFor(id, levels.get(id)!);
            return {
              id, name: id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.text }, fullDescription: { text: plain(rule.help) },
              help: { text: plain(rule.help), markdown: rule.help },
              defaultConfiguration: { level: rule.level },
            };
          }),
        },
      },
      // SARIF 2.1.0 §3.14.27: the unit of every column below (the parser's offsets are JavaScript string indices).
      columnKind: 'utf16CodeUnits',
      ...(left ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'warning', message: { text: notice } }] }] } : {}),
      results,
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
