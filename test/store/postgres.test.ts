import { afterAll, describe, expect, it } from 'vitest';
import { SchemaTooNewError } from '../../src/store/migration.js';
import { MIGRATIONS, openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { migrate } from '../../src/store/postgres/migrations.js';
import { describeStoreContract } from './contract.js';
import { newDelivery } from './fixtures.js';
import { createTestDatabase, onDatabase, postgresAvailable, type TestDatabase } from './postgres-server.js';

const available = await postgresAvailable('the PostgreSQL store tests');

/** Tables the contract writes, emptied between its tests (DELETE: on tables this small it is much quicker than TRUNCATE): one database per file, not per test. */
const TABLES = ['accounts', 'resources', 'deliveries', 'attempts', 'policies', 'sinks', 'sink_requests', 'meta', 'nodes', 'owners'];

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases.splice(0)) await database.drop();
});

async function testDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

if (available) {
  let shared: TestDatabase | null = null;
  describeStoreContract('PostgreSQL', async () => {
    shared ??= await testDatabase();
    const url = shared.url;
    await onDatabase(url, async (client) => {
      const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('deliveries') IS NOT NULL AS exists`);
      if (rows[0]?.exists) await client.query(TABLES.map((table) => `DELETE FROM ${table};`).join(" "));
    });
    const store = await openPostgresStore({ connectionString: url });
    return { store, reopen: () => openPostgresStore({ connectionString: url }), cleanup: () => store.close() };
  });
}

describe.skipIf(!available)('PostgreSQL store', () => {
  const opened: PostgresStore[] = [];
  afterAll(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  async function open(url: string): Promise<PostgresStore> {
    const store = await openPostgresStore({ connectionString: url });
    opened.push(store);
    return store;
  }

  describe('migrations', () => {
    it('migrates once when several processes open a new database at the same moment', async () => {
      const { url } = await testDatabase();

      await Promise.all(Array.from({ length: 4 }, () => open(url)));

      const rows = await onDatabase(url, async (client) => (await client.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows);
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    });

    it('refuses a database whose schema is newer than this code, naming both versions and the database', async () => {
      const { url, name } = await testDatabase();
      (await open(url)).close();
      await onDatabase(url, (client) =>
        client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)', [MIGRATIONS.length + 1, 'from the future']),
      );

      const opening = openPostgresStore({ connectionString: url });

      await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(opening).rejects.toThrow(
        `the database at postgres://postgres@127.0.0.1:5432/${name} has schema version ${MIGRATIONS.length + 1}, but this hookline only knows versions up to ${MIGRATIONS.length}; upgrade hookline, or point --store at another database`,
      );
    });
  });

  describe('connecting', () => {
    it('fails with one line naming host, port and the server’s message when the database does not exist', async () => {
      await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/hookline_no_such_database' })).rejects.toThrow(
        /^cannot connect to PostgreSQL at 127\.0\.0\.1:5432 \(database "hookline_no_such_database", user "postgres"\): database "hookline_no_such_database" does not exist$/,
      );
    });

    it('fails with one line naming host and port when nothing listens there', async () => {
      await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 2000 })).rejects.toThrow(
        /^cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(database "test", user "postgres"\): connect ECONNREFUSED 127\.0\.0\.1:1$/,
      );
    });
  });

  describe('several processes on one database', () => {
    it('never hands one delivery to two dispatchers claiming at once', async () => {
      const { url } = await testDatabase();
      const stores = await Promise.all([open(url), open(url), open(url)]);
      const fresh = Array.from({ length: 300 }, (_, i) => newDelivery({ dueAt: i }));
      const [first] = stores;
      await first.commit({ deliveries: fresh });

      const claimed = await Promise.all(
        stores.flatMap((store, s) =>
          Array.from({ length: 5 }, () => store.deliveries.claimDue({ now: 1000, limit: 25, owner: `worker-${s}`, leaseUntil: Date.now() + 60_000 })),
        ),
      );

      const ids = claimed.flat().map((d) => d.id);
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
    });

    it('tells the other processes when deliveries they may claim are committed', async () => {
      const { url } = await testDatabase();
      const [api, worker] = await Promise.all([open(url), open(url)]);
      let woken = 0;
      let resolveWoken: () => void = () => undefined;
      const wokenOnce = new Promise<void>((resolve) => (resolveWoken = resolve));
      const stop = worker.onDeliveriesDue(() => {
        woken++;
        resolveWoken();
      });
      // The listener connects asynchronously and calls once when it does; wait for that before committing.
      await wokenOnce;
      const before = woken;
      const notified = new Promise<void>((resolve) => (resolveWoken = resolve));

      await api.commit({ deliveries: [newDelivery()] });
      await notified;
      stop();

      expect(woken).toBeGreaterThan(before);
    });
  });

  describe('ownership of calls and messages', () => {
    it('names the node running a call, and whether its lease still runs', async () => {
      const { url } = await testDatabase();
      const { owners } = await open(url);
      await owners.renew({ id: 'node-a', url: 'http://10.0.0.1:8080', leaseUntil: 5000 });
      await owners.own(['call-1'], 'node-a', 'call');

      expect(await owners.ownerOf('call-1', 4000)).toEqual({ nodeId: 'node-a', url: 'http://10.0.0.1:8080', alive: true });
      expect(await owners.ownerOf('call-1', 6000)).toEqual({ nodeId: 'node-a', url: 'http://10.0.0.1:8080', alive: false });
      expect(await owners.ownerOf('call-2', 4000)).toBeNull();
      await owners.disown('call-1', 'node-a');
      expect(await owners.ownerOf('call-1', 4000)).toBeNull();
    });

    it('hands the calls and messages of a node whose lease ran out to one of the nodes asking at once, and no live node’s', async () => {
      const { url } = await testDatabase();
      const stores = await Promise.all([open(url), open(url), open(url)]);
      const { owners } = stores[0] as PostgresStore;
      await owners.renew({ id: 'dead', url: 'http://dead', leaseUntil: 1000 });
      await owners.renew({ id: 'alive', url: 'http://alive', leaseUntil: 100_000 });
      const orphans = Array.from({ length: 60 }, (_, i) => `orphan-${i}`);
      await owners.own(orphans.slice(0, 30), 'dead', 'call');
      await owners.own(orphans.slice(30), 'dead', 'message');
      await owners.own(['kept'], 'alive', 'call');
      for (let i = 0; i < stores.length; i++) await owners.renew({ id: `reaper-${i}`, url: `http://reaper-${i}`, leaseUntil: 100_000 });

      const adopted = await Promise.all(stores.map((store, i) => store.owners.adoptOrphans(`reaper-${i}`, 2000, 25)));
      const again = await Promise.all(stores.map((store, i) => store.owners.adoptOrphans(`reaper-${i}`, 2000, 25)));

      const all = [...adopted.flat(), ...again.flat()];
      expect(all.map((owned) => owned.uuid).sort()).toEqual([...orphans].sort());
      expect(all.filter((owned) => owned.kind === 'message').map((owned) => owned.uuid).sort()).toEqual(orphans.slice(30).sort());
      expect((await owners.ownerOf('kept', 2000))?.nodeId).toBe('alive');
      expect(await owners.ownerOf('orphan-0', 2000)).toMatchObject({ nodeId: expect.stringMatching(/^reaper-/) });
    });

    it('gives a message no node owns to the first node claiming it, and leaves an owned one to its owner', async () => {
      const { url } = await testDatabase();
      const stores = await Promise.all([open(url), open(url)]);
      const { owners } = stores[0] as PostgresStore;
      await owners.renew({ id: 'live-node', url: 'http://live-node', leaseUntil: 100_000 });
      await owners.own(['driven'], 'live-node', 'message');
      const unowned = Array.from({ length: 40 }, (_, i) => `message-${i}`);

      const claimed = await Promise.all(stores.map((store, i) => store.owners.claim([...unowned, 'driven'], `starting-${i}`, 'message')));

      expect(claimed.flat().sort()).toEqual([...unowned].sort());
      expect((await owners.ownerOf('driven', 1000))?.nodeId).toBe('live-node');
    });

    it('keeps the calls a node owned when the schema learns to own messages', async () => {
      const { url } = await testDatabase();
      await onDatabase(url, async (client) => {
        await migrate(client, 'the test database', MIGRATIONS.slice(0, 2));
        await client.query(`INSERT INTO nodes (id, url, lease_until) VALUES ('node-a', 'http://node-a', 5000)`);
        await client.query(`INSERT INTO call_owners (call_uuid, node_id) VALUES ('call-1', 'node-a')`);
      });

      const { owners } = await open(url);

      expect(await owners.ownerOf('call-1', 4000)).toEqual({ nodeId: 'node-a', url: 'http://node-a', alive: true });
      expect(await owners.adoptOrphans('node-b', 6000, 10)).toEqual([{ uuid: 'call-1', kind: 'call' }]);
    });

    it('gives each account stored before LaML identities a project id and signing key, once', async () => {
      const { url } = await testDatabase();
      await onDatabase(url, async (client) => {
        await migrate(client, 'the test database', MIGRATIONS.slice(0, 3));
        await client.query(`INSERT INTO accounts (id, auth_token, parent_id, name, created_at) VALUES ('MAOLDOLDOLDOLDOLDOLD', 't', NULL, 'old', 0), ('b3877c40-da60-4998-90ad-b792e98472af', 't', NULL, 'old', 0)`);
      });

      const first = await open(url);
      const plivo = await first.accounts.get('MAOLDOLDOLDOLDOLDOLD');
      const project = await first.accounts.get('b3877c40-da60-4998-90ad-b792e98472af');
      const again = await open(url);

      expect(plivo?.lamlProjectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(plivo?.signingKey).toMatch(/^PSK_[0-9A-F]{24}$/);
      expect(project).toMatchObject({ lamlProjectId: 'b3877c40-da60-4998-90ad-b792e98472af', signingKey: expect.stringMatching(/^PSK_/) });
      expect(project?.signingKey).not.toBe(plivo?.signingKey);
      expect(await again.accounts.list()).toEqual(expect.arrayContaining([plivo, project]));
    });

    it('lets a node that leaves have its calls taken over at once', async () => {
      const { url } = await testDatabase();
      const { owners } = await open(url);
      await owners.renew({ id: 'leaving', url: 'http://leaving', leaseUntil: 100_000 });
      await owners.own(['call-1'], 'leaving', 'call');

      await owners.leave('leaving');

      expect(await owners.adoptOrphans('other', 2000, 10)).toEqual([{ uuid: 'call-1', kind: 'call' }]);
    });
  });
});
