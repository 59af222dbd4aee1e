import { promises as fs } from 'node:fs';
import path = require('node:path');
import { Linker } from '../../core/links/link';
import { BucketChoice } from '../../core/links/allocation';
import { Measure, MEASURES } from '../../core/report/model';
import { KeyResultVersions, LineCounts, makeReport } from '../../core/usecases/report';
import { renderReport, ReportFormat, REPORT_FORMATS } from '../../core/report/render';
import { renderPrSummary } from '../../core/report/prSummary';
import { isoInstant } from '../../core/util/dates';
import { printable } from '../../core/util/printable';
import { DEFAULT_DRIFT_THRESHOLD_POINTS, DEFAULT_WINDOW_DAYS } from '../../core/util/settingDefaults';
import { checkDate, CliError, Command, explainEmpty, Io, linkedHistory, openRepo, str, usableMap, Values } from '../command';

const DAY_MS = 86400_000;

export const report: Command = {
  name: 'report',
  usage: `[--repo DIR] [--since DATE | --all] [--until DATE] [--range A..B]
                       [--bucket auto|week|month] [--measure commits|lines]
                       [--format md|json|csv|html] [--out FILE] [--no-lines]
                                                               effort per outcome over time, planned vs actual,
                                                               key results; without --since the last ${DEFAULT_WINDOW_DAYS} days;
                                                               with --range and md, a pull request's summary`,
  options: {
    repo: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, range: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    bucket: { type: 'string' }, measure: { type: 'string' }, all: { type: 'boolean' }, 'no-cache': { type: 'boolean' }, 'no-lines': { type: 'boolean' },
  },
  async run(v, _p, io) {
    const format = (str(v, 'format') ?? 'md') as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`, 2);
    const bucket = (str(v, 'bucket') ?? 'auto') as BucketChoice;
    if (bucket !== 'auto' && bucket !== 'week' && bucket !== 'month') throw new CliError('--bucket must be auto, week or month', 2);
    const measure = (str(v, 'measure') ?? 'commits') as Measure;
    if (!MEASURES.includes(measure)) throw new CliError('--measure must be commits or lines', 2);
    if (measure === 'lines' && v['no-lines']) throw new CliError('--measure lines needs the line counts that --no-lines leaves out; give one', 2);
    if (v.all && str(v, 'since') !== undefined) throw new CliError('--all and --since ask for two windows; give one', 2);
    const until = checkDate(v, 'until');
    const range = str(v, 'range');
    // Without --since the window is the extension's default one (outcomeLens.history.windowDays), and says so.
    const defaulted = !v.all && str(v, 'since') === undefined && range === undefined;
    const now = new Date();
    const since = defaulted ? isoInstant((until ? Date.parse(until) : now.getTime()) - DEFAULT_WINDOW_DAYS * DAY_MS) : checkDate(v, 'since');
    const window = { since, until, range };
    const repo = await openRepo(v);
    const map = await usableMap(repo, io);
    const linker = new Linker(map);
    const links = await linkedHistory(repo, linker, window, v);
    if (!links.length) await explainEmpty(repo, window, io);
    if (range && format === 'md') return write(renderPrSummary({ linker, links, range }), v, io);
    // Changed lines need --numstat (about ten times dearer than the names): only for the non-merge commits counted.
    const counts = v['no-lines'] ? undefined : new LineCounts();
    if (counts) await counts.read(repo, links);
    const keyResults = map.outcomes.some(o => o.metrics.length) ? (await new KeyResultVersions().history(repo, (await repo.tips()).head)).history : undefined;
    const { report: r } = makeReport({
      map, linker, links, bucket, measure, keyResults, repoName: path.basename(repo.root), now, driftThreshold: DEFAULT_DRIFT_THRESHOLD_POINTS / 100,
      window: { since, until, days: defaulted ? DEFAULT_WINDOW_DAYS : null, defaulted, range: range ?? null },
      lines: counts && { counts, boundary: await repo.shallowBoundary() },
    });
    // Said once the report is made (a git failure stays one line on stderr).
    if (defaulted) io.err(`outcome-lens: the last ${DEFAULT_WINDOW_DAYS} days, the extension's default window (outcomeLens.history.windowDays); --since DATE or --all for another`);
    return write(renderReport(format, r), v, io);
  },
};

/** To --out FILE (saying so), or to stdout. */
export async function write(text: string, v: Values, io: Io): Promise<number> {
  const out = str(v, 'out');
  if (out) {
    await fs.writeFile(out, text);
    io.out(`wrote ${printable(out)}\n`);
  } else io.out(text.endsWith('\n') ? text : text + '\n');
  return 0;
}
