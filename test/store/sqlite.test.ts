import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SchemaTooNewError, SqliteDatabase, openSqliteStore } from '../../src/store/sqlite/index.js';
import { migrate, schemaVersion, type Migration } from '../../src/store/sqlite/migrations.js';
import * as sql from '../../src/store/sqlite/queries.js';
import { describeStoreContract } from './contract.js';
import { newDelivery, tempDir, useCleanups } from './fixtures.js';

// The worker-thread mode runs the same suite from the build: see sqlite-worker.test.ts.
describeStoreContract('SQLite file, inline', async () => {
  const dir = tempDir();
  const path = join(dir, 'hookline.db');
  const store = await openSqliteStore({ path, mode: 'inline' });
  return {
    store,
    reopen: () => openSqliteStore({ path, mode: 'inline' }),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract(
  'SQLite :memory:',
  async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    return { store, cleanup: () => store.close() };
  },
  { persistent: false },
);

describe('SQLite store', () => {
  const { cleanups, dbPath } = useCleanups();

  function rawConnection(path: string): Database.Database {
    const raw = new Database(path);
    cleanups.push(() => raw.close());
    return raw;
  }

  describe('connection', () => {
    it('runs a file database in WAL mode with synchronous NORMAL, a busy timeout and statement journals in memory', () => {
      const path = dbPath();
      const db = new SqliteDatabase({ path });
      cleanups.push(() => db.close());

      expect(db.settings()).toMatchObject({ journalMode: 'wal', synchronous: 1, busyTimeoutMs: 5000, tempStore: 2 });
      // WAL is a property of the file: another connection sees it too.
      expect(rawConnection(path).pragma('journal_mode', { simple: true })).toBe('wal');
    });

    it('runs inline when started from the TypeScript sources, where no compiled worker script exists', async () => {
      const store = await openSqliteStore({ path: dbPath() });
      cleanups.push(() => store.close());
      expect(store.mode).toBe('inline');
    });

    it('refuses worker mode from the TypeScript sources with the reason and what to do', async () => {
      await expect(openSqliteStore({ path: dbPath(), mode: 'worker' })).rejects.toThrow(
        /cannot run the SQLite store in a worker: .*worker\.js does not exist\. Node cannot start a TypeScript file as a worker; run the compiled code/,
      );
    });

  });

  describe('migrations', () => {
    it('records each migration once, however often the file is opened', async () => {
      const path = dbPath();
      await (await openSqliteStore({ path })).close();
      await (await openSqliteStore({ path })).close();

      const rows = rawConnection(path).prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    });

    it('refuses to open a database whose schema is newer than this code, naming both versions', async () => {
      const path = dbPath();
      await (await openSqliteStore({ path })).close();
      const raw = new Database(path);
      raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(MIGRATIONS.length + 1, 'from the future', 0);
      raw.close();

      const opening = openSqliteStore({ path });

      await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
      await expect(opening).rejects.toThrow(`schema version ${MIGRATIONS.length + 1}, but this hookline only knows versions up to ${MIGRATIONS.length}`);
    });

    it('moves each delivery’s policy into the policies table when migrating a version-1 database', async () => {
      const path = dbPath();
      const v1 = rawConnection(path);
      migrate(v1, path, MIGRATIONS.slice(0, 1));
      const insert = v1.prepare(`
        INSERT INTO deliveries (id, account_id, dialect, kind, url, method, params, policy, warnings, status, due_at, created_at, updated_at)
        VALUES (?, 'MA1', 'standard', 'notification', 'https://app.example/hook', 'POST', '{}', ?, '[]', 'pending', 0, 0, 0)`);
      const standard = newDelivery().policy;
      const patient = { ...standard, retryDelaysMs: [1000, 2000] };
      insert.run('d1', JSON.stringify(standard));
      insert.run('d2', JSON.stringify(patient));
      insert.run('d3', JSON.stringify(standard));
      v1.close();

      const store = await openSqliteStore({ path, mode: 'inline' });
      cleanups.push(() => store.close());

      expect((await store.deliveries.get('d1'))?.policy).toEqual(standard);
      expect((await store.deliveries.get('d2'))?.policy).toEqual(patient);
      expect((await store.deliveries.get('d3'))?.policy).toEqual(standard);
      expect(rawConnection(path).prepare('SELECT count(*) FROM policies').pluck().get()).toBe(2);
    });

    it('gives each account stored before LaML identities a project id and signing key, once', async () => {
      const path = dbPath();
      const v4 = rawConnection(path);
      migrate(v4, path, MIGRATIONS.slice(0, 4));
      const insert = v4.prepare(`INSERT INTO accounts (id, auth_token, parent_id, name, created_at) VALUES (?, 'token', NULL, 'old', 0)`);
      insert.run('MAOLDOLDOLDOLDOLDOLD');
      insert.run('b3877c40-da60-4998-90ad-b792e98472af');
      v4.close();

      const first = await openSqliteStore({ path, mode: 'inline' });
      const plivo = await first.accounts.get('MAOLDOLDOLDOLDOLDOLD');
      const project = await first.accounts.get('b3877c40-da60-4998-90ad-b792e98472af');
      await first.close();
      const again = await openSqliteStore({ path, mode: 'inline' });
      cleanups.push(() => again.close());

      expect(plivo?.lamlProjectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(plivo?.signingKey).toMatch(/^PSK_[0-9A-F]{24}$/);
      expect(project).toMatchObject({ lamlProjectId: 'b3877c40-da60-4998-90ad-b792e98472af', signingKey: expect.stringMatching(/^PSK_/) });
      expect(project?.signingKey).not.toBe(plivo?.signingKey);
      expect(await again.accounts.list()).toEqual(expect.arrayContaining([plivo, project]));
    });

    it('applies only the migrations a database lacks', () => {
      const raw = new Database(':memory:');
      cleanups.push(() => raw.close());
      const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' };
      const two: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER)' };

      expect(migrate(raw, ':memory:', [one])).toEqual({ from: 0, to: 1 });
      expect(migrate(raw, ':memory:', [one, two])).toEqual({ from: 1, to: 2 });
      expect(migrate(raw, ':memory:', [one, two])).toEqual({ from: 2, to: 2 });
      expect(schemaVersion(raw)).toBe(2);
    });

    it('leaves the database as it was when a migration fails', () => {
      const raw = new Database(':memory:');
      cleanups.push(() => raw.close());
      const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE good (x INTEGER)' };
      const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE oops (' };

      expect(() => migrate(raw, ':memory:', [good, bad])).toThrow(/migration 2 \(bad\) failed/);

      const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
      expect(tables).toEqual([]);
    });

    it('refuses migrations that are not numbered 1, 2, 3… in order', () => {
      const raw = new Database(':memory:');
      cleanups.push(() => raw.close());
      expect(() => migrate(raw, ':memory:', [{ version: 2, name: 'skipped one', sql: '' }])).toThrow(/numbered 2 but sits at position 1/);
    });
  });

  describe('query plans', () => {
    function plan(source: string): string {
      const raw = new Database(':memory:');
      cleanups.push(() => raw.close());
      migrate(raw, ':memory:');
      const names = new Set((source.match(/@\w+/g) ?? []).map((name) => name.slice(1)));
      const params = Object.fromEntries([...names].map((name) => [name, 1]));
      const rows = raw.prepare(`EXPLAIN QUERY PLAN ${source}`).all(params) as Array<{ detail: string }>;
      return rows.map((row) => row.detail).join('\n');
    }

    it('claims through the (status, due_at) index alone, never scanning or sorting the deliveries due later', () => {
      const claim = plan(sql.DUE_IN_ORDER);
      expect(claim).toContain('USING COVERING INDEX deliveries_by_status_due (status=? AND due_at<?)');
      expect(claim).not.toMatch(/SCAN|TEMP B-TREE/);
      expect(plan(sql.DELIVERIES_BY_SEQ)).toMatch(/SEARCH deliveries USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    });

    it('finds the next due time, past claimed rows too, on the same index', () => {
      expect(plan(sql.NEXT_DUE_AT)).toContain('deliveries_by_status_due (status=?)');
      const pending = plan(sql.PENDING_IN_DUE_ORDER);
      expect(pending).toContain('USING COVERING INDEX deliveries_by_status_due (status=? AND due_at>?)');
      expect(pending).not.toMatch(/TEMP B-TREE/);
      expect(plan(sql.RELEASE_ROW_LEASES)).toContain('deliveries_by_status_due (status=?)');
    });

    it('finds prunable deliveries by age among finished ones only', () => {
      expect(plan(sql.SELECT_PRUNABLE_DELIVERIES)).toContain('deliveries_finished_by_age (updated_at<?)');
    });

    it('lists newest first without sorting, whatever the filter', () => {
      for (const shape of <sql.DeliveryListShape[]>[
        { accountId: true, status: 'plain', url: false, resource: false, after: true },
        { accountId: false, status: 'plain', url: true, resource: false, after: true },
        { accountId: false, status: 'claimed', url: false, resource: false, after: false },
        { accountId: true, status: 'unclaimed', url: false, resource: false, after: true },
        { accountId: false, status: false, url: false, resource: true, after: false },
      ]) {
        expect(plan(sql.listDeliveries(shape))).not.toMatch(/TEMP B-TREE|SCAN deliveries\b(?! USING)/);
      }
    });

    it('claims the due few among 200,000 deliveries due later', () => {
      const path = dbPath();
      const db = new SqliteDatabase({ path });
      cleanups.push(() => db.close());
      const due = [newDelivery({ dueAt: 10 }), newDelivery({ dueAt: 20 })];
      db.commit({ deliveries: due });
      // Filled behind the store's back: 200,000 rows through commit() would make this test slow.
      rawConnection(path).exec(`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
        INSERT INTO deliveries (id, account_id, dialect, kind, url, method, params, policy_id, warnings, status, due_at, created_at, updated_at)
        SELECT 'later-' || i, 'MA1', 'standard', 'notification', 'https://app.example/hook', 'POST', '{}', (SELECT min(id) FROM policies), '[]', 'pending', 2000000000000 + i, 0, 0
        FROM n`);

      const claimed = db.claimDue({ now: 1_000_000, limit: 100, owner: 'a', leaseUntil: 1 });

      // That it reads only these two rows is what the query-plan test above pins; timing it here would
      // be flaky on a busy machine.
      expect(claimed.map((d) => d.id)).toEqual(due.map((d) => d.id));
    });
  });

  describe('columns', () => {
    it('stores an attempt’s body truncation flag in its own column', async () => {
      const path = dbPath();
      const store = await openSqliteStore({ path });
      cleanups.push(() => store.close());
      const delivery = newDelivery();
      await store.deliveries.recordFinished({
        delivery,
        status: 'succeeded',
        attempts: [
          {
            deliveryId: delivery.id,
            number: 1,
            startedAt: 1,
            durationMs: 1,
            request: { method: 'POST', url: delivery.url, headers: {}, body: '' },
            response: { status: 200, headers: {}, body: 'cut here', bodyTruncated: true },
            outcome: { kind: 'success', status: 200 },
            nextAttemptAt: null,
          },
        ],
      });

      const row = rawConnection(path).prepare('SELECT body_truncated, response_body FROM attempts WHERE delivery_id = ?').get(delivery.id);
      expect(row).toEqual({ body_truncated: 1, response_body: 'cut here' });
    });

    it('stores a resource’s state as its JSON, and fails only the change set whose state has none', async () => {
      const path = dbPath();
      const store = await openSqliteStore({ path });
      cleanups.push(() => store.close());
      const kept = newDelivery();
      const doomed = newDelivery();

      // Committed in one turn of the event loop, so they travel to the database together.
      const results = await Promise.allSettled([
        store.commit({ resources: [{ type: 'call', id: 'c-ok', accountId: 'MA1', state: { status: 'ringing', timeline: [{ at: 5, type: 'status' }] }, updatedAt: 5 }], deliveries: [kept] }),
        store.commit({ resources: [{ type: 'call', id: 'c-bad', accountId: 'MA1', state: { size: 10n }, updatedAt: 5 }], deliveries: [doomed] }),
      ]);

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/could not commit change set \(deliveries [^)]+\).*BigInt/);
      const row = rawConnection(path).prepare('SELECT state, updated_at FROM resources WHERE id = ?').get('c-ok');
      expect(row).toEqual({ state: '{"status":"ringing","timeline":[{"at":5,"type":"status"}]}', updated_at: 5 });
      expect(await store.getResource('call', 'c-bad')).toBeNull();
      expect(await store.deliveries.get(doomed.id)).toBeNull();
      expect((await store.deliveries.get(kept.id))?.status).toBe('pending');
    });
  });

  describe('group commit', () => {
    it('writes the document fetches recorded in one turn with that turn’s change sets, each standing or falling alone', async () => {
      const path = dbPath();
      const store = await openSqliteStore({ path });
      cleanups.push(() => store.close());
      const fetched = newDelivery({ kind: 'document' });
      await store.deliveries.recordFinished({ delivery: fetched, status: 'succeeded', attempts: [] });
      const committed = newDelivery();
      const document = newDelivery({ kind: 'document' });

      const results = await Promise.allSettled([
        store.commit({ resources: [{ type: 'call', id: 'c1', accountId: 'MA1', state: { status: 'in-progress' }, updatedAt: 5 }], deliveries: [committed] }),
        // The same id again: refused by the database, and only this write with it.
        store.deliveries.recordFinished({ delivery: { ...fetched }, status: 'failed', attempts: [] }),
        store.deliveries.recordFinished({ delivery: document, status: 'failed', attempts: [] }),
      ]);

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toContain(`could not record finished delivery ${fetched.id}`);
      expect((await store.deliveries.get(fetched.id))?.status).toBe('succeeded');
      expect((await store.deliveries.get(document.id))?.status).toBe('failed');
      expect((await store.deliveries.get(committed.id))?.status).toBe('pending');
      expect(await store.getResource('call', 'c1')).toMatchObject({ state: { status: 'in-progress' } });
    });

    it('keeps the hand-off of a change set whose group was written again because another write failed', async () => {
      const store = await openSqliteStore({ path: dbPath() });
      cleanups.push(() => store.close());
      const fetched = newDelivery({ kind: 'document' });
      await store.deliveries.recordFinished({ delivery: fetched, status: 'succeeded', attempts: [] });
      const [handed, left] = [newDelivery({ dueAt: 0 }), newDelivery({ dueAt: 0 })];

      const results = await Promise.allSettled([
        store.commit({ deliveries: [handed, left], lease: { owner: 'owner-a', leaseUntil: Date.now() + 60_000, count: 1 } }),
        store.deliveries.recordFinished({ delivery: { ...fetched }, status: 'failed', attempts: [] }),
      ]);

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect((await store.deliveries.get(handed.id))?.status).toBe('in-flight');
      // Held once, by its owner: another dispatcher's claim finds only the one left pending.
      const claimed = await store.deliveries.claimDue({ now: 1, limit: 10, owner: 'owner-b', leaseUntil: Date.now() + 60_000 });
      expect(claimed.map((d) => d.id)).toEqual([left.id]);
      expect(await store.deliveries.reclaimExpiredLeases(Date.now() + 120_000, 2)).toBe(2);
    });
  });

  describe('group size', () => {
    it('stores every change set of a turn larger than one group, in the order they were made', async () => {
      const store = await openSqliteStore({ path: dbPath() });
      cleanups.push(() => store.close());
      const deliveries = Array.from({ length: 600 }, () => newDelivery());

      const results = await Promise.all(deliveries.map((delivery) => store.commit({ deliveries: [delivery] })));

      const seqs = results.map((result) => result.deliverySeqs[0] as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(600);
      expect((await store.deliveries.get(deliveries[599]!.id))?.status).toBe('pending');
    });
  });

  describe('policies', () => {
    it('stores a policy shared by many deliveries once', async () => {
      const path = dbPath();
      const store = await openSqliteStore({ path, mode: 'inline' });
      cleanups.push(() => store.close());
      const shared = Array.from({ length: 10 }, () => newDelivery());
      const other = newDelivery({ policy: { ...newDelivery().policy, maxRedirects: 3 } });

      await store.commit({ deliveries: [...shared, other] });

      expect(rawConnection(path).prepare('SELECT count(*) FROM policies').pluck().get()).toBe(2);
      expect((await store.deliveries.get(other.id))?.policy.maxRedirects).toBe(3);
      const claimed = await store.deliveries.claimDue({ now: 0, limit: 20, owner: 'a', leaseUntil: 1 });
      expect(claimed.map((d) => d.policy)).toEqual([...shared, other].map((d) => d.policy));
    });

    it('keeps a new policy stored when the change set that brought it fails in a group commit', async () => {
      const path = dbPath();
      const store = await openSqliteStore({ path, mode: 'inline' });
      const existing = newDelivery();
      await store.commit({ deliveries: [existing] });
      const novel = { ...existing.policy, readTimeoutMs: 1234 };

      const [doomed] = await Promise.allSettled([
        store.commit({ deliveries: [newDelivery({ policy: novel }), { ...existing }] }),
        store.commit({ deliveries: [newDelivery()] }),
      ]);
      const later = newDelivery({ policy: { ...novel } });
      await store.commit({ deliveries: [later] });
      await store.close();

      expect(doomed.status).toBe('rejected');
      // Reopened, so the policy is read from the file, not from the first store's memory.
      const reopened = await openSqliteStore({ path, mode: 'inline' });
      cleanups.push(() => reopened.close());
      expect((await reopened.deliveries.get(later.id))?.policy).toEqual(novel);
    });
  });
});
