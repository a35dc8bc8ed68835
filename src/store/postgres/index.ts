import pg from 'pg';
import { clientConfig, connectError, describeTarget, targetOf, type PoolSettings } from './connection.js';
import { migrate } from './migrations.js';
import { PostgresStore } from './store.js';
import { WakeChannel, type StoreLogger } from './wake-channel.js';

export { MIGRATIONS } from './migrations.js';
export { describeTarget, targetOf } from './connection.js';
export { PostgresStore } from './store.js';
export { WAKE_CHANNEL, type StoreLogger } from './wake-channel.js';

export interface OpenPostgresStoreOptions extends Partial<PoolSettings> {
  /** `postgres://user:password@host:port/database?…`, as libpq reads it. */
  readonly connectionString: string;
  readonly logger?: StoreLogger;
  /** How often a dispatcher looks for due work when no notification came. */
  readonly pollIntervalMs?: number;
}

const DEFAULTS: PoolSettings = { poolSize: 10, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 };

const SILENT: StoreLogger = { warn: () => undefined, error: () => undefined };

/**
 * Connect to the database, bring its schema up to date (safe when several processes start at once) and
 * return the store. Rejects with one line naming host, port and the server's message when the server
 * cannot be reached or refuses, and with `SchemaTooNewError` when a newer hookline wrote the schema.
 */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<PostgresStore> {
  const settings: PoolSettings = {
    poolSize: options.poolSize ?? DEFAULTS.poolSize,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
  };
  const logger = options.logger ?? SILENT;
  const target = targetOf(options.connectionString);
  const config = clientConfig(options.connectionString, settings);
  const pool = new pg.Pool({ ...config, max: settings.poolSize });
  // An idle pooled connection the server drops (a restart, a failover) is reported here; without a
  // handler it would crash the process. The pool replaces it on the next query.
  // The error carries the whole client; its message and code say what happened.
  pool.on('error', (error) =>
    logger.error({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, 'a pooled PostgreSQL connection failed; it will be replaced'),
  );
  let client: pg.PoolClient;
  // Checked out, a connection's errors are its caller's (see inTransaction); migrate's query rejects too.
  const ignore = (): void => undefined;
  try {
    client = await pool.connect();
    client.on('error', ignore);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectError(target, error);
  }
  try {
    await migrate(client, describeTarget(target));
  } catch (error) {
    client.off('error', ignore);
    client.release();
    await pool.end().catch(() => undefined);
    throw error;
  }
  client.off('error', ignore);
  client.release();
  const wakes = new WakeChannel({ pool, clientConfig: config, logger, pollIntervalMs: options.pollIntervalMs ?? 1000 });
  return new PostgresStore(pool, wakes, settings.poolSize);
}
