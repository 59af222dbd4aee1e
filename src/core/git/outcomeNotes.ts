import { GitRepo } from './repo';
import { idsFromValues, noteTrailerValues, noteWithIds } from '../message/trailers';

/** What tagging did to one commit's note. */
export interface TagResult {
  sha: string;
  /** The ids the note named before and names now. */
  before: string[];
  after: string[];
  /** Whether the note was written (false: it already said that). */
  changed: boolean;
  /** Whether the note marks the commit "needs no outcome" now: only when it did before or does now. */
  none?: boolean;
}

/** The note trailer that marks a commit "needs no outcome" (`tag COMMIT --none`): a key of its own, so that no outcome id can mean it. */
export const NO_OUTCOME_KEY = 'No-Outcome';
/** What `tag --none` writes as its value. */
export const NO_OUTCOME_VALUE = 'yes';

/** Whether a note marks its commit "needs no outcome" (a `No-Outcome:` trailer with any value). */
export function noteSaysNone(note: string | undefined): boolean {
  return !!note && /no-outcome/i.test(note) && noteTrailerValues(note, NO_OUTCOME_KEY).some(v => v.trim() !== '');
}

/** The outcome ids a note names under the trailer key. */
export function noteIds(note: string | undefined, key: string): string[] {
  return note ? idsFromValues(noteTrailerValues(note, key)) : [];
}

/**
 * Links existing commits to outcomes without rewriting them (DESIGN.md, "tag"): each commit's note under
 * refs/notes/outcomes gets `add` in its `<key>:` trailer (extended, never duplicated) and loses `remove`; the rest of
 * the note is kept. The notes are read, then written one commit at a time with git itself (a note that already says
 * the same is not written again), and published together only if no other writer moved the notes meanwhile: else
 * they are read and changed again (GitRepo.changeNotes), so that two writers at once both keep their links; a run
 * that loses every race throws NotesRaceError, having written nothing. Ids are not checked here: the caller knows
 * which ones are valid.
 */
export async function tagCommits(repo: GitRepo, shas: readonly string[], key: string,
  change: { add?: readonly string[]; remove?: readonly string[]; /** true: mark "needs no outcome" (the note's ids go); false: take the mark out. Adding ids takes it out too. */ none?: boolean },
  o: { signal?: AbortSignal; progress?: (done: number) => void } = {}): Promise<TagResult[]> {
  const unique = [...new Set(shas)];
  const add = change.add ?? [];
  const remove = new Set(change.remove ?? []);
  return repo.changeNotes(async draft => {
    const notes = await draft.read(unique);
    const out: TagResult[] = [];
    for (const sha of unique) {
      const note = notes.get(sha) ?? '';
      const before = noteIds(note, key);
      const after = change.none ? [] : [...before, ...add.filter(id => !before.includes(id))].filter(id => !remove.has(id));
      const noneBefore = noteSaysNone(note);
      // A commit is linked or needs no outcome, not both: the one asked for last replaces the other.
      const none = change.none ?? (add.length ? false : noneBefore);
      const changed = after.length !== before.length || after.some((id, i) => id !== before[i]) || none !== noneBefore;
      if (changed) {
        const linked = noteWithIds(note, key, after);
        await draft.write(sha, none === noneBefore ? linked : noteWithIds(linked, NO_OUTCOME_KEY, none ? [NO_OUTCOME_VALUE] : []));
      }
      out.push({ sha, before, after, changed, ...(none || noneBefore ? { none } : {}) });
      o.progress?.(out.length);
    }
    return out;
  }, { signal: o.signal });
}
