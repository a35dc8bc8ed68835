import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivo, plivoClient } from '../support/plivo-sdk.js';
import type { Receiver } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEINBOUND001';
const AUTH_TOKEN = 'inboundtokeninboundtokeninboundtoken0001';
const NUMBER = '14155550123';

const rig = useRig();

async function setUp(reply: (index: number) => { status?: number; body?: string }) {
  const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`] });
  const appServer = await rig.receiver((_request, index) => ({ headers: { 'content-type': 'application/xml' }, ...reply(index) }));
  const client = plivoClient(app.url, AUTH_ID, AUTH_TOKEN);
  const application = await client.applications.create('sms-bot', { messageUrl: appServer.url('/sms/incoming') });
  await client.numbers.buy(NUMBER, application.appId);
  return { app, appServer, client };
}

async function inbound(app: RunningApp, body: object) {
  return app.control<{ messageUuid: string; appId: string }>('POST', '/inbound/messages', body);
}

async function messagesOf(app: RunningApp, direction: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${app.url}/v1/Account/${AUTH_ID}/Message/?message_direction=${direction}`, {
    headers: { authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}` },
  });
  return ((await response.json()) as { objects: Array<Record<string, unknown>> }).objects;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 2 s');
}

describe('inbound SMS through a number’s application', () => {
  it('posts the documented parameters to message_url, signed, and marks the message delivered on a 2xx', async () => {
    const { app, appServer } = await setUp(() => ({ status: 200, body: '' }));

    const received = await inbound(app, { from: '+14155559999', to: `+${NUMBER}`, text: 'STOP' });

    expect(received.status).toBe(202);
    await appServer.waitFor(1);
    const request = appServer.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.params).toEqual({
      From: '14155559999',
      To: NUMBER,
      Text: 'STOP',
      Type: 'sms',
      MessageUUID: received.body.messageUuid,
      Units: '1',
      TotalRate: '0.00000',
      TotalAmount: '0.00000',
      MessageIntent: 'optout',
      PowerpackUUID: '',
    });
    const h = request.headers;
    expect(plivo.validateV3Signature('POST', request.fullUrl, h['x-plivo-signature-v3-nonce']!, AUTH_TOKEN, h['x-plivo-signature-v3']!, request.params)).toBe(true);
    await until(async () => (await messagesOf(app, 'inbound'))[0]?.message_state === 'delivered');
  });

  it('sends the <Message> of an XML reply as an outbound message with its own callbacks', async () => {
    const replyXml = `<Response><Message src="${NUMBER}" dst="14155559999" callbackUrl="CALLBACK">Thanks &amp; welcome</Message></Response>`;
    let callbacks: Receiver | null = null;
    const { app, appServer } = await setUp(() => ({ status: 200, body: replyXml.replace('CALLBACK', callbacks?.url('/reply/status') ?? '') }));
    callbacks = await rig.receiver();

    await inbound(app, { from: '14155559999', to: NUMBER, text: 'hello?' });
    await appServer.waitFor(1);
    await callbacks.waitFor(1);

    expect(callbacks.requests[0]?.params).toMatchObject({ Status: 'queued', From: NUMBER, To: '14155559999' });
    const outbound = await messagesOf(app, 'outbound');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ from_number: NUMBER, to_number: '14155559999', message_state: 'queued' });
    await app.control('POST', '/clock/advance', { ms: 3000 });
    await callbacks.waitFor(3);
    expect(callbacks.requests.map((r) => r.params.Status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('sends nothing for a reply that is not a message reply, and marks the message undelivered when the app keeps failing', async () => {
    const { app, appServer } = await setUp((index) => (index === 0 ? { status: 200, body: '<Response><Speak>hi</Speak></Response>' } : { status: 500 }));

    await inbound(app, { from: '14155559999', to: NUMBER, text: 'first' });
    await appServer.waitFor(1);
    await until(async () => (await messagesOf(app, 'inbound'))[0]?.message_state === 'delivered');
    expect(await messagesOf(app, 'outbound')).toEqual([]);

    await inbound(app, { from: '14155559999', to: NUMBER, text: 'second' });
    await appServer.waitFor(2);
    // Retried at +60, +120 and +240 s, then given up.
    await app.control('POST', '/clock/advance', { ms: 420_000 });
    await appServer.waitFor(5);
    await until(async () => (await messagesOf(app, 'inbound')).some((m) => m.message_state === 'undelivered'));
  });

  it('posts an inbound MMS with its text as Body and its media as MediaCount and Media1…N', async () => {
    const { app, appServer } = await setUp(() => ({ status: 200 }));
    await inbound(app, { from: '14155559999', to: NUMBER, type: 'mms', text: 'see', mediaUrls: ['https://m.example/a.png', 'https://m.example/b.png'] });
    await appServer.waitFor(1);
    expect(appServer.requests[0]?.params).toMatchObject({ Type: 'mms', Body: 'see', MediaCount: '2', Media1: 'https://m.example/a.png', Media2: 'https://m.example/b.png' });
    expect(appServer.requests[0]?.params.Text).toBeUndefined();
    expect((await inbound(app, { from: '14155559999', to: NUMBER, type: 'mms' })).status).toBe(400);
  });

  it('refuses a number nobody rents, or one with no message_url to go to', async () => {
    const { app, client } = await setUp(() => ({ status: 200 }));
    expect((await inbound(app, { from: '14155559999', to: '14155550999', text: 'x' })).status).toBe(404);
    await client.numbers.buy('14155550124');
    expect((await inbound(app, { from: '14155559999', to: '14155550124', text: 'x' })).status).toBe(409);
    expect((await inbound(app, { from: 'me', to: NUMBER, text: 'x' })).status).toBe(400);
  });
});
