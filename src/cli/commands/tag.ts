import { ID_RE } from '../../core/outcomes/parse';
import { tagCommits } from '../../core/git/outcomeNotes';
import { valuesFor, idsFromValues } from '../../core/git/trailers';
import { printable, quoted } from '../../core/util/printable';
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
    for (const id of ids) if (!ID_RE.test(id)) throw new CliError(`${quoted(id)} is not an outcome id (lower-case letters, digits, '.', '_', '-')`, 2);
    const repo = await openRepo(v);
    const map = await usableMap(repo, io);
    const known = new Set(map.outcomes.map(o => o.id));
    const unknown = ids.filter(id => !known.has(id));
    if (!v.remove && unknown.length) {
      throw new CliError(`outcomes.yaml defines no outcome ${unknown.map(quoted).join(', ')}; known: ${[...known].join(', ') || '(none)'}`, 2);
    }
    // Every argument is resolved before anything is written: a typo in the third one leaves the first two alone.
    const shas: string[] = [];
    for (const rev of revs) shas.push(await repo.resolveCommit(rev));
    const results = await tagCommits(repo, shas, map.trailer, v.remove ? { remove: ids } : { add: ids });
    // A message trailer cannot be taken out by a note: say so rather than report a removal that did not happen.
    const messages = await repo.readCommits(results.map(r => r.sha));
    let stillLinked = 0;
    for (const r of results) {
      const what = r.changed ? (v.remove ? 'removed' : 'added') : v.remove ? 'not in its note' : 'already in its note';
      io.out(`${r.sha.slice(0, 10)} ${what}: ${ids.join(', ')}; note now names ${r.after.length ? r.after.join(', ') : 'no outcome'}\n`);
      // Reports, suggestions and the views leave merges out, so a merge's link counts nowhere: name the commits it
      // brought in, which do count (a pull request's merge commit is what a lead picks first).
      const merge = !v.remove && r.changed && (messages.find(c => c.sha === r.sha)?.parents.length ?? 0) > 1;
      if (merge) io.err(`outcome-lens: ${r.sha.slice(0, 10)} is a merge, which reports leave out; to link the work it brought in: outcome-lens tag $(git rev-list --no-merges ${r.sha.slice(0, 10)}^1..${r.sha.slice(0, 10)}) --outcome ${ids.join(',')}`);
      const inMessage = idsFromValues(valuesFor(messages.find(c => c.sha === r.sha)?.trailers ?? [], map.trailer)).filter(id => ids.includes(id));
      if (inMessage.length) {
        stillLinked++;
        io.err(`outcome-lens: ${r.sha.slice(0, 10)}: its commit message names ${inMessage.map(printable).join(', ')} in a ${printable(map.trailer)}: trailer, which a note cannot take out`);
      }
    }
    return stillLinked ? 1 : 0;
  },
};
