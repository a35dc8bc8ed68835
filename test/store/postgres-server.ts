import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL service the tests use: 127.0.0.1:5432, user `postgres`, trust auth, base database
 * `test` (HOOKLINE_TEST_POSTGRES overrides it). Each test file creates databases of its own under
 * unique names and drops them when done.
 */
export const BASE_URL = process.env.HOOKLINE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL tests can run. Without a server they are skipped with a one-line notice, so
 * `npm test` works on a machine without PostgreSQL; under CI (`CI=true`) a missing server fails the
 * run instead, so CI can never pass by skipping them.
 */
export async function postgresAvailable(suite: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${BASE_URL} (${(error as Error).message || String(error)})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it for ${suite}`);
    console.warn(`skipping ${suite}: ${reason}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A new empty database with a unique name, and how to drop it. */
export async function createTestDatabase(prefix = 'hookline_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Run statements on the test database itself, on a connection of their own. */
export async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return onDatabase(BASE_URL, work);
}
