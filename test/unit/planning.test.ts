import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { allocate, bucketRange, chooseBucket, IGNORED, UNLINKED } from '../../src/core/links/allocation';
import { bucketLabel, pts, whole } from '../../src/core/report/format';
import { IGNORED_COLOUR, PALETTE, UNLINKED_COLOURS } from '../../src/core/report/chart';
import { DEFAULT_WINDOW_DAYS } from '../../src/core/util/settingDefaults';
import type { ReportJson } from '../../src/core/report/model';

const PLANNED = `version: 1
ignore: [vendor/]
outcomes:
  - id: a
    title: Alpha
    owner: "@team-a"
    budget: 50%
    areas: [a/]
  - id: b
    title: Beta
    budget: 20
    areas: [b/]
  - id: c
    title: Gamma
    areas: [c/]
`;

/** Commits on fixed days of January 2024 (Mondays: the 1st, 8th, 15th, 22nd): the weeks of the 8th and the 15th stay empty. */
function plannedRepo(): TempRepo {
  const r = new TempRepo();
  const at = (d: string) => ({ date: `2024-01-${d}T10:00:00Z` });
  r.write('outcomes.yaml', PLANNED).write('README.md').commit('root\n', at('01')); // unlinked: README.md (outcomes.yaml needs none)
  r.write('a/x.ts').commit('a one\n', at('02'));                                  // a
  r.write('a/y.ts').commit('a two\n', at('03'));                                  // a
  r.write('a/z.ts').write('b/z.ts').commit('a and b\n', at('04'));               // a 1/2, b 1/2
  r.write('b/w.ts').commit('b one\n', at('22'));                                  // b
  r.write('vendor/v.js').commit('vendor\n', at('23'));                            // ignored
  r.write('docs/d.md').commit('docs\n', { ...at('24'), author: 'Eve <eve@example.com>' }); // unlinked
  r.write('c/q.ts').commit('c one\n', at('25'));                                  // c
  return r;
}

const json = (args: string[]): ReportJson => {
  const r = cli([...args, '--format', 'json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

describe('budget in outcomes.yaml', () => {
  const one = (budget: string) => parseOutcomes(`version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n    budget: ${budget}\n`);

  it('reads 30% and the number 30 as 0.3; no budget is undefined', () => {
    assert.equal(one('30%').map!.outcomes[0].budget, 0.3);
    assert.equal(one('30').map!.outcomes[0].budget, 0.3);
    assert.equal(one('"12.5 %"').map!.outcomes[0].budget, 0.125);
    assert.equal(one('0%').map!.outcomes[0].budget, 0);
    assert.equal(parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n').map!.outcomes[0].budget, undefined);
  });

  it('refuses what is not 0-100%, at the value', () => {
    for (const [text, code, re] of [['120%', 'budget-out-of-range', /budget 120% is more than 100%/], ['lots', 'bad-budget', /budget must be a percentage/], ['-5%', 'bad-budget', /0-100%/], ['[30]', 'bad-budget', /percentage/]] as const) {
      const r = one(text);
      assert.equal(r.map, undefined, text);
      const d = r.diagnostics.find(x => x.severity === 'error')!;
      assert.equal(d.code, code, text);
      assert.match(d.message, re);
      assert.deepEqual([d.line, d.column], [6, 13], `${text}: at the value`);
    }
  });

  it('warns when a number reads as a fraction (0.3 is 0.3%, not 30%)', () => {
    const r = one('0.3');
    assert.equal(r.map!.outcomes[0].budget, 0.003);
    const d = r.diagnostics.find(x => x.code === 'budget-looks-like-fraction')!;
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /write `30%` if you meant a fraction/);
  });

  it('warns at the budget that takes the sum over 100%, and the map stays usable', () => {
    const text = 'version: 1\noutcomes:\n  - {id: a, title: A, tickets: [A-], budget: 60%}\n  - {id: b, title: B, tickets: [B-], budget: 30%}\n  - {id: c, title: C, tickets: [C-], budget: 25%}\n  - {id: d, title: D, tickets: [D-], budget: 5%}\n';
    const r = parseOutcomes(text);
    assert.ok(r.map, 'a warning, not an error');
    const w = r.diagnostics.filter(x => x.code === 'budgets-over-100');
    assert.equal(w.length, 1);
    assert.equal(w[0].severity, 'warning');
    assert.match(w[0].message, /the budgets add up to 120%, more than the whole effort \(100%\)/);
    assert.deepEqual([w[0].line, w[0].column], [5, 46], "at c's budget, where 60 + 30 + 25 passes 100");
    assert.deepEqual(parseOutcomes(text.replace('25%', '5%')).diagnostics.filter(x => x.code === 'budgets-over-100'), [], '60 + 30 + 5 + 5 = 100: no warning');
  });

  it('outcome-lens check prints the warning located, exit 0', () => {
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', 'version: 1\noutcomes:\n  - id: a\n    title: A\n    tickets: [A-]\n    budget: 70%\n  - id: b\n    title: B\n    tickets: [B-]\n    budget: 40%\n').commit('init\n');
      const r = cli(['check', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^outcomes\.yaml:10:13: warning: the budgets add up to 110%/m);
    } finally {
      repo.rm();
    }
  });
});

describe('planned vs actual and drift (a real repository, numbers by hand)', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  before(() => { repo = plannedRepo(); });
  after(() => repo.rm());
  const window = () => ['report', '--since', '2024-01-01', '--until', '2024-01-28', '--repo', repo.dir];

  it('actual share of the linked + unlinked commits, against the budget', () => {
    const r = json(window());
    // 8 commits: linked a1, a2, ab, b1, c1 = 5; unlinked root, docs = 2; ignored vendor = 1. What budgets plan: 7.
    assert.deepEqual(r.counts, { linked: 5, unlinked: 2, ignored: 1 });
    const o = (id: string) => r.outcomes.find(x => x.id === id)!;
    assert.deepEqual([o('a').commits, o('b').commits, o('c').commits, o(UNLINKED).commits, o(IGNORED).commits], [2.5, 1.5, 1, 2, 1]);
    assert.equal(o('a').budget, 0.5);
    assert.equal(o('a').actualShare, 2.5 / 7);
    assert.equal(o('a').drift, 2.5 / 7 - 0.5, 'a: 35.7% of 50%, 14.3 points under');
    assert.equal(o('b').budget, 0.2);
    assert.equal(o('b').drift, 1.5 / 7 - 0.2, 'b: 21.4% of 20%, 1.4 points over');
    assert.equal(o('c').budget, null);
    assert.equal(o('c').drift, null);
    assert.equal(o('c').actualShare, 1 / 7);
    assert.equal(o(UNLINKED).actualShare, 2 / 7);
    assert.equal(o(IGNORED).actualShare, null, 'ignored work is not what budgets plan');
    assert.equal(o('a').owner, '@team-a');
    assert.equal(o('b').owner, null);
    assert.equal(r.driftThreshold, 0.1);
    assert.equal(pts(o('a').drift), '−14.3 pts');
    assert.equal(pts(o('b').drift), '+1.4 pts');
  });

  it('every format shows planned, actual and drift; past the threshold it is marked', () => {
    const md = cli([...window(), '--format', 'md', '--no-lines', '--no-cache']);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.stdout.includes('| Alpha (`a`) | \\@team-a | 50.0% | 35.7% | −14.3 pts **off** |'), md.stdout);
    assert.ok(md.stdout.includes('| Beta (`b`) |  | 20.0% | 21.4% | +1.4 pts |'), md.stdout);
    assert.ok(md.stdout.includes('| Gamma (`c`) |  | — | 14.3% | — |'), md.stdout);
    assert.ok(md.stdout.includes('| **Planned in all** | | 70.0% | | |'), md.stdout);
    const html = cli([...window(), '--format', 'html', '--no-cache']).stdout;
    assert.match(html, /<tr data-key="a" class="off"><th scope="row">Alpha<\/th><td class="text">@team-a<\/td><td>50\.0%<\/td><td>35\.7%<\/td><td>−14\.3 pts under<\/td><\/tr>/);
    assert.match(html, /<tr data-key="b"><th scope="row">Beta<\/th><td class="text"><\/td><td>20\.0%<\/td><td>21\.4%<\/td><td>\+1\.4 pts<\/td><\/tr>/);
    const csv = cli([...window(), '--format', 'csv', '--no-cache']).stdout.split('\n');
    assert.ok(csv.includes('"budget","","0.5000","0.2000","","","",""'), csv.join('\n'));
    assert.ok(csv.includes('"drift","commits","-0.1429","0.0143","","","",""'), csv.join('\n'));
    assert.ok(csv.includes('"owner","","\'@team-a","","","","",""'), csv.join('\n'));
  });

  it('by changed lines when asked (--measure lines): the same rule over lines', () => {
    const r = json([...window(), '--measure', 'lines']);
    // TempRepo writes one line per file: a 1 + 1 + 1 (half of a and b's 2), b 1 + 1, c 1; unlinked: README.md's 1 + docs' 1;
    // the vendored file's line and outcomes.yaml's count for nobody.
    const o = (id: string) => r.outcomes.find(x => x.id === id)!;
    assert.equal(r.measure, 'lines');
    assert.deepEqual(r.lineCounts, { linked: 6, unlinked: 2, ignored: 0 });
    assert.equal(o('a').lines, 3);
    assert.equal(o('a').lineActualShare, 3 / 8);
    assert.equal(o('a').lineDrift, 3 / 8 - 0.5);
  });

  it('a window with empty weeks: every week is a bucket, the empty ones with zeros', () => {
    const r = json([...window(), '--no-lines']);
    assert.equal(r.bucket, 'week', '28 days: weeks');
    assert.deepEqual(r.buckets.map(b => b.start), ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22']);
    assert.deepEqual(r.buckets.map(b => b.values.a), [2.5, 0, 0, 0]);
    assert.deepEqual(r.buckets.map(b => [b.values.b, b.values.c, b.values[UNLINKED], b.values[IGNORED]]), [[0.5, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]);
    assert.deepEqual(r.buckets.map(b => b.alignment), [3 / 4, null, null, 2 / 3]);
    const html = cli([...window(), '--format', 'html', '--no-lines', '--no-cache']).stdout;
    // The empty weeks are on the axis (a label each) and in the table as 0, not "…".
    for (const label of ['Jan 1', 'Jan 8', 'Jan 15', 'Jan 22']) assert.ok(html.includes(`>${label}</text>`), label);
    assert.match(html, /<tr><th scope="row">2024-01-08<\/th><td>0<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>n\/a<\/td><\/tr>/);
    assert.match(html, /<svg class="chart" id="chart-absolute"[^>]*aria-label="Commits per week, stacked by outcome/);
    assert.match(html, /<svg class="chart" id="chart-share"[^>]*aria-label="Share of commits per week, stacked by outcome/);
    assert.match(html, /<text class="axis-title"[^>]*>Commits per week<\/text>/);
    // Whole numbers on screen: a's 2.5 commits show as 3 (2.5 rounds up), b's 1.5 as 2; JSON keeps 2.5 and 1.5.
    assert.match(html, /<tr data-key="a"><th scope="row"><span class="swatch c0"><\/span>Alpha <span class="owner">@team-a<\/span><\/th><td>3<\/td><td>31\.3%<\/td>/);
  });

  it('an empty window says so, and charts nothing', () => {
    const r = cli(['report', '--since', '2024-03-01', '--until', '2024-03-10', '--format', 'html', '--no-lines', '--no-cache', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no commits since 2024-03-01T00:00:00Z until 2024-03-10T23:59:59Z; the newest is 2024-01-25T10:00:00Z/);
    assert.match(r.stdout, /<div class="empty" id="empty-window"><p>No commit in 2024-03-01 to 2024-03-10: nothing to chart\.<\/p><\/div>/);
    assert.doesNotMatch(r.stdout, /<svg class="chart"/);
  });

  it('report without --since covers the extension\'s default window, and says so', () => {
    const r = cli(['report', '--no-lines', '--no-cache', '--repo', repo.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(DEFAULT_WINDOW_DAYS, 90, "package.json's default of outcomeLens.history.windowDays");
    assert.match(r.stderr, /^outcome-lens: the last 90 days, the extension's default window \(outcomeLens\.history\.windowDays\); --since DATE or --all for another$/m);
    assert.match(r.stdout, /^Window: the last 90 days \\\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to now\\\) — the default window/m);
    const j = json(['report', '--no-lines', '--repo', repo.dir]);
    assert.deepEqual({ ...j.window, since: typeof j.window.since }, { since: 'string', until: null, days: 90, defaulted: true, range: null });
    assert.ok(Math.abs(Date.parse(j.generatedAt) - 90 * 86400_000 - Date.parse(j.window.since!)) < 5000, 'since is 90 days before now');
    assert.equal(j.commits, 0, 'the fixture is from 2024');
    const all = json(['report', '--all', '--no-lines', '--repo', repo.dir]);
    assert.equal(all.commits, 8);
    assert.deepEqual(all.window, { since: null, until: null, days: null, defaulted: false, range: null });
    assert.equal(cli(['report', '--all', '--since', '2024-01-01', '--repo', repo.dir]).code, 2);
  });
});

describe('the unlinked commits every format lists', function () {
  this.timeout(60_000);
  it('the 20 most recent with the total, id, author, date and subject escaped as each format needs', () => {
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', PLANNED).write('README.md').commit('root\n', { date: '2024-01-01T10:00:00Z' });
      for (let i = 1; i <= 22; i++) {
        repo.write(`docs/${i}.md`).commit(`Chore ${i} <img src=x onerror=alert(1)> [link](https://evil.example)\n`, { date: `2024-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`, author: 'Mallory **Bold** <m@example.com>' });
      }
      const args = ['report', '--all', '--no-lines', '--no-cache', '--repo', repo.dir];
      const j = json(args);
      assert.equal(j.unlinkedCommits.total, 23, 'root and the 22 chores');
      assert.equal(j.unlinkedCommits.recent.length, 20);
      assert.deepEqual(j.unlinkedCommits.recent.map(c => c.subject.split(' ').slice(0, 2).join(' ')), Array.from({ length: 20 }, (_, i) => `Chore ${22 - i}`), 'newest first');
      assert.deepEqual(Object.keys(j.unlinkedCommits.recent[0]).sort(), ['author', 'date', 'sha', 'subject']);
      const md = cli([...args, '--format', 'md']).stdout;
      assert.match(md, /^The 20 most recent of 23:$/m);
      const row = md.split('\n').find(l => l.includes('Chore 22'))!;
      assert.equal(row, `| \`${j.unlinkedCommits.recent[0].sha.slice(0, 10)}\` | Mallory \\*\\*Bold\\*\\* | 2024-01-23 | Chore 22 &lt;img src=x onerror=alert\\(1\\)&gt; \\[link\\]\\(https://evil.example\\) |`);
      const html = cli([...args, '--format', 'html']).stdout;
      assert.match(html, /<caption>The 20 most recent of 23 unlinked commits<\/caption>/);
      assert.ok(html.includes('<td class="text">Mallory **Bold**</td><td class="text">2024-01-23</td><td class="text">Chore 22 &lt;img src=x onerror=alert(1)&gt; [link](https://evil.example)</td>'));
      assert.doesNotMatch(html, /<img/);
      const csv = cli([...args, '--format', 'csv']).stdout;
      assert.ok(csv.includes(`"${j.unlinkedCommits.recent[0].sha}","Mallory **Bold**","2024-01-23T10:00:00+00:00","Chore 22 <img src=x onerror=alert(1)> [link](https://evil.example)"`), csv);
      assert.ok(csv.includes('"20 of 23 unlinked commits"'));
    } finally {
      repo.rm();
    }
  });
});

describe('the unlinked commits of one second', function () {
  this.timeout(60_000);
  it('are listed in git\'s order (newest first), not by their ids', () => {
    const repo = new TempRepo();
    try {
      const at = { date: '2024-01-02T10:00:00Z' };
      repo.write('outcomes.yaml', PLANNED).write('README.md').commit('root\n', { date: '2024-01-01T10:00:00Z' });
      for (const n of ['first', 'second', 'third', 'fourth']) repo.write(`docs/${n}.md`).commit(`${n}\n`, at);
      const j = json(['report', '--all', '--no-lines', '--repo', repo.dir]);
      assert.deepEqual(j.unlinkedCommits.recent.map(c => c.subject), ['fourth', 'third', 'second', 'first', 'root']);
      assert.deepEqual(j.unlinkedCommits.recent.map(c => c.sha), repo.git('log', '--format=%H').trim().split('\n'), 'as git log lists them');
    } finally {
      repo.rm();
    }
  });
});

describe('the time axis: buckets and labels', () => {
  it('weeks up to 180 days, months beyond', () => {
    assert.equal(chooseBucket('2024-01-01T00:00:00Z', new Date(Date.UTC(2024, 0, 1) + 180 * 86400_000).toISOString()), 'week');
    assert.equal(chooseBucket('2024-01-01T00:00:00Z', new Date(Date.UTC(2024, 0, 1) + 181 * 86400_000).toISOString()), 'month');
    assert.deepEqual(bucketRange('2024-12-20T00:00:00Z', '2025-01-08T00:00:00Z', 'week'), ['2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06']);
    assert.deepEqual(bucketRange('2024-11-30T23:00:00Z', '2025-02-01T00:00:00Z', 'month'), ['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01']);
  });

  it('a two-year window gets months, and every label its year', () => {
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', PLANNED).write('README.md').commit('root\n', { date: '2023-03-15T10:00:00Z' });
      repo.write('a/x.ts').commit('a\n', { date: '2025-02-10T10:00:00Z' });
      const args = ['report', '--since', '2023-03-01', '--until', '2025-02-28', '--no-lines', '--no-cache', '--repo', repo.dir];
      const r = json(args);
      assert.equal(r.bucket, 'month');
      assert.equal(r.buckets.length, 24, 'March 2023 to February 2025');
      assert.deepEqual([r.buckets[0].start, r.buckets[23].start], ['2023-03-01', '2025-02-01']);
      assert.equal(r.buckets.filter(b => b.values.a || b.values[UNLINKED]).length, 2, '22 empty months on the axis');
      const html = cli([...args, '--format', 'html']).stdout;
      const labels = [...html.matchAll(/<text class="tick" x="[\d.]+" y="[\d.]+" text-anchor="start">([^<]+)<\/text>/g)].map(m => m[1]);
      // 24 months, 62 px a label in 688 px: every third month is labelled, each with its year.
      const chart = labels.slice(0, 8);
      assert.deepEqual(chart, ['Mar 2023', 'Jun 2023', 'Sep 2023', 'Dec 2023', 'Mar 2024', 'Jun 2024', 'Sep 2024', 'Dec 2024']);
      assert.equal(cli([...args, '--bucket', 'week', '--format', 'json']).code, 0);
      assert.equal(json([...args, '--bucket', 'week']).buckets.length, 105, 'a bucket set by hand wins: 105 weeks');
    } finally {
      repo.rm();
    }
  });

  it('labels: month and week, with the year only when the axis spans two', () => {
    assert.equal(bucketLabel('2024-03-04', 'week', false), 'Mar 4');
    assert.equal(bucketLabel('2024-03-04', 'week', true), 'Mar 4, 2024');
    assert.equal(bucketLabel('2024-03-01', 'month', false), 'Mar');
    assert.equal(bucketLabel('2024-03-01', 'month', true), 'Mar 2024');
  });

  it('allocate buckets by the window it is given: since to now, empty buckets included', () => {
    const a = allocate([], ['x'], 'auto', { since: '2024-01-01T00:00:00Z', now: '2024-01-20T00:00:00Z' });
    assert.equal(a.bucket, 'week');
    assert.deepEqual(a.buckets.map(b => [b.start, b.values.x, b.alignment]), [['2024-01-01', 0, null], ['2024-01-08', 0, null], ['2024-01-15', 0, null]]);
  });
});

describe('numbers on screen', () => {
  it('whole numbers; 0 is 0; a part of a commit below a half is <1; unknown says so', () => {
    assert.deepEqual([0, 1 / 3, 0.5, 2.5, 492.75, 7].map(x => whole(x)), ['0', '<1', '1', '3', '493', '7']);
    assert.equal(whole(null), 'n/a');
    assert.equal(whole(null, '…'), '…');
  });

  it('a commit linked to three outcomes: 1/3 each in JSON and CSV, whole numbers in Markdown and HTML', () => {
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', PLANNED).write('README.md').commit('root\n', { date: '2024-01-01T10:00:00Z' });
      repo.write('a/x.ts').write('b/x.ts').write('c/x.ts').commit('all three\n', { date: '2024-01-02T10:00:00Z' });
      const args = ['report', '--all', '--no-lines', '--no-cache', '--repo', repo.dir];
      const j = json(args);
      assert.equal(j.outcomes.find(o => o.id === 'a')!.commits, 1 / 3);
      assert.ok(cli([...args, '--format', 'csv']).stdout.includes(`"total","commits","${1 / 3}","${1 / 3}","${1 / 3}","1","0"`));
      const md = cli([...args, '--format', 'md']).stdout;
      assert.ok(md.includes('| Alpha (`a`) | \\@team-a | <1 | 16.7% |'), md);
      assert.doesNotMatch(md, /0\.33/);
      assert.match(cli([...args, '--format', 'html']).stdout, /<tr data-key="a">.*?<td>&lt;1<\/td><td>16\.7%<\/td>/);
    } finally {
      repo.rm();
    }
  });
});

describe('the chart palette', () => {
  const lum = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(c => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: string, b: string) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };

  it('12 outcome colours, each at least 3:1 against a light and a dark theme background', () => {
    assert.equal(new Set(PALETTE).size, 12);
    for (const c of PALETTE) {
      assert.ok(contrast(c, '#ffffff') >= 3, `${c} on white: ${contrast(c, '#ffffff').toFixed(2)}`);
      assert.ok(contrast(c, '#1e1e1e') >= 3, `${c} on #1e1e1e: ${contrast(c, '#1e1e1e').toFixed(2)}`);
    }
  });

  it('no outcome colour is a grey (those are unlinked and ignored work)', () => {
    const chroma = (hex: string) => { const v = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16)); return Math.max(...v) - Math.min(...v); };
    for (const c of PALETTE) assert.ok(chroma(c) >= 60, `${c} is coloured`);
    for (const g of [...UNLINKED_COLOURS, IGNORED_COLOUR]) assert.equal(chroma(g), 0, `${g} is grey`);
  });
});
