import { InlineConnection } from './connection.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { SqliteStore, type SqliteStoreMode } from './store.js';
import { WORKER_SCRIPT, WorkerConnection, workerScriptAvailable } from './worker-connection.js';

export { SqliteDatabase, DEFAULT_WAL_AUTOCHECKPOINT_PAGES, type SqliteDatabaseOptions, type SqliteSettings } from './database.js';
export { MIGRATIONS, SchemaTooNewError, type Migration } from './migrations.js';
export { SqliteStore, type SqliteStoreMode } from './store.js';

export interface OpenSqliteStoreOptions extends SqliteDatabaseOptions {
  /**
   * `worker`: the database runs in a worker thread, so statements, commits and WAL checkpoints (with
   * their fsyncs) stay off the event loop. `inline`: it runs on the caller's thread.
   * Default: `worker` for a file; `inline` for `:memory:` (a throwaway database gains nothing from a
   * thread) and when the compiled worker script is not beside this module (TypeScript sources run
   * directly, as under vitest: Node 20 cannot start a `.ts` file as a worker).
   */
  readonly mode?: SqliteStoreMode;
}

/**
 * Open (creating and migrating if need be) the embedded store at `path`, or a throwaway one for
 * `:memory:`. Rejects with `SchemaTooNewError` if a newer hookline wrote the database.
 */
export async function openSqliteStore(opts: OpenSqliteStoreOptions): Promise<SqliteStore> {
  const { mode = defaultMode(opts.path), ...options } = opts;
  if (mode === 'inline') return new SqliteStore(new InlineConnection(new SqliteDatabase(options)), 'inline');
  if (!workerScriptAvailable()) {
    throw new Error(
      `cannot run the SQLite store in a worker: ${WORKER_SCRIPT.href} does not exist. Node cannot start a TypeScript ` +
        `file as a worker; run the compiled code (npm run build, then dist/), or open the store with mode: 'inline'`,
    );
  }
  return new SqliteStore(await WorkerConnection.open(options), 'worker');
}

function defaultMode(path: string): SqliteStoreMode {
  const throwaway = path === ':memory:' || path === '';
  return !throwaway && workerScriptAvailable() ? 'worker' : 'inline';
}
