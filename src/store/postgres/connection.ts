import pg from 'pg';

/** Where the store connects, without the password: for errors and logs. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

export interface PoolSettings {
  /** Connections the pool opens at most. */
  readonly poolSize: number;
  /** Longest a statement may run before the server cancels it (0: no limit). */
  readonly statementTimeoutMs: number;
  /** Longest to wait for a connection to open. */
  readonly connectTimeoutMs: number;
}

const INT8_OID = 20;

/**
 * `pg` reads int8 (bigint, and count(*)) as text because it can exceed 2^53. This store's int8 values
 * are milliseconds since 1970, seqs and counts, all far below it, so they are read as numbers. Set per
 * connection rather than on `pg.types`, which would change every other user of `pg` in the process.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The connection settings every client of the store uses: the pool's and the listener's. */
export function clientConfig(connectionString: string, settings: PoolSettings): pg.ClientConfig {
  return {
    connectionString,
    types: TYPES,
    application_name: 'hookline',
    connectionTimeoutMillis: settings.connectTimeoutMs,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
  };
}

/** Host, port, database and user a connection string resolves to (with libpq's defaults filled in). */
export function targetOf(connectionString: string): PostgresTarget {
  // A client that is never connected parses the string exactly as the pool will.
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString });
  } catch (error) {
    throw new Error(`not a PostgreSQL connection string libpq would accept (${(error as Error).message}); expected postgres://user:password@host:5432/database`, {
      cause: error,
    });
  }
  return { host: client.host, port: client.port, database: client.database ?? client.user ?? '', user: client.user ?? '' };
}

/** The database a connection string names, as a URL without the password, for banners and errors. */
export function describeTarget(target: PostgresTarget): string {
  return `postgres://${target.user ? `${target.user}@` : ''}${target.host}:${target.port}/${target.database}`;
}

/**
 * One line that says which server could not be reached and what it (or the network) said: the
 * message a wrong or unreachable `--store` gives at start.
 */
export function connectError(target: PostgresTarget, cause: unknown): Error {
  const detail = cause instanceof Error ? cause.message || (cause as NodeJS.ErrnoException).code || cause.name : String(cause);
  return new Error(`cannot connect to PostgreSQL at ${target.host}:${target.port} (database "${target.database}", user "${target.user}"): ${detail}`, {
    cause,
  });
}

/** Run `work` in one transaction on one pooled connection; rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for the errors of idle connections only: a checked-out one whose server goes
  // away (a restart) would otherwise crash the process. The query under way rejects as well, so the
  // error only marks the connection as not to be reused.
  const lost = (error: Error): void => void (broken = error);
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is dropped from the pool rather than reused.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
    throw error;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
