import { GitRepo, HistoryQuery, RawCommit } from '../git/repo';
import { CommitLink, Linker } from './link';

/**
 * Reads the commits a query selects and links them, newest first. `onChunk` gets linked commits as
 * each chunk arrives (views show first rows early); the signal cancels between chunks and kills git.
 */
export async function linkHistory(repo: GitRepo, linker: Linker, q: HistoryQuery, onChunk?: (c: CommitLink[]) => void, signal?: AbortSignal,
  options: { keepMessages?: boolean; keep?: boolean } = {}): Promise<CommitLink[]> {
  const out: CommitLink[] = [];
  // One `git log`, parsed as git writes it; whether the notes ref exists comes from the ref files, with no git process.
  await repo.streamLog(q, linker.trailerKey, 'if-any', (c: RawCommit[]) => {
    const linked = c.map(x => linker.commit(x));
    // Once linked, a one-shot caller (the CLI) needs no message bodies: dropping them keeps 100k commits small.
    if (options.keepMessages === false) for (const x of c) { x.message = ''; x.note = ''; }
    if (options.keep !== false) for (const l of linked) out.push(l); // keep: false, a caller that streams (returns [])
    onChunk?.(linked);
  }, signal);
  return out;
}
