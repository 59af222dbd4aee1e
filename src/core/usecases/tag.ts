import { GitRepo, NOTES_REF, NotesRaceError } from '../git/repo';
import { tagCommits, TagResult } from '../git/outcomeNotes';
import { idsFromValues, valuesFor } from '../message/trailers';
import { OutcomeMap } from '../outcomes/model';
import { ID_RE } from '../outcomes/parse';
import { quoted } from '../util/printable';

/** A tag that cannot be made as asked: our own message (ids and commit names quoted), nothing written. */
export class TagError extends Error {}

export interface TagOutcome extends TagResult {
  /** A merge, which reports leave out: its link counts nowhere, the commits it brought in do. */
  merge: boolean;
  /** Ids asked to be removed that the commit's message names in a trailer, which a note cannot take out. */
  inMessage: string[];
}

/**
 * Links commits to outcomes through their notes under refs/notes/outcomes, or takes ids out again (DESIGN.md, `tag`):
 * the one path for `outcome-lens tag` and the extension's Link to Outcome…, Replace with… and Remove. Every commit
 * name is resolved before anything is written (a typo in the third leaves the first two alone). Adding an id that
 * outcomes.yaml does not define is refused; removing any id is allowed, which is how an invalid link is fixed. Runs at
 * the same time each keep their change (see tagCommits); one that loses every race is a TagError that says nothing was
 * written. `none` marks commits "needs no outcome" (or takes the mark out) in the same note, under its own key.
 */
export async function tagOutcomes(repo: GitRepo, map: OutcomeMap, revs: readonly string[], ids: readonly string[],
  o: {
    remove?: boolean; signal?: AbortSignal; /** `revs` are full commit ids already (a view's rows): not resolved again. */ resolved?: boolean;
    /** true: mark the commits "needs no outcome" instead (`tag --none`; `ids` must be empty); false: take the mark out. */ none?: boolean;
  } = {}): Promise<TagOutcome[]> {
  if (o.none !== undefined && ids.length) throw new TagError('--none marks commits that need no outcome: give it no outcome id');
  if (!ids.length && o.none === undefined) throw new TagError('no outcome id given');
  if (!revs.length) throw new TagError('no commit given');
  for (const id of ids) if (!ID_RE.test(id)) throw new TagError(`${quoted(id)} is not an outcome id (lower-case letters, digits, '.', '_', '-')`);
  const known = new Set(map.outcomes.map(x => x.id));
  const unknown = ids.filter(id => !known.has(id));
  if (!o.remove && unknown.length) throw new TagError(`outcomes.yaml defines no outcome ${unknown.map(quoted).join(', ')}; known: ${[...known].join(', ') || '(none)'}`);
  const shas: string[] = [];
  if (o.resolved) shas.push(...revs);
  else for (const rev of revs) shas.push(await repo.resolveCommit(rev, o.signal));
  let results: TagResult[];
  try {
    results = await tagCommits(repo, shas, map.trailer, o.none !== undefined ? { none: o.none } : o.remove ? { remove: ids } : { add: ids }, { signal: o.signal });
  } catch (e) {
    // Say what is not there, so that a user (or a script) runs it again rather than trust a link that was not made.
    if (e instanceof NotesRaceError) {
      const all = [...new Set(shas)];
      const which = all.slice(0, 5).map(s => s.slice(0, 10)).join(', ') + (all.length > 5 ? ` and ${all.length - 5} more` : '');
      const undone = o.none !== undefined ? `did not ${o.none ? 'mark' : 'unmark'} ${which} as needing no outcome` : o.remove ? `did not take ${ids.join(', ')} out of the notes of ${which}` : `did not link ${which} to ${ids.join(', ')}`;
      throw new TagError(`other writers changed ${NOTES_REF} each of the ${e.attempts} times this run tried, so nothing was written: this run ${undone}; run it again`);
    }
    throw e;
  }
  const commits = new Map((await repo.readCommits(results.map(r => r.sha), undefined, o.signal)).map(c => [c.sha, c]));
  return results.map(r => {
    const c = commits.get(r.sha);
    return {
      ...r,
      merge: (c?.parents.length ?? 0) > 1,
      inMessage: o.remove ? idsFromValues(valuesFor(c?.trailers ?? [], map.trailer)).filter(id => ids.includes(id)) : [],
    };
  });
}
