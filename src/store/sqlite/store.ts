import type { Store } from '../ports.js';
import type { PruneCounts, SqliteDatabase } from './database.js';

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

  async commit(changes: Parameters<Store['commit']>[0]): ReturnType<Store['commit']> {
    return this.db.commit(changes);
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
    this.closed = true;
    this.db.close();
  }
}
