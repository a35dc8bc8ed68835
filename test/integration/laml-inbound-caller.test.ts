import { describe, expect, it } from 'vitest';
import { advance, laml, lamlSetUp, requestsTo } from '../support/laml-project.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

/** The project's number, a phone that calls it, and the number that forwarded the call. */
const NUMBER = '+14155550142';
const PHONE = '+14155550177';
const FORWARDER = '+15550107777';

const rig = useRig();

describe('An inbound call’s caller identity', () => {
  it('sends the control API’s callerName as CallerName and shows it, with forwarded_from, on the LaML Call resource', async () => {
    const { app, appServer, signalwire, twilio } = await lamlSetUp(rig, { '/voice': () => laml('<Say>Welcome</Say><Pause length="5"/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    const inbound = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER, forwardedFrom: FORWARDER, callerName: 'ACME FRONT DESK' });
    expect(inbound.status).toBe(202);
    await advance(app, 2_000);

    expect(requestsTo(appServer.requests, '/voice')[0]!.params).toMatchObject({ From: PHONE, CallerName: 'ACME FRONT DESK', ForwardedFrom: FORWARDER });
    const fetched = (await twilio.calls(inbound.body.uuid).fetch()) as unknown as { forwardedFrom: string | null; callerName: string | null };
    expect(fetched).toMatchObject({ forwardedFrom: FORWARDER, callerName: 'ACME FRONT DESK' });

    await advance(app, 10_000);
    expect(requestsTo(appServer.requests, '/status')[0]!.params).toMatchObject({ CallStatus: 'completed', CallerName: 'ACME FRONT DESK' });
  });

  it('leaves CallerName out, and forwarded_from null, when the carrier passes neither on', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig, { '/voice': () => laml('<Hangup/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice') });
    const inbound = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER });
    await advance(app, 2_000);
    expect(requestsTo(appServer.requests, '/voice')[0]!.params).not.toHaveProperty('CallerName');
    expect((await signalwire.calls(inbound.body.uuid).fetch()) as unknown).toMatchObject({ forwardedFrom: null, callerName: null });
  });

  it('refuses a callerName longer than caller ID carries, and rings nothing', async () => {
    const { app, signalwire } = await lamlSetUp(rig);
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: 'http://127.0.0.1:9/voice' });
    expect((await app.control('POST', '/inbound/calls', { from: PHONE, to: NUMBER, callerName: 'x'.repeat(51) })).status).toBe(400);
    expect(await signalwire.calls.list()).toEqual([]);
  });

  it('sends CallerName on a Plivo number’s answer_url request', async () => {
    const authId = 'MAHOOKLINECALLERID01';
    const authToken = 'calleridtokencalleridtokencalleridtoken01';
    const app = await rig.app({ clock: 'virtual', account: [`${authId}:${authToken}`] });
    const appServer = await rig.receiver(() => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<Response><Hangup/></Response>' }));
    const client = plivoClient(app.url, authId, authToken);
    const application = await client.applications.create('ivr', { answerUrl: appServer.url('/answer') });
    await client.numbers.buy('14155550123', application.appId);
    await app.control('POST', '/inbound/calls', { from: PHONE, to: '+14155550123', callerName: 'ACME FRONT DESK' });
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/answer')[0]!.params).toMatchObject({ CallerName: 'ACME FRONT DESK', Direction: 'inbound' });
  });
});
