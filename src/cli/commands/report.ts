import { promises as fs } from 'node:fs';
import path = require('node:path');
import { Linker } from '../../core/links/link';
import { allocate, Bucket } from '../../core/links/allocation';
import { renderReport, ReportFormat, REPORT_FORMATS } from '../../core/report/render';
import { renderPrSummary } from '../../core/report/prSummary';
import { printable } from '../../core/util/printable';
import { checkDate, CliError, Command, explainEmpty, Io, linkedHistory, openRepo, str, usableMap, Values } from '../command';

export const report: Command = {
  name: 'report',
  usage: `[--repo DIR] [--since DATE] [--until DATE] [--range A..B] [--bucket week|month]
                       [--format md|json|csv|html] [--out FILE] [--no-lines]
                                                               effort per outcome over time; with --range
                                                               and md, a pull request's summary`,
  options: {
    repo: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, range: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    bucket: { type: 'string' }, 'no-cache': { type: 'boolean' }, 'no-lines': { type: 'boolean' },
  },
  async run(v, _p, io) {
    const format = (str(v, 'format') ?? 'md') as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`, 2);
    const bucket = (str(v, 'bucket') ?? 'week') as Bucket;
    if (bucket !== 'week' && bucket !== 'month') throw new CliError('--bucket must be week or month', 2);
    const window = { since: checkDate(v, 'since'), until: checkDate(v, 'until'), range: str(v, 'range') };
    const repo = await openRepo(v);
    const map = await usableMap(repo, io);
    const linker = new Linker(map);
    const links = await linkedHistory(repo, linker, window, v);
    if (!links.length) await explainEmpty(repo, window, io);
    if (window.range && format === 'md') return write(renderPrSummary({ linker, links, range: window.range }), v, io);
    // Changed lines need --numstat (about ten times dearer than the names): only for the non-merge commits counted.
    const lines = v['no-lines'] ? undefined : await repo.numstat(links.filter(c => c.commit.parents.length <= 1).map(c => c.commit.sha));
    const alloc = allocate(links, map.outcomes.map(o => o.id), bucket, window, lines && {
      stats: lines.stats, unknown: new Set(lines.unknown), boundary: await repo.shallowBoundary(), ignored: p => linker.file(p).status === 'ignored',
    });
    return write(renderReport(format, { map, allocation: alloc, repoName: path.basename(repo.root), generatedAt: new Date().toISOString() }), v, io);
  },
};

/** To --out FILE (saying so), or to stdout. */
async function write(text: string, v: Values, io: Io): Promise<number> {
  const out = str(v, 'out');
  if (out) {
    await fs.writeFile(out, text);
    io.out(`wrote ${printable(out)}\n`);
  } else io.out(text.endsWith('\n') ? text : text + '\n');
  return 0;
}
