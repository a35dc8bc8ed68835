import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Delivery } from '../../src/domain/delivery.js';
import { spawnServe, type ServeProcess } from '../support/cli-process.js';
import { Receiver } from '../support/receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(args: string[]): Promise<ServeProcess> {
  const server = await spawnServe(args);
  cleanups.push(() => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  });
  return server;
}

async function enqueueMany(url: string, target: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const worker = async (): Promise<void> => {
    while (ids.length < count) {
      const n = ids.length;
      ids.push('');
      const response = await request(`${url}/hookline/v1/callbacks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: target, method: 'POST', params: { Seq: String(n) }, dialect: 'standard' }),
      });
      const body = (await response.body.json()) as { id: string };
      expect(response.statusCode).toBe(202);
      ids[n] = body.id;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return ids;
}

describe('crash safety', () => {
  it('delivers every one of 1,000 callbacks at least once across a SIGKILL and a restart', async () => {
    const dataDir = tempDir();
    // Before the crash the receiver answers 100 requests and then holds every other one open, so the
    // kill always lands with callbacks both in flight and still pending, however fast the machine is.
    let crashed = false;
    const sink = await new Receiver((_request, index) => (crashed || index < 100 ? { status: 200 } : { status: 200, delayMs: 60_000 })).start();
    cleanups.push(() => sink.stop());

    const first = await serve(['--data', dataDir, '--concurrency', '64']);
    const ids = await enqueueMany(first.url, sink.url('/hook'), 1000);
    await sink.waitFor(150, 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    crashed = true;
    // The kill landed with work left. Not bounded by 100 + 64: on a loaded machine a held request can
    // reach its read timeout before the kill, freeing its slot for another callback.
    const seenBeforeCrash = new Set(sink.requests.map((r) => r.headers['x-hookline-delivery-id'])).size;
    expect(seenBeforeCrash).toBeGreaterThanOrEqual(150);
    expect(seenBeforeCrash).toBeLessThan(1000);

    await serve(['--data', dataDir, '--concurrency', '64']);
    const distinct = (): number => new Set(sink.requests.map((r) => r.headers['x-hookline-delivery-id'])).size;
    const deadline = Date.now() + 30_000;
    while (distinct() < 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    const received = new Set(sink.requests.map((r) => r.headers['x-hookline-delivery-id']));
    expect(received.size).toBe(1000);
    for (const id of ids) expect(received.has(id)).toBe(true);
  }, 90_000);

  it('drains in-flight attempts on SIGTERM and leaves none half-recorded', async () => {
    const dataDir = tempDir();
    const sink = await new Receiver(() => ({ status: 200, delayMs: 300 })).start();
    cleanups.push(() => sink.stop());

    const server = await serve(['--data', dataDir, '--concurrency', '100']);
    await enqueueMany(server.url, sink.url('/hook'), 300);
    await sink.waitFor(50, 20_000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const store = await openSqliteStore({ path: join(dataDir, 'hookline.db') });
    try {
      const deliveries: Delivery[] = [];
      let after: string | undefined;
      do {
        const page = await store.deliveries.list({}, { after, limit: 500 });
        deliveries.push(...page.items);
        after = page.nextCursor ?? undefined;
      } while (after);
      expect(deliveries).toHaveLength(300);
      expect(deliveries.filter((d) => d.status === 'in-flight')).toEqual([]);

      let recorded = 0;
      for (const delivery of deliveries) {
        const attempts = await store.deliveries.attempts(delivery.id);
        expect(attempts).toHaveLength(delivery.attemptCount);
        recorded += attempts.length;
      }
      // Every request the receiver saw was recorded as an attempt, and nothing else was.
      expect(recorded).toBe(sink.requests.length);
      expect(recorded).toBeGreaterThanOrEqual(50);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('ends a call that was live at a SIGKILL with 5010 after the restart, and still delivers its hangup_url', async () => {
    const dataDir = tempDir();
    const authId = 'MAHOOKLINECRASHCALL1';
    const token = 'crashcalltokencrashcalltokencrashcall001';
    const app = await new Receiver((request) =>
      request.url.startsWith('/answer') ? { status: 200, headers: { 'content-type': 'application/xml' }, body: '<Response><Wait length="3600"/></Response>' } : { status: 200 },
    ).start();
    cleanups.push(() => app.stop());

    // Ten times real time: the call is answered 0.3 s after the request.
    const args = ['--data', dataDir, '--account', `${authId}:${token}`, '--time-scale', '10'];
    const first = await serve(args);
    const response = await request(`${first.url}/v1/Account/${authId}/Call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${authId}:${token}`).toString('base64')}` },
      body: JSON.stringify({ from: '14155550100', to: '14155550199', answer_url: app.url('/answer'), hangup_url: app.url('/hangup') }),
    });
    const { request_uuid: callUuid } = (await response.body.json()) as { request_uuid: string };
    await app.waitFor(1, 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(app.requests.filter((r) => r.url.startsWith('/hangup'))).toEqual([]);

    await serve(args);
    await app.waitFor(2, 20_000);
    const hangup = app.requests.find((r) => r.url.startsWith('/hangup'));
    expect(hangup?.params).toMatchObject({ CallUUID: callUuid, HangupCauseCode: '5010', HangupCauseName: 'Internal Error', CallStatus: 'completed' });
  }, 60_000);
});
