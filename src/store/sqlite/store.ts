import type { ChangeSet, CommitResult, Store } from '../ports.js';
import { commitError } from '../commit-error.js';
import { columnChangeSet, columnFinishedDelivery, recordedAttempts, type ColumnChangeSet } from './columns.js';
import type { DatabaseConnection } from './connection.js';
import type { GroupedWrite, PruneCounts } from './database.js';

/** Who waits for a queued write's outcome. */
interface WriteWaiter {
  readonly resolve: (result: CommitResult | null) => void;
  readonly reject: (error: Error) => void;
}

/** Where the store's database runs: in a worker thread, or on the event loop of the caller. */
export type SqliteStoreMode = 'worker' | 'inline';

/**
 * Writes a group holds before it leaves without waiting for the end of the turn. A turn that wakes many
 * calls at one instant (2,000 in the IVR figure) makes thousands of writes; sent as one group, the
 * store's thread waited for the whole turn and the main thread then waited for the whole group, each
 * idle while the other worked (the machine was a quarter idle at those instants). Groups of this size
 * keep both busy; much smaller ones cost more CPU per write than they save (docs/benchmarks.md).
 */
const GROUP_SIZE = 256;

/** Expired rows deleted per transaction; small enough that one chunk takes a few milliseconds. */
const PRUNE_CHUNK = 2000;

/**
 * The async Store ports over a `SqliteDatabase`, which runs in a worker thread or inline
 * (`DatabaseConnection`). Each port method is one call to the database, and calls run in the order
 * they are made, so a method sees every write whose promise resolved before it was called.
 */
export class SqliteStore implements Store {
  /** The data directory belongs to one process (docs/adr/0004-sqlite-store.md). */
  readonly shared = false;
  readonly accounts: Store['accounts'];
  readonly deliveries: Store['deliveries'];
  readonly sinks: Store['sinks'];
  readonly meta: Store['meta'];
  private closed = false;
  private closing: Promise<void> | null = null;
  /**
   * The writes of the group being gathered and, apart, who waits for each: once a group is sent only
   * the waiters are kept, so its payload (states as JSON, deliveries, documents' records) can be
   * collected while the store's thread works, rather than surviving into the old generation.
   */
  private queuedWrites: GroupedWrite[] = [];
  private writeWaiters: WriteWaiter[] = [];

  constructor(
    private readonly connection: DatabaseConnection,
    readonly mode: SqliteStoreMode,
  ) {
    const db = connection;
    this.accounts = {
      put: (account) => db.call('putAccount', account),
      get: (id) => db.call('getAccount', id),
      list: () => db.call('listAccounts'),
      delete: (id) => db.call('deleteAccount', id),
    };
    this.deliveries = {
      claimDue: (opts) => db.call('claimDue', opts),
      recordAttempts: (results, owner) => db.call('recordAttempts', recordedAttempts(results), owner),
      recordAndClaim: (results, claim) => db.call('recordAndClaim', recordedAttempts(results), claim),
      nextDueAt: () => db.call('nextDueAt'),
      reclaimExpiredLeases: (wallNow, dueAt) => db.call('reclaimExpiredLeases', wallNow, dueAt),
      renewLeases: (ids, owner, leaseUntil) => db.call('renewLeases', ids, owner, leaseUntil),
      releaseAllLeases: (dueAt) => db.call('releaseAllLeases', dueAt),
      recordFinished: (finished) => this.queueWrite({ finished: columnFinishedDelivery(finished) }).then(() => undefined),
      replay: (id, dueAt, now) => db.call('replay', id, dueAt, now),
      get: (id) => db.call('getDelivery', id),
      list: (filter, page) => db.call('listDeliveries', filter, page),
      attempts: (deliveryId) => db.call('attempts', deliveryId),
      countByStatus: () => db.call('countByStatus'),
    };
    this.sinks = {
      configure: (name, config) => db.call('configureSink', name, config),
      config: (name) => db.call('sinkConfig', name),
      record: (request) => db.call('recordSinkRequest', request),
      requests: (name, page) => db.call('sinkRequests', name, page),
    };
    this.meta = {
      get: (key) => db.call('getMeta', key),
      set: (key, value) => db.call('setMeta', key, value),
    };
  }

  /**
   * Change sets committed during one turn of the event loop (concurrent API requests, typically), and
   * the document fetches recorded in it, go to the database as one `writeEach` call: one message to the
   * worker, one transaction and one WAL append for the lot, while each write still stands or falls
   * alone. A promise resolves only once its write is committed. The cost is at most one turn of
   * latency; the gain is most of the per-write I/O and, with the database in its worker, most of the
   * messages: a call's every document fetch crossed as a message of its own, and one message each way
   * cost the main thread more than the write did in the worker (docs/benchmarks.md).
   */
  commit(changes: ChangeSet): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    let columns: ColumnChangeSet;
    try {
      columns = columnChangeSet(changes);
    } catch (error) {
      // A state that cannot be made JSON fails its own change set, as it would in the database.
      return Promise.reject(commitError(changes, error));
    }
    return this.queueWrite({ changes: columns }) as Promise<CommitResult>;
  }

  getResource(type: string, id: string): ReturnType<Store['getResource']> {
    return this.connection.call('getResource', type, id);
  }

  deleteResource(type: string, id: string): Promise<boolean> {
    return this.connection.call('deleteResource', type, id);
  }

  listResources(...args: Parameters<Store['listResources']>): ReturnType<Store['listResources']> {
    return this.connection.call('listResources', ...args);
  }

  /** Only this process writes the file, and its own dispatcher is woken directly. */
  onDeliveriesDue(): () => void {
    return () => undefined;
  }

  /** Chunk by chunk, yielding to the event loop in between, so a large backlog does not stall requests. */
  async prune(policy: Parameters<Store['prune']>[0]): Promise<PruneCounts> {
    let deliveries = 0;
    let attempts = 0;
    let sinkRequests = 0;
    while (!this.closed) {
      const chunk = await this.connection.call('pruneChunk', policy, PRUNE_CHUNK);
      deliveries += chunk.deliveries;
      attempts += chunk.attempts;
      sinkRequests += chunk.sinkRequests;
      if (chunk.deliveries < PRUNE_CHUNK && chunk.sinkRequests < PRUNE_CHUNK) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { deliveries, attempts, sinkRequests };
  }

  /** Writes the commits already queued, then closes the database (and ends its worker). */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.flushWrites();
      this.closing = this.connection.close();
    }
    return this.closing;
  }

  private queueWrite(write: GroupedWrite): Promise<CommitResult | null> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.queuedWrites.push(write);
      this.writeWaiters.push({ resolve, reject });
      if (this.queuedWrites.length === 1) setImmediate(() => this.flushWrites());
      else if (this.queuedWrites.length >= GROUP_SIZE) this.flushWrites();
    });
  }

  private flushWrites(): void {
    const writes = this.queuedWrites;
    if (writes.length === 0) return;
    const waiters = this.writeWaiters;
    this.queuedWrites = [];
    this.writeWaiters = [];
    this.connection.call('writeEach', writes).then(
      (outcomes) => {
        waiters.forEach((waiter, i) => {
          const outcome = outcomes[i];
          if (!outcome) waiter.reject(new Error('group commit returned no outcome for a write'));
          else if (outcome.ok) waiter.resolve(outcome.result);
          else waiter.reject(outcome.error);
        });
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
