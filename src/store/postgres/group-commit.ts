import type { ChangeSet, CommitResult } from '../ports.js';

/** Commits one or more change sets in one transaction; answers each one's result, in order. */
export type CommitMany = (changeSets: readonly ChangeSet[]) => Promise<CommitResult[]>;

interface Waiting {
  readonly changes: ChangeSet;
  readonly resolve: (result: CommitResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the outbox: change sets that arrive while earlier ones are being committed wait and
 * then go together, in one transaction. A lone change set is committed at once, so a quiet node pays
 * nothing; a busy API node, whose every request is its own change set, spends one transaction (its
 * round trips, its socket writes, its WAL flush) on many. A group that fails is committed again one
 * change set at a time, so one bad change set fails alone, as the contract requires.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly commitMany: CommitMany,
    /** Groups in the store at once: later change sets queue behind them and go in the next group. */
    private readonly concurrentGroups: number,
    /** Most change sets in one group. */
    private readonly maxGroup = 500,
  ) {}

  commit(changes: ChangeSet): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ changes, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.concurrentGroups && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroup);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async run(group: readonly Waiting[]): Promise<void> {
    try {
      const results = await this.commitMany(group.map((w) => w.changes));
      group.forEach((w, i) => w.resolve(results[i] as CommitResult));
      return;
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
    }
    // Which change set broke the group is not known: each goes again alone.
    await Promise.all(
      group.map(async (w) => {
        try {
          const [result] = await this.commitMany([w.changes]);
          w.resolve(result as CommitResult);
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }
}
