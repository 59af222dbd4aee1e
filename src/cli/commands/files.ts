import { FileLink, Linker } from '../../core/links/link';
import { printable } from '../../core/util/printable';
import { Command, openRepo, usableMap } from '../command';

/** Every tracked file with its outcomes, in git's order (byte order, as the contract asks). */
export const files: Command = {
  name: 'files',
  usage: '[--repo DIR] [--unlinked] [--json]       every tracked file with its outcomes',
  options: { repo: { type: 'string' }, unlinked: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(v, _p, io) {
    const repo = await openRepo(v);
    const [list, map] = await Promise.all([repo.trackedFiles(), usableMap(repo, io)]);
    const linker = new Linker(map);
    const line = (f: FileLink) => (v.json
      ? JSON.stringify({ path: f.path, outcomes: f.outcomes, ignored: f.ignored })
      : `${printable(f.path)}\t${f.outcomes.length ? f.outcomes.join(',') : f.ignored ? '(ignored)' : '(unlinked)'}`);
    let shown = 0;
    // Written a part at a time: the same bytes as one JSON.stringify of the whole array (or one line per file).
    for (let i = 0; i < list.length; i += 5000) {
      let part = linker.classifyAll(list, i, Math.min(list.length, i + 5000));
      if (v.unlinked) part = part.filter(f => f.status === 'unlinked');
      if (!part.length) continue;
      io.out(v.json ? `${shown ? ',' : '['}${part.map(line).join(',')}` : part.map(line).join('\n') + '\n');
      shown += part.length;
    }
    if (v.json) io.out(shown ? ']\n' : '[]\n');
    return v.unlinked && shown ? 1 : 0;
  },
};
