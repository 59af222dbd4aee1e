import { CommitLink, Via, VIA_ORDER } from './link';

export type Bucket = 'week' | 'month';
export const UNLINKED = '(unlinked)';
export const IGNORED = '(ignored)';

export interface AllocationRow {
  /** An outcome id, or UNLINKED / IGNORED. */
  key: string;
  /** Commits, a commit linked to k outcomes counting 1/k towards each (so shares sum to 100%). */
  commits: number;
  /** The same weight split by the strongest link that tied the commit to this outcome. */
  byVia: Record<Via, number>;
  /** Share of all counted commits, 0..1. */
  share: number;
}

export interface BucketRow {
  /** First day of the bucket, YYYY-MM-DD (weeks start on Monday, UTC). */
  start: string;
  values: Record<string, number>;
  alignment: number | null;
}

export interface Allocation {
  bucket: Bucket;
  since?: string;
  until?: string;
  /** Non-merge commits counted (merges are left out so no work is counted twice). */
  commits: number;
  rows: AllocationRow[];
  buckets: BucketRow[];
  /** linked / (linked + unlinked) commits; null when there is neither. */
  alignment: number | null;
  topUnlinkedFolders: { folder: string; commits: number }[];
  topUnlinkedAuthors: { author: string; commits: number }[];
}

/** Buckets a date: ISO weeks from Monday, or calendar months, in UTC so that a report does not depend on where it runs. */
export function bucketStart(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  if (bucket === 'month') return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
  const day = (d.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

/**
 * Effort per outcome from linked commits (DESIGN.md: merges left out; a commit linked to several outcomes
 * splits its weight evenly). Pure: give it the commits of the window, newest first or in any order.
 */
export function allocate(links: readonly CommitLink[], outcomeIds: readonly string[], bucket: Bucket, window: { since?: string; until?: string } = {}): Allocation {
  const zeroVia = (): Record<Via, number> => ({ trailer: 0, note: 0, ticket: 0, area: 0 });
  const rows = new Map<string, AllocationRow>();
  for (const k of [...outcomeIds, UNLINKED, IGNORED]) rows.set(k, { key: k, commits: 0, byVia: zeroVia(), share: 0 });
  const buckets = new Map<string, BucketRow>();
  const folders = new Map<string, number>();
  const authors = new Map<string, number>();
  let counted = 0, linked = 0, unlinked = 0;
  const perBucket = new Map<string, { linked: number; unlinked: number }>();
  for (const l of links) {
    if (l.commit.parents.length > 1) continue;
    counted++;
    const b = bucketStart(l.commit.date, bucket);
    let br = buckets.get(b);
    if (!br) { br = { start: b, values: {}, alignment: null }; buckets.set(b, br); perBucket.set(b, { linked: 0, unlinked: 0 }); }
    const pb = perBucket.get(b)!;
    if (l.status === 'linked') {
      linked++; pb.linked++;
      const w = 1 / l.outcomes.length;
      for (const id of l.outcomes) {
        const row = rows.get(id)!;
        row.commits += w;
        const via = VIA_ORDER.find(v => l.links.some(x => x.outcome === id && x.via === v))!;
        row.byVia[via] += w;
        br.values[id] = (br.values[id] ?? 0) + w;
      }
    } else {
      const key = l.status === 'unlinked' ? UNLINKED : IGNORED;
      rows.get(key)!.commits += 1;
      br.values[key] = (br.values[key] ?? 0) + 1;
      if (l.status === 'unlinked') {
        unlinked++; pb.unlinked++;
        authors.set(l.commit.author, (authors.get(l.commit.author) ?? 0) + 1);
        for (const folder of new Set(l.commit.files.map(folderOf))) folders.set(folder, (folders.get(folder) ?? 0) + 1);
      }
    }
  }
  for (const r of rows.values()) r.share = counted ? r.commits / counted : 0;
  for (const [k, br] of buckets) {
    const pb = perBucket.get(k)!;
    br.alignment = pb.linked + pb.unlinked ? pb.linked / (pb.linked + pb.unlinked) : null;
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return {
    bucket, since: window.since, until: window.until, commits: counted,
    rows: [...rows.values()],
    buckets: [...buckets.values()].sort((a, b) => (a.start < b.start ? -1 : 1)),
    alignment: linked + unlinked ? linked / (linked + unlinked) : null,
    topUnlinkedFolders: top(folders).map(([folder, commits]) => ({ folder, commits })),
    topUnlinkedAuthors: top(authors).map(([author, commits]) => ({ author, commits })),
  };
}

/** The folder a path is in, `.` for the root (the unit a tech lead acts on). */
export function folderOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? '.' : p.slice(0, i);
}
