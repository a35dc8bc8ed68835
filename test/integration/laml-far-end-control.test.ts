import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { advance, FROM, laml, lamlSetUp, requestsTo } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

/** A number that rings 25 s before it answers by itself (docs/plivo-voice.md): time to act while it rings. */
const SLOW = '+15551040001';
const EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/** A ringing LaML call placed with the SignalWire SDK, its every status callback asked for. */
async function ringingCall(voice = '<Pause length="60"/>') {
  const set = await lamlSetUp(rig, { '/voice': () => laml(voice), '/menu': () => laml('<Pause length="60"/>') });
  const made = await set.signalwire.calls.create({ to: SLOW, from: FROM, url: set.appServer.url('/voice'), statusCallback: set.appServer.url('/status'), statusCallbackEvent: EVENTS });
  await advance(set.app, 2_000); // set-up, then ringing
  expect((await set.signalwire.calls(made.sid).fetch()).status).toBe('ringing');
  return { ...set, sid: made.sid };
}

const farEnd = (app: RunningApp, sid: string, action: string, body: Record<string, unknown> = {}) => app.control('POST', `/calls/${sid}/${action}`, body);

describe('The control API’s far end on LaML calls', () => {
  it('answers a ringing call at once: the Url is asked and answered is reported, long before the number would answer', async () => {
    const { app, appServer, signalwire, sid } = await ringingCall();
    expect((await farEnd(app, sid, 'answer')).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/voice')[0]!.params).toMatchObject({ CallSid: sid, CallStatus: 'in-progress' });
    expect(requestsTo(appServer.requests, '/status').map((received) => received.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress']);
    expect((await signalwire.calls(sid).fetch()).status).toBe('in-progress');
    await advance(app, 60_000);
  });

  for (const [cause, status] of [
    ['busy', 'busy'],
    ['no-answer', 'no-answer'],
    ['failed', 'failed'],
  ] as const) {
    it(`rejects a ringing call as ${cause}: the call ends ${status} and its Url is never asked`, async () => {
      const { app, appServer, signalwire, sid } = await ringingCall();
      expect((await farEnd(app, sid, 'reject', { cause })).status).toBe(200);
      await advance(app, 0);
      expect(requestsTo(appServer.requests, '/voice')).toHaveLength(0);
      const completed = requestsTo(appServer.requests, '/status').at(-1)!;
      expect(completed.params).toMatchObject({ CallSid: sid, CallStatus: status, CallDuration: '0' });
      expect((await signalwire.calls(sid).fetch()).status).toBe(status);
    });
  }

  it('presses keys for a Gather and hangs up mid-call: completed with the seconds talked', async () => {
    const { app, appServer, signalwire, sid } = await ringingCall('<Gather action="/menu" numDigits="2"/>');
    await farEnd(app, sid, 'answer');
    await advance(app, 1_000);
    expect((await farEnd(app, sid, 'digits', { digits: '42' })).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/menu')[0]!.params).toMatchObject({ CallSid: sid, Digits: '42' });
    await advance(app, 6_000);
    expect((await farEnd(app, sid, 'hangup')).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/status').at(-1)!.params).toMatchObject({ CallStatus: 'completed', CallDuration: '7' });
    expect(await signalwire.calls(sid).fetch()).toMatchObject({ status: 'completed', duration: 7 }) // SignalWire's duration is a number (laml.md §1.2);
    expect((await farEnd(app, sid, 'digits', { digits: '1' })).status).toBe(409);
  });
});
