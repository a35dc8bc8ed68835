import type { Store } from '../ports.js';
import { SqliteDatabase } from './database.js';
import { SqliteStore } from './store.js';

export { SqliteDatabase, type SqliteDatabaseOptions, type SqliteSettings } from './database.js';
export { MIGRATIONS, SchemaTooNewError, type Migration } from './migrations.js';
export { SqliteStore } from './store.js';

/**
 * Open (creating and migrating if need be) the embedded store at `path`, or a throwaway one for
 * `:memory:`. Rejects with `SchemaTooNewError` if a newer hookline wrote the database.
 */
export async function openSqliteStore(opts: { path: string; busyTimeoutMs?: number }): Promise<Store> {
  return new SqliteStore(new SqliteDatabase(opts));
}
