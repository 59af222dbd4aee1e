import type { LinkedCommit } from '../links/link';
import { CommitBlock, decodeRow, rowOfSha, STATUSES } from './block';

/** Decoded commits kept for the views' rows: a redraw does not decode them again. */
const DECODED = 4000;

/**
 * One list of linked commits as the history worker sent it, block by block (src/core/worker/block.ts): rows are
 * numbered in arrival order, and a commit becomes an object only when asked for.
 */
export class CommitStore {
  private readonly blocks: CommitBlock[] = [];
  private readonly firsts: number[] = [];
  private readonly decoded = new Map<number, LinkedCommit>();
  length = 0;

  add(b: CommitBlock): void {
    this.blocks.push(b);
    this.firsts.push(this.length);
    this.length += b.n;
  }

  private locate(row: number): [CommitBlock, number] {
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firsts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return [this.blocks[lo], row - this.firsts[lo]];
  }

  at(row: number): LinkedCommit {
    let c = this.decoded.get(row);
    if (!c) {
      const [b, r] = this.locate(row);
      c = decodeRow(b, r);
      if (this.decoded.size >= DECODED) this.decoded.delete(this.decoded.keys().next().value!);
      this.decoded.set(row, c);
    }
    return c;
  }

  /** The row of the commit `sha`, or -1. */
  rowOf(sha: string): number {
    for (let i = 0; i < this.blocks.length; i++) {
      const r = rowOfSha(this.blocks[i], sha);
      if (r >= 0) return this.firsts[i] + r;
    }
    return -1;
  }

  /** Calls `fn` with each row's columns (building the views' indexes without decoding a commit). */
  scan(rows: Iterable<number>, fn: (row: number, status: string, invalid: boolean, outcomes: readonly string[]) => void): void {
    for (const row of rows) {
      const [b, r] = this.locate(row);
      fn(row, STATUSES[b.status[r]], b.invalid[r] === 1, b.sets[b.outcomeSet[r]]);
    }
  }

  /** The key a row is grouped under in the Unlinked Work view: its author, or the Monday of its week. */
  groupKey(row: number, by: 'author' | 'week'): string {
    const [b, r] = this.locate(row);
    return by === 'week' ? b.weeks[b.week[r]] : b.authors[b.author[r]];
  }
}

/** Rows of a store, append-only: a snapshot is a fixed-length view of the same memory, so taking one costs nothing. */
export class RowList {
  private rows = new Int32Array(256);
  length = 0;

  push(row: number): void {
    if (this.length === this.rows.length) {
      const bigger = new Int32Array(this.rows.length * 2);
      bigger.set(this.rows);
      this.rows = bigger; // snapshots keep the old array, whose rows are the same
    }
    this.rows[this.length++] = row;
  }

  snapshot(store: CommitStore): CommitRows {
    return new CommitRows(store, this.rows, this.length, this);
  }
}

/** A list of commits (a view's list, an outcome's commits): its length, and its commits decoded on demand. */
export class CommitRows implements Iterable<LinkedCommit> {
  /** `origin`: the list this is a snapshot of; a later snapshot of the same list starts with the same rows. */
  constructor(readonly store: CommitStore, private readonly rows: Int32Array, readonly length: number, readonly origin?: RowList) {}

  static of(store: CommitStore, rows: Iterable<number>): CommitRows {
    const list = new RowList();
    for (const r of rows) list.push(r);
    return list.snapshot(store);
  }

  /** The store's row of the k-th commit. */
  row(k: number): number {
    return this.rows[k];
  }

  at(k: number): LinkedCommit {
    return this.store.at(this.rows[k]);
  }

  slice(from: number, to = this.length): LinkedCommit[] {
    const out: LinkedCommit[] = [];
    for (let k = Math.max(0, from); k < Math.min(this.length, to); k++) out.push(this.at(k));
    return out;
  }

  *[Symbol.iterator](): Iterator<LinkedCommit> {
    for (let k = 0; k < this.length; k++) yield this.at(k);
  }
}

/** A list's commits by a key (the Unlinked Work view's authors or weeks). */
export interface RowGroups {
  list: CommitRows;
  keyed: Map<string, RowList>;
  groups: Map<string, CommitRows>;
}

/**
 * `list` grouped by `keyOf(row)`. When `prev` grouped an earlier snapshot of the same list with the same key, only
 * the rows added since are grouped: while history arrives the list only grows, and regrouping 100k rows at each
 * update held the extension host ~20 ms a time.
 */
export function groupRows(prev: RowGroups | undefined, list: CommitRows, keyOf: (row: number) => string): RowGroups {
  const grows = !!prev && !!list.origin && prev.list.origin === list.origin && prev.list.length <= list.length;
  const keyed = grows ? prev!.keyed : new Map<string, RowList>();
  for (let k = grows ? prev!.list.length : 0; k < list.length; k++) {
    const row = list.row(k);
    const key = keyOf(row);
    let rows = keyed.get(key);
    if (!rows) keyed.set(key, rows = new RowList());
    rows.push(row);
  }
  return { list, keyed, groups: new Map([...keyed].map(([key, rows]) => [key, rows.snapshot(list.store)])) };
}

/** Rows from..to-1. */
export function* range(from: number, to: number): Iterable<number> {
  for (let r = from; r < to; r++) yield r;
}

/** An empty list, for a repository without history yet. */
export const NO_COMMITS = new CommitRows(new CommitStore(), new Int32Array(0), 0);
