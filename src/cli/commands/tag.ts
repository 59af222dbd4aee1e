import { idsFromValues } from '../../core/message/trailers';
import { TagError, TagOutcome, tagOutcomes } from '../../core/usecases/tag';
import { printable } from '../../core/util/printable';
import { CliError, Command, openRepo, usableMap } from '../command';

/**
 * `tag COMMIT... --outcome ID[,ID...] [--remove]`: links existing commits through their note under
 * refs/notes/outcomes, written with git itself; ids outcomes.yaml does not define are refused (exit 2). Removing takes
 * any id out of a note, an unknown one too: that is how an invalid link is fixed.
 */
export const tag: Command = {
  name: 'tag',
  usage: `[--repo DIR] COMMIT... --outcome ID[,ID...] [--remove]
                                                               link existing commits through a git note
                                                               (refs/notes/outcomes), or --remove the link`,
  options: { repo: { type: 'string' }, outcome: { type: 'string', multiple: true }, remove: { type: 'boolean' } },
  positionals: true,
  async run(v, revs, io) {
    const ids = idsFromValues((v.outcome as string[] | undefined) ?? []);
    if (!ids.length) throw new CliError('tag needs --outcome ID[,ID...]', 2);
    if (!revs.length) throw new CliError('tag needs at least one COMMIT', 2);
    const repo = await openRepo(v);
    const map = await usableMap(repo, io);
    let results: TagOutcome[];
    try {
      results = await tagOutcomes(repo, map, revs, ids, { remove: !!v.remove });
    } catch (e) {
      if (e instanceof TagError) throw new CliError(e.message, 2);
      throw e;
    }
    let stillLinked = 0;
    for (const r of results) {
      const what = r.changed ? (v.remove ? 'removed' : 'added') : v.remove ? 'not in its note' : 'already in its note';
      io.out(`${r.sha.slice(0, 10)} ${what}: ${ids.join(', ')}; note now names ${r.after.length ? r.after.join(', ') : 'no outcome'}\n`);
      // A pull request's merge commit is what a lead picks first: name the commits it brought in, which do count.
      if (!v.remove && r.changed && r.merge) io.err(`outcome-lens: ${r.sha.slice(0, 10)} is a merge, which reports leave out; to link the work it brought in: outcome-lens tag $(git rev-list --no-merges ${r.sha.slice(0, 10)}^1..${r.sha.slice(0, 10)}) --outcome ${ids.join(',')}`);
      // A message trailer cannot be taken out by a note: say so rather than report a removal that did not happen.
      if (r.inMessage.length) {
        stillLinked++;
        io.err(`outcome-lens: ${r.sha.slice(0, 10)}: its commit message names ${r.inMessage.map(printable).join(', ')} in a ${printable(map.trailer)}: trailer, which a note cannot take out`);
      }
    }
    return stillLinked ? 1 : 0;
  },
};
