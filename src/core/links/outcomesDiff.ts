import type { MatchOptions } from '../patterns/matcher';
import type { KeyResult, Outcome, OutcomeMap } from '../outcomes/model';
import { FileLink, FileStatus, Linker } from './link';

/**
 * What a change to outcomes.yaml means (DESIGN.md, `outcome-lens diff`): pure logic on the two maps and the tracked
 * files of each side, so that the CLI, the pull-request summary and the extension say the same.
 */

/** Paths shown per group of files that change hands (the count says how many there are). */
export const DIFF_EXAMPLES = 5;
/** Files that become unlinked (or linked) listed by name. */
export const DIFF_LISTED = 10;

export interface OutcomeRef {
  id: string;
  title: string;
}

/** One field of an outcome or a key result, before and after, as outcomes.yaml means it (undefined: not set). */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface OutcomeRename {
  from: string;
  to: string;
  title: string;
  /** What tells it from a removal plus an addition: the same title, the same areas, or both. */
  by: ('title' | 'areas')[];
}

export interface OutcomeChange {
  /** The id after (a renamed outcome's new id). */
  id: string;
  title: string;
  fields: FieldChange[];
}

export interface KeyResultChange {
  outcome: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
}

export interface BudgetRow {
  id: string;
  title: string;
  /** 0..1, or null when not planned (or the outcome is not on that side). */
  before: number | null;
  after: number | null;
}

/** A group of files that had one set of outcomes before and another after. */
export interface FileMove {
  from: string[];
  fromStatus: FileStatus;
  to: string[];
  toStatus: FileStatus;
  count: number;
  examples: string[];
}

export interface OutcomeFiles {
  id: string;
  title: string;
  /** Tracked files its areas match on each side (as `files --json` counts them there). */
  before: number;
  after: number;
  /** Of the files tracked on both sides: those it claims after and not before, and the other way round. */
  gained: number;
  lost: number;
}

export interface DiffSide {
  /** As the user named it (`origin/main`, `working tree`). */
  label: string;
  /** The commit, or null for the working tree (or no commit at all). */
  commit: string | null;
  /** Whether outcomes.yaml exists there. */
  outcomesFile: boolean;
  /** Why this side was chosen, when it was not named (the merge base with the default branch). */
  note?: string;
}

export interface OutcomesDiff {
  schemaVersion: 1;
  from: DiffSide;
  to: DiffSide;
  /** `trailer` and `ignore`, when they changed. */
  settings: FieldChange[];
  added: OutcomeRef[];
  removed: OutcomeRef[];
  renamed: OutcomeRename[];
  retitled: { id: string; before: string; after: string }[];
  /** Outcomes whose other fields changed (owner, status, link, description, areas, tickets, period…): not title, budget or key results. */
  changed: OutcomeChange[];
  keyResults: KeyResultChange[];
  budgets: { rows: BudgetRow[]; totalBefore: number | null; totalAfter: number | null; overBefore: boolean; overAfter: boolean };
  files: {
    trackedBefore: number;
    trackedAfter: number;
    /** Files tracked on both sides: the ones whose hands are compared. */
    common: number;
    changeHands: number;
    moves: FileMove[];
    becomeUnlinked: { count: number; examples: string[] };
    becomeLinked: { count: number; examples: string[] };
    /** Unlinked files that need no outcome now (the ignore list takes them): settled, not linked. */
    becomeIgnored: { count: number; examples: string[] };
    perOutcome: OutcomeFiles[];
  };
}

export interface DiffInput {
  /** Undefined: the side has no outcomes.yaml (every outcome is added, or removed). */
  map?: OutcomeMap;
  /** Its tracked files in git's order, as `files --json` lists them there. */
  files: readonly string[];
}

const EMPTY_MAP: OutcomeMap = { version: 1, trailer: 'Outcome', ignore: [], outcomes: [] };
/** Fields shown in their own sections, or that say where, not what. */
const OWN_SECTION = new Set(['id', 'title', 'metrics', 'budget', 'range', 'idRange', 'areasRange']);
const OVER = 1 + 1e-9;

/** A value as outcomes.yaml means it: source positions dropped, so that moving a line is not a change. */
function meaning(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(meaning);
  if (v && typeof v === 'object') {
    if ('pattern' in v && 'range' in v) return (v as { pattern: string }).pattern;
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== 'range' && !k.endsWith('Range') && x !== undefined).map(([k, x]) => [k, meaning(x)]));
  }
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every field of two objects (any key, so fields added to the format later are compared too) that differs. */
function fieldChanges(a: object | undefined, b: object | undefined, skip: ReadonlySet<string>): FieldChange[] {
  const before = (a ? meaning(a) : {}) as Record<string, unknown>;
  const after = (b ? meaning(b) : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(k => !skip.has(k));
  return keys.filter(k => !same(before[k], after[k])).map(k => ({ field: k, before: before[k], after: after[k] }));
}

const titleKey = (t: string) => t.trim().replace(/\s+/g, ' ').toLowerCase();
const areasKey = (o: Outcome) => (o.areas.length ? JSON.stringify(o.areas.map(a => a.pattern).sort()) : undefined);

/** Removed and added outcomes that are one outcome with a new id: the same title or the same areas, one to one. */
function findRenames(removed: Outcome[], added: Outcome[]): OutcomeRename[] {
  const renames: OutcomeRename[] = [];
  const taken = new Set<string>();
  const by = (r: Outcome, a: Outcome): OutcomeRename['by'] => [
    ...(titleKey(r.title) === titleKey(a.title) ? ['title' as const] : []),
    ...(areasKey(r) !== undefined && areasKey(r) === areasKey(a) ? ['areas' as const] : []),
  ];
  // Both alike first, then one: a pair that agrees on more wins a contested partner.
  for (const need of [2, 1]) {
    for (const r of removed) {
      if (taken.has(`-${r.id}`)) continue;
      const a = added.find(x => !taken.has(`+${x.id}`) && by(r, x).length >= need);
      if (!a) continue;
      taken.add(`-${r.id}`).add(`+${a.id}`);
      renames.push({ from: r.id, to: a.id, title: a.title, by: by(r, a) });
    }
  }
  return renames;
}

function keyResultChanges(outcome: string, before: readonly KeyResult[], after: readonly KeyResult[]): KeyResultChange[] {
  // By name, the n-th of a name with the n-th: a list may repeat a name.
  const keyed = (l: readonly KeyResult[]) => {
    const seen = new Map<string, number>();
    return new Map(l.map(k => { const n = seen.get(k.name) ?? 0; seen.set(k.name, n + 1); return [`${k.name}\0${n}`, k] as const; }));
  };
  const b = keyed(before), a = keyed(after);
  const out: KeyResultChange[] = [];
  for (const [key, k] of b) {
    const now = a.get(key);
    if (!now) out.push({ outcome, name: k.name, change: 'removed', fields: fieldChanges(k, undefined, new Set(['name'])) });
    else {
      const fields = fieldChanges(k, now, new Set(['name']));
      if (fields.length) out.push({ outcome, name: k.name, change: 'changed', fields });
    }
  }
  for (const [key, k] of a) if (!b.has(key)) out.push({ outcome, name: k.name, change: 'added', fields: fieldChanges(undefined, k, new Set(['name'])) });
  return out;
}

// Rounded to a millionth: 0.6 + 0.3 is 0.8999999999999999 in floating point, and a total is read as a percentage.
const total = (m: OutcomeMap) => (m.outcomes.some(o => o.budget !== undefined) ? Math.round(m.outcomes.reduce((s, o) => s + (o.budget ?? 0), 0) * 1e6) / 1e6 : null);

const statusOf = (f: FileLink): FileStatus => (f.outcomes.length ? 'linked' : f.ignored ? 'ignored' : 'unlinked');

/**
 * What changes from `before` to `after` (DESIGN.md, `outcome-lens diff`): outcomes added, removed, renamed (the same
 * title or areas under a new id, told apart from a removal plus an addition) and retitled; any other field changed;
 * key results; budgets and their total; and, on the files tracked on both sides, which change hands, classified by
 * each side's outcomes.yaml exactly as `files --json` classifies them (renamed outcomes followed, so a rename alone
 * moves no file). `options`: how the repository's git compares paths.
 */
export function diffOutcomeMaps(before: DiffInput, after: DiffInput, sides: { from: DiffSide; to: DiffSide }, options: MatchOptions = {}): OutcomesDiff {
  const mb = before.map ?? EMPTY_MAP, ma = after.map ?? EMPTY_MAP;
  const afterIds = new Map(ma.outcomes.map(o => [o.id, o]));
  const beforeIds = new Map(mb.outcomes.map(o => [o.id, o]));
  const gone = mb.outcomes.filter(o => !afterIds.has(o.id));
  const fresh = ma.outcomes.filter(o => !beforeIds.has(o.id));
  const renamed = findRenames(gone, fresh);
  const newId = new Map(renamed.map(r => [r.from, r.to]));
  const renamedTo = new Set(renamed.map(r => r.to));
  const ref = (o: Outcome): OutcomeRef => ({ id: o.id, title: o.title });

  const retitled: OutcomesDiff['retitled'] = [];
  const changed: OutcomeChange[] = [];
  const keyResults: KeyResultChange[] = [];
  for (const o of mb.outcomes) {
    const to = afterIds.get(newId.get(o.id) ?? o.id);
    if (!to) continue;
    if (o.title !== to.title && !newId.has(o.id)) retitled.push({ id: to.id, before: o.title, after: to.title });
    const fields = fieldChanges(o, to, OWN_SECTION);
    if (fields.length) changed.push({ id: to.id, title: to.title, fields });
    keyResults.push(...keyResultChanges(to.id, o.metrics, to.metrics));
  }
  for (const o of fresh) if (!renamedTo.has(o.id)) keyResults.push(...keyResultChanges(o.id, [], o.metrics));
  for (const o of gone) if (!newId.has(o.id)) keyResults.push(...keyResultChanges(o.id, o.metrics, []));

  const rows: BudgetRow[] = [];
  for (const o of mb.outcomes) {
    const to = afterIds.get(newId.get(o.id) ?? o.id);
    if ((o.budget ?? null) !== (to?.budget ?? null)) rows.push({ id: to?.id ?? o.id, title: (to ?? o).title, before: o.budget ?? null, after: to?.budget ?? null });
  }
  for (const o of fresh) if (!renamedTo.has(o.id) && o.budget !== undefined) rows.push({ id: o.id, title: o.title, before: null, after: o.budget });
  const totalBefore = before.map ? total(mb) : null, totalAfter = after.map ? total(ma) : null;

  // The file-wide keys: what links a commit (trailer) and what needs no outcome (ignore lists), which move the numbers too.
  const fileKeys = (m: OutcomeMap) => ({ trailer: m.trailer, ignore: m.ignore, ignoreAuthors: m.ignoreAuthors ?? [], ignoreSubjects: m.ignoreSubjects ?? [] });
  const settings = fieldChanges(fileKeys(mb), fileKeys(ma), new Set());
  return {
    schemaVersion: 1,
    from: sides.from,
    to: sides.to,
    settings: before.map && after.map ? settings : [],
    added: fresh.filter(o => !renamedTo.has(o.id)).map(ref),
    removed: gone.filter(o => !newId.has(o.id)).map(ref),
    renamed,
    retitled,
    changed,
    keyResults,
    budgets: { rows, totalBefore, totalAfter, overBefore: (totalBefore ?? 0) > OVER, overAfter: (totalAfter ?? 0) > OVER },
    files: filesChangingHands(new Linker(mb, options), before.files, new Linker(ma, options), after.files, newId),
  };
}

/** The files tracked on both sides whose outcomes differ, grouped by from → to, and each outcome's counts. */
function filesChangingHands(lb: Linker, fb: readonly string[], la: Linker, fa: readonly string[], newId: ReadonlyMap<string, string>): OutcomesDiff['files'] {
  const cb = lb.classifyAll(fb), ca = la.classifyAll(fa);
  const before = new Map<string, number>(), after = new Map<string, number>();
  for (const f of cb) for (const id of f.outcomes) before.set(id, (before.get(id) ?? 0) + 1);
  for (const f of ca) for (const id of f.outcomes) after.set(id, (after.get(id) ?? 0) + 1);
  const gained = new Map<string, number>(), lost = new Map<string, number>();
  const bump = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);
  const moves = new Map<string, FileMove>();
  const unlinked: string[] = [], linked: string[] = [], ignored: string[] = [];
  let common = 0, changeHands = 0;
  // Both lists are in git's order: one walk pairs the files tracked on both sides.
  const afterAt = new Map<string, FileLink>();
  for (const f of ca) afterAt.set(f.path, f);
  for (const b of cb) {
    const a = afterAt.get(b.path);
    if (!a) continue;
    common++;
    const from = b.outcomes.map(id => newId.get(id) ?? id).sort();
    const to = [...a.outcomes].sort();
    const fromStatus = statusOf(b), toStatus = statusOf(a);
    if (same(from, to) && fromStatus === toStatus) continue;
    for (const id of to) if (!from.includes(id)) bump(gained, id);
    for (const id of from) if (!to.includes(id)) bump(lost, id);
    if (toStatus === 'unlinked' && fromStatus !== 'unlinked') unlinked.push(b.path);
    if (fromStatus === 'unlinked' && toStatus === 'linked') linked.push(b.path);
    if (fromStatus === 'unlinked' && toStatus === 'ignored') ignored.push(b.path);
    if (same(from, to)) continue; // only ignored ↔ unlinked: said by the two lists above
    changeHands++;
    // Renamed outcomes under their new ids: the rename itself is said once, above.
    const key = JSON.stringify([from, fromStatus, to, toStatus]);
    let m = moves.get(key);
    if (!m) moves.set(key, m = { from, fromStatus, to, toStatus, count: 0, examples: [] });
    m.count++;
    if (m.examples.length < DIFF_EXAMPLES) m.examples.push(b.path);
  }
  const ids = [...new Set([...la.map.outcomes.map(o => o.id), ...lb.map.outcomes.map(o => o.id)])];
  const titles = new Map([...lb.map.outcomes, ...la.map.outcomes].map(o => [o.id, o.title]));
  const reverse = new Map([...newId].map(([from, to]) => [to, from]));
  const perOutcome: OutcomeFiles[] = [];
  for (const id of ids) {
    if (newId.has(id)) continue; // counted under its new id
    const row = { id, title: titles.get(id) ?? id, before: before.get(reverse.get(id) ?? id) ?? 0, after: after.get(id) ?? 0, gained: gained.get(id) ?? 0, lost: lost.get(id) ?? 0 };
    if (row.before !== row.after || row.gained || row.lost) perOutcome.push(row);
  }
  return {
    trackedBefore: fb.length, trackedAfter: fa.length, common, changeHands,
    moves: [...moves.values()].sort((x, y) => y.count - x.count),
    becomeUnlinked: { count: unlinked.length, examples: unlinked.slice(0, DIFF_LISTED) },
    becomeLinked: { count: linked.length, examples: linked.slice(0, DIFF_LISTED) },
    becomeIgnored: { count: ignored.length, examples: ignored.slice(0, DIFF_LISTED) },
    perOutcome,
  };
}

/** Whether the diff has anything to say. */
export function diffIsEmpty(d: OutcomesDiff): boolean {
  return !d.settings.length && !d.added.length && !d.removed.length && !d.renamed.length && !d.retitled.length && !d.changed.length
    && !d.keyResults.length && !d.budgets.rows.length && !d.files.changeHands && !d.files.becomeUnlinked.count && !d.files.becomeLinked.count && !d.files.becomeIgnored.count
    && d.from.outcomesFile === d.to.outcomesFile;
}
