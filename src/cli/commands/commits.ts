import { CommitLink, Linker } from '../../core/links/link';
import { unlinkedCommitAnnotation } from '../../core/report/githubAnnotations';
import { printable } from '../../core/util/printable';
import { checkDate, Command, commitJson, explainEmpty, formatOf, linkedHistory, maxCount, openRepo, str, usableMap } from '../command';

const FORMATS = ['text', 'json', 'github'] as const;
type Format = (typeof FORMATS)[number];

function textLine(c: CommitLink): string {
  const links = c.links.map(l => `${l.outcome}(${l.via})`).join(' ');
  const invalid = c.invalid.length ? '  invalid: ' + c.invalid.map(printable).join(',') : '';
  return `${c.commit.sha.slice(0, 10)} ${c.commit.date.slice(0, 10)} ${c.status.padEnd(8)} ${printable(c.commit.subject)}${links ? '  -> ' + links : ''}${invalid}`;
}

export const commits: Command = {
  name: 'commits',
  usage: `[--repo DIR] [--since DATE] [--until DATE] [--max-count N] [--range A..B]
                       [--unlinked] [--format text|json|github] [--json]
                                                               commits with their links`,
  options: {
    repo: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, 'max-count': { type: 'string' }, range: { type: 'string' },
    unlinked: { type: 'boolean' }, json: { type: 'boolean' }, format: { type: 'string' }, 'no-cache': { type: 'boolean' },
  },
  async run(v, _p, io) {
    const format = formatOf(v, FORMATS) as Format;
    const q = { since: checkDate(v, 'since'), until: checkDate(v, 'until'), maxCount: maxCount(v), range: str(v, 'range') };
    const repo = await openRepo(v);
    const linker = new Linker(await usableMap(repo, io));
    let shown = 0;
    let read = 0;
    // Written a part at a time as the history is linked: for json, the same bytes as one JSON array.
    await linkedHistory(repo, linker, q, v, part => {
      read += part.length;
      // github: annotations are for the commits a pull request must fix, whatever --unlinked says.
      const rows = v.unlinked || format === 'github' ? part.filter(c => c.status === 'unlinked') : part;
      if (!rows.length) return;
      if (format === 'json') io.out(`${shown ? ',' : '['}${rows.map(commitJson).join(',')}`);
      else if (format === 'github') io.out(rows.map(c => unlinkedCommitAnnotation(c, linker)).join('\n') + '\n');
      else io.out(rows.map(textLine).join('\n') + '\n');
      shown += rows.length;
    });
    if (format === 'json') io.out(shown ? ']\n' : '[]\n');
    if (!read) await explainEmpty(repo, q, io);
    return v.unlinked && shown ? 1 : 0;
  },
};
