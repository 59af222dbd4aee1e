import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { IGNORED, UNLINKED } from '../../src/core/links/allocation';
import type { ReportJson } from '../../src/core/report/model';

type Commit = [file: string, day: number, subject?: string];

/** A repository with outcomes.yaml, then a commit per entry (a file, a day of January 2024). */
function repoWith(name: string, yaml: string, commits: Commit[]): TempRepo {
  const r = new TempRepo(`${name}-`);
  r.write('outcomes.yaml', yaml).write('README.md').commit('root\n', { date: '2024-01-01T09:00:00Z' }); // unlinked: README.md
  for (const [file, d, subject] of commits) r.write(file).commit(`${subject ?? file}\n`, { date: `2024-01-${String(d).padStart(2, '0')}T09:00:00Z` });
  return r;
}

describe('outcome-lens rollup: three repositories, one report', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  let dir: string;
  const files: string[] = [];
  let parts: ReportJson[];
  before(() => {
    // shop: a (budget 50%) 2, b 1, unlinked 1 (root).
    repos.push(repoWith('shop', 'version: 1\noutcomes:\n  - {id: a, title: Payments, owner: "@pay", budget: 50%, areas: [a/]}\n  - {id: b, title: Search, areas: [b/]}\n',
      [['a/1.ts', 2], ['a/2.ts', 3], ['b/1.ts', 4]]));
    // search: b (budget 30%) 1, c 2, unlinked 2 (root, docs), ignored 1 (vendor).
    repos.push(repoWith('search', 'version: 1\nignore: [vendor/]\noutcomes:\n  - {id: b, title: Search, owner: "@search", budget: 30%, areas: [b/]}\n  - {id: c, title: Ranking, areas: [c/]}\n',
      [['b/1.ts', 5], ['c/1.ts', 10], ['c/2.ts', 11], ['docs/x.md', 12, 'Docs by hand'], ['vendor/v.js', 13]]));
    // infra: a (no budget) 1, d 3, unlinked 1 (root).
    repos.push(repoWith('infra', 'version: 1\noutcomes:\n  - {id: a, title: Payments, owner: "@platform", areas: [a/]}\n  - {id: d, title: Uptime, areas: [d/]}\n',
      [['a/9.ts', 15], ['d/1.ts', 16], ['d/2.ts', 17], ['d/3.ts', 18]]));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-rollup-'));
    for (const r of repos) {
      const f = path.join(dir, `${path.basename(r.dir)}.json`);
      const out = cli(['report', '--since', '2024-01-01', '--until', '2024-01-31', '--format', 'json', '--out', f, '--no-cache', '--repo', r.dir]);
      assert.equal(out.code, 0, out.stderr);
      files.push(f);
    }
    parts = files.map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
  });
  after(() => { for (const r of repos) r.rm(); fs.rmSync(dir, { recursive: true, force: true }); });

  const rolled = (): ReportJson => {
    const r = cli(['rollup', ...files, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'same window, same buckets: nothing to warn about');
    return JSON.parse(r.stdout);
  };

  it('totals are the sums of the parts', () => {
    const r = rolled();
    assert.equal(r.kind, 'rollup');
    assert.equal(r.schemaVersion, 1);
    assert.deepEqual(parts.map(p => p.commits), [4, 6, 5]);
    assert.equal(r.commits, 15);
    assert.deepEqual(r.counts, { linked: 3 + 3 + 4, unlinked: 1 + 2 + 1, ignored: 1 });
    assert.equal(r.alignment, 10 / 14);
    assert.deepEqual(r.repositories!.map(x => [x.repository, x.commits, x.alignment]), [
      [parts[0].repository, 4, 3 / 4], [parts[1].repository, 6, 3 / 5], [parts[2].repository, 5, 4 / 5],
    ]);
    assert.equal(r.outcomes.reduce((s, o) => s + o.commits, 0), 15, 'the rows add up to every commit');
    for (const id of ['a', 'b', UNLINKED, IGNORED]) {
      const sumOfParts = parts.reduce((s, p) => s + (p.outcomes.find(o => o.id === id)?.commits ?? 0), 0);
      assert.equal(r.outcomes.find(o => o.id === id)!.commits, sumOfParts, id);
    }
    for (let i = 0; i < r.buckets.length; i++) {
      const b = r.buckets[i];
      const fromParts = parts.reduce((s, p) => s + (p.buckets.find(x => x.start === b.start)?.values.a ?? 0), 0);
      assert.equal(b.values.a, fromParts, `week of ${b.start}`);
    }
    assert.deepEqual(r.buckets.map(b => b.start), ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']);
    assert.equal(r.unlinkedCommits.total, 4);
    const recent = r.unlinkedCommits.recent.map(u => `${u.subject} @ ${u.repository}`);
    assert.equal(recent[0], `Docs by hand @ ${parts[1].repository}`, 'newest first, each with its repository');
    assert.deepEqual(recent.slice(1), parts.map(p => `root @ ${p.repository}`), 'the three roots, made at the same second: in the order the reports are given');
  });

  it('the same outcome id in two repositories is one outcome; planned vs actual where budgets exist', () => {
    const r = rolled();
    assert.deepEqual(r.outcomes.map(o => o.id), ['a', 'b', 'c', 'd', UNLINKED, IGNORED]);
    const o = (id: string) => r.outcomes.find(x => x.id === id)!;
    assert.equal(o('a').commits, 2 + 1, 'shop 2, infra 1');
    assert.equal(o('a').owner, '@pay, @platform');
    assert.equal(o('a').share, 3 / 15);
    // a is budgeted in shop only: planned 50% of shop's 4 commits, actual 2 of them.
    assert.equal(o('a').budget, 0.5);
    assert.equal(o('a').actualShare, 2 / 4);
    assert.equal(o('a').drift, 0);
    // b is budgeted in search only (30% of its 5): actual 1 of 5; shop's commit on b is unplanned effort.
    assert.equal(o('b').commits, 2);
    assert.equal(o('b').budget, 0.3);
    assert.equal(o('b').actualShare, 1 / 5);
    assert.equal(o('b').drift, 1 / 5 - 0.3);
    // No budget anywhere: its share of every repository's effort that needs an outcome (14 commits).
    assert.equal(o('d').budget, null);
    assert.equal(o('d').actualShare, 3 / 14);
    assert.equal(o(UNLINKED).actualShare, 4 / 14);
  });

  it('Markdown and HTML name the repositories and the merged outcomes', () => {
    const md = cli(['rollup', ...files]);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# Outcome allocation: 3 repositories$/m);
    assert.match(md.stdout, /^\| \*\*All\*\* \| \| 15 \| 71\.4% \|/m);
    assert.ok(md.stdout.includes('| Payments (`a`) | \\@pay, \\@platform | 3 | 20.0% |'), md.stdout);
    const html = cli(['rollup', ...files, '--format', 'html']);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /<table id="repositories">/);
    assert.match(html.stdout, /<tfoot><tr><th scope="row">All<\/th><td><\/td><td>15<\/td><td>71\.4%<\/td>/);
    const out = path.join(dir, 'org.html');
    assert.equal(cli(['rollup', ...files, '--format', 'html', '--out', out]).stdout, `wrote ${out}\n`);
    assert.ok(fs.readFileSync(out, 'utf8').startsWith('<!doctype html>'));
  });

  it('refuses what is not a report, named, exit 2', () => {
    const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
    const cases: [string, RegExp][] = [
      [write('not.json', 'hello'), /^outcome-lens: .*not\.json: not JSON/],
      [write('other.json', '{"a": 1}'), /not an Outcome Lens report \(no schemaVersion\); make it with 'outcome-lens report --format json'/],
      [write('future.json', JSON.stringify({ ...parts[0], schemaVersion: 2 })), /schemaVersion is 2; this outcome-lens reads version 1/],
      [write('broken.json', JSON.stringify({ ...parts[0], counts: null })), /broken\.json: counts must be an object/],
      [write('nested.json', JSON.stringify({ ...parts[0], outcomes: [{ ...parts[0].outcomes[0], commits: 'many' }] })), /outcomes\[0\]\.commits must be a number/],
      [write('rolled.json', JSON.stringify({ ...parts[0], kind: 'rollup' })), /is a rollup; give the repositories' own reports/],
    ];
    for (const [f, re] of cases) {
      const r = cli(['rollup', files[0], f]);
      assert.equal(r.code, 2, `${f}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
    assert.equal(cli(['rollup']).code, 2);
    assert.match(cli(['rollup', files[0], files[0]]).stderr, /is given twice/);
    assert.match(cli(['rollup', path.join(dir, 'missing.json')]).stderr, /cannot read .*missing\.json: ENOENT/);
    assert.match(cli(['rollup', files[0], '--format', 'csv']).stderr, /--format must be one of md, json, html/);
  });

  it('says when the reports cover different windows or buckets', () => {
    const f = path.join(dir, 'monthly.json');
    assert.equal(cli(['report', '--since', '2024-01-01', '--until', '2024-02-29', '--bucket', 'month', '--format', 'json', '--out', f, '--no-cache', '--repo', repos[0].dir]).code, 0);
    const r = cli(['rollup', files[1], f, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /bucketed by week and by month, which cannot be merged: the rollup has no chart/);
    assert.match(r.stderr, /the reports cover different windows/);
    assert.deepEqual(JSON.parse(r.stdout).buckets, []);
  });
});
