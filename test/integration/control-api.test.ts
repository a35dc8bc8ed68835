import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer, registeredRoutes, type ServerDeps } from '../../src/api/server.js';
import type { Attempt, Delivery } from '../../src/domain/delivery.js';
import type { Store } from '../../src/store/ports.js';
import { startApp, type RunningApp } from '../support/app.js';

interface ApiErrorBody {
  error: { code: string; message: string; field: string | null; fix: string };
}
type DeliveryList = { deliveries: Delivery[]; nextCursor: string | null };

let running: RunningApp | null = null;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await running?.stop();
  running = null;
});

/** No dispatcher: deliveries stay pending and nothing leaves the process, so listings are stable. */
async function apiOnly(overrides: Parameters<typeof startApp>[0] = {}): Promise<RunningApp> {
  running = await startApp({ dispatch: false, ...overrides });
  return running;
}

async function raw(
  app: RunningApp,
  method: 'GET' | 'POST' | 'PUT' | 'OPTIONS',
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  const response = await request(`${app.url}${path}`, { method, headers: options.headers ?? {}, body: options.body });
  const text = await response.body.text();
  const type = String(response.headers['content-type'] ?? '');
  return { status: response.statusCode, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

const callback = (overrides: Record<string, unknown> = {}) => ({
  url: 'http://127.0.0.1:9/status',
  method: 'POST',
  params: { CallUUID: 'c-1', CallStatus: 'completed' },
  dialect: 'plivo',
  ...overrides,
});

async function expectNothingStored(app: RunningApp): Promise<void> {
  const list = await app.control<DeliveryList>('GET', '/deliveries');
  expect(list.body.deliveries).toHaveLength(0);
}

describe('POST /hookline/v1/callbacks', () => {
  it('queues a callback and answers 202 with its id and the pending delivery', async () => {
    const app = await apiOnly();
    const response = await app.control<{ id: string; delivery: Delivery }>('POST', '/callbacks', callback({ resource: 'call:c-1' }));

    expect(response.status).toBe(202);
    expect(response.body.delivery).toMatchObject({
      id: response.body.id,
      status: 'pending',
      url: 'http://127.0.0.1:9/status',
      method: 'POST',
      dialect: 'plivo',
      params: { CallUUID: 'c-1', CallStatus: 'completed' },
      resource: 'call:c-1',
      accountId: app.app.devAccount.id,
    });
  });

  it("queues docs/control-api.md's example as written, without a warning", async () => {
    const app = await apiOnly();
    const doc = readFileSync(new URL('../../docs/control-api.md', import.meta.url), 'utf8');
    const example = /hookline\/v1\/callbacks .*?-d '([^']+)'/s.exec(doc)?.[1];
    expect(example).toBeDefined();
    const response = await app.control<{ delivery: Delivery }>('POST', '/callbacks', JSON.parse(example!));
    expect(response.status).toBe(202);
    expect(response.body.delivery.warnings).toEqual([]);
  });

  it("tunes the policy with the url field's own fragment example", async () => {
    const app = await apiOnly();
    const { body } = await raw(app, 'GET', '/hookline/v1/openapi.json');
    const described = (body as { components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> } }).components.schemas;
    const fragment = /(#[^\s)]+)/.exec(described.EnqueueCallbackRequest?.properties?.url?.description ?? '')?.[1];
    expect(fragment).toBeDefined();
    const response = await app.control<{ delivery: Delivery }>('POST', '/callbacks', callback({ url: `http://127.0.0.1:9/status${fragment!}`, dialect: 'standard' }));
    expect(response.body.delivery.warnings).toEqual([]);
    expect(response.body.delivery.policy.sources).toMatchObject({ rt: 'fragment', rc: 'fragment' });
  });

  it('defaults the method to POST and the params to none', async () => {
    const app = await apiOnly();
    const response = await app.control<{ delivery: Delivery }>('POST', '/callbacks', { url: 'https://example.com/hook', dialect: 'standard' });
    expect(response.status).toBe(202);
    expect(response.body.delivery.method).toBe('POST');
    expect(response.body.delivery.params).toEqual({});
  });

  const badBodies: Array<[string, Record<string, unknown>, string]> = [
    ['a missing url', { method: 'POST', params: {}, dialect: 'plivo' }, 'url'],
    ['a relative url', callback({ url: '/status' }), 'url'],
    ['an ftp url', callback({ url: 'ftp://example.com/status' }), 'url'],
    ['a number among the params', callback({ params: { Duration: 42 } }), 'params.Duration'],
    ['an unknown dialect', callback({ dialect: 'twilio' }), 'dialect'],
    ['a missing dialect', { url: 'http://127.0.0.1:9/status' }, 'dialect'],
    ['an unsupported method', callback({ method: 'PUT' }), 'method'],
    ['a misspelt field', { ...callback(), dialet: 'plivo' }, 'dialet'],
    ['a resource without a type', callback({ resource: 'c-1' }), 'resource'],
    ['the audio-fetch profile, whose attempt outlasts the delivery lease', callback({ profile: 'plivo-audio' }), 'profile'],
    ['an unknown account', callback({ accountId: 'MANOSUCHACCOUNT' }), 'accountId'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`refuses ${what} with 400 naming ${field}, storing nothing`, async () => {
      const app = await apiOnly();
      const response = await app.control<ApiErrorBody>('POST', '/callbacks', body);
      expect(response.status).toBe(400);
      expect(response.body.error.field).toBe(field);
      expect(response.body.error.message).toContain(field.split('.')[0]);
      expect(response.body.error.fix).not.toBe('');
      await expectNothingStored(app);
    });
  }

  it('says a missing field is required and a wrong type what it got', async () => {
    const app = await apiOnly();
    const missing = await app.control<ApiErrorBody>('POST', '/callbacks', { dialect: 'plivo' });
    expect(missing.body.error.message).toBe('url: is required');
    const array = await app.control<ApiErrorBody>('POST', '/callbacks', [callback()]);
    expect(array.body.error).toMatchObject({ field: 'body', message: 'body: expected object, received array', fix: 'send a JSON object with content-type: application/json' });
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const app = await apiOnly();
    const response = await raw(app, 'POST', '/hookline/v1/callbacks', { body: '{"url": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'invalid_json', field: 'body' } });
    await expectNothingStored(app);
  });

  it('refuses a form body with 400 naming content-type: the control API reads JSON only', async () => {
    const app = await apiOnly();
    const response = await raw(app, 'POST', '/hookline/v1/callbacks', {
      body: 'url=http%3A%2F%2F127.0.0.1%3A9%2Fs&dialect=plivo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'unsupported_content_type', field: 'content-type' } });
    await expectNothingStored(app);
  });

  it('refuses JSON sent as text/plain', async () => {
    const app = await apiOnly();
    const response = await raw(app, 'POST', '/hookline/v1/callbacks', { body: JSON.stringify(callback()), headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'content-type' } });
  });

  it('refuses a request without a body', async () => {
    const app = await apiOnly();
    const response = await raw(app, 'POST', '/hookline/v1/callbacks');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'invalid_request', field: 'body' } });
  });

  it('refuses a body over the limit with 400 body_too_large', async () => {
    const app = await apiOnly({ bodyLimit: 2048 });
    const response = await app.control<ApiErrorBody>('POST', '/callbacks', callback({ params: { Padding: 'x'.repeat(4096) } }));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'body_too_large', field: 'body' });
    expect(response.body.error.message).toContain('2048');
    await expectNothingStored(app);
  });
});

describe('GET /hookline/v1/deliveries', () => {
  async function seed(app: RunningApp): Promise<Delivery[]> {
    const made: Delivery[] = [];
    for (const [i, dialect] of (['plivo', 'laml', 'standard', 'plivo', 'laml'] as const).entries()) {
      const response = await app.control<{ delivery: Delivery }>(
        'POST',
        '/callbacks',
        callback({ url: `http://127.0.0.1:9/hook/${i % 2 === 0 ? 'even' : 'odd'}/${i}`, dialect, resource: `message:m${i}` }),
      );
      made.push(response.body.delivery);
    }
    return made;
  }

  it('lists newest first, a page at a time, until nextCursor is null', async () => {
    const app = await apiOnly();
    const made = await seed(app);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&after=${encodeURIComponent(cursor)}`;
      const page: { body: DeliveryList } = await app.control<DeliveryList>('GET', `/deliveries${query}`);
      expect(page.body.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.deliveries.map((d) => d.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((d) => d.id).reverse());
  });

  it('filters by URL text, resource, status and account', async () => {
    const app = await apiOnly();
    const made = await seed(app);
    const byUrl = await app.control<DeliveryList>('GET', '/deliveries?url=/hook/odd/');
    expect(byUrl.body.deliveries.map((d) => d.id)).toEqual([made[3]!.id, made[1]!.id]);
    const byResource = await app.control<DeliveryList>('GET', '/deliveries?resource=message:m2');
    expect(byResource.body.deliveries.map((d) => d.id)).toEqual([made[2]!.id]);
    expect((await app.control<DeliveryList>('GET', '/deliveries?status=pending')).body.deliveries).toHaveLength(5);
    expect((await app.control<DeliveryList>('GET', '/deliveries?status=failed')).body.deliveries).toHaveLength(0);
    expect((await app.control<DeliveryList>('GET', `/deliveries?accountId=${app.app.devAccount.id}`)).body.deliveries).toHaveLength(5);
    expect((await app.control<DeliveryList>('GET', '/deliveries?accountId=MAELSEWHERE')).body.deliveries).toHaveLength(0);
  });

  it('refuses an unknown filter with 400 naming it and the filters there are, instead of listing everything', async () => {
    const app = await apiOnly();
    await seed(app);
    const response = await app.control<ApiErrorBody>('GET', '/deliveries?account=MAELSEWHERE');
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('account');
    expect(response.body.error.fix).toContain('accountId');
  });

  it('takes the control token as ?token= beside the filters', async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    const response = await raw(app, 'GET', '/hookline/v1/deliveries?token=s3cret-token&resource=message:m2');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ deliveries: [], nextCursor: null });
  });

  it('refuses an unknown status with 400 listing the statuses', async () => {
    const app = await apiOnly();
    const response = await app.control<ApiErrorBody>('GET', '/deliveries?status=done');
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('status');
    expect(response.body.error.fix).toContain('succeeded');
  });

  it('says an empty text filter needs a character, not a number', async () => {
    const app = await apiOnly();
    const response = await app.control<ApiErrorBody>('GET', '/deliveries?url=');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ field: 'url', fix: 'give url at least 1 character' });
  });

  it('asks for a whole number where one is due, not an "int"', async () => {
    const app = await apiOnly({ clock: 'virtual' });
    const response = await app.control<ApiErrorBody>('POST', '/clock/advance', { ms: 1.5 });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ field: 'ms', fix: 'send ms as a whole number' });
  });

  it('refuses a limit above 500, or one that is not a number', async () => {
    const app = await apiOnly();
    const tooBig = await app.control<ApiErrorBody>('GET', '/deliveries?limit=501');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatchObject({ field: 'limit' });
    expect(tooBig.body.error.fix).toContain('500');
    const notANumber = await app.control<ApiErrorBody>('GET', '/deliveries?limit=lots');
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.error.field).toBe('limit');
  });
});

describe('one delivery', () => {
  it('answers with the delivery and its attempts', async () => {
    const app = await apiOnly();
    const { body } = await app.control<{ id: string }>('POST', '/callbacks', callback());
    const detail = await app.control<Delivery & { attempts: Attempt[] }>('GET', `/deliveries/${body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: body.id, status: 'pending', attempts: [] });
    const attempts = await app.control<{ attempts: Attempt[] }>('GET', `/deliveries/${body.id}/attempts`);
    expect(attempts.body).toEqual({ attempts: [] });
  });

  it('answers 404 in the error shape for an unknown id, on every delivery route', async () => {
    const app = await apiOnly();
    for (const [method, path] of [
      ['GET', '/deliveries/nope'],
      ['GET', '/deliveries/nope/attempts'],
      ['POST', '/deliveries/nope/replay'],
    ] as const) {
      const response = await app.control<ApiErrorBody>(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'not_found', field: 'id' });
      expect(response.body.error.message).toContain('nope');
    }
  });

  it('replays a known delivery with 202 under the same id', async () => {
    const app = await apiOnly();
    const { body } = await app.control<{ id: string }>('POST', '/callbacks', callback());
    const replay = await app.control<{ delivery: Delivery }>('POST', `/deliveries/${body.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.delivery.id).toBe(body.id);
  });
});

describe('routing and server errors', () => {
  it('answers an unknown route with 404 in the error shape', async () => {
    const app = await apiOnly();
    const response = await app.control<ApiErrorBody>('GET', '/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'route_not_found', field: null });
    expect(response.body.error.message).toContain('/hookline/v1/no-such-thing');
  });

  it('answers a failure inside hookline with 500 in the error shape and logs it with the request id', async () => {
    const app = await apiOnly();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const store = app.app.store;
    const broken: Store = {
      ...store,
      deliveries: {
        ...store.deliveries,
        get: () => Promise.reject(new Error('disk on fire')),
      },
    };
    const deps: ServerDeps = { ...depsOf(app), store: broken, logger };
    const server = await buildServer(deps);
    closers.push(() => server.close());
    const response = await server.inject({ method: 'GET', url: '/hookline/v1/deliveries/some-id' });

    expect(response.statusCode).toBe(500);
    const body = response.json<ApiErrorBody>();
    expect(body.error.code).toBe('internal_error');
    expect(body.error.message).not.toContain('disk on fire');
    const logged = lines.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({ route: '/hookline/v1/deliveries/:id', method: 'GET' });
    expect(JSON.stringify(logged)).toContain('disk on fire');
    expect(body.error.fix).toContain(String(logged?.reqId));
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
    config: { bodyLimitBytes: 1024 * 1024, controlToken: null, version: '9.9.9', ...config },
  };
}

describe('the clock', () => {
  it('reports the real clock', async () => {
    const app = await apiOnly();
    const before = Date.now();
    const { body } = await app.control<{ kind: string; now: number; iso: string; nextTimerAt: number | null }>('GET', '/clock');
    expect(body.kind).toBe('real');
    expect(body.now).toBeGreaterThanOrEqual(before);
    expect(new Date(body.iso).getTime()).toBe(body.now);
    expect(body.nextTimerAt).toBeNull();
  });

  it('refuses to advance a real clock with 409 and says how to get a virtual one', async () => {
    const app = await apiOnly();
    const response = await app.control<ApiErrorBody>('POST', '/clock/advance', { ms: 1000 });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'clock_not_virtual', fix: 'start hookline with --clock virtual' });
  });

  it('advances a virtual clock by exactly the step and reports the next timer', async () => {
    const app = await apiOnly({ clock: 'virtual' });
    const start = (await app.control<{ now: number }>('GET', '/clock')).body.now;
    const response = await app.control<{ kind: string; now: number; nextTimerAt: number | null }>('POST', '/clock/advance', { ms: 90_000 });
    expect(response.status).toBe(200);
    expect(response.body.kind).toBe('virtual');
    expect(response.body.now).toBe(start + 90_000);
    // The hourly retention pass is always scheduled.
    expect(response.body.nextTimerAt).toBe(start + 3_600_000);
  });

  for (const [what, ms] of [
    ['a negative step', -1],
    ['a fractional step', 1.5],
    ['a step over 30 days', 30 * 86_400_000 + 1],
    ['a step given as text', '1000'],
  ] as const) {
    it(`refuses ${what} with 400 naming ms`, async () => {
      const app = await apiOnly({ clock: 'virtual' });
      const start = (await app.control<{ now: number }>('GET', '/clock')).body.now;
      const response = await app.control<ApiErrorBody>('POST', '/clock/advance', { ms });
      expect(response.status).toBe(400);
      expect(response.body.error.field).toBe('ms');
      expect((await app.control<{ now: number }>('GET', '/clock')).body.now).toBe(start);
    });
  }
});

describe('GET /hookline/v1/health', () => {
  it('reports status, version, clock and deliveries by status', async () => {
    const app = await apiOnly();
    await app.control('POST', '/callbacks', callback());
    const { status, body } = await app.control<Record<string, unknown>>('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      clock: { kind: 'real', now: expect.any(Number) },
      deliveries: { pending: 1, 'in-flight': 0, succeeded: 0, failed: 0 },
    });
  });
});

describe('the control token', () => {
  it('is required on every control route when set', async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    for (const path of ['/hookline/v1/health', '/hookline/v1/deliveries', '/hookline/v1/clock', '/hookline/v1/no-such-route']) {
      const response = await raw(app, 'GET', path);
      expect(response.status, path).toBe(401);
      expect(response.body).toMatchObject({ error: { code: 'unauthorized', field: 'authorization' } });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('refuses a wrong token', async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    const response = await raw(app, 'GET', '/hookline/v1/health', { headers: { authorization: 'Bearer s3cret-tokem' } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { message: expect.stringContaining('does not match') } });
  });

  it('accepts the token as a bearer header or as ?token=', async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    expect((await raw(app, 'GET', '/hookline/v1/health', { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await raw(app, 'GET', '/hookline/v1/health?token=s3cret-token')).status).toBe(200);
  });

  it('leaves the OpenAPI document open', async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    const response = await raw(app, 'GET', '/hookline/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: '3.1.0' });
  });

  it('is not asked for when none is set', async () => {
    const app = await apiOnly();
    expect((await raw(app, 'GET', '/hookline/v1/health')).status).toBe(200);
  });
});

describe('CORS', () => {
  it("answers a preflight from another loopback port while hookline listens on loopback", async () => {
    const app = await apiOnly({ controlToken: 's3cret-token' });
    const response = await raw(app, 'OPTIONS', '/hookline/v1/callbacks', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(response.headers['access-control-allow-headers'])).toContain('authorization');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
  });

  it("allows hookline's own origin", async () => {
    const app = await apiOnly();
    const response = await raw(app, 'GET', '/hookline/v1/health', { headers: { origin: app.url } });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(app.url);
  });

  it('refuses any other origin with 403 before anything runs', async () => {
    const app = await apiOnly();
    const response = await raw(app, 'POST', '/hookline/v1/callbacks', {
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify(callback()),
    });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'origin_not_allowed', field: 'origin' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await expectNothingStored(app);
  });
});

describe('GET /hookline/v1/openapi.json', () => {
  it('describes every registered control route', async () => {
    const app = await apiOnly();
    const server = await buildServer(depsOf(app));
    closers.push(() => server.close());
    const registered = registeredRoutes(server)
      // HEAD is Fastify's automatic twin of GET; OPTIONS answers CORS preflights.
      .filter((route) => route.url.startsWith('/hookline/v1') && route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .map((route) => `${route.method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    const document = (await server.inject({ method: 'GET', url: '/hookline/v1/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));

    expect(registered.length).toBeGreaterThanOrEqual(12);
    for (const route of registered) expect(documented, route).toContain(route);
  });

  it('documents request bodies and query parameters from the validation schemas', async () => {
    const app = await apiOnly();
    const { body } = await raw(app, 'GET', '/hookline/v1/openapi.json');
    const document = body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, { enum?: string[] }> }> };
    };
    const enqueue = document.paths['/hookline/v1/callbacks']!.post!;
    const ref = enqueue.requestBody!.content['application/json']!.schema.$ref.split('/').pop()!;
    const schema = document.components.schemas[ref]!;
    expect(schema.required).toEqual(['url', 'dialect']);
    expect(schema.properties?.dialect?.enum).toEqual(['plivo', 'laml', 'standard']);

    const list = document.paths['/hookline/v1/deliveries']!.get!;
    const limit = list.parameters!.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', schema: { maximum: 500, default: 50 } });
    expect(list.parameters!.find((p) => p.name === 'status')!.schema.enum).toEqual(['pending', 'in-flight', 'succeeded', 'failed']);
    expect(document.components.schemas.Delivery).toBeDefined();
  });
});

describe('the landing page', () => {
  it('links the control API, the OpenAPI document and the sink docs where the inspector is not built', async () => {
    const app = await apiOnly();
    const server = await buildServer(depsOf(app, { inspectorAssets: app.dataDir }));
    closers.push(() => server.close());
    const response = await server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toContain('text/html');
    expect(response.body).toContain('href="/hookline/v1/openapi.json"');
    expect(response.body).toContain('/sink/');
    expect(response.body).toContain('npm run build');
  });
});
