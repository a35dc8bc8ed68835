import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { importBuiltStore } from './built-store.js';
import { describeStoreContract } from './contract.js';
import { newDelivery, tempDir, useCleanups } from './fixtures.js';

/**
 * The SQLite store with its database in a worker thread, as hookline runs it from `dist/`. The contract
 * suite runs here a second time, through the worker; the tests below pin what the thread boundary
 * adds: errors keep their class, opening fails as clearly as inline, and no thread outlives the store.
 */
const built = await importBuiltStore();
const BUILT_INDEX = new URL('../../dist/store/sqlite/index.js', import.meta.url).href;

describeStoreContract('SQLite file in a worker thread', async () => {
  const dir = tempDir();
  const path = join(dir, 'hookline.db');
  const store = await built.openSqliteStore({ path, mode: 'worker' });
  expect(store.mode).toBe('worker');
  return {
    store,
    reopen: () => built.openSqliteStore({ path, mode: 'worker' }),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** Thread ids of the worker threads alive in this process, from Node's diagnostic report. */
function workerThreads(): number[] {
  const report = process.report.getReport() as { workers: Array<{ header: { threadId: number } }> };
  return report.workers.map((worker) => worker.header.threadId);
}

describe('SQLite store in a worker thread', () => {
  const { cleanups, dbPath } = useCleanups();

  async function open(path = dbPath()): Promise<Awaited<ReturnType<typeof built.openSqliteStore>>> {
    const store = await built.openSqliteStore({ path });
    cleanups.push(() => store.close());
    return store;
  }

  it('runs a file database in a worker thread by default, and :memory: inline', async () => {
    expect((await open()).mode).toBe('worker');
    expect((await open(':memory:')).mode).toBe('inline');
  });

  it('rethrows a bad page cursor as an InputError with its message, field and fix', async () => {
    const store = await open();

    const error: unknown = await store.deliveries.list({}, { after: 'next-please', limit: 10 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(built.InputError);
    expect(error).toMatchObject({
      name: 'InputError',
      message: 'invalid page cursor "next-please"',
      field: 'after',
      status: 400,
      fix: expect.stringContaining('nextCursor') as unknown,
    });
  });

  it('rejects a change set that breaks a constraint with the SQLite error as its cause, and commits the others', async () => {
    const store = await open();
    const delivery = newDelivery();
    await store.commit({ deliveries: [delivery] });

    const [clash, fine] = await Promise.allSettled([store.commit({ deliveries: [{ ...delivery }] }), store.commit({ deliveries: [newDelivery()] })]);

    expect(fine.status).toBe('fulfilled');
    expect(clash.status).toBe('rejected');
    const error = (clash as PromiseRejectedResult).reason as Error;
    expect(error.message).toContain(`could not commit change set (deliveries ${delivery.id})`);
    expect(error.cause).toBeInstanceOf(Database.SqliteError);
    expect(error.cause).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  });

  it('commits calls that arrive together, each bringing a policy not stored yet, and reads each back with its own', async () => {
    const store = await open();
    const deliveries = Array.from({ length: 40 }, (_, i) => {
      const delivery = newDelivery();
      return { ...delivery, policy: { ...delivery.policy, connectTimeoutMs: 1000 + i } };
    });

    await Promise.all(deliveries.map((delivery) => store.commit({ deliveries: [delivery] })));

    for (const delivery of deliveries) expect((await store.deliveries.get(delivery.id))?.policy.connectTimeoutMs).toBe(delivery.policy.connectTimeoutMs);
  });

  it('refuses to open a database whose schema is newer with SchemaTooNewError, naming both versions', async () => {
    const path = dbPath();
    await (await built.openSqliteStore({ path })).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(built.MIGRATIONS.length + 1, 'from the future', 0);
    raw.close();
    const threadsBefore = workerThreads();

    const error: unknown = await built.openSqliteStore({ path, mode: 'worker' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(built.SchemaTooNewError);
    expect(error).toMatchObject({ path, databaseVersion: built.MIGRATIONS.length + 1, knownVersion: built.MIGRATIONS.length });
    expect((error as Error).message).toBe(new built.SchemaTooNewError(path, built.MIGRATIONS.length + 1, built.MIGRATIONS.length).message);
    expect(workerThreads()).toEqual(threadsBefore);
  });

  it('refuses to open a file in a missing directory with the same error as inline', async () => {
    const path = join(tmpdir(), `hookline-missing-${randomUUID()}`, 'hookline.db');
    const inline: unknown = await built.openSqliteStore({ path, mode: 'inline' }).catch((e: unknown) => e);

    const worker: unknown = await built.openSqliteStore({ path, mode: 'worker' }).catch((e: unknown) => e);

    expect(inline).toBeInstanceOf(TypeError);
    expect(worker).toBeInstanceOf(TypeError);
    expect((worker as Error).message).toBe((inline as Error).message);
  });

  it('leaves no worker thread running once closed, after writing what was committed before close', async () => {
    const path = dbPath();
    const threadsBefore = workerThreads();
    const store = await built.openSqliteStore({ path });
    expect(workerThreads()).toHaveLength(threadsBefore.length + 1);
    const delivery = newDelivery();
    const committing = store.commit({ deliveries: [delivery] });

    await store.close();

    expect(workerThreads()).toEqual(threadsBefore);
    await expect(committing).resolves.toMatchObject({ deliverySeqs: [1] });
    await expect(store.meta.get('anything')).rejects.toThrow('the store is closed');
    const reopened = await open(path);
    expect((await reopened.deliveries.get(delivery.id))?.status).toBe('pending');
  });

  it('copies committed writes from the WAL into the database file while the store stays open', async () => {
    const path = dbPath();
    const store = await open(path);
    const deliveries = Array.from({ length: 50 }, () => newDelivery());
    await store.commit({ deliveries });

    // What the database file alone holds (no -wal beside the copy): only what a checkpoint copied there.
    const inDatabaseFile = (): number => {
      const copy = `${path}.copy-${randomUUID()}`;
      copyFileSync(path, copy);
      const raw = new Database(copy, { readonly: true });
      try {
        return raw.prepare('SELECT count(*) FROM deliveries').pluck().get() as number;
      } catch {
        return -1;
      } finally {
        raw.close();
        rmSync(copy, { force: true });
      }
    };
    const deadline = Date.now() + 5000;
    while (inDatabaseFile() < deliveries.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(inDatabaseFile()).toBe(deliveries.length);
  });

  it('does not keep a process alive that forgets to close the store, and answers its last write first', async () => {
    const path = dbPath();
    const script = join(path, '..', 'forgetful.mjs');
    writeFileSync(
      script,
      `import { openSqliteStore } from ${JSON.stringify(BUILT_INDEX)};
       const store = await openSqliteStore({ path: ${JSON.stringify(path)} });
       await store.meta.set('last-words', 'written');
       process.stdout.write(store.mode);`,
    );

    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect({ code, output }).toEqual({ code: 0, output: 'worker' });
    const reopened = await open(path);
    expect(await reopened.meta.get('last-words')).toBe('written');
  });
});
