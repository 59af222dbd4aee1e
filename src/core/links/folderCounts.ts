import { lowerBound } from '../util/sortedPaths';

/**
 * How many of a list of files are under each folder, for the Unlinked Work view's folder rows. Files are
 * counted per directory as they come (git lists a directory's files together, so that is usually one compare),
 * and added up to the ancestors once per run of a directory's files rather than once per file and level.
 */
export class FolderCounts {
  /** folder -> files under it, for every run of files ended so far. */
  private readonly total = new Map<string, number>();
  private dir = '';
  private n = 0;

  add(file: string): void {
    const slash = file.lastIndexOf('/');
    if (slash === -1) return; // a file at the root is under no folder
    if (slash !== this.dir.length || !file.startsWith(this.dir)) {
      this.flush();
      this.dir = file.slice(0, slash);
    }
    this.n++;
  }

  /**
   * folder -> files under it, at any depth, for the files added so far: a copy, which later files do not change.
   */
  counts(): Map<string, number> {
    this.flush();
    return new Map(this.total);
  }

  /** Adds the current directory's run of files to it and to each folder above it. */
  private flush(): void {
    const { dir: d, n: k } = this;
    if (!k) return;
    this.n = 0;
    this.total.set(d, (this.total.get(d) ?? 0) + k);
    for (let at = d.lastIndexOf('/'); at !== -1; at = d.lastIndexOf('/', at - 1)) {
      const up = d.slice(0, at);
      this.total.set(up, (this.total.get(up) ?? 0) + k);
    }
  }
}

/**
 * The rows under `folder` ('' for the root) of a file list in git's order and its `counts`: the folders one level
 * below it, most files first, then its own files in git's order. Git's order keeps each folder's paths together,
 * so the walk jumps over a child folder with one binary search instead of cutting every path below it.
 */
export function folderChildren(files: readonly string[], counts: ReadonlyMap<string, number>, folder: string): { folders: string[]; files: string[] } {
  const prefix = folder ? folder + '/' : '';
  const folders: string[] = [];
  const direct: string[] = [];
  let i = prefix ? lowerBound(files, prefix) : 0;
  while (i < files.length && files[i].startsWith(prefix)) {
    const f = files[i];
    const slash = f.indexOf('/', prefix.length);
    if (slash === -1) {
      direct.push(f);
      i++;
    } else {
      const sub = f.slice(0, slash);
      folders.push(sub);
      i = lowerBound(files, sub + '0'); // '0' follows '/': the first path past the folder's own
    }
  }
  folders.sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1));
  return { folders, files: direct };
}
