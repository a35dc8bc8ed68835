import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/domain/delivery.js';
import type { PlivoMessage } from '../../src/domain/plivo-message.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINECONTROL001';
const TOKEN = 'controlmessagestokencontrolmessagestoken';
const OTHER = 'MAHOOKLINECONTROL002';
const OTHER_TOKEN = 'othermessagestokenothermessagestoken0002';

const rig = useRig();

async function setUp() {
  const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`, `${OTHER}:${OTHER_TOKEN}`] });
  const sink = await rig.receiver();
  return { app, sink };
}

describe('GET /hookline/v1/messages', () => {
  it("lists every account's messages newest first, or one account's", async () => {
    const { app, sink } = await setUp();
    const first = await plivoClient(app.url, ACCOUNT, TOKEN).messages.create({ src: '+14155550100', dst: '+14155550101', text: 'one', url: sink.url('/s') });
    const second = await plivoClient(app.url, OTHER, OTHER_TOKEN).messages.create({ src: '+14155550100', dst: '+14155550102', text: 'two' });

    const all = await app.control<{ messages: PlivoMessage[]; total: number }>('GET', '/messages');
    expect(all.body.total).toBe(2);
    expect(all.body.messages.map((m) => m.uuid)).toEqual([second.messageUuid[0], first.messageUuid[0]]);
    const one = await app.control<{ messages: PlivoMessage[] }>('GET', `/messages?accountId=${OTHER}`);
    expect(one.body.messages.map((m) => m.text)).toEqual(['two']);
  });
});

describe('GET /hookline/v1/messages/{uuid}', () => {
  it('answers the message with its status callbacks, newest first', async () => {
    const { app, sink } = await setUp();
    const sent = await plivoClient(app.url, ACCOUNT, TOKEN).messages.create({ src: '+14155550100', dst: '+14155550101', text: 'hello', url: sink.url('/status') });
    await app.control('POST', '/clock/advance', { ms: 5_000 });
    const uuid = sent.messageUuid[0]!;

    const detail = await app.control<{ message: PlivoMessage; callbacks: Delivery[] }>('GET', `/messages/${uuid}`);
    expect(detail.status).toBe(200);
    expect(detail.body.message).toMatchObject({ uuid, accountId: ACCOUNT, status: 'delivered', units: 1 });
    expect(detail.body.callbacks.map((c) => c.params.Status)).toEqual(['delivered', 'sent', 'queued']);
  });

  it('refuses a misspelt filter with 400 naming it and the filters there are, instead of listing every message', async () => {
    const { app } = await setUp();
    const refused = await app.control<{ error: { field: string; fix: string } }>('GET', '/messages?direction=inbound&acount=MAELSEWHERE');
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('acount');
    expect(refused.body.error.fix).toContain('accountId');
  });

  it('answers 404 for an unknown message', async () => {
    const { app } = await setUp();
    const missing = await app.control<{ error: { code: string; field: string } }>('GET', '/messages/no-such-message');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', field: 'uuid' });
  });
});
