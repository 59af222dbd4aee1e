import { compilePatterns, matchMask, PathMatcher } from '../patterns/matcher';
import { patternForPath } from './edit';

/**
 * CODEOWNERS read the way GitHub reads it, and turned into one area list per owner that gives every file the
 * outcome of the owner GitHub picks (DESIGN.md, "CODEOWNERS import"). GitHub's rules differ from .gitignore's:
 * the last matching rule wins for each file, `dir/*` matches only the files directly in `dir`, a rule with no
 * owner clears ownership, and `!` and `[ ]` are not supported (GitHub skips such a line).
 */

/** Where GitHub looks for the file, in its order: the first one found is the one it uses. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  /** 1-based line in the file. */
  line: number;
  pattern: string;
  /** Empty: the rule clears ownership of what it matches. */
  owners: string[];
  /** The comment lines right above the rule and its inline comment. */
  comment?: string;
}

export interface CodeownersFile {
  rules: CodeownersRule[];
  /** Lines GitHub skips, with why. */
  skipped: { line: number; text: string; why: string }[];
}

const OWNER_RE = /^(@[A-Za-z0-9](?:[A-Za-z0-9_.-]*)(?:\/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** The rules of a CODEOWNERS file in order, and the lines GitHub would skip. */
export function parseCodeowners(text: string): CodeownersFile {
  const rules: CodeownersRule[] = [];
  const skipped: CodeownersFile['skipped'] = [];
  let comments: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) { comments = []; return; }
    if (line.startsWith('#')) { const c = line.replace(/^#+\s?/, '').trim(); if (c) comments.push(c); return; }
    const above = comments;
    comments = [];
    // Tokens split on unescaped whitespace: a pattern may hold `\ ` for a space.
    const tokens = line.match(/(?:\\.|[^\s\\])+/g) ?? [];
    const hash = tokens.findIndex((t, k) => k > 0 && t.startsWith('#'));
    const pattern = tokens[0] ?? line;
    const owners = hash === -1 ? tokens.slice(1) : tokens.slice(1, hash);
    const inline = hash === -1 ? '' : line.slice(line.indexOf(tokens[hash], line.indexOf(pattern) + pattern.length)).replace(/^#+\s?/, '').trim();
    const why = pattern.startsWith('!') ? 'GitHub does not support `!` in CODEOWNERS'
      : /[[\]]/.test(pattern) ? 'GitHub does not support `[ ]` in CODEOWNERS (it marks the line as an error)'
        : pattern.startsWith('\\#') ? 'GitHub does not support escaping a leading `#`'
          : pattern.includes('***') ? 'three asterisks in a row are not a pattern'
            : owners.find(o => !OWNER_RE.test(o)) !== undefined ? `${JSON.stringify(owners.find(o => !OWNER_RE.test(o)))} is not an owner (@user, @org/team or an e-mail address)`
              : undefined;
    if (why) { skipped.push({ line: i + 1, text: line, why: `${why}, so it skips the line${why.includes('`[ ]`') ? bracketHint(pattern) : ''}` }); return; }
    const comment = [...above, inline].filter(Boolean).join(' ');
    rules.push({ line: i + 1, pattern, owners, ...(comment ? { comment } : {}) });
  });
  return { rules, skipped };
}

/**
 * For a rule whose brackets are part of a name (a Next.js route folder such as `app/[locale]/`), how to give an outcome
 * those paths by hand: in .gitignore syntax, and so in outcomes.yaml, `\[` and `\]` are the brackets themselves.
 */
function bracketHint(pattern: string): string {
  const literal = pattern.replace(/[[\]]/g, c => `\\${c}`);
  return `; if the brackets are part of a name, write ${JSON.stringify(literal)} in an outcome's areas by hand`;
}

/**
 * One rule's pattern as .gitignore patterns that match the same files one file at a time (no folder standing for what
 * is under it): the path itself, and what is under it unless the rule ends in a lone `*` (direct children only).
 * `verbatim`: the pattern as .gitignore reads it with the same meaning when it stands alone (undefined for `dir/*`).
 */
export function fileForms(pattern: string): { forms: string[]; verbatim?: string } {
  // `**` inside a segment (`foo**`) is two `*`, which is one.
  const p = pattern.split('/').map(s => (s === '**' ? s : s.replace(/\*{2,}/g, '*'))).join('/');
  let segs = p.split('/');
  const leading = segs[0] === '';
  if (leading) segs = segs.slice(1);
  const dirOnly = segs.length > 1 && segs[segs.length - 1] === '';
  if (dirOnly) segs.pop();
  const anchored = leading || segs.length > 1;
  if (!anchored && !dirOnly && (segs[0] === '*' || segs[0] === '**')) return { forms: ['*'], verbatim: '*' };
  const body = (leading ? '/' : '') + segs.join('/');
  // Everything under it; a name without a slash matches at any depth, so its `/**` needs a `**/` in front.
  const under = anchored ? `${body}/**` : `**/${segs[0]}/**`;
  if (dirOnly) {
    // A folder rule ending in `**` (`foo/**/`, `**/`) is the folders below: their files are one level down at least
    // (`foo/*/**`, `*/**`), not the files directly in `foo` that `foo/**/**` would take, as .gitignore reads it.
    if (segs[segs.length - 1] === '**') return { forms: [(leading ? '/' : '') + [...segs.slice(0, -1), '*', '**'].join('/')], verbatim: p };
    return { forms: [under], verbatim: p };
  }
  const last = segs[segs.length - 1];
  if (last === '**') return { forms: [body], verbatim: p };
  if (last === '*') return { forms: [body] };
  return { forms: [body, under], verbatim: p };
}

/**
 * Takes out of an owner's list each line that `check` would call shadowed: a pattern whose files (a folder it matches
 * standing for what is in it, as `check` counts them) the lines above it match already, and without which the list,
 * judged file by file (EACH_FILE last), gives every file the same answer. `**\/logs` and `**\/logs/**` both come from
 * the rule `**\/logs`, and the first already covers what the second matches. A line that matches no tracked file
 * stays (a stale rule should show). Returns the lines taken out.
 */
function dropShadowed(areas: OwnerAreas['areas'], files: readonly string[]): OwnerAreas['areas'] {
  const gone: OwnerAreas['areas'] = [];
  const alone = new Map<string, Uint8Array>();
  const maskOf = (p: string) => alone.get(p) ?? alone.set(p, matchMask(compilePatterns([p]), files)).get(p)!;
  const exactly = (l: OwnerAreas['areas']) => matchMask(compilePatterns([...l.map(a => a.pattern), EACH_FILE]), files);
  for (let again = true; again;) {
    again = false;
    const covered = new Uint8Array(files.length);
    for (let i = 0; i < areas.length && !again; i++) {
      if (areas[i].negated || areas[i].pattern.startsWith('!')) continue;
      const mine = maskOf(areas[i].pattern);
      let any = false, adds = false;
      for (let k = 0; k < mine.length; k++) if (mine[k]) { any = true; if (!covered[k]) { adds = true; covered[k] = 1; } }
      if (!any || adds) continue;
      const without = areas.filter((_, k) => k !== i);
      const before = exactly(areas), after = exactly(without);
      if (!before.every((x, k) => x === after[k])) continue;
      gone.push(areas[i]);
      areas.splice(i, 1);
      again = true;
    }
  }
  return gone;
}

/** How many lines may take folders out (see folderFix) before a list ends with EACH_FILE instead. */
export const MAX_FOLDER_FIX = 150;

const sameMask = (a: Uint8Array, b: Uint8Array) => a.every((x, k) => x === b[k]);

/**
 * The lines that make `list` match exactly the files of `owned` (each file judged on its own, as the list with EACH_FILE
 * last gives it) where a folder the list matches holds a file that is not owned: git takes such a folder with all that
 * is in it. Each such outermost folder is taken out (`!/dir/`); when some of its files are owned, what is directly in
 * it comes back (`/dir/*`), and the folders and files in it that hold other owners' work are taken out in turn. Every
 * line names one folder or file, so a line a lead narrows later (`"*"` to `"packages/"`) keeps its meaning where the
 * taken-out folders are not under it. Undefined past MAX_FOLDER_FIX lines, or if the result were not exact.
 */
function folderFix(list: readonly string[], owned: Uint8Array, files: readonly string[]): { first: OwnerAreas['areas']; last: OwnerAreas['areas'] } | undefined {
  const extra: OwnerAreas['areas'] = [];
  const back: OwnerAreas['areas'] = [];
  const underOwned = new Map<string, boolean>();
  const holdsOwned = (dir: string) => {
    let v = underOwned.get(dir);
    if (v === undefined) underOwned.set(dir, v = files.some((f, k) => owned[k] && f.startsWith(dir + '/')));
    return v;
  };
  for (let round = 0; round < 64; round++) {
    const m = compilePatterns([...back.map(a => a.pattern), ...list, ...extra.map(a => a.pattern)]);
    const dirs = new Set<string>();
    const loose: string[] = [];
    files.forEach((f, k) => {
      if (owned[k]) return;
      let parent = false;
      for (let at = f.indexOf('/'); at !== -1; at = f.indexOf('/', at + 1)) {
        if ((parent = m.matchesDir(f.slice(0, at), parent))) { dirs.add(f.slice(0, at)); return; }
      }
      if (m.matchesFile(f, false)) loose.push(f);
    });
    if (!dirs.size && !loose.length) break;
    for (const d of [...dirs].sort()) {
      extra.push({ pattern: `!${patternForPath(d, true)}`, negated: true, fix: holdsOwned(d) ? 'holds other owners\' files too: its files are judged one by one' : 'other owners\' files only' });
      if (holdsOwned(d)) back.unshift({ pattern: `${patternForPath(d, true)}*`, fix: 'its files, which the folder\'s negation below takes out for the other owners\' files in it' });
    }
    for (const f of loose) extra.push({ pattern: `!${patternForPath(f, false)}`, negated: true, fix: 'another owner\'s file' });
    if (extra.length + back.length > MAX_FOLDER_FIX) return undefined;
  }
  // The deepest first, and each only where it adds a file to those above it (no "shadowed" line): a line narrowed
  // later to one of these folders gets its files back from them, the other owners' taken out below.
  const first: OwnerAreas['areas'] = [];
  const union = new Uint8Array(files.length);
  for (const a of back) {
    let adds = false;
    matchMask(compilePatterns([a.pattern]), files).forEach((x, k) => { if (x && !union[k]) { adds = true; union[k] = 1; } });
    if (adds) first.push(a);
  }
  const mask = matchMask(compilePatterns([...first, ...list.map(pattern => ({ pattern })), ...extra].map(a => a.pattern)), files);
  return sameMask(mask, owned) ? { first, last: extra } : undefined;
}

/**
 * Takes out of a list that matches exactly `owned` each line `check` would warn about and the list does not need: a
 * positive line whose files the lines above match already (shadowed), a negation that changes nothing where it
 * stands (no effect). A line that matches no tracked file stays (a stale rule should show). Returns the lines taken out.
 */
function dropNeedless(areas: OwnerAreas['areas'], owned: Uint8Array, files: readonly string[]): OwnerAreas['areas'] {
  const gone: OwnerAreas['areas'] = [];
  const mask = (l: OwnerAreas['areas']) => matchMask(compilePatterns(l.map(a => a.pattern)), files);
  const count = (m: Uint8Array) => m.reduce((n, x) => n + x, 0);
  for (let again = true; again;) {
    again = false;
    const union = new Uint8Array(files.length);
    for (let i = 0; i < areas.length && !again; i++) {
      const a = areas[i];
      let candidate: boolean;
      // (a line that brings a folder's files back for a narrowed line stays: see folderFix)
      if (a.fix && !a.negated) { matchMask(compilePatterns([a.pattern]), files).forEach((x, k) => { if (x) union[k] = 1; }); continue; }
      if (a.pattern.startsWith('!')) {
        const before = count(mask(areas.slice(0, i)));
        candidate = before > 0 && count(mask(areas.slice(0, i + 1))) === before;
      } else {
        const alone = matchMask(compilePatterns([a.pattern]), files);
        let any = false, adds = false;
        for (let k = 0; k < alone.length; k++) if (alone[k]) { any = true; if (!union[k]) { adds = true; union[k] = 1; } }
        candidate = any && !adds;
      }
      if (!candidate || !sameMask(mask(areas.filter((_, k) => k !== i)), owned)) continue;
      gone.push(a);
      areas.splice(i, 1);
      again = true;
    }
  }
  return gone;
}

/** The directory-neutralizing line that ends an exact list: no folder matches by itself, each file is judged alone. */
export const EACH_FILE = '!*/';

export interface OwnerAreas {
  owner: string;
  /** The lines of the owner's area list, each with the rule it came from (undefined for EACH_FILE). */
  areas: { pattern: string; rule?: CodeownersRule; negated?: boolean; fix?: string }[];
  /** The comments of the owner's rules, each once. */
  description?: string;
}

export interface Translation {
  owners: OwnerAreas[];
  /** What had to change to keep GitHub's meaning, one line per rule, for the user to read. */
  notes: string[];
  /** How many times a later rule took no tracked file from an earlier owner, so was not written as a negation. */
  dropped: number;
  /** How many times a rule gave its owner no tracked file that its other rules did not, so was not written. */
  redundant: number;
}

/** A file-level test: whether the path itself matches the pattern, with no folder standing for it. */
function fileTest(pattern: string): (path: string) => boolean {
  const m: PathMatcher = compilePatterns([pattern]);
  if (m.kind !== 'general') return p => m.matchesFile(p, false);
  const each = compilePatterns([pattern, EACH_FILE]);
  return p => each.matches(p);
}

/**
 * Area lists that give each of `files` the owners of the last CODEOWNERS rule that matches it, as GitHub does. An
 * owner's rules go into its list as written where .gitignore reads them the same way; where a later rule of other
 * owners (or of none) takes files back, or a rule ends in `/*`, the list is exact: each rule as its file-level
 * patterns, the later rules as negations, and EACH_FILE (a negation of every folder) last so that no folder stands for the files under it. A
 * negation that takes no tracked file away is left out (it would be a "no effect" warning), and so is EACH_FILE when
 * it changes nothing.
 */
export function translate(rules: readonly CodeownersRule[], files: readonly string[]): Translation {
  const forms = rules.map(r => fileForms(r.pattern));
  const tests = forms.map(f => f.forms.map(fileTest));
  // For each file, the rules that match it, in order; and whether each form matches any file.
  const hits = forms.map(f => f.forms.map(() => false));
  const matching = files.map(f => {
    const out: number[] = [];
    for (let j = 0; j < rules.length; j++) {
      let any = false;
      for (let k = 0; k < tests[j].length; k++) if (tests[j][k](f)) { hits[j][k] = any = true; }
      if (any) out.push(j);
    }
    return out;
  });
  // GitHub compares owners without letter case (`@Acme/Web` is `@acme/web`): one outcome each, named as first written.
  const spelled = new Map<string, string>();
  for (const o of rules.flatMap(r => r.owners)) if (!spelled.has(o.toLowerCase())) spelled.set(o.toLowerCase(), o);
  const owners = [...spelled.values()];
  const variants = owners.map(o => [o, [...new Set(rules.flatMap(r => r.owners).filter(x => x !== o && x.toLowerCase() === o.toLowerCase()))]] as const).filter(([, v]) => v.length);
  // What each rule became: its own forms where they are not the rule as written, and the owners it takes files back from.
  const written = new Map<number, string[]>();
  const takenBack = new Map<number, Map<string, string[]>>();
  let dropped = 0;
  let redundant = 0;
  const notes: string[] = variants.map(([o, v]) => `${[o, ...v].join(', ')}: one owner (GitHub compares owners without letter case), one outcome`);
  const ownsNothing: string[] = [];
  const result: OwnerAreas[] = [];
  for (const owner of owners) {
    const mine = (j: number) => j >= 0 && rules[j].owners.some(o => o.toLowerCase() === owner.toLowerCase());
    const first = rules.findIndex((_, j) => mine(j));
    // The rules after the owner's first that match each file: the owner's list sees only those.
    const entries = matching.map((m, i) => Object.assign(m.filter(j => j >= first), { file: i })).filter(e => e.length && e.some(mine));
    // Negations that decide some file: the last rule matching it is not the owner's, and an earlier one is.
    const kept = new Set<number>();
    for (const e of entries) if (!mine(e[e.length - 1])) kept.add(e[e.length - 1]);
    // The owner's own rules that stay; a rule that matches no tracked file stays too (a stale rule should show).
    const pos = new Set(rules.map((_, j) => j).filter(mine));
    // A line that decides no file on its own goes: a negation whose files are the owner's' anyway or taken back by
    // another kept negation, a rule of the owner's whose files it has anyway. Each removal keeps every file's owner,
    // so what stays is exact, and no line of it is without effect (no "no effect" or "shadowed" warning).
    const counts = (j: number) => pos.has(j) || kept.has(j);
    const lastOf = (e: number[], skip?: number) => { for (let k = e.length - 1; k >= 0; k--) if (e[k] !== skip && counts(e[k])) return e[k]; return -1; };
    const decides = (e: number[], j: number) => lastOf(e) === j && pos.has(lastOf(e, j)) !== pos.has(j);
    for (let again = true; again;) {
      again = false;
      for (const j of [...kept, ...pos]) {
        if ((pos.has(j) && !hits[j].some(Boolean)) || entries.some(e => decides(e, j))) continue;
        if (!kept.delete(j)) { pos.delete(j); redundant++; }
        again = true;
      }
    }
    const own = rules.map((_, j) => j).filter(mine);
    const exact = kept.size > 0 || [...pos].some(j => forms[j].verbatim === undefined);
    const areas: OwnerAreas['areas'] = [];
    for (let j = first; j < rules.length; j++) {
      const r = rules[j];
      if (pos.has(j)) {
        if (!exact) {
          areas.push({ pattern: forms[j].verbatim!, rule: r });
          if (forms[j].verbatim !== r.pattern) written.set(j, [forms[j].verbatim!]);
          continue;
        }
        // The file-level forms that match a tracked file (the first when none does, so that a stale rule still shows).
        const useful = hits[j].some(Boolean) ? forms[j].forms.filter((_, k) => hits[j][k]) : forms[j].forms.slice(0, 1);
        for (const p of useful) areas.push({ pattern: p, rule: r });
        if (useful.length !== 1 || useful[0] !== r.pattern || forms[j].verbatim === undefined) written.set(j, useful);
      } else if (kept.has(j)) {
        // Only the forms that take a file back from this owner: another would be a line without effect.
        const deciding = entries.filter(e => decides(e, j)).map(e => files[e.file]);
        const useful = forms[j].forms.filter((_, k) => deciding.some(f => tests[j][k](f)));
        for (const p of useful) areas.push({ pattern: `!${p}`, rule: r, negated: true });
        const key = useful.map(p => JSON.stringify(`!${p}`)).join(' + ');
        const byForms = takenBack.get(j) ?? new Map<string, string[]>();
        byForms.set(key, [...(byForms.get(key) ?? []), owner]);
        takenBack.set(j, byForms);
      } else if (j > first && !mine(j)) dropped++;
    }
    const forget = (gone: OwnerAreas['areas']) => {
      for (const g of gone) {
        if (!g.rule) continue;
        const j = rules.indexOf(g.rule);
        if (g.negated) {
          // A negation the owner's list does not need after all: it takes nothing back from this owner.
          for (const [key, who] of takenBack.get(j) ?? []) if (who.includes(owner)) takenBack.get(j)!.set(key, who.filter(w => w !== owner));
          continue;
        }
        // A line of a rule that the owner's other lines already cover: the rule is written with the rest, or not at all.
        const rest = areas.filter(a => a.rule === g.rule && !a.negated).map(a => a.pattern);
        if (!rest.length) { written.delete(j); redundant++; } else if (rest.length !== 1 || rest[0] !== rules[j].pattern) written.set(j, rest);
      }
    };
    forget(dropShadowed(areas, files));
    if (exact) {
      const list = areas.map(a => a.pattern);
      const owned = matchMask(compilePatterns([...list, EACH_FILE]), files);
      if (!sameMask(owned, matchMask(compilePatterns(list), files))) {
        // A folder a line matches stands for its files, some of them another owner's: those folders are taken out
        // one by one, not with a catch-all `!*/` that would also take every folder a lead writes later.
        const fix = folderFix(list, owned, files);
        if (fix) {
          areas.unshift(...fix.first);
          areas.push(...fix.last);
          forget(dropNeedless(areas, owned, files));
        }
        else {
          areas.push({ pattern: EACH_FILE });
          notes.push(`${owner}: more than ${MAX_FOLDER_FIX} folders hold files of other owners, so its list ends with ${JSON.stringify(EACH_FILE)} (each file judged on its own); a folder written above that line stands for none of its files`);
        }
      }
    }
    // Later rules may give every file of an owner to others: GitHub then has it own nothing, and so does the import.
    if (!areas.length) { ownsNothing.push(owner); continue; }
    const description = [...new Set(own.map(j => rules[j].comment).filter((c): c is string => !!c))].join('; ');
    result.push({ owner, areas, ...(description ? { description } : {}) });
  }
  rules.forEach((r, j) => {
    const parts: string[] = [];
    const w = written.get(j);
    if (w) parts.push(`written as ${w.map(p => JSON.stringify(p)).join(' + ')}${forms[j].verbatim === undefined ? ' (GitHub: only the files directly in it, not those in its folders)' : ''}`);
    for (const [key, who] of takenBack.get(j) ?? []) if (who.length) parts.push(`takes its files back from ${who.join(', ')} (${key})`);
    if (parts.length) notes.push(`line ${r.line}: ${JSON.stringify(r.pattern)} ${parts.join('; ')}`);
  });
  for (const o of ownsNothing) notes.push(`${o}: later rules give each of its files to other owners (or to none), so it owns no file and gets no outcome`);
  return { owners: result, notes, dropped, redundant };
}
