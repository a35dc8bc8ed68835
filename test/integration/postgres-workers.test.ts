/**
 * Scale-out on PostgreSQL: API nodes (`hookline serve --no-dispatch`) and `hookline worker` processes
 * on one database. Callbacks enqueued through any API node are sent by the workers, and SIGKILLing a
 * worker mid-run loses nothing: its leased deliveries come back when the lease expires and another
 * worker sends them. A receiver sees a callback twice only if the dead worker had it in flight.
 */
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { spawnHookline, type ServeProcess, killAll } from '../support/cli-process.js';
import { Receiver } from '../support/receiver.js';
import { createTestDatabase, onDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL worker tests');

const ACCOUNT = 'MAPGWORKERS';
const CALLBACKS = 20_000;
const CONCURRENCY = 32;
/** Long enough that no live worker's lease runs out on a loaded machine; short enough to wait for. */
const LEASE_MS = 8000;
/** Enqueue requests in flight at once, across both API nodes. */
const ENQUEUERS = 32;

describe.skipIf(!available)('hookline worker on a shared PostgreSQL store', () => {
  const processes: ServeProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let database: TestDatabase | null = null;
  afterEach(async () => {
    await killAll(processes);
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

  async function apiNode(url: string): Promise<ServeProcess> {
    const args = ['--store', url, '--account', `${ACCOUNT}:worker-token`, '--no-dispatch', '--log-level', 'warn'];
    const started = await spawnHookline('serve', args);
    processes.push(started);
    return started;
  }

  it(`delivers every one of ${CALLBACKS} callbacks enqueued on two API nodes when one of three workers is killed mid-run`, async () => {
    database = await createTestDatabase();
    const store: PostgresStore = await openPostgresStore({ connectionString: database.url });
    cleanups.push(() => store.close());
    // A short wait per request, so the kill lands with callbacks in flight however fast the machine is.
    const receiver = await new Receiver(() => ({ status: 200, delayMs: 20 })).start();
    cleanups.push(() => receiver.stop());
    const [workers, apis] = await Promise.all([
      Promise.all([worker(database.url), worker(database.url), worker(database.url)]),
      Promise.all([apiNode(database.url), apiNode(database.url)]),
    ]);

    const enqueued = enqueueThrough(apis, CALLBACKS, receiver.url('/hook'));
    // Generous: on a loaded 2-core machine five processes and the database share the cores.
    await receiver.waitFor(CALLBACKS / 5, 240_000);
    const victim = workers[0] as ServeProcess;
    victim.child.kill('SIGKILL');
    await victim.exited;
    // What the dead worker held, read at once: its leases cannot have expired yet, and a transaction it
    // left open is rolled back, so this is exactly the set its last turn had claimed and not recorded.
    const orphaned = new Set(
      await onDatabase(database.url, async (client) =>
        (await client.query<{ id: string }>(`SELECT id FROM deliveries WHERE status = 'in-flight' AND lease_owner LIKE $1`, [`hookline-${victim.child.pid}-%`])).rows.map(
          (row) => row.id,
        ),
      ),
    );
    const ids = await enqueued;
    expect(new Set(ids).size).toBe(CALLBACKS);

    const received = new Map<string, number>();
    let counted = 0;
    const tally = (): number => {
      for (; counted < receiver.requests.length; counted++) {
        const id = receiver.requests[counted]?.headers['x-hookline-delivery-id'] ?? '';
        received.set(id, (received.get(id) ?? 0) + 1);
      }
      return received.size;
    };
    await expect.poll(tally, { timeout: 360_000, interval: 200 }).toBe(CALLBACKS);
    for (const id of ids) expect(received.has(id)).toBe(true);
    // The dead worker may have sent all it held before it died, so every id can arrive before its leases
    // run out: the store is done only once the others have reclaimed, resent and recorded them.
    await expect
      .poll(() => store.deliveries.countByStatus(), { timeout: 60_000 + 2 * LEASE_MS, interval: 200 })
      .toEqual({ pending: 0, 'in-flight': 0, succeeded: CALLBACKS, failed: 0 });
    const reclaimedSoFar = (): number =>
      workers.slice(1).reduce((sum, w) => sum + [...w.output().matchAll(/"reclaimed":(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), 0);
    // Only the dead worker's leases ran out, and the others took every one of them back (the log line
    // may reach this process a moment after the store shows the resent attempts).
    await expect.poll(reclaimedSoFar, { timeout: 10_000 }).toBe(orphaned.size);
    tally();

    const duplicates = [...received].filter(([, count]) => count > 1).map(([id]) => id);
    const reclaimed = reclaimedSoFar();
    console.info(`${CALLBACKS} callbacks, 2 API nodes, 3 workers, one SIGKILLed holding ${orphaned.size}: ${reclaimed} reclaimed, ${duplicates.length} delivered twice`);
    // Every duplicate is a delivery the dead worker held: it sent it and did not live to record it. It
    // held at most a turn's claim: its concurrency, the attempts on the wire plus those finished and
    // waiting for its next turn, as a slot frees when its attempt ends.
    for (const id of duplicates) expect(orphaned.has(id), `${id} was delivered twice but the killed worker did not hold it`).toBe(true);
    expect(orphaned.size).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(duplicates.every((id) => received.get(id) === 2)).toBe(true);
    expect(reclaimed).toBe(orphaned.size);
  }, 720_000);

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

/** POST /hookline/v1/callbacks `count` times, spread over the API nodes; answers the delivery ids. */
async function enqueueThrough(apis: readonly ServeProcess[], count: number, url: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let n = next++; n < count; n = next++) {
      const api = apis[n % apis.length] as ServeProcess;
      const response = await request(`${api.url}/hookline/v1/callbacks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url, dialect: 'standard', accountId: ACCOUNT, params: { N: String(n) } }),
      });
      const answer = (await response.body.json()) as { id: string };
      if (response.statusCode !== 202) throw new Error(`enqueue ${n} answered ${response.statusCode}: ${JSON.stringify(answer)}`);
      ids.push(answer.id);
    }
  };
  await Promise.all(Array.from({ length: ENQUEUERS }, lane));
  return ids;
}
