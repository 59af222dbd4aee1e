import { Linker } from '../../core/links/link';
import { MIN_SHARE, suggestForFolders, unlinkedFolders } from '../../core/links/suggest';
import { resolveDate } from '../../core/util/dates';
import { printable } from '../../core/util/printable';
import { checkDate, CliError, Command, explainEmpty, linkedHistory, openRepo, str, usableMap } from '../command';

/** The history window `suggest` reads by default: the extension's default window. */
const DEFAULT_SINCE = '90 days ago';

/** `suggest`: for each unlinked folder, the outcome whose areas it changed together with most often, with the evidence. */
export const suggest: Command = {
  name: 'suggest',
  usage: `[--repo DIR] [--json] [--min-support N] [--since DATE]
                                                               for each unlinked folder, the outcome it changed
                                                               with most often (default: the last 90 days)`,
  options: { repo: { type: 'string' }, json: { type: 'boolean' }, 'min-support': { type: 'string' }, since: { type: 'string' }, 'no-cache': { type: 'boolean' } },
  async run(v, _p, io) {
    const min = str(v, 'min-support') ?? '2';
    if (!/^\d+$/.test(min) || Number(min) < 1) throw new CliError(`--min-support must be a whole number of commits (1 or more), not '${printable(min)}'`, 2);
    const since = checkDate(v, 'since') ?? resolveDate(DEFAULT_SINCE, 'start')!;
    const repo = await openRepo(v);
    const [list, map] = await Promise.all([repo.trackedFiles(), usableMap(repo, io)]);
    const linker = new Linker(map);
    const folders = unlinkedFolders(linker.classifyAll(list));
    const history = await linkedHistory(repo, linker, { since }, v);
    if (!history.length) await explainEmpty(repo, { since }, io);
    const out = suggestForFolders(folders, history, linker, Number(min));
    const unlinkedIn = (folder: string) => list.filter(f => f.startsWith(folder) && linker.file(f).status === 'unlinked').length;
    if (v.json) {
      io.out(JSON.stringify(out.map(s => ({ folder: s.folder, files: unlinkedIn(s.folder), commits: s.commits, outcome: s.outcome ?? null, together: s.together, evidence: s.evidence ?? null, all: s.all }))) + '\n');
      return 0;
    }
    if (!out.length) io.out('no unlinked folders: every folder holds linked work\n');
    for (const s of out) {
      const n = unlinkedIn(s.folder);
      const why = (together: number) => together < Number(min) ? `fewer than --min-support ${min}` : `under ${MIN_SHARE * 100}% of its commits`;
      const what = s.outcome ? `→ ${s.outcome} · ${s.evidence}` : s.commits ? `no suggestion: changed in ${s.commits} commit${s.commits === 1 ? '' : 's'}, ${s.all[0] ? `with ${s.all[0].outcome}'s areas in ${s.all[0].together} (${why(s.all[0].together)})` : 'never with an outcome\'s areas'}` : 'no suggestion: not changed in the window';
      io.out(`${printable(s.folder)} (${n} unlinked file${n === 1 ? '' : 's'}): ${what}\n`);
    }
    return 0;
  },
};
