import { GitRepo } from '../git/repo';
import { OutcomeMap } from '../outcomes/model';
import { CreatedOutcomes, createOutcomesFile, CreateRefused } from '../usecases/outcomesFile';
import { TagOutcome, tagOutcomes } from '../usecases/tag';
import { diffOutcomes, DiffSideError } from '../usecases/diffOutcomes';
import { OutcomesDiff } from '../links/outcomesDiff';
import { formatDiagnostic } from '../outcomes/model';

/**
 * What the extension's commands do to a repository through the history worker (where git runs): each is the core use
 * case the CLI calls too. They keep nothing; the service reads again what they change.
 */
export class RepoActions {
  constructor(private readonly repo: GitRepo) {}

  /** Links commits (full ids, as the rows give them) to outcomes through their notes, or takes ids out (see tagOutcomes). */
  tag(map: OutcomeMap, shas: string[], ids: string[], remove: boolean): Promise<TagOutcome[]> {
    return tagOutcomes(this.repo, map, shas, ids, { remove, resolved: true });
  }

  /** Marks commits "needs no outcome" in their notes, or takes the mark out (`tag --none`, see tagOutcomes). */
  settle(map: OutcomeMap, shas: string[], none: boolean): Promise<TagOutcome[]> {
    return tagOutcomes(this.repo, map, shas, [], { none, resolved: true });
  }

  /** The remotes, with whether each already fetches the outcome notes. */
  remotes(): Promise<{ name: string; url: string; fetchesNotes: boolean }[]> {
    return this.repo.remotes();
  }

  /** Adds `+refs/notes/outcomes:refs/notes/outcomes` to a remote's fetch refspecs. */
  addNotesFetch(remote: string): Promise<void> {
    return this.repo.addNotesFetch(remote);
  }

  /** Pushes refs/notes/outcomes to a remote; git's own summary of what it did. */
  pushNotes(remote: string): Promise<string> {
    return this.repo.pushNotes(remote);
  }

  /** Writes a first outcomes.yaml from the tracked files' folders or from CODEOWNERS (see createOutcomesFile). */
  createOutcomes(from: 'folders' | 'codeowners'): Promise<CreatedOutcomes | CreateRefused> {
    return createOutcomesFile(this.repo.root, from, { repo: this.repo });
  }

  /** `git show` of one commit. */
  show(sha: string): Promise<string> {
    return this.repo.show(sha);
  }

  /**
   * What a change to outcomes.yaml means (see diffOutcomes): `spec` as `outcome-lens diff` takes it, `text` an
   * editor's unsaved outcomes.yaml. A side that does not parse answers with its errors located (`A:outcomes.yaml:3:5:
   * error: …`) rather than failing.
   */
  async diffOutcomes(spec?: string, text?: string): Promise<{ diff: OutcomesDiff } | { errors: string[] }> {
    try {
      return { diff: await diffOutcomes(this.repo, { spec, text }) };
    } catch (e) {
      if (!(e instanceof DiffSideError)) throw e;
      return { errors: e.diagnostics.filter(d => d.severity === 'error').map(d => formatDiagnostic(e.file, d)) };
    }
  }

  /** The local and remote-tracking branches, to compare the working copy with. */
  branches(): Promise<string[]> {
    return this.repo.branches();
  }
}
