import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivo, plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEVERIFY0001';
const AUTH_TOKEN = 'verifytokenverifytokenverifytoken0000001';

const rig = useRig();

async function setUp() {
  const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`] });
  const sink = await rig.receiver();
  return { app, sink, client: plivoClient(app.url, AUTH_ID, AUTH_TOKEN) };
}

async function otpOf(app: RunningApp, uuid: string): Promise<string> {
  const response = await app.control<{ otp: string }>('GET', `/verify/sessions/${uuid}`);
  expect(response.status).toBe(200);
  return response.body.otp;
}

describe('Plivo Verify through the real plivo SDK', () => {
  it('sends the code by SMS, refuses a wrong one, accepts the right one, and posts each change', async () => {
    const { app, sink, client } = await setUp();

    const created = await client.verify_session.create({ recipient: '14155551111', url: sink.url('/verify'), brand_name: 'Acme', code_length: 6 });
    expect(created.message).toBe('Session initiated');
    const otp = await otpOf(app, created.sessionUuid);
    expect(otp).toMatch(/^\d{6}$/);

    // The code went out as an SMS that shows in the message log.
    const sms = await client.messages.list({ message_direction: 'outbound' });
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ fromNumber: 'HOOKLINE', toNumber: '14155551111' });

    await expect(client.verify_session.validate({ id: created.sessionUuid, otp: otp === '000000' ? '111111' : '000000' })).rejects.toThrow(/Invalid OTP/);
    await app.control('POST', '/clock/advance', { ms: 3000 });
    expect(await client.verify_session.validate({ id: created.sessionUuid, otp })).toMatchObject({ message: 'session validated successfully.' });
    await expect(client.verify_session.validate({ id: created.sessionUuid, otp })).rejects.toThrow(/already validated/);

    await sink.waitFor(4);
    expect(sink.requests.map((r) => `${r.params.SessionStatus}/${r.params.ChannelStatus}`)).toEqual([
      'in-progress/queued',
      'in-progress/sent',
      'in-progress/delivered',
      'verified/delivered',
    ]);
    const request = sink.requests[3]!;
    expect(request.params).toMatchObject({ SessionUUID: created.sessionUuid, Channel: 'sms', Recipient: '14155551111', AttemptSequence: '1', ChannelErrorCode: '' });
    const h = request.headers;
    expect(plivo.validateSignature(request.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, AUTH_TOKEN)).toBe(true);

    expect(await client.verify_session.get(created.sessionUuid)).toMatchObject({ sessionUuid: created.sessionUuid, status: 'verified', recipient: '14155551111', channel: 'sms' });
  });

  it('calls the recipient for channel voice, speaking the code, and posts the call’s progress', async () => {
    const { app, sink, client } = await setUp();
    const created = await client.verify_session.create({ recipient: '14155551111', url: sink.url('/verify'), channel: 'voice', brand_name: 'Acme' });
    const state = await app.control<{ otp: string; channel: string; callUuid: string; messageUuid: string | null }>('GET', `/verify/sessions/${created.sessionUuid}`);
    expect(state.body).toMatchObject({ channel: 'voice', messageUuid: null });

    await app.control('POST', '/clock/advance', { ms: 30_000 });
    const timeline = await app.control<{ events: Array<{ type: string; message: string }> }>('GET', `/calls/${state.body.callUuid}/timeline`);
    expect(timeline.body.events.find((e) => e.type === 'instruction')?.message).toContain('<Speak>');
    const call = await client.calls.get(state.body.callUuid);
    expect(call).toMatchObject({ fromNumber: '18885550100', toNumber: '14155551111', hangupCauseCode: 4010 });
    expect(await client.verify_session.validate({ id: created.sessionUuid, otp: state.body.otp })).toMatchObject({ message: 'session validated successfully.' });

    await sink.waitFor(4);
    expect(sink.requests.map((r) => `${r.params.SessionStatus}/${r.params.ChannelStatus}`)).toEqual([
      'in-progress/ringing',
      'in-progress/in-progress',
      'in-progress/completed',
      'verified/completed',
    ]);
    expect(sink.requests[0]!.params).toMatchObject({ Channel: 'voice', Recipient: '14155551111' });
    expect(await client.verify_session.get(created.sessionUuid)).toMatchObject({ channel: 'voice', status: 'verified' });
  });

  it('reports a voice attempt that never connects with its hangup cause', async () => {
    const { app, sink, client } = await setUp();
    const created = await client.verify_session.create({ recipient: '15551000001', url: sink.url('/verify'), channel: 'voice' });
    await app.control('POST', '/clock/advance', { ms: 5_000 });
    await sink.waitFor(2);
    expect(sink.requests.at(-1)?.params).toMatchObject({ SessionUUID: created.sessionUuid, ChannelStatus: 'busy', ChannelErrorCode: '3010' });
  });

  it('expires a session after 10 minutes on the clock, posting expired and refusing the right code', async () => {
    const { app, sink, client } = await setUp();
    const created = await client.verify_session.create({ recipient: '14155551111', url: sink.url('/verify') });
    const otp = await otpOf(app, created.sessionUuid);

    await app.control('POST', '/clock/advance', { ms: 600_000 });
    await sink.waitFor(4);
    expect(sink.requests.at(-1)?.params.SessionStatus).toBe('expired');
    await expect(client.verify_session.validate({ id: created.sessionUuid, otp })).rejects.toThrow(/expired/);
  });

  it('allows ten validations per session', async () => {
    const { app, client } = await setUp();
    const created = await client.verify_session.create({ recipient: '14155551111' });
    const otp = await otpOf(app, created.sessionUuid);
    const wrong = otp === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10; i++) await expect(client.verify_session.validate({ id: created.sessionUuid, otp: wrong })).rejects.toThrow(/Invalid OTP/);
    await expect(client.verify_session.validate({ id: created.sessionUuid, otp })).rejects.toThrow(/maximum validation attempts/);
  });

  it('reports the channel failing for an undeliverable recipient, with its error code', async () => {
    const { app, sink, client } = await setUp();
    await client.verify_session.create({ recipient: '15550010030', url: sink.url('/verify') });
    await app.control('POST', '/clock/advance', { ms: 3000 });
    await sink.waitFor(3);
    expect(sink.requests.at(-1)?.params).toMatchObject({ SessionStatus: 'in-progress', ChannelStatus: 'undelivered', ChannelErrorCode: '30' });
  });

  it('refuses a bad recipient, an unknown app_uuid and an unknown session', async () => {
    const { client } = await setUp();
    await expect(client.verify_session.create({ recipient: 'not-a-number' })).rejects.toThrow(/E.164/);
    await expect(client.verify_session.create({ recipient: '14155551111', app_uuid: 'nope' })).rejects.toThrow(/not found/);
    await expect(client.verify_session.validate({ id: 'no-such-session', otp: '123456' })).rejects.toThrow(/not found/);
  });
});
