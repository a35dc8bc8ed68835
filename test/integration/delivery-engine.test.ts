import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import type { Attempt, Delivery } from '../../src/domain/delivery.js';
import { verifyCallback } from '../../src/signing/verify.js';
import type { RunningApp } from '../support/app.js';
import { useRig } from '../support/rig.js';

const require = createRequire(import.meta.url);
const plivo = require('plivo') as {
  validateV3Signature(method: string, uri: string, nonce: string, token: string, signature: string, params?: object): boolean;
  validateSignature(uri: string, nonce: string, signature: string, token: string): boolean;
};
const twilio = require('twilio') as { validateRequest(token: string, signature: string, url: string, params: object): boolean };
const compat = require('@signalwire/compatibility-api') as {
  RestClient: { validateRequest(key: string, signature: string, url: string, params: object): boolean };
};

const statusParams = {
  MessageUUID: 'd9f1c6a2-5b8e-4f3e-9a41-0c2b7e6f1a11',
  Status: 'delivered',
  From: '14155550100',
  To: '14155550199',
  Units: '1',
  MessageTime: '2026-11-22 10:00:00',
};

type DeliveryDetail = Delivery & { attempts: Attempt[] };

const rig = useRig();
const receiver = rig.receiver;

async function enqueue(app: RunningApp, body: object): Promise<{ id: string }> {
  const response = await app.control<{ id: string }>('POST', '/callbacks', body);
  expect(response.status).toBe(202);
  return response.body;
}

describe('notification callbacks on the wire', () => {
  it('delivers a POST callback with the exact params, signed so the plivo SDK validators accept it', async () => {
    const app = await rig.app();
    const sink = await receiver();
    const { id } = await enqueue(app, { url: sink.url('/sms/status?tenant=7'), method: 'POST', params: statusParams, dialect: 'plivo' });
    await sink.waitFor(1);

    const [request] = sink.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/sms/status?tenant=7');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.params).toEqual(statusParams);
    expect(request?.headers['x-hookline-delivery-id']).toBe(id);
    expect(request?.headers['x-hookline-attempt']).toBe('1');
    expect(request?.headers['user-agent']).toMatch(/^hookline\/\d+\.\d+\.\d+/);

    const token = app.app.devAccount.authToken;
    const h = request!.headers;
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, token, h['x-plivo-signature-v3']!, request!.params)).toBe(true);
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, token, h['x-plivo-signature-ma-v3']!, request!.params)).toBe(true);
    expect(plivo.validateSignature(request!.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, token)).toBe(true);
    expect(plivo.validateSignature(request!.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-ma-v2']!, token)).toBe(true);
  });

  it('delivers a GET callback with its params merged into the URL query, signed for plivo', async () => {
    const app = await rig.app();
    const sink = await receiver();
    await enqueue(app, { url: sink.url('/hangup?tenant=7#rc=0'), method: 'GET', params: { CallUUID: 'abc', Event: 'Hangup' }, dialect: 'plivo' });
    await sink.waitFor(1);

    const [request] = sink.requests;
    expect(request?.method).toBe('GET');
    expect(request?.body).toBe('');
    expect(request?.params).toEqual({ tenant: '7', CallUUID: 'abc', Event: 'Hangup' });
    expect(request?.url.startsWith('/hangup?tenant=7&')).toBe(true);
    const h = request!.headers;
    const token = app.app.devAccount.authToken;
    expect(plivo.validateV3Signature('GET', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, token, h['x-plivo-signature-v3']!, {})).toBe(true);
  });

  it('signs LaML callbacks with the dev project\'s signing key so twilio.validateRequest accepts them, POST and GET', async () => {
    const app = await rig.app();
    const sink = await receiver();
    const params = { CallSid: 'c0ffee00-0000-4000-8000-000000000001', CallStatus: 'completed', From: '+14155550100', To: '+14155550199' };
    await enqueue(app, { url: sink.url('/status'), method: 'POST', params, dialect: 'laml' });
    await enqueue(app, { url: sink.url('/status-get?x=1'), method: 'GET', params, dialect: 'laml' });
    await sink.waitFor(2);

    const key = app.app.devAccount.signingKey;
    const post = sink.requests.find((r) => r.method === 'POST')!;
    const get = sink.requests.find((r) => r.method === 'GET')!;
    expect(twilio.validateRequest(key, post.headers['x-twilio-signature']!, post.fullUrl, post.params)).toBe(true);
    expect(post.headers['x-signalwire-signature']).toBe(post.headers['x-twilio-signature']);
    expect(twilio.validateRequest(key, get.headers['x-twilio-signature']!, get.fullUrl, {})).toBe(true);
    expect(twilio.validateRequest(app.app.devAccount.authToken, post.headers['x-twilio-signature']!, post.fullUrl, post.params)).toBe(false);
  });
});

describe('Standard Webhooks timestamps', () => {
  it('stamps webhook-timestamp with the wall time under a virtual clock moved ahead, so a receiver checking it against its own clock accepts it', async () => {
    const app = await rig.app({ clock: 'virtual' });
    await app.control('POST', '/clock/advance', { ms: 420_000 });
    const sink = await receiver();
    await enqueue(app, { url: sink.url('/hook'), method: 'POST', params: { Event: 'done' }, dialect: 'standard' });
    await app.control('POST', '/clock/advance', { ms: 0 });
    await sink.waitFor(1);

    const [request] = sink.requests;
    const received = { method: 'POST', url: request!.fullUrl, params: request!.params, headers: request!.headers, body: request!.body };
    expect(verifyCallback({ ...received, token: app.app.devAccount.authToken })).toMatchObject({ valid: true, scheme: 'standard', reason: null });
  });
});

describe('URLs signed as they go on the wire', () => {
  it('signs a path with non-ASCII letters percent-encoded, as it is requested, so plivo validators accept it', async () => {
    const app = await rig.app();
    const sink = await receiver();
    await enqueue(app, { url: sink.url('/hooks/café'), method: 'POST', params: statusParams, dialect: 'plivo' });
    await sink.waitFor(1);

    const [request] = sink.requests;
    expect(request?.url).toBe('/hooks/caf%C3%A9');
    const h = request!.headers;
    const token = app.app.devAccount.authToken;
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, token, h['x-plivo-signature-v3']!, request!.params)).toBe(true);
    expect(plivo.validateSignature(request!.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, token)).toBe(true);
  });

  it("signs a query's apostrophe percent-encoded, as it is requested, so the SignalWire validator accepts it", async () => {
    const app = await rig.app();
    const sink = await receiver();
    const params = { CallSid: 'c0ffee00-0000-4000-8000-000000000001', CallStatus: 'completed' };
    await enqueue(app, { url: sink.url("/status?caller=O'Brien"), method: 'POST', params, dialect: 'laml' });
    await sink.waitFor(1);

    const [request] = sink.requests;
    expect(request?.url).toBe('/status?caller=O%27Brien');
    const key = app.app.devAccount.signingKey;
    expect(compat.RestClient.validateRequest(key, request!.headers['x-signalwire-signature']!, request!.fullUrl, request!.params)).toBe(true);
  });

  it('stores and signs a URL written without its slashes or with a stray leading space as the URL it is sent to', async () => {
    const app = await rig.app();
    const sink = await receiver();
    const { id } = await enqueue(app, { url: ` ${sink.url('/status').replace('http://', 'http:')}#rc=0`, method: 'POST', params: statusParams, dialect: 'standard' });
    await sink.waitFor(1);

    await vi.waitFor(async () => {
      const { body } = await app.control<DeliveryDetail>('GET', `/deliveries/${id}`);
      expect(body.url).toBe(`${sink.url('/status')}#rc=0`);
      expect(body.attempts[0]?.request.url).toBe(sink.url('/status'));
    });
  });
});

describe('retries on the virtual clock', () => {
  it('retries a status callback exactly 60 s after a 500, and stops once it succeeds', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const sink = await receiver((_request, index) => ({ status: index === 0 ? 500 : 200 }));
    const { id } = await enqueue(app, { url: sink.url('/status'), method: 'POST', params: statusParams, dialect: 'plivo' });
    await app.control('POST', '/clock/advance', { ms: 0 });
    expect(sink.requests).toHaveLength(1);

    await app.control('POST', '/clock/advance', { ms: 59_999 });
    expect(sink.requests).toHaveLength(1);
    await app.control('POST', '/clock/advance', { ms: 1 });
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]?.headers['x-hookline-attempt']).toBe('2');
    expect(sink.requests[1]?.headers['x-hookline-delivery-id']).toBe(id);

    const { body } = await app.control<DeliveryDetail>('GET', `/deliveries/${id}`);
    expect(body.status).toBe('succeeded');
    expect(body.attempts.map((a) => a.startedAt - body.createdAt)).toEqual([0, 60_000]);
    expect(body.attempts.map((a) => a.outcome.kind)).toEqual(['http-status', 'success']);

    await app.control('POST', '/clock/advance', { ms: 3_600_000 });
    expect(sink.requests).toHaveLength(2);
  });

  it('counts a 200 with a body over 64 KiB as delivered, logging the first 64 KiB', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const sink = await receiver(() => ({ status: 200, body: '<html>'.padEnd(100 * 1024, '.') }));
    const { id } = await enqueue(app, { url: sink.url('/status'), method: 'POST', params: statusParams, dialect: 'plivo' });
    await app.control('POST', '/clock/advance', { ms: 3_600_000 });
    expect(sink.requests).toHaveLength(1);
    const { body } = await app.control<DeliveryDetail>('GET', `/deliveries/${id}`);
    expect(body.status).toBe('succeeded');
    expect(body.attempts).toHaveLength(1);
    expect(body.attempts[0]?.outcome).toEqual({ kind: 'success', status: 200 });
    expect(body.attempts[0]?.response).toMatchObject({ status: 200, bodyTruncated: true });
    expect(body.attempts[0]?.response?.body).toHaveLength(64 * 1024);
  });

  it('fails a delivery after four failures at +60 s, +120 s and +240 s', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const sink = await receiver(() => ({ status: 503 }));
    const { id } = await enqueue(app, { url: sink.url('/status'), method: 'POST', params: statusParams, dialect: 'plivo' });

    await app.control('POST', '/clock/advance', { ms: 419_999 });
    expect(sink.requests).toHaveLength(3);
    expect((await app.control<DeliveryDetail>('GET', `/deliveries/${id}`)).body.status).toBe('pending');

    await app.control('POST', '/clock/advance', { ms: 1 });
    const { body } = await app.control<DeliveryDetail>('GET', `/deliveries/${id}`);
    expect(sink.requests).toHaveLength(4);
    expect(body.status).toBe('failed');
    expect(body.attempts.map((a) => a.startedAt - body.createdAt)).toEqual([0, 60_000, 180_000, 420_000]);
    expect(body.attempts.at(-1)?.nextAttemptAt).toBeNull();
  });
});

describe('document callbacks', () => {
  it('retries a 5xx answer URL twice under #rc=2&rp=5xx&rt=2000, then uses the fallback', async () => {
    const app = await rig.app();
    const answer = await receiver((_request, index) => ({ status: 500, delayMs: index === 0 ? 120 : 0 }));
    const fallback = await receiver(() => ({ status: 200, body: '<Response><Speak>fallback</Speak></Response>', headers: { 'content-type': 'text/xml' } }));

    const result = await app.app.documents.fetchDocument({
      accountId: app.app.devAccount.id,
      dialect: 'plivo',
      profile: 'plivo-voice',
      target: { url: answer.url('/answer#rc=2&rp=5xx&rt=2000'), method: 'POST' },
      fallback: { url: fallback.url('/fallback'), method: 'POST' },
      params: { CallUUID: 'c1', Event: 'StartApp' },
    });

    expect(answer.requests).toHaveLength(3);
    expect(fallback.requests).toHaveLength(1);
    expect(result.ok && result.usedFallback && result.body).toBe('<Response><Speak>fallback</Speak></Response>');
    const detail = (await app.control<DeliveryDetail>('GET', `/deliveries/${result.ok ? result.targetFailure?.deliveryId : ''}`)).body;
    expect(detail.status).toBe('failed');
    expect(detail.attempts.map((a) => a.outcome.kind)).toEqual(['http-status', 'http-status', 'http-status']);
    // The slow first answer came inside rt, so it is a 500 like the others, not a read timeout.
    expect(detail.attempts[0]?.durationMs).toBeGreaterThanOrEqual(100);
    expect(fallback.requests[0]?.params).toEqual({ CallUUID: 'c1', Event: 'StartApp' });
  });

  it('does not retry a read timeout that rp leaves out, and goes straight to the fallback', async () => {
    const app = await rig.app();
    // The answer would come 5 s late: far past rt, so even a loaded machine cannot blur the two.
    const answer = await receiver(() => ({ status: 200, delayMs: 5000 }));
    const fallback = await receiver(() => ({ status: 200, body: '<Response/>' }));
    const started = performance.now();
    const result = await app.app.documents.fetchDocument({
      accountId: app.app.devAccount.id,
      dialect: 'plivo',
      profile: 'plivo-voice',
      target: { url: answer.url('/answer#rc=2&rp=5xx&rt=200'), method: 'POST' },
      fallback: { url: fallback.url('/fallback'), method: 'POST' },
      params: { CallUUID: 'c2' },
    });
    const elapsed = performance.now() - started;
    expect(answer.requests).toHaveLength(1);
    expect(result.ok && result.usedFallback).toBe(true);
    expect(result.ok && result.targetFailure?.outcome.kind).toBe('read-timeout');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(4000);
  });

  it('retries slow then failing answers under #rc=2&rp=5xx,rt&rt=300: two read timeouts, one 500, then the fallback', async () => {
    const app = await rig.app();
    const answer = await receiver((_request, index) => (index < 2 ? { status: 200, delayMs: 5000 } : { status: 500 }));
    const fallback = await receiver(() => ({ status: 200, body: '<Response/>' }));
    const result = await app.app.documents.fetchDocument({
      accountId: app.app.devAccount.id,
      dialect: 'plivo',
      profile: 'plivo-voice',
      target: { url: answer.url('/answer#rc=2&rp=5xx,rt&rt=300'), method: 'GET' },
      fallback: { url: fallback.url('/fallback'), method: 'GET' },
      params: { CallUUID: 'c3' },
    });
    expect(answer.requests).toHaveLength(3);
    expect(fallback.requests).toHaveLength(1);
    const detail = (await app.control<DeliveryDetail>('GET', `/deliveries/${result.ok ? result.targetFailure?.deliveryId : ''}`)).body;
    expect(detail.attempts.map((a) => a.outcome.kind)).toEqual(['read-timeout', 'read-timeout', 'http-status']);
    for (const attempt of detail.attempts.slice(0, 2)) {
      expect(attempt.durationMs).toBeGreaterThanOrEqual(290);
      expect(attempt.durationMs).toBeLessThan(4000);
    }
  });

  it('reports both failures when the answer URL and its fallback fail', async () => {
    const app = await rig.app();
    const answer = await receiver(() => ({ status: 404 }));
    const fallback = await receiver(() => ({ status: 502 }));
    const result = await app.app.documents.fetchDocument({
      accountId: app.app.devAccount.id,
      dialect: 'plivo',
      profile: 'plivo-voice',
      target: { url: answer.url('/answer'), method: 'POST' },
      fallback: { url: fallback.url('/fallback'), method: 'POST' },
      params: { CallUUID: 'c4' },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.target.outcome).toMatchObject({ kind: 'http-status', status: 404 });
    expect(!result.ok && result.fallback?.outcome).toMatchObject({ kind: 'http-status', status: 502 });
    expect(answer.requests).toHaveLength(1);
  });
});

describe('SSRF guard', () => {
  it('refuses a loopback callback URL in strict mode with a clear reason, storing nothing', async () => {
    const app = await rig.app({ ssrf: 'strict' });
    const response = await app.control<{ error: { field: string; message: string } }>('POST', '/callbacks', {
      url: 'http://127.0.0.1:9/status',
      method: 'POST',
      params: {},
      dialect: 'standard',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('url');
    expect(response.body.error.message).toMatch(/127\.0\.0\.1/);
    const list = await app.control<{ deliveries: unknown[] }>('GET', '/deliveries');
    expect(list.body.deliveries).toHaveLength(0);
  });
});

describe('the delivery lease', () => {
  it('is renewed while a slow receiver takes longer than the lease to answer, so the callback is sent once', async () => {
    const app = await rig.app({ deliveryLease: 1_000, statusTimeout: 6_000 });
    const sink = await receiver(() => ({ status: 200, delayMs: 2_500 }));
    const { id } = await enqueue(app, { url: sink.url('/status'), method: 'POST', params: statusParams, dialect: 'plivo' });
    await vi.waitFor(
      async () => expect((await app.control<DeliveryDetail>('GET', `/deliveries/${id}`)).body.status).toBe('succeeded'),
      { timeout: 8_000, interval: 100 },
    );
    // Two lease lengths and more past the first request: an expired lease would have been taken again by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sink.requests).toHaveLength(1);
    expect((await app.control<DeliveryDetail>('GET', `/deliveries/${id}`)).body.attempts).toHaveLength(1);
  });
});
