/**
 * The bad-input corpus: outcomes.yaml files that `outcome-lens check` is run on as a process
 * (test/unit/outcomesFile.test.ts), the ones it must refuse with a located error and the unusual ones it must accept.
 */

export const GOOD_OUTCOME = '  - id: a\n    title: A\n    areas: [src/]\n';

/** [kind, name, file content, line, column (or undefined when only the line is certain), message fragment]: exit 1. */
export const BROKEN: [string, string, string | Buffer, number, number | undefined, string][] = [
  ['syntax', 'not YAML: unclosed flow sequence', 'version: 1\noutcomes: [\n', 3, undefined, ''],
  ['structure', 'not a mapping: a list', '- a\n- b\n', 1, 1, 'must be a mapping'],
  ['structure', 'not a mapping: a scalar', 'hello world\n', 1, 1, 'must be a mapping'],
  ['structure', 'missing version', 'outcomes: []\n', 1, 1, 'version'],
  ['values', 'wrong version', 'version: 2\noutcomes: []\n', 1, 10, 'version must be the integer 1'],
  ['types', 'version as a string', 'version: "1"\noutcomes: []\n', 1, 10, 'version must be the integer 1'],
  ['structure', 'missing outcomes', 'version: 1\ntrailer: Outcome\n', 1, 1, 'missing `outcomes:`'],
  ['types', 'outcomes not a list', 'version: 1\noutcomes: foo\n', 2, 11, 'outcomes must be a list'],
  ['types', 'outcome not a mapping', 'version: 1\noutcomes:\n  - just-a-string\n', 3, 5, 'must be a mapping'],
  ['structure', 'missing id', 'version: 1\noutcomes:\n  - title: T\n    areas: [src/]\n', 3, 5, 'no `id`'],
  ['structure', 'missing title', 'version: 1\noutcomes:\n  - id: t\n    areas: [src/]\n', 3, 5, 'no `title`'],
  ['duplicates', 'duplicate id points at the second', `version: 1\noutcomes:\n${GOOD_OUTCOME}${GOOD_OUTCOME}`, 6, 9, 'duplicate id'],
  ['values', 'malformed id (upper case)', 'version: 1\noutcomes:\n  - id: Checkout\n    title: T\n    areas: [src/]\n', 3, 9, 'may contain only'],
  ['values', 'malformed id (space)', 'version: 1\noutcomes:\n  - id: "a b"\n    title: T\n    areas: [src/]\n', 3, 9, 'may contain only'],
  ['types', 'id as a number', 'version: 1\noutcomes:\n  - id: 42\n    title: T\n    areas: [src/]\n', 3, 9, 'quote it'],
  ['duplicates', 'duplicate top-level key points at the second', 'version: 1\nversion: 1\noutcomes: []\n', 2, 1, 'duplicate key'],
  ['duplicates', 'duplicate key inside an outcome', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    title: B\n    areas: [src/]\n', 5, 5, 'duplicate key'],
  ['values', 'link not http(s)', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    link: javascript:alert(1)\n    areas: [src/]\n', 5, 11, 'http'],
  ['values', 'link not a URL', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    link: okr/42\n    areas: [src/]\n', 5, 11, 'http'],
  ['values', 'unknown status', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    status: done\n    areas: [src/]\n', 5, 13, 'unknown status'],
  ['values', 'empty pattern', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas:\n      - src/\n      - ""\n', 7, 9, 'empty pattern'],
  ['values', 'empty ticket prefix', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: ["PAY-", " "]\n', 5, 23, 'empty ticket prefix'],
  ['values', 'trailer key with a space', 'version: 1\ntrailer: "Out come"\noutcomes: []\n', 2, 10, 'trailer must be'],
  ['types', 'title of the wrong type', 'version: 1\noutcomes:\n  - id: a\n    title: [x, y]\n    areas: [src/]\n', 4, 12, 'title must be a string'],
  ['types', 'areas not a list', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: src/\n', 5, 12, 'areas must be a list'],
  ['types', 'metrics not a list', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics: 4%\n', 6, 14, 'metrics must be a list'],
  ['structure', 'key result without a name', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics:\n      - target: 4%\n', 7, 9, 'no `name`'],
  ['types', 'ignore entry is a mapping', 'version: 1\nignore:\n  - vendor/\n  - {a: b}\noutcomes: []\n', 4, 5, 'must be a string'],
  ['types', 'owner is a mapping', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    owner: {team: x}\n    areas: [src/]\n', 5, 12, 'owner must be a string'],
  ['whitespace', 'tab indentation', 'version: 1\noutcomes:\n\t- id: a\n', 3, undefined, ''],
  ['syntax', 'bad indentation in a list', 'version: 1\noutcomes:\n  - id: a\n   title: A\n', 4, undefined, ''],
  ['anchors and tags', 'alias bomb', 'version: 1\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\noutcomes:\n  - id: x\n    title: X\n    areas: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n', 9, 13, 'must be a string'],
  ['nesting', 'deeply nested', 'version: 1\noutcomes: ' + '['.repeat(20000) + '\n', 2, 11, 'nested too deeply'],
  ['nesting', '5,000 nested flow sequences, closed', 'version: 1\noutcomes: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['nesting', '5,000 nested flow mappings', 'version: 1\noutcomes: ' + '{a: '.repeat(5000) + '1' + '}'.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['nesting', '5,000 nested flow mappings, unclosed', 'version: 1\noutcomes: ' + '{a: '.repeat(5000) + '\n', 2, 11, 'nested too deeply'],
  ['nesting', '5,000 nested block sequences on one line', 'version: 1\nx:\n  ' + '- '.repeat(5000) + '1\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['nesting', '1,200 nested block mappings (as deep as 1 MB allows)', 'version: 1\nx:\n' + Array.from({ length: 1200 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') + '\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['nesting', '5,000 nested explicit keys', 'version: 1\nx:\n  ' + '? '.repeat(5000) + '1\noutcomes: []\n', 2, 1, 'nested too deeply'],
  ['nesting', 'deep nesting inside an outcome starts at its first bracket', 'version: 1\noutcomes:\n  - id: a\n    title: ' + '['.repeat(5000) + '\n', 4, 12, 'nested too deeply'],
  ['nesting', 'a whole file of brackets', '['.repeat(5000), 1, 1, 'nested too deeply'],
  ['encoding', 'not UTF-8', Buffer.concat([Buffer.from('version: 1\noutcomes:\n  - id: a\n    title: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 4, 15, 'UTF-8'],
  ['structure', 'empty file', '', 1, 1, 'empty'],
  ['structure', 'only comments', '# nothing yet\n', 1, 1, 'empty'],
  ['size', 'too big', 'version: 1\noutcomes: []\n' + '#'.repeat(1100 * 1024) + '\n', 1, 1, 'at most'],
  ['syntax', 'a second YAML document', 'version: 1\noutcomes: []\n---\nversion: 1\n', 3, undefined, ''],
];

/** [kind, name, file content, what stderr must match]: valid but unusual, exit 0 (in a repository with src/a.ts and vendor/x.js). */
export const UNUSUAL: [string, string, string | Buffer, RegExp?][] = [
  ['encoding', 'BOM', '\ufeffversion: 1\noutcomes:\n' + GOOD_OUTCOME],
  ['whitespace', 'CRLF line ends', ('version: 1\noutcomes:\n' + GOOD_OUTCOME).replace(/\n/g, '\r\n')],
  ['structure', 'unknown keys warn', 'version: 1\nfuture: yes\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    colour: blue\n', /outcomes\.yaml:2:1: warning: unknown key "future"[\s\S]*outcomes\.yaml:7:5: warning: unknown key "colour"/],
  ['structure', 'empty list', 'version: 1\noutcomes: []\n'],
  ['nulls', 'outcomes with nothing yet', 'version: 1\noutcomes:\n'],
  ['anchors and tags', 'anchors and aliases reused', 'version: 1\nignore: &ig [vendor/]\noutcomes:\n  - id: a\n    title: A\n    areas: *ig\n'],
  ['types', 'numbers in metrics keep their text', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n    metrics:\n      - {name: p95, baseline: 3.10, target: 250ms}\n'],
  ['patterns', 'pattern that matches nothing warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/, nothing-here/]\n', /outcomes\.yaml:5:19: warning: "nothing-here\/" in the areas of "a" matches no tracked file/],
  ['patterns', 'shadowed pattern warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    areas:\n      - src/\n      - src/a.ts\n', /outcomes\.yaml:7:9: warning: "src\/a.ts" .* is shadowed/],
  ['structure', 'outcome without areas or tickets warns', 'version: 1\noutcomes:\n  - id: a\n    title: A\n', /outcomes\.yaml:3:9: warning: outcome "a" has neither/],
];
