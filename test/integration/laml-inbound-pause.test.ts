import { describe, expect, it } from 'vitest';
import { advance, laml, lamlSetUp, requestsTo } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const NUMBER = '+14155550142';
const PHONE = '+14155550177';

describe('A leading <Pause> on an inbound LaML call', () => {
  it('keeps the call ringing for its length, then answers it for the first verb with sound', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig, { '/voice': () => laml('<Pause length="3"/><Say>Hello</Say><Hangup/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice') });
    const inbound = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER });
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/voice')[0]!.params).toMatchObject({ CallStatus: 'ringing' });
    await advance(app, 2_999);
    expect((await signalwire.calls(inbound.body.uuid).fetch()).status).toBe('ringing');
    await advance(app, 1);
    expect((await signalwire.calls(inbound.body.uuid).fetch()).status).toBe('in-progress');
    await advance(app, 2_000); // "Hello", then the hangup
    expect(await signalwire.calls(inbound.body.uuid).fetch()).toMatchObject({ status: 'completed', duration: 1 });
  });

  it('answers at once when a verb with sound comes first, even with a Pause after it', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig, { '/voice': () => laml('<Say>Hello</Say><Pause length="3"/>') });
    await signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: appServer.url('/voice') });
    const inbound = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER });
    await advance(app, 0);
    expect((await signalwire.calls(inbound.body.uuid).fetch()).status).toBe('in-progress');
    await advance(app, 5_000);
  });
});
