import { Linker } from '../../core/links/link';
import { FolderSuggestion, MIN_SHARE, suggestForFolders, unlinkedFolders } from '../../core/links/suggest';
import { printable } from '../../core/util/printable';
import { DEFAULT_WINDOW_DAYS } from '../../core/util/settingDefaults';
import { command, explainEmpty, Io, linkedHistory, listWriter, NO_CACHE, openRepo, REPO, usableMap } from '../command';
import { date, oneOf, whole } from '../options';

const FORMATS = ['text', 'json'] as const;

/** What suggest found, as each format writes it. */
interface Suggested {
  suggestions: FolderSuggestion[];
  /** How many unlinked files a folder holds. */
  unlinkedIn(folder: string): number;
  minSupport: number;
}

/** Every format suggest has: adding one to FORMATS without writing it here does not compile. */
const WRITE: Record<(typeof FORMATS)[number], (s: Suggested, io: Io) => void> = {
  json: ({ suggestions, unlinkedIn }, io) => {
    const out = listWriter(io, { row: (s: FolderSuggestion) => JSON.stringify({ folder: s.folder, files: unlinkedIn(s.folder), commits: s.commits, outcome: s.outcome ?? null, together: s.together, evidence: s.evidence ?? null, all: s.all, tied: s.tied }), json: true });
    out.write(suggestions);
    out.end();
  },
  text: ({ suggestions, unlinkedIn, minSupport }, io) => {
    if (!suggestions.length) io.out('no unlinked folders: every folder holds linked work\n');
    const why = (s: FolderSuggestion) => {
      const together = s.all[0].together;
      return together < minSupport ? `fewer than --min-support ${minSupport}` : together < MIN_SHARE * s.commits ? `under ${MIN_SHARE * 100}% of its commits` : 'a tie: no one outcome changed with it most';
    };
    // A tie names every outcome in it: the order of outcomes.yaml does not pick one.
    const top = (s: FolderSuggestion) => s.tied.length ? `${andList(s.tied.map(id => `${id}'s`))} areas in ${s.all[0].together} each` : `${s.all[0].outcome}'s areas in ${s.all[0].together}`;
    for (const s of suggestions) {
      const n = unlinkedIn(s.folder);
      const what = s.outcome ? `→ ${s.outcome} · ${s.evidence}` : s.commits ? `no suggestion: changed in ${s.commits} commit${s.commits === 1 ? '' : 's'}, ${s.all[0] ? `with ${top(s)} (${why(s)})` : 'never with an outcome\'s areas'}` : 'no suggestion: not changed in the window';
      io.out(`${printable(s.folder)} (${n} unlinked file${n === 1 ? '' : 's'}): ${what}\n`);
    }
  },
};

/** Names joined as a sentence says them: `a, b and c`. */
const andList = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs.join(''));

/** `suggest`: for each unlinked folder, the outcome whose areas it changed together with most often, with the evidence. */
export const suggest = command({
  name: 'suggest',
  summary: 'for each unlinked folder, the outcome it changed with most often, with the evidence',
  description: `Reads the history window (by default the extension's default window, the last ${DEFAULT_WINDOW_DAYS} days); merges are left out`,
  options: {
    repo: REPO,
    // The extension's default window, as the views read it.
    since: date('start', 'the window\'s start', `${DEFAULT_WINDOW_DAYS} days ago`),
    minSupport: whole('how many commits a suggestion needs, at the least', 1, '2'),
    format: oneOf(FORMATS, 'text: a line per folder; json: every outcome that changed with each folder, and its count', 'text'),
    noCache: NO_CACHE,
  },
  async run(o, _args, io) {
    const repo = await openRepo(o.repo);
    const [list, map] = await Promise.all([repo.trackedFiles(), usableMap(repo, io)]);
    const linker = await Linker.forRepo(map, repo);
    const folders = unlinkedFolders(linker.classifyAll(list));
    const history = await linkedHistory(repo, linker, { since: o.since }, o.noCache);
    if (!history.length) await explainEmpty(repo, { since: o.since }, io);
    const suggestions = suggestForFolders(folders, history, linker, o.minSupport);
    const unlinkedIn = (folder: string) => list.filter(f => f.startsWith(folder) && linker.file(f).status === 'unlinked').length;
    WRITE[o.format]({ suggestions, unlinkedIn, minSupport: o.minSupport }, io);
    return 0;
  },
});
