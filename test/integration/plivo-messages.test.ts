import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivo, plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINETEST000001';
const AUTH_TOKEN = 'hooklinetesttokenhooklinetesttoken000001';
const OTHER_ID = 'MAHOOKLINETEST000002';
const OTHER_TOKEN = 'otheraccounttokenotheraccounttoken000002';

const rig = useRig();

async function setUp() {
  const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`, `${OTHER_ID}:${OTHER_TOKEN}`] });
  const sink = await rig.receiver();
  const client = plivoClient(app.url, AUTH_ID, AUTH_TOKEN);
  return { app, sink, client };
}

async function advance(app: RunningApp, ms: number): Promise<void> {
  const response = await app.control('POST', '/clock/advance', { ms });
  expect(response.status).toBe(200);
}

async function plivoRequest(app: RunningApp, method: string, path: string, options: { body?: string; type?: string; auth?: string } = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      authorization: options.auth ?? `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`,
      ...(options.body !== undefined ? { 'content-type': options.type ?? 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Plivo SMS through the real plivo SDK', () => {
  it('queues a message, reads it back, and posts queued, sent and delivered callbacks on the clock', async () => {
    const { app, sink, client } = await setUp();

    const sent = await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'hello from hookline', url: sink.url('/sms/status') });

    expect(sent.message).toBe('message(s) queued');
    expect(sent.messageUuid).toHaveLength(1);
    const uuid = sent.messageUuid[0] as string;
    await sink.waitFor(1);
    expect(sink.requests[0]?.params).toMatchObject({ MessageUUID: uuid, Status: 'queued', Sequence: '1', From: '14155550000', To: '14155551111', Units: '1' });

    await advance(app, 1000);
    await sink.waitFor(2);
    expect(sink.requests[1]?.params).toMatchObject({ Status: 'sent', Sequence: '2' });
    expect(sink.requests[1]?.params.SentTime).not.toBe('');

    await advance(app, 2000);
    await sink.waitFor(3);
    expect(sink.requests[2]?.params).toMatchObject({ Status: 'delivered', Sequence: '3', ErrorCode: '' });

    const record = await client.messages.get(uuid);
    expect(record).toMatchObject({ messageUuid: uuid, messageState: 'delivered', messageDirection: 'outbound', fromNumber: '14155550000', toNumber: '14155551111', units: 1 });
  });

  it('signs every status callback so the plivo validators accept V2, V3 and their Ma variants', async () => {
    const { app, sink, client } = await setUp();
    await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'signed', url: sink.url('/sms/status?tenant=3') });
    await advance(app, 3000);
    await sink.waitFor(3);

    for (const request of sink.requests) {
      const h = request.headers;
      expect(plivo.validateV3Signature('POST', request.fullUrl, h['x-plivo-signature-v3-nonce']!, AUTH_TOKEN, h['x-plivo-signature-v3']!, request.params)).toBe(true);
      expect(plivo.validateV3Signature('POST', request.fullUrl, h['x-plivo-signature-v3-nonce']!, AUTH_TOKEN, h['x-plivo-signature-ma-v3']!, request.params)).toBe(true);
      expect(plivo.validateSignature(request.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, AUTH_TOKEN)).toBe(true);
      expect(plivo.validateSignature(request.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-ma-v2']!, AUTH_TOKEN)).toBe(true);
    }
  });

  it('sends one message per destination of a <-joined dst, each with its own uuid and callbacks', async () => {
    const { sink, client } = await setUp();
    const sent = await client.messages.create({ src: '14155550000', dst: '14155551111<14155552222', text: 'two', url: sink.url('/s') });

    expect(sent.messageUuid).toHaveLength(2);
    await sink.waitFor(2);
    expect(new Set(sink.requests.map((r) => r.params.To))).toEqual(new Set(['14155551111', '14155552222']));
    expect(new Set(sink.requests.map((r) => r.params.MessageUUID))).toEqual(new Set(sent.messageUuid));
  });

  it('ends a magic undeliverable number undelivered with its error code, and a failing one failed', async () => {
    const { app, sink, client } = await setUp();
    await client.messages.create({ src: '14155550000', dst: '15550010030', text: 'to nowhere', url: sink.url('/u') });
    await client.messages.create({ src: '14155550000', dst: '15550020900', text: 'no credit', url: sink.url('/f') });
    await advance(app, 3000);
    await sink.waitFor(5);

    const byUrl = (path: string) => sink.requests.filter((r) => r.url === path).map((r) => `${r.params.Status}:${r.params.ErrorCode}`);
    expect(byUrl('/u')).toEqual(['queued:', 'sent:', 'undelivered:30']);
    expect(byUrl('/f')).toEqual(['queued:', 'failed:900']);
  });

  it('retries a status callback 60 s after a 500 on the virtual clock', async () => {
    const { app, sink, client } = await setUp();
    sink.respondWith((_request, index) => ({ status: index === 0 ? 500 : 200 }));
    await client.messages.create({ src: '14155550000', dst: '15550030000', text: 'retry me', url: sink.url('/r') });
    await sink.waitFor(1);
    // The sent callback comes at +1 s; the queued one's retry at +60 s.
    await advance(app, 59_999);
    expect(sink.requests.map((r) => r.params.Status)).toEqual(['queued', 'sent']);
    await advance(app, 1);
    await sink.waitFor(3);
    expect(sink.requests.map((r) => r.params.Status)).toEqual(['queued', 'sent', 'queued']);
    expect(sink.requests[2]?.headers['x-hookline-delivery-id']).toBe(sink.requests[0]?.headers['x-hookline-delivery-id']);
  });

  it('lets a test drive the far end: a delivery report for a queued message passes through sent', async () => {
    const { app, sink, client } = await setUp();
    const { messageUuid } = await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'driven', url: sink.url('/d') });
    const uuid = messageUuid[0] as string;

    const response = await app.control<{ status: string; errorCode: number | null }>('POST', `/messages/${uuid}/status`, { status: 'undelivered', errorCode: 80 });

    expect(response).toMatchObject({ status: 200, body: { status: 'undelivered', errorCode: 80 } });
    await sink.waitFor(3);
    expect(sink.requests.map((r) => `${r.params.Status}:${r.params.ErrorCode}`)).toEqual(['queued:', 'sent:', 'undelivered:80']);
    // The script stopped there: nothing more on the clock.
    await advance(app, 10_000);
    expect(sink.requests).toHaveLength(3);
    expect((await app.control('POST', `/messages/${uuid}/status`, { status: 'delivered' })).status).toBe(409);
    expect((await app.control('POST', '/messages/nope/status', { status: 'delivered' })).status).toBe(404);
  });

  it('sends an MMS with its media: one unit at the MMS rate, Type=mms on every callback', async () => {
    const { app, sink, client } = await setUp();
    const sent = await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'look', type: 'mms', media_urls: ['https://media.example/cat.jpg'], url: sink.url('/mms') });
    await app.control('POST', '/clock/advance', { ms: 3000 });
    await sink.waitFor(3);

    expect(sink.requests.map((r) => `${r.params.Type}:${r.params.Status}`)).toEqual(['mms:queued', 'mms:sent', 'mms:delivered']);
    expect(sink.requests[0]?.params).toMatchObject({ Units: '1', TotalRate: '0.01800', TotalAmount: '0.01800' });
    expect(await client.messages.get(sent.messageUuid[0] as string)).toMatchObject({ messageType: 'mms' });
  });

  it('picks the far end up where it was after a restart on the same data directory', async () => {
    const { app, sink, client } = await setUp();
    await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'survive', url: sink.url('/restart') });
    await sink.waitFor(1);
    await app.app.close();

    const again = await rig.app({ clock: 'virtual', data: app.dataDir, account: [`${AUTH_ID}:${AUTH_TOKEN}`] });
    await advance(again, 3000);
    await sink.waitFor(3);
    expect(sink.requests.map((r) => r.params.Status)).toEqual(['queued', 'sent', 'delivered']);
    rmSync(app.dataDir, { recursive: true, force: true });
  });

  it('lists an account’s messages newest first with Plivo’s meta, filtered by state', async () => {
    const { app, client } = await setUp();
    const first = await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'one' });
    const second = await client.messages.create({ src: '14155550000', dst: '15550020900', text: 'two' });
    await advance(app, 1000);

    const all = await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Message/?limit=1`);
    expect(all.status).toBe(200);
    expect(all.body.meta).toMatchObject({ limit: 1, offset: 0, total_count: 2, previous: null, next: `/v1/Account/${AUTH_ID}/Message/?limit=1&offset=1` });
    expect((all.body.objects as Array<{ message_uuid: string }>).map((m) => m.message_uuid)).toEqual(second.messageUuid);

    const failed = await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Message?message_state=failed`);
    expect((failed.body.objects as Array<{ message_uuid: string }>).map((m) => m.message_uuid)).toEqual(second.messageUuid);
    const sdkList = await client.messages.list({ message_state: 'sent' });
    expect(sdkList.map((m) => m.messageUuid)).toEqual(first.messageUuid);
  });
});

describe('Plivo API conventions and bad input', () => {
  it('refuses missing or wrong credentials with 401 in Plivo’s shape, and another account’s path', async () => {
    const { app } = await setUp();
    const none = await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Message/`, { auth: '' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ api_id: expect.any(String), error: expect.stringContaining('authentication') });
    const wrong = await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Message/`, { auth: `Basic ${Buffer.from(`${AUTH_ID}:nope`).toString('base64')}` });
    expect(wrong.status).toBe(401);
    const other = await plivoRequest(app, 'GET', `/v1/Account/${OTHER_ID}/Message/`);
    expect(other.status).toBe(401);
  });

  it('hides another account’s message behind a 404', async () => {
    const { app, client } = await setUp();
    const { messageUuid } = await client.messages.create({ src: '14155550000', dst: '14155551111', text: 'mine' });
    const asOther = await plivoRequest(app, 'GET', `/v1/Account/${OTHER_ID}/Message/${messageUuid[0]}/`, {
      auth: `Basic ${Buffer.from(`${OTHER_ID}:${OTHER_TOKEN}`).toString('base64')}`,
    });
    expect(asOther.status).toBe(404);
    expect(asOther.body).toMatchObject({ api_id: expect.any(String), error: expect.stringContaining('not found') });
  });

  it.each([
    [{ dst: '14155551111', text: 'x' }, 'src parameter is missing'],
    [{ src: '14155550000', text: 'x' }, 'dst parameter is missing'],
    [{ src: '14155550000', dst: '14155551111' }, 'text parameter is missing'],
    [{ src: '14155550000', dst: '14155550000', text: 'x' }, 'src and dst cannot be the same'],
    [{ src: '14155550000', dst: '555-1234', text: 'x' }, 'is not an E.164 number'],
    [{ src: '14155550000', dst: '14155551111', text: 'x'.repeat(1601) }, 'at most 1600'],
    [{ src: '14155550000', dst: '14155551111', text: 'é'.repeat(1601) }, 'at most 1600'],
    [{ src: '14155550000', dst: '14155551111', text: 'ç'.repeat(738) }, 'at most 737'],
    [{ src: '14155550000', dst: '14155551111', text: 'x', url: 'ftp://example.com/status' }, 'url'],
    [{ src: '14155550000', dst: '14155551111', text: 'x', method: 'PUT' }, 'method "PUT"'],
    [{ src: '14155550000', dst: '14155551111', type: 'mms' }, 'needs text or media_urls'],
    [{ src: '14155550000', dst: '14155551111', type: 'mms', media_urls: ['file:///etc/passwd'] }, 'not http or https'],
    [{ src: '14155550000', dst: '14155551111', type: 'mms', media_urls: Array.from({ length: 11 }, (_, i) => `https://m.example/${i}`) }, 'at most 10'],
    [{ src: '14155550000', dst: '14155551111', text: 'x', type: 'whatsapp' }, 'not simulated yet'],
  ])('refuses %j with a 400 naming the problem, storing nothing', async (body, problem) => {
    const { app } = await setUp();
    const response = await plivoRequest(app, 'POST', `/v1/Account/${AUTH_ID}/Message/`, { body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ api_id: expect.any(String), error: expect.stringContaining(problem) });
    expect((await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Message/`)).body.meta).toMatchObject({ total_count: 0 });
  });

  it('accepts a form body and ignores parameters it does not know', async () => {
    const { app } = await setUp();
    const body = new URLSearchParams({ src: '14155550000', dst: '14155551111', text: 'form', powerpack_future_flag: 'yes' }).toString();
    const response = await plivoRequest(app, 'POST', `/v1/Account/${AUTH_ID}/Message`, { body, type: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ message: 'message(s) queued', message_uuid: [expect.any(String)] });
  });

  it('answers malformed JSON and unknown paths in Plivo’s shape', async () => {
    const { app } = await setUp();
    const broken = await plivoRequest(app, 'POST', `/v1/Account/${AUTH_ID}/Message/`, { body: '{"src":' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ api_id: expect.any(String), error: expect.any(String) });
    const unknown = await plivoRequest(app, 'GET', `/v1/Account/${AUTH_ID}/Nothing/`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ api_id: expect.any(String), error: expect.any(String) });
  });
});
