import { describe, expect, it } from 'vitest';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, requestsTo, SIGNING_KEY, TO } from '../support/laml-project.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

/** A number other than the call's two ends. */
const FRIEND = '+14155550111';

/** A call placed with the SignalWire SDK and answered, its document `voice`. */
async function answeredCall(voice: string, routes: Record<string, (request: ReceivedRequest) => Reply> = {}) {
  const set = await lamlSetUp(rig, { '/voice': () => laml(voice), ...routes });
  const made = await set.signalwire.calls.create({ to: TO, from: FROM, url: set.appServer.url('/voice') });
  await advance(set.app, 3_000); // set-up, two seconds of ringing, answered
  return { ...set, sid: made.sid };
}

describe('LaML <Sms> in a call', () => {
  it('asks the action with SmsSid and SmsStatus=sending once the message is on its way, and runs its answer instead of what follows', async () => {
    const { app, appServer, signalwire, sid } = await answeredCall(`<Sms to="${FRIEND}" action="/sms-sent">Your code is 1234</Sms><Pause length="60"/>`, {
      '/sms-sent': () => laml('<Hangup/>'),
    });
    const [action] = requestsTo(appServer.requests, '/sms-sent');
    expect(action!.params).toMatchObject({ CallSid: sid, CallStatus: 'in-progress', From: FROM, To: TO, SmsStatus: 'sending' });
    expect(signedForBoth(SIGNING_KEY, action!)).toEqual({ signalwire: true, twilio: true });
    const message = await signalwire.messages(action!.params.SmsSid!).fetch();
    expect(message).toMatchObject({ to: FRIEND, from: FROM, body: 'Your code is 1234', direction: 'outbound-call' });

    await advance(app, 1_000);
    expect((await signalwire.calls(sid).fetch()).status).toBe('completed'); // the Pause never ran
  });

  it('asks the action with SmsStatus=invalid and no SmsSid when to is not a phone number, sending nothing', async () => {
    const { appServer, signalwire } = await answeredCall('<Sms to="front desk" action="/sms-sent">Hello</Sms>', { '/sms-sent': () => laml('<Hangup/>') });
    expect(requestsTo(appServer.requests, '/sms-sent')[0]!.params).toMatchObject({ SmsStatus: 'invalid', SmsSid: '' });
    expect(await signalwire.messages.list()).toEqual([]);
  });

  it('sends the message’s status callbacks to statusCallback with SmsSid and SmsStatus', async () => {
    const { app, appServer } = await answeredCall(`<Sms to="${FRIEND}" statusCallback="/sms-status" action="/sms-sent">Hello</Sms>`, { '/sms-sent': () => laml('<Pause length="10"/>') });
    await advance(app, 10_000);
    const smsSid = requestsTo(appServer.requests, '/sms-sent')[0]!.params.SmsSid;
    const statuses = requestsTo(appServer.requests, '/sms-status');
    expect(statuses.map((received) => received.params.SmsStatus)).toContain('sent');
    for (const received of statuses) expect(received.params).toMatchObject({ SmsSid: smsSid, MessageSid: smsSid, To: FRIEND });
    for (const received of statuses) expect(signedForBoth(SIGNING_KEY, received)).toEqual({ signalwire: true, twilio: true });
  });

  it('texts the far end, + kept, from the call’s number when to and from are left out, and carries on without a request', async () => {
    const { app, appServer, signalwire, sid } = await answeredCall('<Sms>See you soon</Sms><Pause length="5"/><Redirect>/after</Redirect>', { '/after': () => laml('<Hangup/>') });
    const [message] = await signalwire.messages.list();
    expect(message).toMatchObject({ to: TO, from: FROM, body: 'See you soon' });
    await advance(app, 5_000);
    expect(requestsTo(appServer.requests, '/after')[0]!.params).toMatchObject({ CallSid: sid });
    expect(appServer.requests.map((received) => received.url.split('?')[0])).toEqual(['/voice', '/after']);
  });
});
