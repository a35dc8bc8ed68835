import { Pool } from 'undici';
import { startEngine } from './engine.js';
import { inLanes } from './pacing.js';
import type { ReceiverClient } from './receiver-client.js';
import { sharedNow } from './time.js';

const AUTH_ID = 'MABENCHPLIVO00000001';
const AUTH_TOKEN = 'benchtokenbenchtokenbenchtokenbenchtoken';
const AUTHORIZATION = `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`;

export interface PlivoMessagingResult {
  readonly messages: number;
  /** First POST to the last status callback (queued, sent, delivered for every message) at the receiver. */
  readonly endToEndMs: number;
  readonly messagesPerSecond: number;
  readonly callbacksPerSecond: number;
  /** `POST Message/` alone: requests per second answered 202, at `concurrency` in flight. */
  readonly apiRequestsPerSecond: number;
  /** `GET /hookline/v1/health` on the same server, same concurrency: the server's bare request rate. */
  readonly bareRequestsPerSecond: number;
  readonly apiRatio: number;
}

/**
 * Plivo SMS end to end: `messages` sent through `POST Message/` (one destination each, a status `url`
 * at the receiver child), then the virtual clock moved 3 s so every message goes sent and delivered;
 * timed until the receiver has all three callbacks of every message. The API's own rate is the POST
 * phase; its baseline is the health endpoint of the same server at the same concurrency.
 */
export async function plivoMessagingFigure(options: { readonly receiver: ReceiverClient; readonly messages: number; readonly concurrency: number; readonly timeoutMs: number }): Promise<PlivoMessagingResult> {
  const engine = await startEngine({ listen: true, overrides: { clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`] } });
  const pool = new Pool(engine.url as string, { connections: options.concurrency });
  try {
    const bare = await timed(options.messages, options.concurrency, () => request(pool, 'GET', '/hookline/v1/health', null, 200));
    const { reached } = await options.receiver.expect(options.messages * 3, { timeoutMs: options.timeoutMs });
    const startedAt = sharedNow();
    const body = (i: number) => JSON.stringify({ src: '14155550000', dst: `1415${String(5_000_000 + i).padStart(7, '0')}`, text: `bench message ${i}`, url: options.receiver.url });
    const api = await timed(options.messages, options.concurrency, (i) => request(pool, 'POST', `/v1/Account/${AUTH_ID}/Message/`, body(i), 202));
    await engine.app.virtualClock?.advance(3000);
    const done = await reached;
    const endToEndMs = done.at - startedAt;
    return {
      messages: options.messages,
      endToEndMs,
      messagesPerSecond: (options.messages / endToEndMs) * 1000,
      callbacksPerSecond: ((options.messages * 3) / endToEndMs) * 1000,
      apiRequestsPerSecond: (options.messages / api) * 1000,
      bareRequestsPerSecond: (options.messages / bare) * 1000,
      apiRatio: options.messages / api / (options.messages / bare),
    };
  } finally {
    await pool.close();
    await engine.stop();
  }
}

async function request(pool: Pool, method: 'GET' | 'POST', path: string, body: string | null, expected: number): Promise<void> {
  const response = await pool.request({
    method,
    path,
    headers: { authorization: AUTHORIZATION, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  await response.body.dump();
  if (response.statusCode !== expected) throw new Error(`${method} ${path} answered ${response.statusCode}, expected ${expected}`);
}

/** Run `count` requests with `concurrency` in flight; the elapsed ms. */
async function timed(count: number, concurrency: number, send: (index: number) => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  await inLanes(count, concurrency, send);
  return performance.now() - startedAt;
}
