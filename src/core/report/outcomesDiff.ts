import { diffIsEmpty, FieldChange, FileMove, OutcomesDiff } from '../links/outcomesDiff';
import { printable } from '../util/printable';
import { mdText } from './markdown';

export const DIFF_FORMATS = ['text', 'md', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${+(x * 100).toFixed(1)}%`);
/** A plan's total: none when no outcome has a budget. */
const totalText = (x: number | null) => (x === null ? 'none' : pct(x));

/** A value of outcomes.yaml in words: a list joined, a mapping as `key: value`, nothing as "(not set)". */
function valueText(v: unknown, field: string): string {
  if (v === undefined || v === null) return '(not set)';
  if (field === 'budget' && typeof v === 'number') return pct(v);
  if (Array.isArray(v)) return v.length ? v.map(x => valueText(x, '')).join(', ') : '(none)';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${valueText(x, k)}`).join(', ');
  return String(v);
}

/** One field's change in words; a list says what it gained and lost rather than both lists whole. */
function fieldText(c: FieldChange, esc: (s: string) => string, code: (s: string) => string): string {
  if (Array.isArray(c.before ?? []) && Array.isArray(c.after ?? [])) {
    const b = (c.before ?? []) as unknown[], a = (c.after ?? []) as unknown[];
    const key = (x: unknown) => JSON.stringify(x);
    const plus = a.filter(x => !b.some(y => key(y) === key(x))), minus = b.filter(x => !a.some(y => key(y) === key(x)));
    const parts = [...plus.map(x => `+${code(valueText(x, ''))}`), ...minus.map(x => `−${code(valueText(x, ''))}`)];
    return `${c.field}: ${parts.length ? parts.join(' ') : 'reordered'}`;
  }
  return `${c.field}: ${esc(valueText(c.before, c.field))} → ${esc(valueText(c.after, c.field))}`;
}

const sideText = (s: OutcomesDiff['from']) => `${s.label}${s.commit ? ` (${s.commit.slice(0, 10)})` : ''}${s.outcomesFile ? '' : ', no outcomes.yaml'}`;

/** One sentence of what changed, the same in every format. */
export function diffHeadline(d: OutcomesDiff): string {
  if (diffIsEmpty(d)) return 'No change to the outcomes.';
  const parts = [
    d.added.length && `${plural(d.added.length, 'outcome')} added`,
    d.removed.length && `${d.removed.length} removed`,
    d.renamed.length && `${d.renamed.length} renamed`,
    d.retitled.length && `${d.retitled.length} retitled`,
    d.changed.length && `${d.changed.length} otherwise changed`,
    d.keyResults.length && plural(d.keyResults.length, 'key result change'),
    d.settings.length && `${d.settings.map(x => x.field).join(', ')} changed`,
  ].filter(Boolean) as string[];
  const b = d.budgets;
  if (b.rows.length || b.totalBefore !== b.totalAfter) parts.push(`budgets total ${totalText(b.totalBefore)} → ${totalText(b.totalAfter)}${b.overAfter ? ' (over 100%)' : ''}`);
  const f = d.files;
  parts.push(`${plural(f.changeHands, 'tracked file')} ${f.changeHands === 1 ? 'changes' : 'change'} hands${f.becomeUnlinked.count ? `, ${f.becomeUnlinked.count} ${f.becomeUnlinked.count === 1 ? 'becomes' : 'become'} unlinked` : ''}`);
  const s = parts.join('; ');
  return `${s[0].toUpperCase()}${s.slice(1)}.`;
}

/** Who holds a group of files, in words: the outcomes, or none (unlinked or ignored). */
const holders = (ids: string[], status: string, code: (s: string) => string) => (ids.length ? ids.map(code).join(' + ') : status === 'ignored' ? 'no outcome (ignored)' : 'no outcome (unlinked)');

/**
 * The diff as Markdown for a pull-request comment, a job summary or the extension's preview; every string from
 * outcomes.yaml or git (titles, ids, owners, paths) is escaped (mdText). `level`: the heading level of its title.
 */
export function renderOutcomesDiffMd(d: OutcomesDiff, level = 2): string {
  const h = (n: number) => '#'.repeat(Math.min(6, level + n));
  // A code span shows its text literally; a backtick would end it, and a `|` would end a table cell even inside one.
  const code = (s: string) => `\`${printable(s).replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|')}\``;
  const t = mdText;
  const out = [`${h(0)} Outcome Lens: changes to outcomes.yaml`, '', `From ${t(sideText(d.from))} to ${t(sideText(d.to))}.${d.from.note ? ` ${t(d.from.note)}.` : ''}`, '', `**${t(diffHeadline(d))}**`];
  if (diffIsEmpty(d)) return out.join('\n') + '\n';
  const rows: string[][] = [
    ...d.added.map(o => ['added', `${t(o.title)} (${code(o.id)})`, '']),
    ...d.removed.map(o => ['removed', `${t(o.title)} (${code(o.id)})`, '']),
    ...d.renamed.map(r => ['renamed', `${t(r.title)} (${code(r.from)} → ${code(r.to)})`, `same ${r.by.join(' and ')}`]),
    ...d.retitled.map(r => ['retitled', code(r.id), `${t(r.before)} → ${t(r.after)}`]),
    ...d.changed.map(c => ['changed', `${t(c.title)} (${code(c.id)})`, c.fields.map(f => fieldText(f, t, code)).join('; ')]),
    ...d.settings.map(f => ['settings', '', fieldText(f, t, code)]),
  ];
  if (rows.length) out.push('', `${h(1)} Outcomes`, '', '| Change | Outcome | What |', '| --- | --- | --- |', ...rows.map(r => `| ${r.join(' | ')} |`));
  const b = d.budgets;
  if (b.rows.length || b.totalBefore !== b.totalAfter) {
    out.push('', `${h(1)} Budgets`, '', '| Outcome | Before | After |', '| --- | ---: | ---: |',
      ...b.rows.map(r => `| ${t(r.title)} (${code(r.id)}) | ${pct(r.before)} | ${pct(r.after)} |`),
      `| **Total** | ${totalText(b.totalBefore)}${b.overBefore ? ' ⚠️' : ''} | **${totalText(b.totalAfter)}**${b.overAfter ? ' ⚠️ over 100%' : ''} |`);
  }
  if (d.keyResults.length) {
    out.push('', `${h(1)} Key results`, '', '| Outcome | Key result | Change |', '| --- | --- | --- |',
      ...d.keyResults.map(k => `| ${code(k.outcome)} | ${t(k.name)} | ${k.change}${k.fields.length ? `: ${k.fields.map(f => (k.change === 'changed' ? fieldText(f, t, code) : `${f.field} ${t(valueText(k.change === 'added' ? f.after : f.before, f.field))}`)).join('; ')}` : ''} |`));
  }
  const f = d.files;
  out.push('', `${h(1)} Files that change hands`, '',
    `${plural(f.changeHands, 'file')} of the ${f.common} tracked on both sides ${f.changeHands === 1 ? 'changes' : 'change'} hands (matched as \`outcome-lens files\` matches them on each side).`);
  if (f.moves.length) {
    out.push('', '| From | To | Files | For example |', '| --- | --- | ---: | --- |',
      ...f.moves.map((m: FileMove) => `| ${holders(m.from, m.fromStatus, code)} | ${holders(m.to, m.toStatus, code)} | ${m.count} | ${m.examples.map(code).join(', ')}${m.count > m.examples.length ? ', …' : ''} |`));
  }
  if (f.perOutcome.length) {
    out.push('', '| Outcome | Files before | Files after | Gained | Lost |', '| --- | ---: | ---: | ---: | ---: |',
      ...f.perOutcome.map(r => `| ${t(r.title)} (${code(r.id)}) | ${r.before} | ${r.after} | +${r.gained} | −${r.lost} |`));
  }
  const why = { 'become unlinked': ' (no outcome claims them, the ignore list leaves them)', 'become linked': '', 'become ignored': ' (the ignore list takes them: they need no outcome)' };
  for (const [what, l] of [['become unlinked', f.becomeUnlinked], ['become linked', f.becomeLinked], ['become ignored', f.becomeIgnored]] as const) {
    if (!l.count) continue;
    out.push('', `**${plural(l.count, 'file')} ${l.count === 1 ? what.replace('become', 'becomes') : what}**${why[what]}:`, '',
      ...l.examples.map(p => `- ${code(p)}`), ...(l.count > l.examples.length ? [`- and ${l.count - l.examples.length} more`] : []));
  }
  return out.join('\n') + '\n';
}

/** The diff as plain lines for a terminal; control characters in untrusted text are made visible (printable). */
export function renderOutcomesDiffText(d: OutcomesDiff): string {
  const p = printable;
  const id = (s: string) => p(s);
  const out = [`outcomes.yaml: ${p(sideText(d.from))} -> ${p(sideText(d.to))}${d.from.note ? ` (${p(d.from.note)})` : ''}`, diffHeadline(d)];
  if (diffIsEmpty(d)) return out.join('\n') + '\n';
  out.push('');
  for (const o of d.added) out.push(`added      ${id(o.id)}: ${p(o.title)}`);
  for (const o of d.removed) out.push(`removed    ${id(o.id)}: ${p(o.title)}`);
  for (const r of d.renamed) out.push(`renamed    ${id(r.from)} -> ${id(r.to)} (same ${r.by.join(' and ')}): ${p(r.title)}`);
  for (const r of d.retitled) out.push(`retitled   ${id(r.id)}: ${p(r.before)} -> ${p(r.after)}`);
  for (const c of d.changed) for (const f of c.fields) out.push(`changed    ${id(c.id)}: ${fieldText(f, p, p)}`);
  for (const f of d.settings) out.push(`settings   ${fieldText(f, p, p)}`);
  for (const k of d.keyResults) out.push(`key result ${id(k.outcome)} / ${p(k.name)}: ${k.change}${k.change === 'changed' ? `: ${k.fields.map(f => fieldText(f, p, p)).join('; ')}` : ''}`);
  const b = d.budgets;
  if (b.rows.length || b.totalBefore !== b.totalAfter) {
    for (const r of b.rows) out.push(`budget     ${id(r.id)}: ${pct(r.before)} -> ${pct(r.after)}`);
    out.push(`budget     total: ${totalText(b.totalBefore)} -> ${totalText(b.totalAfter)}${b.overAfter ? '  OVER 100%' : ''}`);
  }
  const f = d.files;
  out.push('', `files: ${f.changeHands} of ${f.common} tracked on both sides change hands`);
  const who = (ids: string[], status: string) => (ids.length ? ids.map(id).join('+') : `(${status})`);
  for (const m of f.moves) out.push(`  ${who(m.from, m.fromStatus)} -> ${who(m.to, m.toStatus)}: ${m.count}  e.g. ${m.examples.map(p).join(', ')}`);
  for (const r of f.perOutcome) out.push(`  ${id(r.id)}: ${r.before} -> ${r.after} files (+${r.gained} -${r.lost})`);
  for (const [what, l] of [['unlinked', f.becomeUnlinked], ['linked', f.becomeLinked], ['ignored', f.becomeIgnored]] as const) {
    if (!l.count) continue;
    out.push(`become ${what}: ${l.count}`, ...l.examples.map(x => `  ${p(x)}`), ...(l.count > l.examples.length ? [`  and ${l.count - l.examples.length} more`] : []));
  }
  return out.join('\n') + '\n';
}

/** The diff in one of DIFF_FORMATS. */
export function renderOutcomesDiff(format: DiffFormat, d: OutcomesDiff): string {
  if (format === 'json') return JSON.stringify(d, null, 2) + '\n';
  return format === 'md' ? renderOutcomesDiffMd(d) : renderOutcomesDiffText(d);
}
