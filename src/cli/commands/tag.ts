import { idsFromValues } from '../../core/message/trailers';
import { TagError, TagOutcome, tagOutcomes } from '../../core/usecases/tag';
import { printable, quoted } from '../../core/util/printable';
import { CliError, command, openRepo, REPO, usableMap } from '../command';
import { flag, list, UsageError } from '../options';

/**
 * `tag COMMIT... --outcome ID[,ID...] [--remove]`: links existing commits through their note under
 * refs/notes/outcomes, written with git itself; ids outcomes.yaml does not define are refused (exit 2). Removing takes
 * any id out of a note, an unknown one too: that is how an invalid link is fixed. `--none [--remove]` marks commits
 * "needs no outcome" in the same note (or takes the mark out).
 */
export const tag = command({
  name: 'tag',
  summary: 'link existing commits through a git note (refs/notes/outcomes), or --remove the link',
  description: 'Adds the ids to each commit\'s note, never twice; ids outcomes.yaml does not define are refused. '
    + 'With --none instead, marks the commits as needing no outcome (they count as ignored)',
  args: 'COMMIT...',
  // (--outcome or --none: checked in run, since either one is enough)
  options: {
    repo: REPO,
    outcome: list('ID[,ID...]', 'the outcomes to link (or unlink)', (s, f) => {
      if (!idsFromValues([s]).length) throw new UsageError(`${f} ${quoted(s)} names no outcome id`);
      return s;
    }),
    none: flag('mark the commits "needs no outcome" instead (a No-Outcome: line in the note; with --remove, take it out)'),
    remove: flag('take the ids (or, with --none, the mark) out of the notes instead'),
  },
  async run(o, revs, io) {
    const ids = idsFromValues(o.outcome);
    if (o.none && ids.length) throw new UsageError('--none marks commits that need no outcome, --outcome links them; give one');
    if (!o.none && !ids.length) throw new UsageError('needs --outcome ID[,ID...] (or --none)');
    if (!revs.length) throw new CliError('tag needs at least one COMMIT', 2);
    const repo = await openRepo(o.repo);
    const map = await usableMap(repo, io);
    let results: TagOutcome[];
    try {
      results = await tagOutcomes(repo, map, revs, ids, o.none ? { none: !o.remove } : { remove: o.remove });
    } catch (e) {
      if (e instanceof TagError) throw new CliError(e.message, 2);
      throw e;
    }
    let stillLinked = 0;
    for (const r of results) {
      if (o.none) {
        const now = r.none ? 'needs no outcome (its note says No-Outcome)' : r.after.length ? `linked by its note to ${r.after.map(printable).join(', ')}` : 'judged by its message and files again';
        io.out(`${r.sha.slice(0, 10)} ${r.changed ? (o.remove ? 'unmarked' : 'marked') : o.remove ? 'not marked' : 'already marked'}: ${now}\n`);
        continue;
      }
      const what = r.changed ? (o.remove ? 'removed' : 'added') : o.remove ? 'not in its note' : 'already in its note';
      io.out(`${r.sha.slice(0, 10)} ${what}: ${ids.join(', ')}; note now names ${r.after.length ? r.after.map(printable).join(', ') : 'no outcome'}\n`);
      // A pull request's merge commit is what a lead picks first: name the commits it brought in, which do count.
      if (!o.remove && r.changed && r.merge) io.err(`outcome-lens: ${r.sha.slice(0, 10)} is a merge, which reports leave out; to link the work it brought in: outcome-lens tag $(git rev-list --no-merges ${r.sha.slice(0, 10)}^1..${r.sha.slice(0, 10)}) --outcome ${ids.join(',')}`);
      // A message trailer cannot be taken out by a note: say so rather than report a removal that did not happen.
      if (r.inMessage.length) {
        stillLinked++;
        io.err(`outcome-lens: ${r.sha.slice(0, 10)}: its commit message names ${r.inMessage.map(printable).join(', ')} in a ${printable(map.trailer)}: trailer, which a note cannot take out`);
      }
    }
    return stillLinked ? 1 : 0;
  },
});
