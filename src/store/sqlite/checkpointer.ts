import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

/**
 * The checkpointer thread: a second connection whose only job is to copy the WAL back into the
 * database file (`wal_checkpoint(PASSIVE)`) when the SQLite worker says it has written. A checkpoint
 * syncs the WAL and the database file, and on a shared disk one sync now and then takes hundreds of
 * milliseconds; here it stalls nothing but this thread. PASSIVE never waits for the writer and the
 * writer never waits for it: both work on the same WAL under SQLite's own locks.
 *
 * Messages from the SQLite worker (its parent): `checkpoint`, and `close` to close the connection and
 * end. Closing the last connection to the file checkpoints what is left and removes the WAL.
 */

export interface CheckpointerData {
  readonly path: string;
}

export type CheckpointerMessage = 'checkpoint' | 'close';

function serve(port: MessagePort, { path }: CheckpointerData): void {
  // Opened on the first request, once the SQLite worker has created and migrated the file.
  let db: Database.Database | null = null;
  let warned = false;
  port.on('message', (message: CheckpointerMessage) => {
    if (message === 'close') {
      db?.close();
      port.close();
      return;
    }
    try {
      db ??= openForCheckpoints(path);
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // The writer's own autocheckpoint still bounds the WAL; say so once rather than on every write.
      if (!warned) process.emitWarning(`SQLite checkpoint of ${path} failed; the writer will checkpoint instead: ${(error as Error).message}`);
      warned = true;
    }
  });
}

/**
 * A checkpoint copies pages from the WAL into the file and needs no cache to speak of: without this
 * the connection's cache would grow to better-sqlite3's default of 16 MB of pages it never reads again.
 */
function openForCheckpoints(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('cache_size = -1024');
  return db;
}

if (!parentPort) throw new Error('checkpointer.js runs as a thread of the SQLite worker; open the store with openSqliteStore()');
serve(parentPort, workerData as CheckpointerData);
