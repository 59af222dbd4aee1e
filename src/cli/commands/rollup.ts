import { promises as fs } from 'node:fs';
import path = require('node:path');
import { readReport, ReportFileError, rollup as merge } from '../../core/report/rollup';
import { renderReport, ReportFormat } from '../../core/report/render';
import { printable } from '../../core/util/printable';
import { CliError, Command, str } from '../command';
import { write } from './report';

const FORMATS: readonly ReportFormat[] = ['md', 'json', 'html'];

export const rollup: Command = {
  name: 'rollup',
  usage: `REPORT.json... [--format md|json|html] [--out FILE]
                                                               one organisation-wide report from many repositories'
                                                               \`report --format json\` (a CI job per repository)`,
  options: { format: { type: 'string' }, out: { type: 'string' } },
  positionals: true,
  async run(v, files, io) {
    const format = (str(v, 'format') ?? 'md') as ReportFormat;
    if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`, 2);
    if (!files.length) throw new CliError('rollup needs the JSON reports to merge: outcome-lens rollup a.json b.json ...', 2);
    const seen = new Set<string>();
    const reports = [];
    for (const f of files) {
      const abs = path.resolve(f);
      if (seen.has(abs)) throw new CliError(`${printable(f)} is given twice; each repository's report counts once`, 2);
      seen.add(abs);
      let text: string;
      try {
        text = await fs.readFile(abs, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${printable(f)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
      }
      try {
        reports.push(readReport(text, printable(f)));
      } catch (e) {
        if (e instanceof ReportFileError) throw new CliError(e.message, 2);
        throw e;
      }
    }
    const { report, warnings } = merge(reports, new Date().toISOString());
    for (const w of warnings) io.err(`outcome-lens: ${printable(w)}`);
    return write(renderReport(format, report), v, io);
  },
};
