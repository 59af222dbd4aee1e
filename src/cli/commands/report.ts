import path = require('node:path');
import { BucketChoice } from '../../core/links/allocation';
import { MEASURES } from '../../core/report/model';
import { hasKeyResults, KeyResultVersions, LineCounts, ReportMaker } from '../../core/usecases/report';
import { renderReport, REPORT_FORMATS } from '../../core/report/render';
import { renderPrSummary } from '../../core/report/prSummary';
import { renderOutcomesDiffMd } from '../../core/report/outcomesDiff';
import { mdText } from '../../core/report/markdown';
import { diffOutcomes, DiffSideError, outcomesFileChanged } from '../../core/usecases/diffOutcomes';
import { GitRepo } from '../../core/git/repo';
import { isoInstant } from '../../core/util/dates';
import { DEFAULT_DRIFT_THRESHOLD_POINTS, DEFAULT_TOLERANCE_POINTS, DEFAULT_WINDOW_DAYS } from '../../core/util/settingDefaults';
import { KeyResultData } from '../../core/keyresults/series';
import { cacheDirFor, command, explainEmpty, linkedHistory, NO_CACHE, openRepo, OUT, RANGE, REPO, repoLinker, UNTIL, writeAnswer } from '../command';
import { date, flag, oneOf } from '../options';

const DAY_MS = 86400_000;
const BUCKETS = ['auto', 'week', 'month'] as const satisfies readonly BucketChoice[];

export const report = command({
  name: 'report',
  summary: 'effort per outcome over time, planned vs actual, key results',
  description: 'With --range and md, a pull request\'s summary',
  options: {
    repo: REPO,
    since: date('start', 'the window\'s start', undefined, `the last ${DEFAULT_WINDOW_DAYS} days (the extension's outcomeLens.history.windowDays), or all of --range`),
    all: flag('the whole history'),
    until: UNTIL,
    range: RANGE,
    bucket: oneOf(BUCKETS, 'the chart\'s buckets; auto: weeks up to 180 days, months beyond', 'auto'),
    measure: oneOf(MEASURES, 'what a share is of: commits, or changed lines', 'commits'),
    format: oneOf(REPORT_FORMATS, 'how the report is written; md and html show whole numbers, json and csv the exact split', 'md'),
    out: OUT,
    noLines: flag('leave out the changed lines (git log --numstat, about ten times dearer than the names)'),
    noCache: NO_CACHE,
  },
  conflicts: [
    { a: 'all', b: 'since', why: 'ask for two windows' },
    { a: 'measure', when: 'lines', b: 'noLines', why: 'ask for the line counts and leave them out' },
  ],
  async run(o, _args, io) {
    const { until, range } = o;
    // Without --since the window is the extension's default one (outcomeLens.history.windowDays), and says so.
    const defaulted = !o.all && o.since === undefined && range === undefined;
    const now = new Date();
    const since = defaulted ? isoInstant((until ? Date.parse(until) : now.getTime()) - DEFAULT_WINDOW_DAYS * DAY_MS) : o.since;
    const window = { since, until, range };
    const repo = await openRepo(o.repo);
    const linker = await repoLinker(repo, io);
    const map = linker.map;
    if (range && o.format === 'md') {
      const links = await linkedHistory(repo, linker, window, o.noCache);
      if (!links.length) await explainEmpty(repo, window, io);
      return writeAnswer(renderPrSummary({ linker, links, range }) + await outcomesChangeSection(repo, range), o.out, io);
    }
    // Changed lines need --numstat (about ten times dearer than the names): only for the non-merge commits counted.
    const counts = o.noLines ? undefined : new LineCounts(cacheDirFor(o.noCache));
    const head = hasKeyResults(map) ? (await repo.tips()).head : undefined;
    const keyResults = head ? (await new KeyResultVersions().history(repo, head)).history : undefined;
    const keyResultData = head ? (await new KeyResultData().read(repo, map, head)).data : undefined;
    const boundary = counts ? await repo.shallowBoundary() : new Set<string>();
    await counts?.open(repo);
    // The report is made as the history is linked, a part at a time, so that a whole history is never held. Each
    // part's line counts come from the cache; when some are not there, they are read from git once the history is
    // through (into the cache: a whole history's counts are not held either), and the history is added again.
    // `last`: every commit is added whatever counts are missing (they show as pending, as the dashboard's do).
    const pass = async (last: boolean) => {
      const maker = new ReportMaker({
        map, linker, bucket: o.bucket, measure: o.measure, keyResults, repoName: path.basename(repo.root), now, driftThreshold: DEFAULT_DRIFT_THRESHOLD_POINTS / 100,
        keyResultData, tolerance: DEFAULT_TOLERANCE_POINTS / 100,
        window: { since, until, days: defaulted ? DEFAULT_WINDOW_DAYS : null, defaulted, range: range ?? null },
        lines: counts && { counts, boundary },
      });
      const missing: string[] = [];
      let shown = 0;
      await linkedHistory(repo, linker, window, o.noCache, part => {
        shown += part.length;
        if (counts) for (const sha of counts.take(part, boundary)) missing.push(sha);
        if (last || !missing.length) maker.add(part);
        counts?.forget(part);
      });
      return { maker, missing, shown, complete: last || !missing.length };
    };
    let done = await pass(!counts);
    // (again if a commit made meanwhile brought counts not read yet: HEAD is read by each pass)
    for (let tries = 1; !done.complete; tries++) {
      await counts!.readShas(repo, done.missing, undefined, false);
      done = await pass(tries === 3);
    }
    if (!done.shown) await explainEmpty(repo, window, io);
    const { report: r } = done.maker.finish();
    // Said once the report is made (a git failure stays one line on stderr).
    if (defaulted) io.err(`outcome-lens: the last ${DEFAULT_WINDOW_DAYS} days, the extension's default window (outcomeLens.history.windowDays); --since DATE or --all for another`);
    return writeAnswer(renderReport(o.format, r), o.out, io);
  },
});

/**
 * The pull request's change to outcomes.yaml, when the range makes one: compared from the merge base of A and B (what
 * the pull request itself changed, as `A..B`'s commits are), empty otherwise. A side that does not parse is said in
 * one line: the summary of the commits still stands.
 */
async function outcomesChangeSection(repo: GitRepo, range: string): Promise<string> {
  const two = range.indexOf('..');
  if (two === -1 || range.includes('...')) return '';
  const a = range.slice(0, two) || 'HEAD', b = range.slice(two + 2) || 'HEAD';
  const base = await repo.mergeBase(await repo.resolveCommit(a), await repo.resolveCommit(b));
  if (!base || !(await outcomesFileChanged(repo, base, await repo.resolveCommit(b)))) return '';
  try {
    return '\n' + renderOutcomesDiffMd(await diffOutcomes(repo, { spec: `${a}...${b}` }), 3);
  } catch (e) {
    if (!(e instanceof DiffSideError)) throw e;
    return `\n### Outcome Lens: changes to outcomes.yaml\n\n${mdText(e.file)} has errors: \`outcome-lens diff\` of the same range says where.\n`;
  }
}
