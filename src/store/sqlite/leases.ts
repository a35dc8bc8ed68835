/** One claimed delivery: its row, the dispatcher holding it, and when the claim runs out (wall ms). */
export interface Lease {
  readonly seq: number;
  readonly owner: string;
  readonly until: number;
}

type Change = { readonly id: string; readonly before: Lease | undefined };

/**
 * The embedded store's claims, kept in memory beside its one connection instead of written to the
 * rows (docs/adr/0004-sqlite-store.md). The data directory belongs to one process, and a claim
 * never outlives it: after a restart every claim would be released anyway. So a claimed delivery's
 * row stays `pending` and only this map says it is in flight, which saves rewriting the row and its
 * index entry once per attempt.
 *
 * Claims must still commit or roll back with the transaction that made them. Inside one (`depth > 0`)
 * every change is logged, and `rollBackTo` undoes the changes made since a mark; the log is dropped
 * once the outermost transaction has ended.
 */
export class Leases {
  private readonly byId = new Map<string, Lease>();
  private readonly seqs = new Set<number>();
  private log: Change[] = [];
  private depth = 0;

  get size(): number {
    return this.byId.size;
  }

  holds(seq: number): boolean {
    return this.seqs.has(seq);
  }

  holder(id: string): Lease | undefined {
    return this.byId.get(id);
  }

  /** Seqs of every claimed row, for the queries that must tell claimed rows from pending ones. */
  claimedSeqs(): number[] {
    return [...this.seqs];
  }

  entries(): IterableIterator<[string, Lease]> {
    return this.byId.entries();
  }

  hold(id: string, lease: Lease): void {
    this.change(id, lease);
  }

  release(id: string): void {
    if (this.byId.has(id)) this.change(id, undefined);
  }

  /** Run `work` as one transaction's worth of changes: undone if it throws. Re-entrant. */
  within<T>(work: () => T): T {
    const mark = this.log.length;
    this.depth++;
    try {
      return work();
    } catch (error) {
      this.rollBackTo(mark);
      throw error;
    } finally {
      this.depth--;
      // The outermost transaction ended, committed or rolled back as a whole: nothing left to undo.
      if (this.depth === 0) this.log = [];
    }
  }

  private change(id: string, next: Lease | undefined): void {
    const before = this.byId.get(id);
    if (this.depth > 0) this.log.push({ id, before });
    this.set(id, before, next);
  }

  private rollBackTo(mark: number): void {
    while (this.log.length > mark) {
      const { id, before } = this.log.pop() as Change;
      this.set(id, this.byId.get(id), before);
    }
  }

  private set(id: string, current: Lease | undefined, next: Lease | undefined): void {
    if (current) this.seqs.delete(current.seq);
    if (next) {
      this.byId.set(id, next);
      this.seqs.add(next.seq);
    } else {
      this.byId.delete(id);
    }
  }
}
