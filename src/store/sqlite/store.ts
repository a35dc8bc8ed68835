import type { ChangeSet, CommitResult, Store } from '../ports.js';
import type { PruneCounts, SqliteDatabase } from './database.js';

interface QueuedCommit {
  readonly changes: ChangeSet;
  readonly resolve: (result: CommitResult) => void;
  readonly reject: (error: Error) => void;
}

/** Expired rows deleted per transaction; small enough that one chunk takes a few milliseconds. */
const PRUNE_CHUNK = 2000;

/**
 * The async Store ports over the synchronous `SqliteDatabase`. Each method is one synchronous call,
 * so a method either completes or throws (as a rejected promise) before any other code runs.
 */
export class SqliteStore implements Store {
  readonly accounts: Store['accounts'];
  readonly deliveries: Store['deliveries'];
  readonly sinks: Store['sinks'];
  readonly meta: Store['meta'];
  private closed = false;
  private queuedCommits: QueuedCommit[] = [];

  constructor(private readonly db: SqliteDatabase) {
    this.accounts = {
      put: async (account) => db.putAccount(account),
      get: async (id) => db.getAccount(id),
      list: async () => db.listAccounts(),
    };
    this.deliveries = {
      claimDue: async (opts) => db.claimDue(opts),
      recordAttempts: async (results, owner) => db.recordAttempts(results, owner),
      nextDueAt: async () => db.nextDueAt(),
      reclaimExpiredLeases: async (wallNow, dueAt) => db.reclaimExpiredLeases(wallNow, dueAt),
      releaseAllLeases: async (dueAt) => db.releaseAllLeases(dueAt),
      recordFinished: async (finished) => db.recordFinished(finished),
      replay: async (id, dueAt, now) => db.replay(id, dueAt, now),
      get: async (id) => db.getDelivery(id),
      list: async (filter, page) => db.listDeliveries(filter, page),
      attempts: async (deliveryId) => db.attempts(deliveryId),
      countByStatus: async () => db.countByStatus(),
    };
    this.sinks = {
      configure: async (name, config) => db.configureSink(name, config),
      config: async (name) => db.sinkConfig(name),
      record: async (request) => db.recordSinkRequest(request),
      requests: async (name, page) => db.sinkRequests(name, page),
    };
    this.meta = {
      get: async (key) => db.getMeta(key),
      set: async (key, value) => db.setMeta(key, value),
    };
  }

  /**
   * Change sets committed during one turn of the event loop (concurrent API requests, typically) are
   * written together by `SqliteDatabase.commitEach`: one transaction and one WAL append for the lot,
   * while each change set still stands or falls alone. A promise resolves only once its change set is
   * committed. The cost is at most one turn of latency; the gain is most of the per-commit I/O.
   */
  commit(changes: ChangeSet): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.queuedCommits.push({ changes, resolve, reject });
      if (this.queuedCommits.length === 1) setImmediate(() => this.flushCommits());
    });
  }

  async getResource(type: string, id: string): ReturnType<Store['getResource']> {
    return this.db.getResource(type, id);
  }

  /** Chunk by chunk, yielding to the event loop in between, so a large backlog does not stall requests. */
  async prune(policy: Parameters<Store['prune']>[0]): Promise<PruneCounts> {
    let deliveries = 0;
    let attempts = 0;
    let sinkRequests = 0;
    while (!this.closed) {
      const chunk = this.db.pruneChunk(policy, PRUNE_CHUNK);
      deliveries += chunk.deliveries;
      attempts += chunk.attempts;
      sinkRequests += chunk.sinkRequests;
      if (chunk.deliveries < PRUNE_CHUNK && chunk.sinkRequests < PRUNE_CHUNK) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { deliveries, attempts, sinkRequests };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushCommits();
    this.db.close();
  }

  private flushCommits(): void {
    const batch = this.queuedCommits;
    if (batch.length === 0) return;
    this.queuedCommits = [];
    try {
      const outcomes = this.db.commitEach(batch.map((queued) => queued.changes));
      batch.forEach((queued, i) => {
        const outcome = outcomes[i];
        if (!outcome) queued.reject(new Error('group commit returned no outcome for a change set'));
        else if (outcome.ok) queued.resolve(outcome.result);
        else queued.reject(outcome.error);
      });
    } catch (error) {
      for (const queued of batch) queued.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
