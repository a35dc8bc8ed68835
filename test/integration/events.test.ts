import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildServer, type ServerDeps } from '../../src/api/server.js';
import type { Delivery } from '../../src/domain/delivery.js';
import { Receiver } from '../support/receiver.js';
import { startApp, type RunningApp } from '../support/app.js';

interface Frame {
  readonly event: string | null;
  readonly data: string | null;
  readonly comment: string | null;
}

/** Reads a text/event-stream response frame by frame. */
class StreamReader {
  private text = '';
  private readonly frames: Frame[] = [];
  private wake: (() => void) | null = null;
  ended = false;

  constructor(body: AsyncIterable<Buffer>) {
    void (async () => {
      try {
        for await (const chunk of body) {
          this.text += chunk.toString('utf8');
          this.split();
        }
      } catch {
        // Closed by the test or the server.
      }
      this.ended = true;
      this.wake?.();
    })();
  }

  /** Resolves with the first unread frame that matches, skipping the others. */
  async next(matches: (frame: Frame) => boolean = (f) => f.event !== null, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(matches);
      if (index !== -1) return this.frames.splice(0, index + 1)[index]!;
      this.frames.length = 0;
      if (this.ended) throw new Error('stream ended before a matching frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching frame in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private split(): void {
    let end: number;
    while ((end = this.text.indexOf('\n\n')) !== -1) {
      const block = this.text.slice(0, end);
      this.text = this.text.slice(end + 2);
      let event: string | null = null;
      let data: string | null = null;
      let comment: string | null = null;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      this.frames.push({ event, data, comment });
    }
    this.wake?.();
  }
}

let running: RunningApp | null = null;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await running?.stop();
  running = null;
});

async function openStream(base: string, query = '', headers: Record<string, string> = {}): Promise<{ status: number; type: string; reader: StreamReader }> {
  const abort = new AbortController();
  const response = await request(`${base}/hookline/v1/events${query}`, { headers, signal: abort.signal });
  cleanups.push(() => abort.abort());
  return { status: response.statusCode, type: String(response.headers['content-type']), reader: new StreamReader(response.body) };
}

function parse<T>(frame: Frame): T {
  return JSON.parse(frame.data ?? 'null') as T;
}

const callback = (overrides: Record<string, unknown> = {}) => ({
  url: 'http://127.0.0.1:9/status',
  params: { Status: 'delivered' },
  dialect: 'standard',
  ...overrides,
});

describe('GET /hookline/v1/events', () => {
  it('streams a delivery event for a queued callback', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const stream = await openStream(app.url);
    expect(stream.status).toBe(200);
    expect(stream.type).toContain('text/event-stream');

    const { body } = await app.control<{ id: string }>('POST', '/callbacks', callback());
    const frame = await stream.reader.next((f) => f.event === 'delivery');
    expect(parse<{ type: string; delivery: Delivery }>(frame)).toMatchObject({ type: 'delivery', delivery: { id: body.id, status: 'pending' } });
  });

  it('streams the attempt after the delivery once the dispatcher sends it', async () => {
    const app = (running = await startApp());
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.stop());
    const stream = await openStream(app.url);

    const { body } = await app.control<{ id: string }>('POST', '/callbacks', callback({ url: receiver.url('/status') }));
    const attempt = await stream.reader.next((f) => f.event === 'attempt');
    expect(parse(attempt)).toMatchObject({
      type: 'attempt',
      accountId: app.app.devAccount.id,
      attempt: { deliveryId: body.id, number: 1, outcome: { kind: 'success', status: 200 } },
    });
  });

  it("shows only the named account's events with ?accountId=", async () => {
    const app = (running = await startApp({ dispatch: false, account: ['MAFIRST000000000000A:token-a', 'MASECOND00000000000B:token-b'] }));
    const second = await openStream(app.url, '?accountId=MASECOND00000000000B');

    const first = await app.control<{ id: string }>('POST', '/callbacks', callback({ accountId: 'MAFIRST000000000000A' }));
    const mine = await app.control<{ id: string }>('POST', '/callbacks', callback({ accountId: 'MASECOND00000000000B' }));
    expect(first.status).toBe(202);
    // Events arrive in order, so the first one this stream sees must be the second account's.
    const frame = await second.reader.next();
    expect(parse<{ delivery: Delivery }>(frame).delivery.id).toBe(mine.body.id);
  });

  it('refuses a misspelt account filter with 400 instead of streaming every account', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const response = await request(`${app.url}/hookline/v1/events?account=MASECOND00000000000B`);
    const body = (await response.body.json()) as { error: { field: string; fix: string } };
    expect(response.statusCode).toBe(400);
    expect(body.error).toMatchObject({ field: 'account', fix: expect.stringContaining('accountId') });
    expect(app.app.events.listenerCount).toBe(0);
  });

  it('unsubscribes when the client goes away', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const abort = new AbortController();
    const response = await request(`${app.url}/hookline/v1/events`, { signal: abort.signal });
    response.body.on('error', () => undefined);
    await vi.waitFor(() => expect(app.app.events.listenerCount).toBe(1));
    abort.abort();
    await vi.waitFor(() => expect(app.app.events.listenerCount).toBe(0));
  });

  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const socket = await rawEventStream(app.url);
    socket.pause();
    cleanups.push(() => void socket.destroy());
    await vi.waitFor(() => expect(app.app.events.listenerCount).toBe(1));

    // 64 KiB events: the kernel's socket buffers take a few MiB, then hookline's 1 MiB cap trips.
    const delivery = bigDelivery(64 * 1024);
    let published = 0;
    while (app.app.events.listenerCount > 0 && published < 2000) {
      app.app.events.publish({ type: 'delivery', delivery });
      published++;
    }
    expect(app.app.events.listenerCount).toBe(0);
    expect(published).toBeLessThan(2000);
    // Reading again drains what the kernel held, then meets the end of the connection the server closed.
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    await closed;
  });

  it('sends a heartbeat comment while idle', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const server = await buildServer(depsOf(app, { eventStream: { heartbeatMs: 50 } }));
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const stream = await openStream(address);
    const frame = await stream.reader.next((f) => f.comment === 'heartbeat');
    expect(frame.event).toBeNull();
  });

  it('takes the control token as ?token=, since EventSource cannot set headers', async () => {
    const app = (running = await startApp({ dispatch: false, controlToken: 'stream-token' }));
    const refused = await request(`${app.url}/hookline/v1/events`);
    expect(refused.statusCode).toBe(401);
    await refused.body.text();
    const stream = await openStream(app.url, '?token=stream-token');
    expect(stream.status).toBe(200);
  });

  it('answers HEAD at once instead of opening a stream', async () => {
    const app = (running = await startApp({ dispatch: false }));
    const response = await request(`${app.url}/hookline/v1/events`, { method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toContain('text/event-stream');
    expect(await response.body.text()).toBe('');
    expect(app.app.events.listenerCount).toBe(0);
  });

  it('does not hold the server open at shutdown', async () => {
    const app = await startApp({ dispatch: false });
    const stream = await openStream(app.url);
    await app.stop();
    await vi.waitFor(() => expect(stream.reader.ended).toBe(true));
  });
});

function depsOf(app: RunningApp, config: Partial<ServerDeps['config']> = {}): ServerDeps {
  return {
    store: app.app.store,
    callbacks: app.app.callbacks,
    clock: app.app.clock,
    virtualClock: app.app.virtualClock,
    events: app.app.events,
    logger: pino({ level: 'silent' }),
    config: { bodyLimitBytes: 1024 * 1024, controlToken: null, version: '0.0.0-test', ...config },
  };
}

/** An event-stream request on a plain socket, so the test controls whether anything is read. */
async function rawEventStream(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  socket.write(`GET /hookline/v1/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  return socket;
}

function bigDelivery(paddingBytes: number): Delivery {
  return {
    id: 'big-one',
    seq: 1,
    accountId: 'MABIG',
    dialect: 'standard',
    kind: 'notification',
    url: 'http://127.0.0.1:9/big',
    method: 'POST',
    params: { Padding: 'x'.repeat(paddingBytes) },
    policy: {
      profile: 'standard',
      connectTimeoutMs: 1000,
      readTimeoutMs: 1000,
      totalTimeoutMs: 1000,
      retryDelaysMs: [],
      retryOn: [],
      maxRetryAfterMs: 0,
      maxRedirects: 0,
      maxResponseBytes: 1024,
      sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' },
    },
    warnings: [],
    resource: null,
    dueAt: 0,
    createdAt: 0,
    status: 'pending',
    attemptCount: 0,
    roundAttempts: 0,
    replayCount: 0,
    lastOutcome: null,
    updatedAt: 0,
  };
}
