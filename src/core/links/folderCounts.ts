/**
 * How many of a list of files are under each folder, for the Unlinked Work view's folder rows. Files are
 * counted per directory as they come (git lists a directory's files together, so that is usually one compare),
 * and added up to the ancestors once per directory when asked: a slice and a map update per file and per level
 * held the extension host for a few hundred ms on 50k files.
 */
export class FolderCounts {
  private readonly direct = new Map<string, number>();
  private dir = '';
  private n = 0;

  add(file: string): void {
    const slash = file.lastIndexOf('/');
    if (slash === -1) return; // a file at the root is under no folder
    if (slash !== this.dir.length || !file.startsWith(this.dir)) {
      if (this.n) this.direct.set(this.dir, (this.direct.get(this.dir) ?? 0) + this.n);
      this.dir = file.slice(0, slash);
      this.n = 0;
    }
    this.n++;
  }

  /** folder -> files under it, at any depth, for the files added so far. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (d: string, k: number) => {
      counts.set(d, (counts.get(d) ?? 0) + k);
      for (let at = d.lastIndexOf('/'); at !== -1; at = d.lastIndexOf('/', at - 1)) {
        const up = d.slice(0, at);
        counts.set(up, (counts.get(up) ?? 0) + k);
      }
    };
    for (const [d, k] of this.direct) add(d, k);
    if (this.n) add(this.dir, this.n);
    return counts;
  }
}
