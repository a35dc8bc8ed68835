import { describe, expect, it } from 'vitest';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, PROJECT, postForm, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const CALLEE = '+14155550111';

async function call(routes: Record<string, (request: ReceivedRequest) => Reply>) {
  const setUp = await lamlSetUp(rig, routes);
  const created = await postForm(setUp.app, `/2010-04-01/Accounts/${PROJECT}/Calls.json`, { To: TO, From: FROM, Url: setUp.appServer.url('/voice') });
  return { ...setUp, callSid: (created.body as { sid: string }).sid };
}

/** The callbacks a path received, in the order their SequenceNumber gives (delivery order is not promised). */
function inSequence(requests: readonly ReceivedRequest[], path: string): ReceivedRequest[] {
  return requestsTo(requests, path).sort((a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber));
}

function expectSigned(requests: readonly ReceivedRequest[]): void {
  for (const received of requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
}

describe('LaML Dial nouns: their status callbacks and whisper url', () => {
  it('sends the child leg’s progress to <Number statusCallback>, and runs its whisper url on the callee before the bridge', async () => {
    const { app, appServer, callSid } = await call({
      '/voice': () =>
        laml(`<Dial action="/dialed"><Number statusCallback="/leg" statusCallbackEvent="initiated ringing answered completed" url="/whisper">${CALLEE}</Number></Dial>`),
      '/whisper': () => laml('<Pause length="2"/>'),
      '/dialed': () => laml('<Hangup/>'),
    });
    await advance(app, 3_000); // answered; the Dial rings the callee
    const leg = () => inSequence(appServer.requests, '/leg');
    expect(leg().map((r) => [r.params.CallStatus, r.params.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
    ]);
    const legSid = leg()[0]!.params.CallSid as string;
    expect(leg()[0]!.params).toEqual({
      AccountSid: PROJECT,
      ApiVersion: '2010-04-01',
      CallSid: legSid,
      CallStatus: 'initiated',
      Direction: 'outbound-dial',
      From: FROM,
      To: CALLEE,
      ParentCallSid: callSid,
      CallbackSource: 'call-progress-events',
      Timestamp: expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/) as unknown as string,
      SequenceNumber: '0',
    });

    await advance(app, 2_000); // the callee answers and hears the whisper
    expect(leg().map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress']);
    expect(requestsTo(appServer.requests, '/whisper')[0]!.params).toEqual({
      AccountSid: PROJECT,
      ApiVersion: '2010-04-01',
      CallSid: legSid,
      CallStatus: 'in-progress',
      Direction: 'outbound-dial',
      From: FROM,
      To: CALLEE,
      ParentCallSid: callSid,
    });
    await advance(app, 2_000); // the whisper ends; bridged
    await advance(app, 10_000); // the callee hangs up after ten seconds
    expect(leg().map((r) => [r.params.CallStatus, r.params.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    expect(leg()[3]!.params).toMatchObject({ CallSid: legSid, CallDuration: '12', ParentCallSid: callSid });
    expect(requestsTo(appServer.requests, '/dialed')[0]!.params).toMatchObject({ CallSid: callSid, DialCallStatus: 'completed', DialCallSid: legSid, DialCallDuration: '10' });
    expectSigned(appServer.requests);
  });

  it('sends only completed by default, with the leg’s own final status: a busy number', async () => {
    const { app, appServer } = await call({
      '/voice': () => laml('<Dial action="/dialed"><Number statusCallback="/busy" statusCallbackMethod="GET">+15551000000</Number></Dial>'),
      '/dialed': () => laml('<Hangup/>'),
    });
    await advance(app, 3_000);
    await advance(app, 1_000);
    const busy = requestsTo(appServer.requests, '/busy');
    expect(busy.map((r) => [r.method, r.params.CallStatus, r.params.Direction, r.params.CallDuration, r.params.SequenceNumber])).toEqual([['GET', 'busy', 'outbound-dial', '0', '0']]);
    expect(requestsTo(appServer.requests, '/dialed')[0]!.params).toMatchObject({ DialCallStatus: 'busy' });
    expectSigned(appServer.requests);
  });

  it('lets the whisper screen the call: a key accepts it, a hangup declines it (no-answer)', async () => {
    const screen = '<Gather numDigits="1" action="/screened" timeout="3"><Say>Press 1 to accept</Say></Gather><Hangup/>';
    const { app, appServer } = await call({
      '/voice': () => laml(`<Dial action="/dialed"><Number statusCallback="/leg" url="/whisper">${CALLEE}</Number></Dial>`),
      '/whisper': () => laml(screen),
      '/screened': () => laml('<Say>Connecting</Say>'),
      '/dialed': () => laml(`<Dial action="/dialed-again"><Number statusCallback="/leg" url="/whisper">${CALLEE}</Number></Dial>`),
      '/dialed-again': () => laml('<Hangup/>'),
    });
    await advance(app, 5_000); // answered, the callee answers and hears the prompt
    await advance(app, 5_000); // nobody presses: the whisper hangs up
    expect(requestsTo(appServer.requests, '/dialed')[0]!.params).toMatchObject({ DialCallStatus: 'no-answer', DialCallDuration: '0' });
    expect(requestsTo(appServer.requests, '/leg').map((r) => r.params.CallStatus)).toEqual(['completed']);

    await advance(app, 2_000); // the second Dial's callee answers and hears the prompt
    const secondLeg = requestsTo(appServer.requests, '/whisper')[1]!.params.CallSid as string;
    expect((await app.control('POST', `/calls/${secondLeg}/digits`, { digits: '1' })).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/screened')[0]!.params).toMatchObject({ CallSid: secondLeg, Digits: '1', Direction: 'outbound-dial' });
    await advance(app, 12_000); // "Connecting", then ten seconds of talk
    expect(requestsTo(appServer.requests, '/dialed-again')[0]!.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: secondLeg, DialCallDuration: '10' });
    expectSigned(appServer.requests);
  });
});
