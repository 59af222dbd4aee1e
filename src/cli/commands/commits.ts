import { Linker } from '../../core/links/link';
import { printable } from '../../core/util/printable';
import { checkDate, Command, commitJson, explainEmpty, linkedHistory, maxCount, openRepo, str, usableMap } from '../command';

export const commits: Command = {
  name: 'commits',
  usage: `[--repo DIR] [--since DATE] [--until DATE] [--max-count N] [--range A..B]
                       [--unlinked] [--json]                   commits with their links`,
  options: {
    repo: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, 'max-count': { type: 'string' }, range: { type: 'string' },
    unlinked: { type: 'boolean' }, json: { type: 'boolean' }, 'no-cache': { type: 'boolean' },
  },
  async run(v, _p, io) {
    const q = { since: checkDate(v, 'since'), until: checkDate(v, 'until'), maxCount: maxCount(v), range: str(v, 'range') };
    const repo = await openRepo(v);
    const linker = new Linker(await usableMap(repo, io));
    let shown = 0;
    let read = 0;
    // Written a part at a time as the history is linked: for --json, the same bytes as one JSON array.
    await linkedHistory(repo, linker, q, v, part => {
      read += part.length;
      const rows = v.unlinked ? part.filter(c => c.status === 'unlinked') : part;
      if (!rows.length) return;
      if (v.json) io.out(`${shown ? ',' : '['}${rows.map(commitJson).join(',')}`);
      else {
        io.out(rows.map(c => {
          const links = c.links.map(l => `${l.outcome}(${l.via})`).join(' ');
          return `${c.commit.sha.slice(0, 10)} ${c.commit.date.slice(0, 10)} ${c.status.padEnd(8)} ${printable(c.commit.subject)}${links ? '  -> ' + links : ''}${c.invalid.length ? '  invalid: ' + c.invalid.map(printable).join(',') : ''}`;
        }).join('\n') + '\n');
      }
      shown += rows.length;
    });
    if (v.json) io.out(shown ? ']\n' : '[]\n');
    if (!read) await explainEmpty(repo, q, io);
    return v.unlinked && shown ? 1 : 0;
  },
};
