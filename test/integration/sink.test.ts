import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { configSchema } from '../../src/config/schema.js';
import type { DeliveryEvent } from '../../src/delivery/events.js';
import type { SinkRequest } from '../../src/store/ports.js';
import { controlOf, startApp, type RunningApp } from '../support/app.js';

type Recorded = SinkRequest & { seq: number };
type RequestList = { requests: Recorded[]; nextCursor: string | null };

let running: RunningApp | null = null;

afterEach(async () => {
  await running?.stop();
  running = null;
});

async function app(overrides: Parameters<typeof startApp>[0] = {}): Promise<RunningApp> {
  running = await startApp(overrides);
  return running;
}

async function send(
  target: RunningApp,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const response = await request(`${target.url}${path}`, { method, headers: options.headers ?? {}, body: options.body });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

async function recorded(target: RunningApp, sink: string): Promise<Recorded[]> {
  const { status, body } = await target.control<RequestList>('GET', `/sinks/${sink}/requests`);
  expect(status).toBe(200);
  return body.requests;
}

describe('the sink records requests', () => {
  it('records a form POST with method, path, raw query, headers and raw body, and answers an empty 200', async () => {
    const target = await app();
    const response = await send(target, 'POST', '/sink/status?tenant=7&x=a%20b', {
      body: 'CallUUID=c-1&CallStatus=completed',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-plivo-signature-v3': 'sig=' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toBe('');

    const [only, ...rest] = await recorded(target, 'status');
    expect(rest).toHaveLength(0);
    expect(only).toMatchObject({
      sink: 'status',
      method: 'POST',
      path: '/',
      query: 'tenant=7&x=a%20b',
      body: 'CallUUID=c-1&CallStatus=completed',
    });
    expect(only!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(only!.headers['x-plivo-signature-v3']).toBe('sig=');
    expect(typeof only!.receivedAt).toBe('number');
  });

  it('refuses a misspelt parameter on the request list with 400 naming it, rather than a page it did not ask for', async () => {
    const target = await app();
    await send(target, 'POST', '/sink/status', { body: 'a=1' });
    const refused = await target.control<{ error: { field: string; fix: string } }>('GET', '/sinks/status/requests?limt=1');
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('limt');
    expect(refused.body.error.fix).toContain('limit');
  });

  it('records the body of a GET too, which the HTTP framework leaves unread', async () => {
    const target = await app();
    const response = await send(target, 'GET', '/sink/search?q=1', { body: '{"query": "status:failed"}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    const [only] = await recorded(target, 'search');
    expect(only).toMatchObject({ method: 'GET', query: 'q=1', body: '{"query": "status:failed"}' });
  });

  it('refuses a GET body over --body-limit like any other, recording nothing', async () => {
    const target = await app({ bodyLimit: 64 });
    const response = await send(target, 'GET', '/sink/search', { body: 'x'.repeat(65) });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'body_too_large', field: 'body' } });
    expect(await recorded(target, 'search')).toEqual([]);
  });

  it('records a JSON body byte for byte, on a path below the sink', async () => {
    const target = await app();
    const json = '{ "event":  "message.delivered",\n  "n": 1 }';
    await send(target, 'PUT', '/sink/hooks/deep/path/', { body: json, headers: { 'content-type': 'application/json' } });
    const [only] = await recorded(target, 'hooks');
    expect(only).toMatchObject({ method: 'PUT', path: '/deep/path/', query: '', body: json });
  });

  it('records malformed JSON as it came rather than refusing it', async () => {
    const target = await app();
    const response = await send(target, 'POST', '/sink/broken', { body: '{"oops": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect((await recorded(target, 'broken'))[0]?.body).toBe('{"oops": ');
  });

  it('records text, XML and bodies without a content type', async () => {
    const target = await app();
    await send(target, 'POST', '/sink/mixed/text', { body: 'plain words', headers: { 'content-type': 'text/plain' } });
    await send(target, 'POST', '/sink/mixed/xml', { body: '<Response><Hangup/></Response>', headers: { 'content-type': 'application/xml; charset=utf-8' } });
    await send(target, 'PATCH', '/sink/mixed/none', { body: 'no type at all' });
    await send(target, 'GET', '/sink/mixed?only=query');
    const requests = await recorded(target, 'mixed');
    expect(requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['POST', '/text', '', 'plain words'],
      ['POST', '/xml', '', '<Response><Hangup/></Response>'],
      ['PATCH', '/none', '', 'no type at all'],
      ['GET', '/', 'only=query', ''],
    ]);
  });

  it('keeps sinks apart', async () => {
    const target = await app();
    await send(target, 'POST', '/sink/one', { body: 'a' });
    await send(target, 'POST', '/sink/two', { body: 'b' });
    expect((await recorded(target, 'one')).map((r) => r.body)).toEqual(['a']);
    expect((await recorded(target, 'two')).map((r) => r.body)).toEqual(['b']);
  });

  it('pages through requests oldest first', async () => {
    const target = await app();
    for (let i = 0; i < 5; i++) await send(target, 'POST', '/sink/paged', { body: `n=${i}` });
    const bodies: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = after === null ? '?limit=2' : `?limit=2&after=${encodeURIComponent(after)}`;
      const page: { body: RequestList } = await target.control<RequestList>('GET', `/sinks/paged/requests${query}`);
      bodies.push(...page.body.requests.map((r) => r.body));
      after = page.body.nextCursor;
      pages++;
    } while (after !== null && pages < 10);
    expect(bodies).toEqual(['n=0', 'n=1', 'n=2', 'n=3', 'n=4']);
    expect(pages).toBe(3);
  });

  it('refuses an invalid sink name with 400, recording nothing', async () => {
    const target = await app();
    const longName = 'x'.repeat(65);
    const response = await send(target, 'POST', `/sink/${longName}`, { body: 'a' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'invalid_sink_name', field: 'name' } });
    const encoded = await send(target, 'POST', '/sink/bad%20name', { body: 'a' });
    expect(encoded.status).toBe(400);
    const listing = await target.control<{ error: { field: string } }>('GET', `/sinks/${longName}/requests`);
    expect(listing.status).toBe(400);
    expect(listing.body.error.field).toBe('name');
  });

  it('refuses a body over the limit with 400 body_too_large, recording nothing', async () => {
    const target = await app({ bodyLimit: 1024 });
    const response = await send(target, 'POST', '/sink/big', { body: 'x'.repeat(4096), headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'body_too_large' } });
    expect(await recorded(target, 'big')).toHaveLength(0);
  });
});

describe('configuring how a sink answers', () => {
  it('answers with the configured status, body and headers after the configured delay', async () => {
    const target = await app();
    const config = { status: 503, delayMs: 300, body: 'busy', headers: { 'retry-after': '5', 'content-type': 'text/plain' } };
    const put = await target.control('PUT', '/sinks/flaky', config);
    expect(put).toEqual({ status: 200, body: config });
    expect((await target.control('GET', '/sinks/flaky')).body).toEqual(config);

    const started = Date.now();
    const response = await send(target, 'POST', '/sink/flaky', { body: 'a=1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(503);
    expect(response.body).toBe('busy');
    expect(response.headers['retry-after']).toBe('5');
    expect(await recorded(target, 'flaky')).toHaveLength(1);
  });

  it('reports the defaults for a sink never configured', async () => {
    const target = await app();
    expect((await target.control('GET', '/sinks/fresh')).body).toEqual({ status: 200, delayMs: 0, body: '', headers: {} });
  });

  it('fills left-out fields with their defaults', async () => {
    const target = await app();
    const put = await target.control('PUT', '/sinks/partial', { status: 404 });
    expect(put.body).toEqual({ status: 404, delayMs: 0, body: '', headers: {} });
    expect((await send(target, 'GET', '/sink/partial')).status).toBe(404);
  });

  for (const [what, body, field] of [
    ['a status outside 200-599', { status: 99 }, 'status'],
    ['a negative delay', { delayMs: -5 }, 'delayMs'],
    ['a framing header', { headers: { 'Content-Length': '3' } }, 'headers.Content-Length'],
    ['a header value with a line break', { headers: { 'x-a': 'one\r\nx-b: two' } }, 'headers.x-a'],
    ['an unknown field', { statsu: 500 }, 'statsu'],
  ] as const) {
    it(`refuses ${what} with 400 naming ${field}, keeping the old configuration`, async () => {
      const target = await app();
      await target.control('PUT', '/sinks/strict', { status: 201 });
      const response = await target.control<{ error: { field: string } }>('PUT', '/sinks/strict', body);
      expect(response.status).toBe(400);
      expect(response.body.error.field).toBe(field);
      expect((await target.control<{ status: number }>('GET', '/sinks/strict')).body.status).toBe(201);
    });
  }
});

describe('the sink as a callback destination', () => {
  it('records a callback hookline delivers to it, signed headers and all', async () => {
    const target = await app();
    const attempted = new Promise<DeliveryEvent>((resolve) => {
      const stop = target.app.events.subscribe((event) => {
        if (event.type === 'attempt') {
          stop();
          resolve(event);
        }
      });
    });
    const enqueue = await target.control<{ id: string }>('POST', '/callbacks', {
      url: `${target.url}/sink/e2e/status?tenant=7`,
      params: { MessageUUID: 'm-1', Status: 'delivered' },
      dialect: 'plivo',
    });
    expect(enqueue.status).toBe(202);
    const event = await attempted;
    expect(event.type === 'attempt' && event.attempt.outcome).toEqual({ kind: 'success', status: 200 });

    const [only] = await recorded(target, 'e2e');
    expect(only).toMatchObject({ method: 'POST', path: '/status', query: 'tenant=7' });
    expect(new URLSearchParams(only!.body).get('MessageUUID')).toBe('m-1');
    expect(only!.headers['x-hookline-delivery-id']).toBe(enqueue.body.id);
    expect(only!.headers['x-plivo-signature-v3']).toBeTruthy();
  });
});

describe('retention', () => {
  it('prunes at start what a lowered --retention-hours no longer keeps, without waiting for the hourly pass', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hookline-retention-'));
    const start = async (settings: Record<string, unknown>) => {
      const started = await createApp(configSchema.parse({ port: 0, data, clock: 'virtual', logLevel: 'silent', ...settings }), { logger: pino({ level: 'silent' }) });
      const { url } = await started.listen();
      return { app: started, url, control: controlOf(url) };
    };
    try {
      const first = await start({});
      await (await request(`${first.url}/sink/old`, { method: 'POST', body: 'kept a week by default' })).body.text();
      await first.control('POST', '/clock/advance', { ms: 3 * 3_600_000 });
      expect((await first.control<RequestList>('GET', '/sinks/old/requests')).body.requests).toHaveLength(1);
      await first.app.close();

      const second = await start({ retentionHours: 1 });
      try {
        await vi.waitFor(async () => expect((await second.control<RequestList>('GET', '/sinks/old/requests')).body.requests).toEqual([]));
      } finally {
        await second.app.close();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
