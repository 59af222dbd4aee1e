import { readFileSync, statSync } from 'node:fs';
import path = require('node:path');

/** The notes ref that links old commits without rewriting history (DESIGN.md, "Links"). */
export const NOTES_REF = 'refs/notes/outcomes';

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * HEAD and the notes tip as the repository's own files say (`.git/HEAD`, loose refs, `packed-refs`), with no git
 * process: a few milliseconds, where `git show-ref` waited 0.1-0.6 s for a CPU while the workbench started. Only
 * a hint: the caller still asks git, which decides. Undefined whenever the files are not understood (an unborn
 * branch, the reftable format, anything unusual), so that git answers instead.
 * The reads are synchronous, as are this module's others: they are for the history worker's thread, where a small
 * read blocks no one, while the process's shared I/O threads are busy with the workbench's start (an asynchronous
 * read of 100 KB took 200 ms then).
 */
export function tipsFromFiles(root: string): { head: string; notes?: string } | undefined {
  try {
    const gitDir = gitDirOf(root);
    if (!gitDir) return undefined;
    // A worktree keeps its own HEAD; branches, notes and packed-refs are shared with the main repository.
    let common = gitDir;
    try {
      common = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
    } catch {
      // not a worktree
    }
    let packed: Map<string, string> | undefined;
    const packedRef = (ref: string) => {
      if (!packed) {
        packed = new Map();
        let text = '';
        try {
          text = readFileSync(path.join(common, 'packed-refs'), 'utf8');
        } catch {
          // no packed refs
        }
        for (const line of text.split('\n')) {
          const [sha, name] = line.trim().split(' ');
          if (name && SHA.test(sha)) packed.set(name, sha); // '#' header and '^' peeled lines have no sha here
        }
      }
      return packed.get(ref);
    };
    // A sha, null when the ref does not exist, undefined when not understood. A loose ref wins over a packed one,
    // as in git.
    const resolve = (ref: string, depth: number): string | null | undefined => {
      if (depth > 5 || ref.split('/').includes('..')) return undefined;
      let text: string | undefined;
      try {
        text = readFileSync(path.join(ref === 'HEAD' ? gitDir : common, ref), 'utf8').trim();
      } catch {
        return ref === 'HEAD' ? undefined : packedRef(ref) ?? null;
      }
      if (SHA.test(text)) return text;
      const sym = /^ref: (refs\/\S+)$/.exec(text);
      return sym ? resolve(sym[1], depth + 1) : undefined;
    };
    const head = resolve('HEAD', 0);
    if (!head) return undefined;
    const notes = resolve(NOTES_REF, 0);
    if (notes === undefined) return undefined;
    return notes ? { head, notes } : { head };
  } catch {
    return undefined;
  }
}

/** The repository's git folder: `.git`, or the folder a `.git` file names (a worktree, a submodule). */
function gitDirOf(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  if (!statSync(dotGit).isFile()) return dotGit;
  const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  return m ? path.resolve(root, m[1].trim()) : undefined;
}

/**
 * Which index file the repository has now: git writes a new one (and renames it into place) whenever the index
 * changes, so the same inode, size and modification time mean the same tracked files. Undefined if unknown.
 * Taken just before `ls-files` starts.
 */
export function indexStamp(root: string): string | undefined {
  try {
    const gitDir = gitDirOf(root);
    if (!gitDir) return undefined;
    const st = statSync(path.join(gitDir, 'index'), { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}
