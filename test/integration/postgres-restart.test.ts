/**
 * PostgreSQL restarted under a running cluster: workers and an API node on a server of the test's
 * own (restarting the shared one would break the test files beside this one). Delivery pauses while
 * the server is down and resumes when it is back, losing nothing; no process crashes, and the workers
 * back off rather than spin.
 */
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { newDeliveryId } from '../../src/domain/ids.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { spawnHookline, type ServeProcess, killAll } from '../support/cli-process.js';
import { PrivatePostgres } from '../support/private-postgres.js';
import { Receiver } from '../support/receiver.js';
import { newDelivery } from '../store/fixtures.js';
import { onDatabase } from '../store/postgres-server.js';

const ACCOUNT = 'MAPGRESTART';
const BEFORE = 2000;
const DURING = 20;
const AFTER = 1000;

const binaries = PrivatePostgres.binaries();
if ('missing' in binaries) {
  if (process.env.CI === 'true') throw new Error(`the PostgreSQL restart test needs the PostgreSQL server binaries: ${binaries.missing}`);
  console.warn(`skipping the PostgreSQL restart test: ${binaries.missing}`);
}

describe.skipIf('missing' in binaries)('a PostgreSQL restart under running workers and API nodes', () => {
  const processes: ServeProcess[] = [];
  let server: PrivatePostgres | null = null;
  let receiver: Receiver | null = null;
  afterEach(async () => {
    await killAll(processes);
    await receiver?.stop();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  async function spawn(role: 'serve' | 'worker', extra: string[]): Promise<ServeProcess> {
    const args = ['--store', (server as PrivatePostgres).url, '--account', `${ACCOUNT}:restart-token`, '--log-level', 'warn', ...extra];
    const started = await spawnHookline(role, args);
    processes.push(started);
    return started;
  }

  it('pauses delivery while the server is down and resumes it without losing a callback', async () => {
    server = await PrivatePostgres.start((binaries as { bin: string }).bin);
    receiver = await new Receiver(() => ({ status: 200, delayMs: 20 })).start();
    const hook = receiver.url('/hook');
    const workerArgs = ['--concurrency', '16', '--delivery-lease', '8000'];
    const [first, second, api] = await Promise.all([spawn('worker', workerArgs), spawn('worker', workerArgs), spawn('serve', ['--no-dispatch'])]);
    const workers = [first, second];

    const store = await openPostgresStore({ connectionString: server.url });
    const now = Date.now();
    const before = Array.from({ length: BEFORE }, (_, n) =>
      newDelivery({ id: newDeliveryId(now), accountId: ACCOUNT, url: hook, params: { N: String(n) }, dueAt: now, createdAt: now }),
    );
    await store.commit({ deliveries: before });
    await store.close();

    await receiver.waitFor(BEFORE / 4, 60_000);
    await server.stop();
    const outageStart = receiver.requests.length;


    // Cut off, every process stays up and says so: the workers' health fails, the API refuses to queue.
    for (const worker of workers) await expect.poll(async () => (await request(`${worker.url}/health`)).statusCode, { timeout: 20_000 }).toBe(503);
    const refused = await enqueue(api, hook, 'refused');
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Long enough for several turns to fail, so the log shows how the workers wait between them.
    await expect.poll(() => workers.every((w) => storeFailures(w).length >= 3), { timeout: 30_000, interval: 250 }).toBe(true);
    // Delivery paused: only attempts already on the wire when the server went can have arrived since.
    const paused = receiver.requests.length;
    expect(paused - outageStart).toBeLessThanOrEqual(workers.length * 16);
    for (const child of [...workers, api]) expect(child.child.exitCode, child.output()).toBeNull();

    await server.startServer();
    const queued: string[] = [];
    for (let n = 0; n < DURING; n++) {
      // The API node's pool finds the server again on its own; the first requests may still fail.
      await expect.poll(async () => (await enqueue(api, hook, `after-${n}`)).statusCode, { timeout: 30_000 }).toBe(202);
    }
    const afterRestart = Array.from({ length: AFTER }, (_, n) => `late-${n}`);
    for (const n of afterRestart) {
      const response = await enqueue(api, hook, n);
      expect(response.statusCode).toBe(202);
      queued.push(n);
    }

    await expect.poll(() => distinctParams(receiver as Receiver).size, { timeout: 120_000, interval: 250 }).toBeGreaterThanOrEqual(BEFORE + DURING + AFTER);
    const seen = distinctParams(receiver);
    for (let n = 0; n < BEFORE; n++) expect(seen.has(String(n))).toBe(true);
    for (const n of queued) expect(seen.has(n)).toBe(true);
    expect(seen.has('refused')).toBe(false);
    expect(api.child.exitCode, api.output()).toBeNull();
    for (const worker of workers) {
      expect(worker.child.exitCode, worker.output()).toBeNull();
      // Each failed turn waits longer than the one before, up to the cap: backing off, not spinning.
      const waits = storeFailures(worker);
      expect(waits.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
      expect(waits.at(-1)).toBeGreaterThan(waits[0] as number);
    }
    console.info(`${paused - outageStart} callbacks arrived while the server was down, ${receiver.requests.length - paused} once it was back`);
    // The receiver sees the last requests before their attempts are recorded (it answers after 20 ms,
    // then the worker's next turn writes them): every one recorded as succeeded, once they are.
    const counts = () =>
      onDatabase((server as PrivatePostgres).url, async (client) =>
        Object.fromEntries((await client.query<{ status: string; count: string }>('SELECT status, count(*) AS count FROM deliveries GROUP BY status')).rows.map((r) => [r.status, Number(r.count)])),
      );
    await expect.poll(counts, { timeout: 30_000, interval: 250 }).toEqual({ succeeded: BEFORE + DURING + AFTER });
  }, 240_000);
});

function enqueue(api: ServeProcess, url: string, n: string): Promise<{ statusCode: number }> {
  return request(`${api.url}/hookline/v1/callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, dialect: 'standard', accountId: ACCOUNT, params: { N: n } }),
  }).then(async (response) => {
    await response.body.dump();
    return { statusCode: response.statusCode };
  });
}

/** The waits a worker logged after each turn the store refused, in order. */
function storeFailures(worker: ServeProcess): number[] {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.includes('could not record attempts or claim deliveries'))
    .map((line) => (JSON.parse(line) as { retryInMs: number }).retryInMs);
}

function distinctParams(receiver: Receiver): Set<string> {
  return new Set(receiver.requests.map((r) => r.params.N ?? ''));
}
