import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { TempRepo } from './helpers/repo';
import { BROKEN, UNUSUAL } from './helpers/outcomesCorpus';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { Diagnostic } from '../../src/core/outcomes/model';
import { parseTrailers, trailerValues } from '../../src/core/message/trailers';
import { compilePatterns, matchMask, PathMatcher } from '../../src/core/patterns/matcher';
import { Linker } from '../../src/core/links/link';
import { SuggestionCounts, suggestForFolders } from '../../src/core/links/suggest';

// Property tests with fast-check. Every run uses a fixed seed, so a failure is reproduced by running the test again;
// fast-check prints the shrunk counterexample and its seed. The number of cases is in each title and is checked.

/** The lines of a text as the editor counts them (CRLF, CR or LF ends a line; a BOM takes no column). */
function lineLengths(text: string): number[] {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/).map(l => l.length);
}

/** Why a diagnostic is not located within the text, or undefined when it is. */
function misplaced(text: string, d: Diagnostic): string | undefined {
  const lens = lineLengths(text);
  const within = (line: number, col: number) => Number.isInteger(line) && Number.isInteger(col) && line >= 1 && line <= lens.length && col >= 1 && col <= lens[line - 1] + 1;
  if (!within(d.line, d.column)) return `start ${d.line}:${d.column} is outside the text (${lens.length} lines, that one ${lens[d.line - 1]} long)`;
  if (!within(d.endLine, d.endColumn)) return `end ${d.endLine}:${d.endColumn} is outside the text`;
  if (d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column)) return `end ${d.endLine}:${d.endColumn} is before the start`;
  if (!d.message || /Maximum call stack|RangeError|TypeError|\n\s+at /.test(d.message)) return `message ${JSON.stringify(d.message)}`;
  return undefined;
}

/** The validator's contract on one input: no exception, at most 101 diagnostics, each located, a map only without errors. */
function validatorHolds(input: string | Uint8Array): void {
  const r = parseOutcomes(input);
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  assert.ok(r.diagnostics.length <= 101, `${r.diagnostics.length} diagnostics`);
  for (const d of r.diagnostics) {
    const why = misplaced(text, d);
    if (why) assert.fail(`${why}: ${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.code} ${d.message.slice(0, 200)}`);
  }
  assert.equal(r.map !== undefined, !r.diagnostics.some(d => d.severity === 'error'), 'a map exactly when there is no error');
}

const KEYS = ['version', 'trailer', 'ignore', 'outcomes', 'id', 'title', 'description', 'owner', 'status', 'link', 'metrics', 'areas', 'tickets', 'name', 'baseline', 'target', 'current'];
const TRICKY = ['src/', 'vendor/', '*.lock', '!x/', 'a', '', ' ', 'PAY-', 'https://x.example/1', 'active', 'done', 'Outcome', 'true', '1', '0x1F', '3.10', 'null', '~',
  '#c', '&a', '*a', '[x]', '{y}', ': z', '- w', "'q'", '"dq"', '\t', 'ü', '日本', '\u{1F600}', 'x\ny', '%', '@team', '`b`', '\\', '<<', '---', '...', '? k', '!!str'];

/** Values of every YAML type, nested a little: what a user (or a half-typed edit) can put anywhere. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>(tie => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 4 })),
})).v;

/**
 * Documents as values (before they are written out as YAML), in two moods: `loose`, where a field is wrong about one
 * time in three (most documents have an error somewhere), and `careful`, where a wrong field is rare (most are valid),
 * so that both answers of the validator are exercised.
 */
function documents(careful: boolean) {
  const odds = careful ? 40 : 3;
  /** A value that is right for its key most of the time, and anything else otherwise. */
  const field = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: odds, arbitrary: good }, { weight: 1, arbitrary: anyValue });
  /** One of the right values, or (as often as a wrong field) one of the near misses. */
  const pick = (right: unknown[], wrong: unknown[]) => careful
    ? fc.oneof({ weight: odds, arbitrary: fc.constantFrom(...right) }, { weight: 1, arbitrary: fc.constantFrom(...wrong) })
    : fc.constantFrom(...right, ...wrong);
  const patternList = fc.array(pick(['src/', 'vendor/', '*.ts', '!src/legacy/', 'docs/**/*.md'], ['']), { maxLength: 4 });
  const outcome = fc.record({
    id: field(pick(['a', 'b', 'checkout-conversion', 'x.y_z'], ['A', 'a b'])),
    title: field(pick(['A', 'Raise conversion'], ['', ' '])),
    description: field(fc.string({ maxLength: 20 })),
    owner: field(fc.constantFrom('@payments', 'team')),
    status: field(pick(['proposed', 'active', 'achieved', 'dropped'], ['done'])),
    link: field(pick(['https://okr.example.com/o/1', 'http://x.example', 'HTTPS://X.EXAMPLE/'], ['javascript:alert(1)', 'ftp://x', 'okr/42', 'http://'])),
    metrics: field(fc.array(fc.record({ name: field(fc.constantFrom('n', 'p95')), baseline: field(fc.oneof(fc.constantFrom('3.1%', '4%'), fc.double({ noNaN: true, noDefaultInfinity: true }))), target: field(fc.constantFrom('4%', '250ms')) }, { requiredKeys: careful ? ['name'] : [] }), { maxLength: 2 })),
    areas: field(patternList),
    tickets: field(fc.array(pick(['PAY-', 'X-'], ['']), { maxLength: 2 })),
    ...(careful ? {} : { extra: anyValue }),
  }, { requiredKeys: careful ? ['id', 'title'] : [] });
  return fc.record({
    version: field(fc.constant(1)),
    trailer: field(pick(['Outcome', 'Business-Outcome'], ['Out come'])),
    ignore: field(patternList),
    outcomes: field(fc.array(outcome, { maxLength: 4 })),
    ...(careful ? {} : { future: anyValue }),
  }, { requiredKeys: careful ? ['version', 'outcomes'] : [] });
}
const document = documents(false);

/** One edit a user (or a broken tool) might make to a text: insert, delete, swap lines, change line ends. */
const mutation = fc.tuple(fc.nat(), fc.oneof(
  fc.constantFrom('\n', '\r', '\r\n', '\t', ' ', '  ', '-', ':', ': ', '[', ']', '{', '}', ',', '#', '&x', '*x', '!', '|', '>', "'", '"', '?', '\\', '\0', '\ufeff', '\u0085', '\u2028', '\ud800', '<<: *x', '- ', '---\n'),
  fc.string({ maxLength: 3 }), fc.nat({ max: 8 }).map(n => ({ delete: n })), fc.constant('swap'), fc.constant('dedent')));
function mutate(text: string, edits: [number, string | { delete: number }][]): string {
  let t = text;
  for (const [at, e] of edits) {
    const i = t.length ? at % (t.length + 1) : 0;
    if (typeof e === 'object') t = t.slice(0, i) + t.slice(i + e.delete);
    else if (e === 'swap' || e === 'dedent') {
      const lines = t.split('\n');
      const k = at % lines.length;
      if (e === 'dedent') lines[k] = lines[k].replace(/^ /, '');
      else if (k + 1 < lines.length) [lines[k], lines[k + 1]] = [lines[k + 1], lines[k]];
      t = lines.join('\n');
    } else t = t.slice(0, i) + e + t.slice(i);
  }
  return t;
}
const yamlOptions = fc.record({ collectionStyle: fc.constantFrom('any', 'block', 'flow'), defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'), indent: fc.integer({ min: 1, max: 4 }) } as const);
const writtenDocument = fc.tuple(document, yamlOptions).map(([d, o]) => YAML.stringify(d, { ...o, lineWidth: 0 }));

/** Characters YAML gives a meaning to, line ends and controls, and any UTF-16 code unit (lone surrogates too). */
const yamlChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('\n', ' ', '  ', '-', ':', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', '\\', 'a', 'id', 'version: 1\n', 'outcomes:\n', '- id: a\n', '\r', '\r\n', '\t', '\0', '\ufeff', '\u0085', '\u2028') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map(c => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) });
/** Collections nested around the limit the validator refuses, in each style. */
const nesting = fc.tuple(fc.integer({ min: 1, max: 140 }), fc.constantFrom('[', '{a: ', '- ', '? ', 'block'), fc.boolean()).map(([n, open, closed]) => {
  if (open === 'block') return `version: 1\noutcomes: []\nx:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n`;
  const body = open.repeat(n) + (closed && open !== '- ' && open !== '? ' ? '1' + (open === '[' ? ']' : '}').repeat(n) : '');
  return `version: 1\noutcomes: []\nx:\n  ${body}\ny: 1\n`;
});

const SEED = 1;

describe('properties (fast-check, fixed seeds)', function () {
  this.timeout(180_000);

  describe('the outcomes.yaml validator never throws and locates every diagnostic within the text', () => {
    const runs = { documents: 1500, raw: 3000, nesting: 300, bytes: 1000 };
    const prove = <T>(arb: fc.Arbitrary<T>, numRuns: number, input: (v: T) => string | Uint8Array) => {
      let ran = 0;
      fc.assert(fc.property(arb, v => { ran++; validatorHolds(input(v)); }), { numRuns, seed: SEED, endOnFailure: false });
      assert.equal(ran, numRuns, 'every case ran');
    };
    it(`generated outcomes.yaml documents with random values, written in random styles and mutated (${runs.documents.toLocaleString('en')} cases)`, () =>
      prove(fc.tuple(writtenDocument, fc.array(mutation, { maxLength: 6 })), runs.documents, ([t, edits]) => mutate(t, edits)));
    it(`raw strings of YAML punctuation, line ends, controls and any UTF-16 code unit (${runs.raw.toLocaleString('en')} cases)`, () =>
      prove(fc.string({ unit: yamlChar, maxLength: 120 }), runs.raw, s => s));
    it(`lists and mappings nested 1 to 140 levels, in every style (${runs.nesting} cases)`, () => prove(nesting, runs.nesting, s => s));
    it(`bytes: random, and UTF-8 documents with bytes flipped (${runs.bytes} cases)`, () =>
      prove(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.tuple(writtenDocument, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([t, flips]) => {
        const b = Buffer.from(t, 'utf8');
        for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
        return new Uint8Array(b);
      })), runs.bytes, b => b));
  });

  describe('the validator and the JSON Schema agree on what is valid', () => {
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../schemas/outcomes.schema.json'), 'utf8'));
    // What the schema cannot say, and the validator checks: unique ids; a link that is a URL (the pattern only
    // looks at its start); and what only YAML has (duplicate keys, syntax, anchors, characters, size, nesting).
    const beyondSchema = new Set(['duplicate-id', 'duplicate-key', 'yaml-syntax', 'yaml-warning', 'unknown-alias', 'bad-merge', 'alias-expansion', 'forbidden-character', 'too-deep', 'too-large', 'not-utf8', 'unreadable', 'too-many-problems']);
    const judge = (text: string): { schema: boolean; validator: boolean } | undefined => {
      const r = parseOutcomes(text);
      if (r.diagnostics.some(d => d.code && beyondSchema.has(d.code))) return undefined;
      let value: unknown;
      try { value = YAML.parse(text, { uniqueKeys: true }); } catch { return undefined; }
      return { schema: schemaErrors(schema, schema, value, '').length === 0, validator: r.map !== undefined };
    };
    const runs = 1000;
    it(`on ${runs.toLocaleString('en')} generated documents`, () => {
      let judged = 0, valid = 0, ran = 0;
      fc.assert(fc.property(fc.tuple(fc.oneof(documents(false), documents(true)), yamlOptions), ([d, o]) => {
        ran++;
        const text = YAML.stringify(d, { ...o, lineWidth: 0 });
        const j = judge(text);
        if (!j) return;
        judged++;
        if (j.validator) valid++;
        assert.equal(j.validator, j.schema, `the validator says ${j.validator ? 'valid' : 'invalid'}, the schema ${j.schema ? 'valid' : 'invalid'}: ${schemaErrors(schema, schema, YAML.parse(text), '').join('; ')}\n${text}`);
      }), { numRuns: runs, seed: SEED });
      assert.equal(ran, runs);
      assert.ok(judged > runs / 2 && valid > 50 && valid < judged - 50, `both answers are exercised: ${valid} valid of ${judged} judged`);
    });
    const small = [...BROKEN, ...UNUSUAL].filter(c => c[2].length < 50_000);
    it(`on every file of the bad-input corpus under 50 KB that the schema can judge (${small.length} files)`, () => {
      let judged = 0;
      for (const [, name, content] of small) {
        const j = judge(typeof content === 'string' ? content : content.toString('utf8'));
        if (!j) continue;
        judged++;
        assert.equal(j.validator, j.schema, `${name}: the validator says ${j.validator ? 'valid' : 'invalid'}, the schema ${j.schema ? 'valid' : 'invalid'}`);
      }
      assert.ok(judged > 40, `${judged} judged`);
    });
  });

  describe('the trailer parser reads every message as git does', () => {
    const key = fc.constantFrom('Outcome', 'outcome', 'OUTCOME', 'Signed-off-by', 'Reviewed-by', 'Co-authored-by', 'X', 'a-b-1', 'Out come', 'Outcome-Id', 'Ünï', '-x', 'x-', '1');
    const sep = fc.constantFrom(': ', ':', ' : ', ':  ', ' :', '\t: ', ':\t', '  :  ');
    const value = fc.oneof(fc.constantFrom('a', 'a, b', '', ' x ', 'https://x.example/a:b', 'ü 日本', 'two  spaces', '#not', '---', 'A <a@example.com>', ':'), fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ':', '-', '#', '\t', '\r', '\v', 'é'), maxLength: 8 }));
    const trailer = fc.tuple(key, sep, value).map(([k, s, v]) => k + s + v);
    const continuation = fc.tuple(fc.constantFrom(' ', '\t', '   '), value).map(([w, v]) => w + v);
    const text = fc.constantFrom('Body text.', ' Outcome: indented', 'Outcome:x', 'Outcome :', '\r', 'not a trailer', 'Key Words: here', '---', '# a comment', 'Conflicts:', '\tfile.c', 'Signed-off-by: A <a@e>',
      '(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)', '', '   ', '\t', 'a:b', ':x', 'x :y', 'http://x.example', '# ------------------------ >8 ------------------------', 'diff --git a/x b/x');
    const line = fc.oneof({ weight: 3, arbitrary: trailer }, { weight: 1, arbitrary: continuation }, { weight: 2, arbitrary: text });
    const paragraph = fc.array(line, { minLength: 1, maxLength: 6 }).map(ls => ls.join('\n'));
    const message = fc.tuple(fc.constantFrom('Subject', 'Outcome: a', '', '# not a subject', 'Fix: thing'), fc.array(paragraph, { maxLength: 4 }), fc.constantFrom('', '\n', '\n\n', '\n \n', '\n# c\n'), fc.constantFrom('\n', '\n', '\r\n', '\r'))
      .map(([subject, paras, tail, eol]) => [subject, ...paras].join('\n\n').concat(tail).replace(/\n/g, eol));
    const runs = 1000;
    it(`${runs.toLocaleString('en')} generated messages, committed verbatim, against git log --format=%(trailers:only,unfold) (one git call)`, () => {
      const repo = new TempRepo();
      try {
        const messages = fc.sample(message, { numRuns: runs, seed: SEED });
        // All the commits in one fast-import, each message stored byte for byte (no cleanup, no added newline).
        const stream = messages.map(m => `commit refs/heads/messages\ncommitter T <t@example.com> 1704067200 +0000\ndata ${Buffer.byteLength(m)}\n${m}\n`).join('');
        execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream });
        const out = repo.git('log', '--reverse', '--format=%x01%(trailers:only,unfold)%x00%(trailers:key=Outcome,valueonly,unfold)%x00%B%x00', 'messages').split('\x01').slice(1);
        assert.equal(out.length, runs, 'one record per message');
        const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
        let withTrailers = 0;
        const disagreements: string[] = [];
        messages.forEach((m, i) => {
          const [all, outcome, body] = out[i].split('\x00');
          assert.equal(body.replace(/\n$/, ''), m.replace(/\n$/, ''), 'stored verbatim');
          const ours = parseTrailers(m).map(t => `${t.key}: ${t.value}`);
          if (ours.length) withTrailers++;
          if (JSON.stringify(ours) !== JSON.stringify(lines(all)) || JSON.stringify(trailerValues(m, 'Outcome')) !== JSON.stringify(lines(outcome))) {
            disagreements.push(`${JSON.stringify(m)}: git ${JSON.stringify(lines(all))} ${JSON.stringify(lines(outcome))}, ours ${JSON.stringify(ours)} ${JSON.stringify(trailerValues(m, 'Outcome'))}`);
          }
        });
        assert.deepEqual(disagreements.slice(0, 50), [], `${disagreements.length} disagreements`);
        assert.ok(withTrailers > runs / 4 && withTrailers < runs * 0.9, `both answers are exercised: ${withTrailers} of ${runs} have trailers`);
      } finally {
        repo.rm();
      }
    });
  });

  describe('the path matcher matches what git matches', () => {
    // Names made of what patterns give a meaning to (*, ?, [, ], !, #, \, spaces) and of what they match.
    const segment = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'ab', '.', '-', '_', ' ', '*', '?', '[', ']', '!', '#', '\\', 'ü', 'é', 'x', '1'), minLength: 1, maxLength: 4 })
      .filter(s => s !== '.' && s !== '..' && s.toLowerCase() !== '.git');
    const filePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map(s => s.join('/'));
    const piece = fc.oneof(
      { weight: 3, arbitrary: segment },
      { weight: 2, arbitrary: fc.constantFrom('*', '**', '?', '*.x', 'a*', '*a', 'a?', '[ab]', '[!a]', '[^a]', '[a-c]', '[]a]', '[*]', '[?]', '[!]]', '[\\]]', '[[:alpha:]]', '[[:digit:]]*', '[a', '\\*', '\\?', '\\[', '\\\\', '\\ ', 'a\\', '***', 'a**', '**a', 'a**b') });
    const pattern = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 3 }), fc.constantFrom('/', '/', '/', '//', '\\/'), fc.constantFrom('', '', '/'), fc.constantFrom('', '', '/'), fc.constantFrom('', '', '', '!', '\\!', '#', '\\#'), fc.constantFrom('', '', '', ' ', '  ', '\\ '))
      .map(([pieces, joint, lead, trail, sign, space]) => sign + lead + pieces.join(joint) + trail + space);
    const patternList = fc.array(pattern, { minLength: 1, maxLength: 4 });

    /** The answer Linker.classify computes: directories decided once, top-down, then the file. */
    const viaDirs = (m: PathMatcher, f: string) => {
      const parts = f.split('/');
      let parent = false;
      for (let i = 1; i < parts.length; i++) parent = m.matchesDir(parts.slice(0, i).join('/'), parent);
      return m.matchesFile(f, parent);
    };

    const runs = 1500;
    it(`${runs} generated pattern lists against 150 generated paths in a real repository, each list one git ls-files call`, () => {
      const repo = new TempRepo();
      try {
        const wanted = [...new Set(fc.sample(filePath, { numRuns: 400, seed: SEED }))];
        // a path cannot be a file and a folder at once
        const paths = wanted.filter(p => !wanted.some(q => q.startsWith(p + '/'))).slice(0, 150);
        const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: 'x\n', encoding: 'utf8' }).trim();
        execFileSync('git', ['update-index', '--add', '-z', '--index-info'], { cwd: repo.dir, input: paths.map(p => `100644 ${blob}\t${p}\0`).join('') });
        const files = repo.git('ls-files', '-z').split('\0').filter(Boolean);
        assert.ok(files.length >= 120, `${files.length} paths`);
        const listFile = path.join(repo.dir, '.git', 'patterns');
        let cases = 0, matched = 0, ran = 0;
        fc.assert(fc.property(patternList, patterns => {
          ran++;
          fs.writeFileSync(listFile, patterns.join('\n') + '\n');
          const byGit = new Set(repo.git('ls-files', '-z', '-c', '-i', `--exclude-from=${listFile}`).split('\0').filter(Boolean));
          const m = compilePatterns(patterns);
          const mask = matchMask(m, files);
          const wrong = files.filter((f, i) => m.matches(f) !== byGit.has(f) || (mask[i] === 1) !== byGit.has(f) || viaDirs(m, f) !== byGit.has(f));
          cases += files.length;
          matched += byGit.size;
          assert.deepEqual(wrong.map(f => `${JSON.stringify(f)}: git ${byGit.has(f)}`), [], `${JSON.stringify(patterns)} (${m.kind})`);
        }), { numRuns: runs, seed: SEED });
        assert.equal(ran, runs);
        assert.ok(matched > cases / 50 && matched < cases * 0.9, `both answers are exercised: ${matched} of ${cases} (list, path) cases matched`);
      } finally {
        repo.rm();
      }
    });
  });

  describe('folder suggestions kept up commit by commit are the ones counted afresh', () => {
    const linker = new Linker(parseOutcomes(`version: 1
ignore: [vendor/]
outcomes:
  - id: a
    title: A
    areas: [a/, "shared/*.ts", "!a/gen/"]
  - id: b
    title: B
    areas: [b/, shared/]
`).map!);
    const paths = ['a/x.ts', 'a/gen/g.ts', 'b/y.ts', 'shared/s.ts', 'shared/s.md', 'libs/m.ts', 'libs/u/n.ts', 'libs/u/v/w.ts', 'tools/t.sh', 'docs/d.md', 'vendor/v.js', 'README.md'];
    const folders = ['libs', 'libs/u', 'libs/u/v', 'tools', 'docs', 'a/gen', 'nowhere'];
    const commit = fc.tuple(fc.subarray(paths, { minLength: 1 }), fc.boolean()).map(([files, merge]) => linker.commit({
      sha: 'c', parents: merge ? ['p', 'q'] : ['p'], author: 'A', email: 'a@example.com', date: '2024-01-01T00:00:00Z', committed: '2024-01-01T00:00:00Z',
      subject: 's', message: 's\n', trailers: [], files,
    }));
    const runs = 500;
    it(`added, then some taken out again, in any order (${runs} cases)`, () => {
      let ran = 0, suggested = 0;
      fc.assert(fc.property(fc.array(commit, { maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), fc.integer({ min: 1, max: 3 }), (commits, out, min) => {
        ran++;
        const gone = commits.filter((_, i) => out[i]);
        const kept = commits.filter((_, i) => !out[i]);
        const incremental = new SuggestionCounts(linker);
        incremental.add(commits.slice(0, 10));
        incremental.add(gone, -1);
        incremental.add(commits.slice(10));
        const afresh = suggestForFolders(folders, [...kept].reverse(), linker, min);
        // (a tie is an answer too: it suggests none, and is kept up like the rest)
        suggested += afresh.filter(x => x.outcome || x.tied.length).length;
        assert.deepEqual(incremental.suggest(folders, min), afresh);
      }), { numRuns: runs, seed: SEED });
      assert.equal(ran, runs);
      assert.ok(suggested > runs / 2, `suggestions and ties are exercised: ${suggested}`);
    });
  });
});

/**
 * The errors of `value` against a JSON Schema (draft-07), for the keywords outcomes.schema.json uses: type, const,
 * enum, pattern, minLength, required, properties, items, $ref. Enough to check the validator against the schema.
 */
function schemaErrors(root: Record<string, unknown>, s: Record<string, unknown>, value: unknown, at: string): string[] {
  if (typeof s.$ref === 'string') return schemaErrors(root, s.$ref.slice(2).split('/').reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, root), value, at);
  const type = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
  const out: string[] = [];
  if (s.type !== undefined) {
    const types = ([] as string[]).concat(s.type as string);
    const t = type(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${at || '/'}: ${t} is not ${types.join('|')}`];
  }
  if ('const' in s && value !== s.const) out.push(`${at}: not ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value)) out.push(`${at}: not one of ${s.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) out.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
  }
  if (Array.isArray(value) && s.items) value.forEach((v, i) => out.push(...schemaErrors(root, s.items as Record<string, unknown>, v, `${at}/${i}`)));
  if (type(value) === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of (s.required as string[] | undefined) ?? []) if (!(k in o)) out.push(`${at}: no ${k}`);
    for (const [k, sub] of Object.entries((s.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) if (k in o) out.push(...schemaErrors(root, sub, o[k], `${at}/${k}`));
  }
  return out;
}

