import { describe, expect, it } from 'vitest';
import { advance, laml, lamlSetUp, requestsTo } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const NUMBER = '+14155550142';
const PHONE = '+14155550177';

/** An inbound call to a number whose VoiceUrl answers `document`; the number's StatusCallback hears its end. */
async function inboundCall(document: string) {
  const set = await lamlSetUp(rig, { '/voice': () => laml(document) });
  await set.signalwire.incomingPhoneNumbers.create({ phoneNumber: NUMBER, voiceUrl: set.appServer.url('/voice'), statusCallback: set.appServer.url('/status') });
  const inbound = await set.app.control<{ uuid: string }>('POST', '/inbound/calls', { from: PHONE, to: NUMBER });
  await advance(set.app, 5_000);
  return { ...set, sid: inbound.body.uuid };
}

describe('LaML <Reject> and <Hangup> on an inbound call', () => {
  // SignalWire's <Reject> page: `busy` ends the call `busy`, `rejected` (the default) `no answer`; never answered.
  for (const [verb, status] of [
    ['<Reject/>', 'no-answer'],
    ['<Reject reason="rejected"/>', 'no-answer'],
    ['<Reject reason="busy"/>', 'busy'],
  ] as const) {
    it(`${verb} ends the call ${status} without answering it, and nothing after it runs`, async () => {
      const { appServer, signalwire, sid } = await inboundCall(`${verb}<Redirect>/never</Redirect>`);
      const call = await signalwire.calls(sid).fetch();
      expect(call).toMatchObject({ status, duration: 0 });
      expect(requestsTo(appServer.requests, '/status')[0]!.params).toMatchObject({ CallSid: sid, CallStatus: status });
      expect(requestsTo(appServer.requests, '/never')).toHaveLength(0);
    });
  }

  it('<Hangup/> after a Say answers the call and ends it completed', async () => {
    const { appServer, signalwire, sid } = await inboundCall('<Say>Goodbye</Say><Hangup/><Redirect>/never</Redirect>');
    expect(await signalwire.calls(sid).fetch()).toMatchObject({ status: 'completed', duration: 1 });
    expect(requestsTo(appServer.requests, '/status')[0]!.params).toMatchObject({ CallStatus: 'completed', CallDuration: '1' });
    expect(requestsTo(appServer.requests, '/never')).toHaveLength(0);
  });

  it('a lone <Hangup/> answers the call, then ends it completed', async () => {
    const { signalwire, sid } = await inboundCall('<Hangup/>');
    const call = await signalwire.calls(sid).fetch();
    expect(call.status).toBe('completed');
    expect(call.startTime).not.toBeNull();
  });
});
