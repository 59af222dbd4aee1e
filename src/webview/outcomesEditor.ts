// The outcomes editor's form: draws what the extension read from outcomes.yaml and sends each change back as one
// edit; the extension changes the text and sends the form again, so the form never keeps a copy of its own.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import {
  FormCounts, FormEdit, FormModel, FormOutcome, FormProblem, FromOutcomesForm, LISTS, ListName, METRIC_FIELDS, MetricField, OutcomeField, ToOutcomesForm,
} from '../core/outcomes/formMessages';

const vscode = acquireVsCodeApi() as unknown as { postMessage(m: FromOutcomesForm): void };
const main = document.getElementById('main')!;
let model: FormModel | undefined;
let counts: { version: number; counts: FormCounts } | undefined;
let note = '';

const LABELS: Record<OutcomeField | MetricField | ListName, string> = {
  id: 'Id', title: 'Title', description: 'Description', owner: 'Owner', status: 'Status', link: 'Link', budget: 'Budget', period: 'Period',
  name: 'Name', baseline: 'Baseline', target: 'Target', current: 'Current', source: 'Source', areas: 'Areas', tickets: 'Ticket prefixes',
};
const HINTS: Partial<Record<OutcomeField, string>> = {
  id: 'lower-case letters, digits, . _ -', owner: '@team or a name', link: 'https://…', budget: 'share of effort, e.g. 30%', period: 'e.g. 2026-Q4',
};
const STATUSES = ['proposed', 'active', 'achieved', 'dropped'];

/** An element with attributes (`null`/`undefined`/`false` ones left out) and children (text is set as text, never as HTML). */
function h(tag: string, attrs: Record<string, string | number | boolean | null | undefined> = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** Where each problem shows: at its own field if the form has it, else at the nearest thing that holds it. */
function placed(problems: readonly FormProblem[], shown: ReadonlySet<string>): Map<string, FormProblem[]> {
  const out = new Map<string, FormProblem[]>();
  for (const p of problems) {
    let at = p.path;
    while (at && !shown.has(at)) at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '';
    const key = at || 'file';
    out.set(key, [...(out.get(key) ?? []), p]);
  }
  return out;
}

function problemList(ps: FormProblem[] | undefined, id?: string): HTMLElement | null {
  if (!ps?.length) return null;
  return h('div', { class: 'problems', id },
    ...ps.map(p => h('div', { class: `problem ${p.severity}`, 'data-problem': p.path },
      `${p.severity === 'error' ? 'Error' : 'Warning'}: ${p.message} `,
      h('button', { type: 'button', 'data-action': 'reveal', 'data-line': p.line, 'data-column': p.column, 'aria-label': `Show line ${p.line} in the text editor` }, `line ${p.line}:${p.column}`))));
}

/** The accessible name of a control: its label, and its problems (a screen reader reads them with it). */
const named = (label: string, ps: FormProblem[] | undefined) => (ps?.length ? `${label}: ${ps.map(p => `${p.severity} ${p.message}`).join('; ')}` : label);

function textField(path: string, value: string, label: string, edit: Record<string, string | number>, ps: FormProblem[] | undefined, placeholder?: string): HTMLElement {
  return h('vscode-textfield', {
    'data-path': path, id: `f-${path}`, value, label: named(label, ps), placeholder, invalid: !!ps?.some(p => p.severity === 'error'),
    ...Object.fromEntries(Object.entries(edit).map(([k, v]) => [`data-${k}`, v])),
  });
}

function render(): void {
  if (!model) return;
  const m = model;
  const focused = document.activeElement?.closest('[data-path]') as (HTMLElement & { value?: string }) | null;
  const focus = focused?.dataset.path;
  // Where the caret was in the focused field: focusing a new field through its host selects all its text, and the next
  // key typed would replace what was typed so far.
  const caret = focused?.shadowRoot?.querySelector('input');
  const selection = caret ? [caret.selectionStart ?? caret.value.length, caret.selectionEnd ?? caret.value.length] as const : undefined;
  // What is typed and not yet sent stays: the focused field's text and the "add" fields'.
  const typed = new Map<string, string>();
  if (focus && focused?.value !== undefined) typed.set(focus, focused.value);
  for (const el of main.querySelectorAll<HTMLElement & { value?: string }>('[data-path^="new."]')) if (el.value) typed.set(el.dataset.path!, el.value);
  const shown = new Set<string>(['file']);
  m.outcomes.forEach((o, i) => {
    shown.add(`o.${i}`);
    for (const k of Object.keys(o.fields)) shown.add(`o.${i}.${k}`);
    o.metrics.forEach((r, j) => { shown.add(`o.${i}.metrics.${j}`); for (const k of Object.keys(r)) shown.add(`o.${i}.metrics.${j}.${k}`); });
    for (const l of LISTS) { shown.add(`o.${i}.${l}`); o[l].forEach((_a, j) => shown.add(`o.${i}.${l}.${j}`)); }
  });
  const problems = placed(m.problems, shown);
  const c = counts && counts.version === m.version ? counts.counts : undefined;
  const total = m.totalBudget;
  const parts: (Node | null)[] = [
    h('div', { class: 'head' }, h('h1', {}, `Outcomes (${m.outcomes.length})`),
      h('vscode-button', { secondary: true, 'data-action': 'openText', title: 'Open outcomes.yaml in the text editor beside this one' }, 'Open as Text')),
    h('p', { class: 'summary', id: 'budget-total' }, total === undefined ? 'No outcome has a budget yet.'
      : `The budgets add up to ${total}% of the effort`, total !== undefined && total > 100 ? h('span', { class: 'over' }, ` (over 100%: lower some of them)`) : null,
    c?.state === 'unavailable' ? h('span', { id: 'counts-missing' }, ` · ${c.reason}`) : null),
    note ? h('p', { id: 'note', role: 'alert' }, note) : null,
    m.unreadable ? h('p', { id: 'unreadable', role: 'alert' }, `${m.unreadable} The form shows it again once the text editor has fixed it.`) : null,
    problemList(problems.get('file'), 'file-problems'),
  ];
  m.outcomes.forEach((o, i) => parts.push(card(o, i, m.outcomes.length, problems, c)));
  if (!m.unreadable) {
    parts.push(h('section', { class: 'card', id: 'add-outcome', 'aria-label': 'Add an outcome' },
      h('h2', {}, 'Add an outcome'),
      h('div', { class: 'add' },
        h('vscode-textfield', { id: 'new-outcome-id', 'data-path': 'new.id', label: 'New outcome id', placeholder: 'id, e.g. onboarding' }),
        h('vscode-textfield', { id: 'new-outcome-title', 'data-path': 'new.title', label: 'New outcome title', placeholder: 'title' }),
        h('vscode-button', { 'data-action': 'addOutcome' }, 'Add outcome'))));
  }
  main.replaceChildren(...parts.filter((x): x is Node => !!x));
  for (const [path, value] of typed) {
    const el = main.querySelector(`[data-path="${CSS.escape(path)}"]`) as (HTMLElement & { value?: string }) | null;
    if (el && el.tagName !== 'VSCODE-SINGLE-SELECT') el.value = value;
  }
  if (focus) {
    const el = main.querySelector(`[data-path="${CSS.escape(focus)}"]`) as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    // A new vscode-textfield draws its input a moment later (a Lit update): focused before that, the focus is lost,
    // and an Enter pressed next goes nowhere.
    const put = () => {
      const input = el?.shadowRoot?.querySelector('input');
      if (!input) return el?.focus();
      input.focus();
      // (a number field has no selection to set, and says so by throwing)
      if (selection) try { input.setSelectionRange(...selection); } catch { /* the caret stays where focus put it */ }
    };
    put();
    void el?.updateComplete?.then(put);
  }
}

function card(o: FormOutcome, i: number, n: number, problems: Map<string, FormProblem[]>, c: FormCounts | undefined): HTMLElement {
  const p = (k: string) => problems.get(`o.${i}.${k}`);
  const title = o.fields.title || o.fields.id || `Outcome ${i + 1}`;
  const grid = h('div', { class: 'grid' });
  for (const f of ['title', 'id', 'description', 'owner', 'status', 'link', 'budget', 'period'] as OutcomeField[]) {
    const path = `o.${i}.${f}`;
    const label = `${LABELS[f]} of outcome ${i + 1}`;
    let control: HTMLElement;
    if (f === 'status') {
      const known = STATUSES.includes(o.fields.status) || !o.fields.status;
      control = h('vscode-single-select', { 'data-path': path, id: `f-${path}`, label: named(label, p(f)), 'data-edit': 'setField', 'data-outcome': i, 'data-field': f, invalid: !known },
        h('vscode-option', { value: '', selected: !o.fields.status }, '(not set: active)'),
        ...STATUSES.map(s => h('vscode-option', { value: s, selected: o.fields.status === s }, s)),
        known ? null : h('vscode-option', { value: o.fields.status, selected: true }, o.fields.status));
    } else if (f === 'description') {
      control = h('vscode-textarea', { 'data-path': path, id: `f-${path}`, value: o.fields.description, label: named(label, p(f)), rows: 2, 'data-edit': 'setField', 'data-outcome': i, 'data-field': f });
    } else {
      control = textField(path, o.fields[f], label, { edit: 'setField', outcome: i, field: f }, p(f), HINTS[f]);
    }
    const extra = f === 'budget' && m()?.totalBudget !== undefined ? h('span', { class: 'muted' }, `of ${m()!.totalBudget}% planned in all`) : null;
    grid.append(h('label', { for: `f-${path}` }, LABELS[f]), h('div', { class: 'field' }, control, extra, problemList(p(f))));
  }
  const counted = c?.state === 'counted' ? c.outcomes[i] : undefined;
  return h('section', { class: 'card', 'data-outcome': i, 'aria-label': `Outcome ${i + 1} of ${n}: ${title}` },
    h('div', { class: 'head' },
      h('h2', {}, `${i + 1}. ${title}`),
      h('vscode-button', { secondary: true, 'data-action': 'moveOutcome', 'data-outcome': i, 'data-by': -1, disabled: i === 0, 'aria-label': `Move outcome ${i + 1} up` }, 'Move up'),
      h('vscode-button', { secondary: true, 'data-action': 'moveOutcome', 'data-outcome': i, 'data-by': 1, disabled: i === n - 1, 'aria-label': `Move outcome ${i + 1} down` }, 'Move down'),
      h('vscode-button', { secondary: true, 'data-action': 'removeOutcome', 'data-outcome': i, 'aria-label': `Remove outcome ${i + 1} (Undo brings it back)` }, 'Remove')),
    problemList(problems.get(`o.${i}`)),
    grid,
    h('h3', {}, 'Key results'), metricsTable(o, i, problems),
    h('h3', { id: `areas-${i}` }, 'Areas', counted ? h('span', { class: 'muted', 'data-total': i }, ` · ${counted.total} tracked file${counted.total === 1 ? '' : 's'} in all`) : null),
    problemList(p('areas')),
    list(o, i, 'areas', problems, counted, c),
    h('h3', { id: `tickets-${i}` }, 'Ticket prefixes'),
    problemList(p('tickets')),
    list(o, i, 'tickets', problems, undefined, c));
}

const m = () => model;

function metricsTable(o: FormOutcome, i: number, problems: Map<string, FormProblem[]>): HTMLElement {
  const head = h('tr', {}, ...METRIC_FIELDS.map(f => h('th', { scope: 'col' }, LABELS[f])), h('th', { scope: 'col' }, h('span', { class: 'muted' }, 'Remove')));
  const rows = o.metrics.map((r, j) => {
    const ps = problems.get(`o.${i}.metrics.${j}`);
    return h('tr', { 'data-metric': j },
      ...METRIC_FIELDS.map(f => {
        const path = `o.${i}.metrics.${j}.${f}`;
        const fp = problems.get(path);
        return h('td', {}, textField(path, r[f], `${LABELS[f]} of key result ${j + 1} of outcome ${i + 1}`, { edit: 'setMetric', outcome: i, metric: j, field: f }, fp,
          f === 'source' ? '{ file: …, column: … }' : undefined), problemList(fp));
      }),
      h('td', {}, h('vscode-button', { secondary: true, 'data-action': 'removeMetric', 'data-outcome': i, 'data-metric': j, 'aria-label': `Remove key result ${j + 1} of outcome ${i + 1}` }, 'Remove'), problemList(ps)));
  });
  const add = h('div', { class: 'add' },
    h('vscode-textfield', { id: `new-metric-${i}`, 'data-path': `new.metric.${i}`, label: `New key result name for outcome ${i + 1}`, placeholder: 'new key result name' }),
    h('vscode-button', { 'data-action': 'addMetric', 'data-outcome': i }, 'Add key result'));
  return h('div', {}, o.metrics.length ? h('table', { 'aria-label': `Key results of outcome ${i + 1}` }, h('thead', {}, head), h('tbody', {}, ...rows)) : h('p', { class: 'muted' }, 'No key results yet.'),
    problemList(problems.get(`o.${i}.metrics`)), add);
}

function list(o: FormOutcome, i: number, name: ListName, problems: Map<string, FormProblem[]>, counted: { areas: { count: number; files: string[] }[] } | undefined, c: FormCounts | undefined): HTMLElement {
  const what = name === 'areas' ? 'area' : 'ticket prefix';
  const items = o[name].map((v, j) => {
    const path = `o.${i}.${name}.${j}`;
    const ps = problems.get(path);
    let count: HTMLElement | null = null;
    if (name === 'areas') {
      const a = counted?.areas[j];
      count = a ? filesOf(a, v)
        : h('span', { class: 'count', title: c?.state === 'unavailable' ? c.reason : 'counting the tracked files…' }, c?.state === 'unavailable' ? 'not counted' : 'counting…');
    }
    return h('li', {},
      h('div', { class: 'field' }, textField(path, v, `${what} ${j + 1} of outcome ${i + 1}`, { edit: 'setItem', outcome: i, list: name, index: j }, ps), problemList(ps)),
      count ?? h('span', {}),
      h('vscode-button', { secondary: true, 'data-action': 'removeItem', 'data-outcome': i, 'data-list': name, 'data-index': j, 'aria-label': `Remove ${what} ${j + 1} of outcome ${i + 1}` }, 'Remove'));
  });
  return h('div', {},
    items.length ? h('ul', { class: 'items', 'aria-labelledby': `${name}-${i}` }, ...items) : h('p', { class: 'muted' }, name === 'areas' ? 'No areas yet.' : 'No ticket prefixes yet.'),
    h('div', { class: 'add' },
      h('vscode-textfield', { id: `new-${name}-${i}`, 'data-path': `new.${name}.${i}`, label: `New ${what} for outcome ${i + 1}`, placeholder: name === 'areas' ? 'e.g. services/checkout/' : 'e.g. PAY-' }),
      h('vscode-button', { 'data-action': 'addItem', 'data-outcome': i, 'data-list': name }, name === 'areas' ? 'Add area' : 'Add prefix')));
}

/** "12 files", with the first of them on hover and when expanded (keyboard: the summary is a button). */
function filesOf(a: { count: number; files: string[] }, pattern: string): HTMLElement {
  const text = `${a.count} file${a.count === 1 ? '' : 's'}`;
  if (!a.count) return h('span', { class: 'count', 'data-count': pattern }, text);
  const more = a.count > a.files.length ? `… and ${a.count - a.files.length} more` : '';
  return h('details', { class: 'count', 'data-count': pattern, title: [...a.files, more].filter(Boolean).join('\n') },
    h('summary', { 'aria-label': `${text} match ${pattern}; show them` }, text),
    h('ul', {}, ...a.files.map(f => h('li', {}, f)), more ? h('li', { class: 'muted' }, more) : null));
}

const valueOf = (id: string) => ((document.getElementById(id) as unknown as { value?: string } | null)?.value ?? '').trim();
/** Empties "add" fields once their value is sent: the new item shows in the list, from the text. */
const clear = (...ids: string[]) => { for (const id of ids) { const el = document.getElementById(id) as unknown as { value?: string } | null; if (el) el.value = ''; } };

function send(edit: FormEdit): void {
  note = '';
  vscode.postMessage({ type: 'edit', edit });
}

// Changes are sent when a field is left or Enter is pressed (`change`), so typing is never interrupted by a redraw.
// (The components' own `change` does not bubble: it is heard on its way down.)
document.addEventListener('change', e => {
  const el = e.target as HTMLElement & { value?: string };
  const d = el.dataset ?? {};
  if (!d.edit) return;
  const value = String(el.value ?? '');
  const outcome = Number(d.outcome);
  if (d.edit === 'setField') send({ kind: 'setField', outcome, field: d.field as OutcomeField, value });
  else if (d.edit === 'setMetric') send({ kind: 'setMetric', outcome, metric: Number(d.metric), field: d.field as MetricField, value });
  else if (d.edit === 'setItem') send({ kind: 'setItem', outcome, list: d.list as ListName, index: Number(d.index), value });
}, true);

document.addEventListener('click', e => {
  const el = e.target instanceof Element ? e.target.closest('[data-action]') as HTMLElement | null : null;
  if (!el || el.hasAttribute('disabled')) return;
  const d = el.dataset;
  const outcome = Number(d.outcome);
  switch (d.action) {
    case 'openText': vscode.postMessage({ type: 'openText' }); break;
    case 'reveal': vscode.postMessage({ type: 'reveal', line: Number(d.line), column: Number(d.column) }); break;
    case 'moveOutcome': send({ kind: 'moveOutcome', outcome, by: d.by === '-1' ? -1 : 1 }); break;
    case 'removeOutcome': send({ kind: 'removeOutcome', outcome }); break;
    case 'removeMetric': send({ kind: 'removeMetric', outcome, metric: Number(d.metric) }); break;
    case 'removeItem': send({ kind: 'removeItem', outcome, list: d.list as ListName, index: Number(d.index) }); break;
    case 'addMetric': { const name = valueOf(`new-metric-${outcome}`); if (name) { send({ kind: 'addMetric', outcome, name }); clear(`new-metric-${outcome}`); } else say('Type the key result\'s name first.'); break; }
    case 'addItem': { const value = valueOf(`new-${d.list}-${outcome}`); if (value) { send({ kind: 'addItem', outcome, list: d.list as ListName, value }); clear(`new-${d.list}-${outcome}`); } else say('Type the new value first.'); break; }
    case 'addOutcome': {
      const id = valueOf('new-outcome-id'), title = valueOf('new-outcome-title');
      if (id && title) { send({ kind: 'addOutcome', id, title }); clear('new-outcome-id', 'new-outcome-title'); } else say('A new outcome needs an id and a title.');
      break;
    }
  }
});

// Enter in an "add" field adds, as the button beside it does.
document.addEventListener('keydown', e => {
  const el = e.target as HTMLElement;
  if (e.key !== 'Enter' || !el.id?.startsWith('new-')) return;
  (el.closest('.add')?.querySelector('vscode-button') as HTMLElement | null)?.click();
});

function say(text: string): void {
  note = text;
  render();
}

window.addEventListener('message', (e: MessageEvent<ToOutcomesForm>) => {
  const msg = e.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'model') { model = msg.model; render(); }
  else if (msg.type === 'counts') { counts = { version: msg.version, counts: msg.counts }; if (model?.version === msg.version) render(); }
  else if (msg.type === 'note') say(msg.text);
});

vscode.postMessage({ type: 'ready' });
