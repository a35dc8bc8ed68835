/**
 * Scale-out on PostgreSQL: several `hookline worker` processes on one database share the outbox, and
 * SIGKILLing one mid-run loses nothing: its leased deliveries come back when the lease expires and
 * another worker sends them.
 */
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { newDeliveryId } from '../../src/domain/ids.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { spawnHookline, type ServeProcess } from '../support/cli-process.js';
import { Receiver } from '../support/receiver.js';
import { newDelivery } from '../store/fixtures.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL worker tests');

const ACCOUNT = 'MAPGWORKERS';
const CALLBACKS = 5000;
const CONCURRENCY = 32;
const LEASE_MS = 3000;

describe.skipIf(!available)('hookline worker on a shared PostgreSQL store', () => {
  const processes: ServeProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let database: TestDatabase | null = null;
  afterEach(async () => {
    for (const worker of processes.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function worker(url: string): Promise<ServeProcess> {
    const args = ['--store', url, '--account', `${ACCOUNT}:worker-token`, '--concurrency', String(CONCURRENCY), '--delivery-lease', String(LEASE_MS), '--log-level', 'warn'];
    const started = await spawnHookline('worker', args);
    processes.push(started);
    return started;
  }

  it(`delivers every one of ${CALLBACKS} callbacks at least once when one of three workers is killed mid-run`, async () => {
    database = await createTestDatabase();
    const store: PostgresStore = await openPostgresStore({ connectionString: database.url });
    cleanups.push(() => store.close());
    // A short wait per request, so the kill lands with callbacks in flight however fast the machine is.
    const receiver = await new Receiver(() => ({ status: 200, delayMs: 20 })).start();
    cleanups.push(() => receiver.stop());
    const workers = await Promise.all([worker(database.url), worker(database.url), worker(database.url)]);

    // Committed after the workers started: they learn of it by notification, not at start.
    const now = Date.now();
    const fresh = Array.from({ length: CALLBACKS }, (_, n) =>
      newDelivery({ id: newDeliveryId(now), accountId: ACCOUNT, url: receiver.url('/hook'), params: { N: String(n) }, dueAt: now, createdAt: now }),
    );
    for (let i = 0; i < fresh.length; i += 1000) await store.commit({ deliveries: fresh.slice(i, i + 1000) });

    await receiver.waitFor(CALLBACKS / 5, 30_000);
    const victim = workers[0];
    victim.child.kill('SIGKILL');
    await victim.exited;

    const distinct = (): number => new Set(receiver.requests.map((r) => r.headers['x-hookline-delivery-id'])).size;
    const deadline = Date.now() + 60_000;
    while (distinct() < CALLBACKS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

    const received = new Map<string, number>();
    for (const r of receiver.requests) {
      const id = r.headers['x-hookline-delivery-id'] ?? '';
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    expect(received.size).toBe(CALLBACKS);
    for (const d of fresh) expect(received.has(d.id)).toBe(true);
    // A duplicate can only be a delivery the killed worker sent but did not live to record: at most
    // the attempts it had on the wire plus those waiting for its next turn.
    const duplicates = [...received.values()].filter((count) => count > 1).length;
    const reclaimed = workers.slice(1).reduce((sum, w) => sum + [...w.output().matchAll(/"reclaimed":(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), 0);
    console.info(`${CALLBACKS} callbacks, 3 workers, one SIGKILLed: ${reclaimed} of its leases reclaimed, ${duplicates} delivered twice`);
    expect(duplicates).toBeLessThanOrEqual(2 * CONCURRENCY);
    await expect.poll(() => store.deliveries.countByStatus(), { timeout: 10_000 }).toEqual({ pending: 0, 'in-flight': 0, succeeded: CALLBACKS, failed: 0 });
  }, 120_000);

  it('serves its health and Prometheus metrics', async () => {
    database ??= await createTestDatabase();
    const [running] = await Promise.all([worker(database.url)]);
    const url = (running as ServeProcess).url;

    const health = await request(`${url}/health`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: 'ok', role: 'worker' });
    const metrics = await request(`${url}/metrics`);
    const text = await metrics.body.text();
    expect(metrics.statusCode).toBe(200);
    expect(text).toMatch(/^hookline_deliveries\{status="pending"\} \d+$/m);
    expect(text).toMatch(/^hookline_oldest_due_delivery_age_seconds \d/m);
    expect(text).toMatch(/^hookline_attempts_total\{result="failure"\} 0$/m);
  });
});
