import { promises as fs } from 'node:fs';
import path = require('node:path');
import { readReport, ReportFileError, rollup as merge } from '../../core/report/rollup';
import { renderReport, ReportFormat } from '../../core/report/render';
import { printable } from '../../core/util/printable';
import { CliError, command, fileError, OUT, writeAnswer } from '../command';
import { oneOf } from '../options';

/** csv is left out: its rows are one repository's buckets. */
const FORMATS = ['md', 'json', 'html'] as const satisfies readonly ReportFormat[];

export const rollup = command({
  name: 'rollup',
  summary: 'one organisation-wide report from many repositories\' `report --format json`',
  description: 'Each report is made where its repository lives (a CI job per repository); the same outcome id in two repositories is one outcome',
  args: 'REPORT.json...',
  options: {
    format: oneOf(FORMATS, 'the merged report\'s format', 'md'),
    out: OUT,
  },
  async run(o, files, io) {
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
        throw new CliError(`cannot read ${printable(f)}: ${fileError(e)}`, 2);
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
    return writeAnswer(renderReport(o.format, report), o.out, io);
  },
});
