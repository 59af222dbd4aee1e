import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { GitRepo } from '../../src/core/git/repo';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import { csvSeries, formatDataProblem, jsonPointer, KeyResultData, keyResultKey, readSourceSeries } from '../../src/core/keyresults/series';
import { adjustmentSentence, keyResultState, Measured } from '../../src/core/keyresults/status';
import { Linker } from '../../src/core/links/link';
import { CommitLink } from '../../src/core/links/link';
import { linkHistory } from '../../src/core/usecases/linkHistory';
import { makeReport, KeyResultVersions } from '../../src/core/usecases/report';
import { renderReport } from '../../src/core/report/render';
import { Outcome, OutcomeMap } from '../../src/core/outcomes/model';

const at = (iso: string) => new Date(iso);
const v = (value: number, date: string, unit = ''): Measured => ({ value, unit, text: `${value}${unit}`, date });

describe('key results from data (issue 27)', () => {
  describe('outcomes.yaml: source and period', () => {
    const base = (extra: string, metric = '') => `version: 1\noutcomes:\n  - id: a\n    title: A\n    areas: [src/]\n${extra}    metrics:\n      - name: Conversion\n        baseline: 3.1%\n        target: 4%\n${metric}`;

    it('reads period, start and due, and both kinds of source', () => {
      const q = parseOutcomes(base('    period: 2026-Q4\n', '        source: { file: ./metrics//checkout.csv, column: conversion }\n'));
      assert.deepEqual(q.diagnostics, []);
      assert.deepEqual(q.map!.outcomes[0].period, { start: '2026-10-01', due: '2026-12-31', label: '2026-Q4' });
      assert.deepEqual(q.map!.outcomes[0].metrics[0].source, { file: 'metrics/checkout.csv', column: 'conversion' });
      const d = parseOutcomes(base('    start: 2026-01-15\n    due: 2026-02-28\n', '        source: { file: kpis.json, pointer: /checkout/conversion }\n'));
      assert.deepEqual(d.diagnostics, []);
      assert.deepEqual(d.map!.outcomes[0].period, { start: '2026-01-15', due: '2026-02-28', label: '2026-01-15..2026-02-28' });
      assert.deepEqual(d.map!.outcomes[0].metrics[0].source, { file: 'kpis.json', pointer: '/checkout/conversion' });
      for (const [p, start, due] of [['2026', '2026-01-01', '2026-12-31'], ['2026-H2', '2026-07-01', '2026-12-31'], ['2028-02', '2028-02-01', '2028-02-29'], ['2026-Q1', '2026-01-01', '2026-03-31']]) {
        assert.deepEqual(parseOutcomes(base(`    period: ${p}\n`)).map!.outcomes[0].period, { start, due, label: p });
      }
    });

    it('a path that leaves the repository, and other bad sources and periods, are located errors', () => {
      const cases: [string, string, RegExp, number, number][] = [
        ['', '        source: { file: ../secrets.csv, column: x }\n', /not a path inside the repository/, 10, 25],
        ['', '        source: { file: /etc/passwd, column: x }\n', /not a path inside the repository/, 10, 25],
        ['', '        source: { file: .git/config, column: x }\n', /not a path inside the repository/, 10, 25],
        ['', '        source: { file: a.csv, column: x, pointer: /x }\n', /not both/, 10, 43],
        ['', '        source: { file: a.csv }\n', /needs `column`.*or `pointer`/, 10, 17],
        ['', '        source: { file: a.json, pointer: x }\n', /must start with `\/`/, 10, 42],
        ['    period: 2026-Q5\n', '', /period must be a year/, 6, 13],
        ['    start: 2026-10-01\n', '', /`start` needs `due`/, 6, 5],
        ['    start: 2026-10-01\n    due: 2026-09-30\n', '', /due 2026-09-30 is before start/, 7, 10],
        ['    start: 2026-02-30\n    due: 2026-03-01\n', '', /start must be a date/, 6, 12],
        ['    period: 2026-Q4\n    due: 2026-12-01\n', '', /either `period` or `start` and `due`/, 7, 5],
      ];
      for (const [extra, metric, re, line, column] of cases) {
        const errors = parseOutcomes(base(extra, metric)).diagnostics.filter(x => x.severity === 'error');
        assert.equal(errors.length, 1, `${extra}${metric}: ${JSON.stringify(errors)}`);
        assert.match(errors[0].message, re);
        assert.deepEqual([errors[0].line, errors[0].column], [line, column], `${extra}${metric}: ${errors[0].message}`);
        assert.ok(errors[0].code === 'bad-source' || errors[0].code === 'bad-period');
      }
    });
  });

  describe('a CSV series', () => {
    it('rows in any order, a duplicate date, an empty cell, a bad number: each a stated rule or a located error', () => {
      const csv = [
        'date,visits,conversion', // line 1
        '2026-10-12,900,3.3%',     // 2
        '2026-10-05,1000,3.2%',    // 3: out of order: sorted by date
        '',                        // 4: blank line, skipped
        '2026-10-19,800,',         // 5: empty cell: a day not measured, no point
        '2026-10-26,850,n/a',      // 6: not a number: an error, no point
        '2026-10-12,950,3.35%',    // 7: the same date as line 2: the later row counts (a warning)
        '2026-13-01,10,3.9%',      // 8: not a date
        '"2026-11-02",700,"3.5%"', // 9: quoted cells
      ].join('\n');
      const s = csvSeries(csv, 'metrics/checkout.csv', 'conversion');
      assert.deepEqual(s.points.map(p => [p.date.slice(0, 10), p.value, p.unit]), [['2026-10-05', 3.2, '%'], ['2026-10-12', 3.35, '%'], ['2026-11-02', 3.5, '%']]);
      assert.deepEqual(s.problems.map(formatDataProblem), [
        'metrics/checkout.csv:6: "n/a" is not a number',
        'metrics/checkout.csv:7: 2026-10-12 is already on line 2; the later row counts',
        'metrics/checkout.csv:8: "2026-13-01" is not a date (write YYYY-MM-DD)',
      ]);
      assert.deepEqual(s.problems.map(p => p.severity), ['error', 'warning', 'error']);
    });

    it('a header missing its column is a located error with the columns it has; the date is the first column when none is named date', () => {
      const missing = csvSeries('\nday,visits\n2026-10-05,3\n', 'm.csv', 'conversion');
      assert.deepEqual(missing.points, []);
      assert.deepEqual(missing.problems.map(formatDataProblem), ['m.csv:2: the header has no column "conversion" (it has "day", "visits")']);
      const first = csvSeries('day,visits\r\n2026-10-05,3\r\n2026-10-06,1.2k\r\n', 'm.csv', 'visits');
      assert.deepEqual(first.points.map(p => [p.date, p.value]), [['2026-10-05T00:00:00.000Z', 3], ['2026-10-06T00:00:00.000Z', 1200]]);
      assert.deepEqual(first.problems, []);
    });

    it('JSON Pointer: escapes, arrays, missing places', () => {
      const doc = { 'a/b': { '~x': [10, 20] }, n: null };
      assert.deepEqual(jsonPointer(doc, '/a~1b/~0x/1'), { value: 20 });
      assert.equal(jsonPointer(doc, '/a~1b/~0x/2'), undefined);
      assert.equal(jsonPointer(doc, '/a~1b/~0x/01'), undefined);
      assert.deepEqual(jsonPointer(doc, '/n'), { value: null });
      assert.equal(jsonPointer(doc, '/nope'), undefined);
      assert.equal(jsonPointer({}, '/constructor'), undefined);
    });
  });

  describe('reading data through git', () => {
    let r: TempRepo;
    afterEach(() => r?.rm());

    it('a JSON pointer series over three commits of the data file, dated by each commit; a bad version is located at its commit', async () => {
      r = new TempRepo();
      const kpis = (x: unknown) => JSON.stringify({ checkout: { conversion: x } });
      const a = r.write('metrics/kpis.json', kpis(3.1)).commit('kpis\n', { date: '2026-10-02T08:00:00Z' });
      r.write('src/x.ts').commit('code\n', { date: '2026-10-03T08:00:00Z' });
      const b = r.write('metrics/kpis.json', kpis('3.3%')).commit('kpis\n', { date: '2026-10-09T08:00:00Z' });
      const bad = r.write('metrics/kpis.json', kpis('n/a')).commit('kpis\n', { date: '2026-10-12T08:00:00Z' });
      const c = r.write('metrics/kpis.json', kpis(3.45)).commit('kpis\n', { date: '2026-10-16T08:00:00Z' });
      const g = new GitRepo(r.dir);
      const s = await readSourceSeries(g, { file: 'metrics/kpis.json', pointer: '/checkout/conversion' }, c);
      assert.deepEqual(s.points.map(p => [p.sha, p.date, p.value, p.unit]), [
        [a, '2026-10-02T08:00:00.000Z', 3.1, ''], [b, '2026-10-09T08:00:00.000Z', 3.3, '%'], [c, '2026-10-16T08:00:00.000Z', 3.45, ''],
      ]);
      assert.deepEqual(s.problems.map(formatDataProblem), [`metrics/kpis.json@${bad.slice(0, 10)}: /checkout/conversion is "n/a", not a number`]);
    });

    it('a symlink out of the repository and a 50 MB file are refused with a located error; a link inside it is followed', async () => {
      r = new TempRepo();
      r.write('metrics/real.csv', 'date,x\n2026-10-01,5\n');
      fs.symlinkSync('../../outside.csv', path.join(r.dir, 'metrics/out.csv'));
      fs.symlinkSync('real.csv', path.join(r.dir, 'metrics/in.csv'));
      fs.writeFileSync(path.join(r.dir, 'metrics/big.csv'), Buffer.alloc(50 * 1024 * 1024, 0x31));
      const head = r.commit('data\n', { date: '2026-10-02T00:00:00Z' });
      const g = new GitRepo(r.dir);
      const read = (file: string) => readSourceSeries(g, { file, column: 'x' }, head);
      assert.deepEqual((await read('metrics/out.csv')).problems.map(formatDataProblem),
        ['metrics/out.csv: a link to "../outside.csv", outside the repository; Outcome Lens reads only files inside it']);
      assert.deepEqual((await read('metrics/big.csv')).problems.map(formatDataProblem),
        ['metrics/big.csv: 52428800 bytes, more than the 10 MB a data file may have; keep only the rows the key result needs']);
      assert.deepEqual((await read('metrics/none.csv')).problems.map(formatDataProblem),
        ['metrics/none.csv: not in the repository at HEAD; commit it (Outcome Lens reads committed data)']);
      const inside = await read('metrics/in.csv');
      assert.deepEqual([inside.points.map(p => p.value), inside.problems], [[5], []]);
    });
  });

  describe('progress, expected value and status', () => {
    // 2026-Q4 runs 92 days from 2026-10-01T00:00Z: a quarter of it is gone on Oct 24, half on Nov 16, three quarters on Dec 9.
    const q4: Pick<Outcome, 'status' | 'period'> = { status: 'active', period: { start: '2026-10-01', due: '2026-12-31', label: '2026-Q4' } };
    const rising = { baseline: '3.1%', target: '4%' };
    const falling = { baseline: '800ms', target: '400ms' };

    it('a rising and a falling key result at three dates of the quarter', () => {
      const cases: [string, number, number, number][] = [['2026-10-24', 0.25, 3.325, 700], ['2026-11-16', 0.5, 3.55, 600], ['2026-12-09', 0.75, 3.775, 500]];
      for (const [day, gone, upExpected, downExpected] of cases) {
        const now = at(`${day}T00:00:00Z`);
        const up = keyResultState(q4, rising, [v(3.4, '2026-10-20T00:00:00Z', '%')], now, 0.1);
        assert.ok(Math.abs(up.expected! - upExpected) < 1e-9, `${day}: ${up.expected}`);
        assert.equal(up.expectedProgress, gone);
        assert.ok(Math.abs(up.progress! - 1 / 3) < 1e-9); // (3.4 - 3.1) / (4 - 3.1)
        const down = keyResultState(q4, falling, [v(650, '2026-10-20T00:00:00Z')], now, 0.1);
        assert.ok(Math.abs(down.expected! - downExpected) < 1e-9, `${day}: ${down.expected}`);
        assert.equal(down.progress, 0.375); // (650 - 800) / (400 - 800)
      }
    });

    it('each status, the tolerance edge included', () => {
      const mid = at('2026-11-16T00:00:00Z'); // half of the quarter gone
      const state = (ms: number, o: Partial<typeof q4> = {}, now = mid, date = '2026-11-10T00:00:00Z') => keyResultState({ ...q4, ...o }, falling, [v(ms, date)], now, 0.1);
      assert.equal(state(640).status, 'on-track'); // 0.4 of the way: behind by exactly the tolerance
      assert.ok(Math.abs(state(640).behind! - 0.1) < 1e-9);
      assert.equal(state(644).status, 'at-risk'); // 0.39: behind by 0.11
      assert.equal(state(680).status, 'at-risk'); // 0.3: behind by exactly twice the tolerance
      assert.equal(state(700).status, 'off-track'); // 0.25: behind by 0.25
      assert.equal(state(560).status, 'on-track'); // ahead of the line
      assert.equal(state(400).status, 'achieved');
      assert.equal(state(380).status, 'achieved');
      assert.equal(state(640, {}, mid, '2026-09-20T00:00:00Z').status, 'not-measured'); // measured only before the period
      assert.equal(keyResultState(q4, falling, [], mid, 0.1).status, 'not-measured');
      assert.equal(state(440, {}, at('2027-01-05T00:00:00Z')).status, 'off-track'); // the due date passed short of the target
      assert.deepEqual([state(700, { status: 'dropped' }).status, state(700, { status: 'dropped' }).statusBy], ['dropped', 'person']);
      assert.equal(state(700, { status: 'achieved' }).status, 'achieved');
      assert.equal(state(700, { period: undefined }).status, null); // not time-boxed
      assert.equal(keyResultState(q4, { baseline: '3%', target: '400ms' }, [v(1, '2026-11-01T00:00:00Z')], mid, 0.1).status, null); // not one unit
      assert.equal(state(640, {}, at('2026-09-01T00:00:00Z')).status, null); // not begun
      assert.equal(keyResultState(q4, falling, [v(0.3, '2026-11-10T00:00:00Z', '%')], mid, 0.1).status, 'not-measured'); // a value in another unit
    });

    it('the adjustment sentence for an outcome behind on its key result and under its budget', () => {
      // 100 days from Jan 1 to Apr 10; on Mar 9, 67 of them are gone; 38 of the way from 0 to 100 is behind by 0.29.
      const o = { status: 'active' as const, period: { start: '2026-01-01', due: '2026-04-10', label: '2026-01-01..2026-04-10' }, metrics: [{ name: 'Conversion' }] };
      const s = keyResultState(o, { baseline: '0', target: '100' }, [v(38, '2026-03-02T00:00:00Z')], at('2026-03-09T00:00:00Z'), 0.2);
      assert.equal(s.status, 'at-risk');
      const effort = { budget: 0.3, actual: 0.18, drift: 0.18 - 0.3, since: '2026-01-01T00:00:00.000Z', wholePeriod: true };
      assert.equal(adjustmentSentence(o, { name: 'Conversion', state: s }, effort), 'At risk: 38% of the way with 67% of the period gone; effort 12 pts under its 30% budget over the same weeks');
      assert.equal(adjustmentSentence(o, { name: 'Conversion', state: s }, { ...effort, since: '2026-02-01T00:00:00.000Z', wholePeriod: false }),
        'At risk: 38% of the way with 67% of the period gone; effort 12 pts under its 30% budget since 2026-02-01');
      assert.equal(adjustmentSentence(o, { name: 'Conversion', state: s }, { ...effort, budget: null, drift: null }), 'At risk: 38% of the way with 67% of the period gone; effort 18% of the work over the same weeks, no budget set');
    });
  });

  describe('the report of a repository with a CSV-fed key result', () => {
    let r: TempRepo;
    afterEach(() => r?.rm());
    const yaml = `version: 1
outcomes:
  - id: checkout
    title: Checkout
    budget: 30%
    start: 2026-01-01
    due: 2026-04-10
    areas: [src/checkout/]
    metrics:
      - name: Conversion
        baseline: 0
        target: 100
        source: { file: metrics/checkout.csv, column: conversion }
  - id: search
    title: Search
    areas: [src/search/]
`;

    async function report(g: GitRepo, map: OutcomeMap, data: KeyResultData, now: Date) {
      const linker = await Linker.forRepo(map, g);
      const links: CommitLink[] = [];
      await linkHistory(g, linker, {}, part => links.push(...part));
      const head = (await g.tips()).head;
      const read = await data.read(g, map, head);
      const keyResults = (await new KeyResultVersions().history(g, head)).history;
      const rep = makeReport({ map, linker, links, bucket: 'week', measure: 'commits', window: { days: null, defaulted: false }, keyResults, keyResultData: read.data, repoName: 'r', now, driftThreshold: 0.1, tolerance: 0.2 }).report;
      return { rep, read: read.read };
    }

    it('carries status, expected value, progress and the sentence; a new row committed changes them', async () => {
      r = new TempRepo();
      r.write('outcomes.yaml', yaml).write('metrics/checkout.csv', 'date,conversion\n2026-01-05,5\n2026-02-01,20\n2026-03-02,38\n').commit('outcomes\n', { date: '2025-12-20T00:00:00Z' });
      // In the period: 1 commit of 5 serves checkout, 20% of the work against a 30% budget.
      r.write('src/checkout/a.ts').commit('a\n', { date: '2026-01-10T00:00:00Z' });
      for (const [i, d] of ['2026-01-20', '2026-02-03', '2026-02-17', '2026-03-01'].entries()) r.write(`src/search/${i}.ts`).commit(`s${i}\n`, { date: `${d}T00:00:00Z` });
      const g = new GitRepo(r.dir);
      const map = parseOutcomes(yaml).map!;
      const data = new KeyResultData();
      const now = at('2026-03-09T00:00:00Z');
      const first = await report(g, map, data, now);
      assert.equal(first.read, 1);
      const kr = first.rep.keyResults[0];
      assert.deepEqual([kr.current, kr.status, kr.statusBy, kr.progress, kr.expectedProgress, kr.dataProblems], ['38', 'at-risk', 'data', 0.38, 0.67, []]);
      assert.ok(Math.abs(kr.expected! - 67) < 1e-9);
      assert.deepEqual(kr.history.map(p => p.value), [5, 20, 38]);
      const row = first.rep.outcomes.find(o => o.id === 'checkout')!;
      assert.equal(row.keyResultStatus, 'at-risk');
      assert.equal(row.adjustment, 'At risk: 38% of the way with 67% of the period gone; effort 10 pts under its 30% budget over the same weeks');
      assert.equal(first.rep.outcomes.find(o => o.id === 'search')!.adjustment, null);
      assert.equal(first.rep.tolerance, 0.2);
      // The same HEAD: nothing read again.
      assert.equal((await report(g, map, data, now)).read, 0);
      for (const format of ['md', 'html', 'csv'] as const) assert.ok(renderReport(format, first.rep).includes('38% of the way with 67% of the period gone'), format);

      r.write('metrics/checkout.csv', 'date,conversion\n2026-01-05,5\n2026-02-01,20\n2026-03-02,38\n2026-03-08,62\n').commit('conversion of Mar 8\n', { date: '2026-03-08T12:00:00Z' });
      const second = await report(g, map, data, now);
      assert.equal(second.read, 1);
      const kr2 = second.rep.keyResults[0];
      assert.deepEqual([kr2.current, kr2.status, kr2.progress], ['62', 'on-track', 0.62]);
      assert.equal(second.rep.outcomes.find(o => o.id === 'checkout')!.adjustment, 'On track: 62% of the way with 67% of the period gone; effort 13 pts under its 30% budget over the same weeks');
    });

    it('outcome-lens report --format json: the keys a CI job reads (added, none changed)', () => {
      r = new TempRepo();
      const DAY = 86_400_000, today = Math.floor(Date.now() / DAY) * DAY;
      const dayOf = (n: number) => new Date(today + n * DAY).toISOString().slice(0, 10);
      // 100 days from 50 days ago; 20 of 100 ten days ago: 30-31 points behind, past twice the default 10: off track.
      const timed = yaml.replace('    start: 2026-01-01\n    due: 2026-04-10\n', `    start: ${dayOf(-50)}\n    due: ${dayOf(49)}\n`);
      r.write('outcomes.yaml', timed).write('metrics/checkout.csv', `date,conversion\n${dayOf(-10)},20\n`).commit('outcomes\n', { date: new Date(today - 20 * DAY).toISOString() });
      const out = cli(['report', '--format', 'json', '--no-lines', '--no-cache', '--repo', r.dir]);
      assert.equal(out.code, 0, out.stderr);
      const rep = JSON.parse(out.stdout);
      assert.equal(rep.tolerance, 0.1);
      const kr = rep.keyResults[0];
      for (const k of ['outcome', 'name', 'baseline', 'target', 'current', 'atStart', 'history', 'source', 'status', 'statusBy', 'progress', 'expected', 'expectedProgress', 'behind', 'dataProblems']) assert.ok(k in kr, k);
      assert.deepEqual([kr.current, kr.status, kr.progress, kr.source], ['20', 'off-track', 0.2, { file: 'metrics/checkout.csv', column: 'conversion' }]);
      const o = rep.outcomes.find((x: { id: string }) => x.id === 'checkout');
      for (const k of ['budget', 'drift', 'period', 'keyResultStatus', 'behind', 'adjustment']) assert.ok(k in o, k);
      assert.match(o.adjustment, /^Off track: 20% of the way with 5[01]% of the period gone; effort /);
      assert.equal(rep.outcomes.find((x: { id: string }) => x.id === '(unlinked)').keyResultStatus, null);
    });

    it('a data file\'s problems reach the report, located', async () => {
      r = new TempRepo();
      r.write('outcomes.yaml', yaml).write('metrics/checkout.csv', 'date,conversion\n2026-01-05,5\n2026-02-01,n/a\n').commit('outcomes\n', { date: '2025-12-20T00:00:00Z' });
      const { rep } = await report(new GitRepo(r.dir), parseOutcomes(yaml).map!, new KeyResultData(), at('2026-03-09T00:00:00Z'));
      assert.deepEqual(rep.keyResults[0].dataProblems, ['metrics/checkout.csv:3: "n/a" is not a number']);
      assert.equal(keyResultKey('checkout', 'Conversion'), '["checkout","Conversion"]');
    });
  });
});
