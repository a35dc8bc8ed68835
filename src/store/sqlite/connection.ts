import type { SqliteDatabase } from './database.js';

/**
 * The `SqliteDatabase` methods the store calls, by name: the same names run inline or cross to the
 * worker as `{id, method, args}` messages. The worker refuses any other name.
 */
export const DATABASE_METHODS = [
  'settings',
  'putAccount',
  'getAccount',
  'listAccounts',
  'deleteAccount',
  'commit',
  'writeEach',
  'getResource',
  'listResources',
  'deleteResource',
  'claimDue',
  'recordAttempts',
  'recordAndClaim',
  'nextDueAt',
  'reclaimExpiredLeases',
  'renewLeases',
  'releaseAllLeases',
  'replay',
  'getDelivery',
  'listDeliveries',
  'attempts',
  'countByStatus',
  'configureSink',
  'sinkConfig',
  'recordSinkRequest',
  'sinkRequests',
  'getMeta',
  'setMeta',
  'pruneChunk',
] as const satisfies ReadonlyArray<keyof SqliteDatabase>;

export type DatabaseMethod = (typeof DATABASE_METHODS)[number];
export type CallArgs<M extends DatabaseMethod> = Parameters<SqliteDatabase[M]>;
export type CallResult<M extends DatabaseMethod> = ReturnType<SqliteDatabase[M]>;

/** Where `SqliteStore` sends its calls: the database on this thread, or in a worker thread. */
export interface DatabaseConnection {
  /** Calls run one at a time in the order they were made; a failed call rejects with the database's error. */
  call<M extends DatabaseMethod>(method: M, ...args: CallArgs<M>): Promise<CallResult<M>>;
  /** Close the database once the calls already made have run. */
  close(): Promise<void>;
}

/** `db[method](...args)`, for a method name only known at run time. */
export function invoke(db: SqliteDatabase, method: DatabaseMethod, args: readonly unknown[]): unknown {
  const fn = db[method] as (...args: unknown[]) => unknown;
  return fn.apply(db, args as unknown[]);
}

/**
 * The database on the calling thread: each call runs synchronously, on the event loop, before `call`
 * returns. Used for `:memory:` databases and when no compiled worker script is at hand.
 */
export class InlineConnection implements DatabaseConnection {
  constructor(private readonly db: SqliteDatabase) {}

  call<M extends DatabaseMethod>(method: M, ...args: CallArgs<M>): Promise<CallResult<M>> {
    try {
      return Promise.resolve(invoke(this.db, method, args) as CallResult<M>);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
