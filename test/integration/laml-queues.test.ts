import { describe, expect, it } from 'vitest';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, PROJECT, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const SECOND_CALLER = '+14155550197';
const AGENT = '+14155550198';

function expectSigned(requests: readonly ReceivedRequest[]): void {
  for (const received of requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
}

describe('LaML queues', () => {
  it('holds callers in an Enqueue with their waitUrl, and a Dial Queue bridges the first; the caller’s action hears bridged', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {
      '/caller': () => laml('<Enqueue action="/left" waitUrl="/hold">support</Enqueue>'),
      '/hold': () => laml('<Say>Please hold</Say><Pause length="4"/>'),
      '/agent': () => laml('<Dial action="/agent-done"><Queue url="/announce">support</Queue></Dial>'),
      '/announce': () => laml('<Say>Connecting you</Say>'),
      '/left': () => laml('<Say>Goodbye</Say>'),
    });
    const first = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/caller') });
    await advance(app, 1_000);
    const second = await twilio.calls.create({ to: SECOND_CALLER, from: FROM, url: appServer.url('/caller') });
    await advance(app, 3_000); // both answered and queued
    const holds = requestsTo(appServer.requests, '/hold');
    expect(holds.map((r) => r.params.CallSid)).toEqual([first.sid, second.sid]);
    const queueSid = holds[0]!.params.QueueSid as string;
    expect(queueSid).toMatch(/^[0-9a-f-]{36}$/);
    expect(holds[0]!.params).toEqual({
      AccountSid: PROJECT,
      ApiVersion: '2010-04-01',
      CallSid: first.sid,
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
      From: FROM,
      To: TO,
      QueueSid: queueSid,
      QueuePosition: '1',
      QueueTime: '0',
      AvgQueueTime: '0',
      CurrentQueueSize: '1',
    });
    expect(holds[1]!.params).toMatchObject({ CallSid: second.sid, QueueSid: queueSid, QueuePosition: '2', QueueTime: '0', AvgQueueTime: '1', CurrentQueueSize: '2' });

    await advance(app, 4_000); // the first caller's wait document ends after five seconds: requested again
    expect(requestsTo(appServer.requests, '/hold').filter((r) => r.params.CallSid === first.sid).map((r) => [r.params.QueuePosition, r.params.QueueTime])).toEqual([
      ['1', '0'],
      ['1', '5'],
    ]);

    const agent = await twilio.calls.create({ to: AGENT, from: FROM, url: appServer.url('/agent') });
    await advance(app, 3_000); // the agent is answered at 11 s and takes the first caller
    expect(requestsTo(appServer.requests, '/announce').map((r) => r.params)).toEqual([
      {
        AccountSid: PROJECT,
        ApiVersion: '2010-04-01',
        CallSid: first.sid,
        CallStatus: 'in-progress',
        Direction: 'outbound-api',
        From: FROM,
        To: TO,
        QueueSid: queueSid,
        QueueTime: '8',
        DequeingCallSid: agent.sid,
      },
    ]);
    await advance(app, 4_000); // the announcement, then talk
    expect((await app.control('POST', `/calls/${agent.sid}/hangup`, {})).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/left').map((r) => r.params)).toEqual([
      { AccountSid: PROJECT, ApiVersion: '2010-04-01', CallSid: first.sid, CallStatus: 'in-progress', Direction: 'outbound-api', From: FROM, To: TO, QueueSid: queueSid, QueueResult: 'bridged', QueueTime: '8' },
    ]);
    expect(requestsTo(appServer.requests, '/agent-done')).toEqual([]);
    await advance(app, 2_000);
    expect((await twilio.calls(first.sid).fetch()).status).toBe('completed');
    expect((await twilio.calls(second.sid).fetch()).status).toBe('in-progress');
    expectSigned(appServer.requests);
    expect((await app.control('POST', `/calls/${second.sid}/hangup`, {})).status).toBe(200);
    await advance(app, 0);
  });

  it('reports the bridge to the Dial action when the caller hangs up after talking', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {
      '/caller': () => laml('<Enqueue action="/left">support</Enqueue>'),
      '/agent': () => laml('<Dial action="/agent-done"><Queue>support</Queue></Dial>'),
      '/agent-done': () => laml('<Hangup/>'),
    });
    const caller = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/caller') });
    await advance(app, 2_000);
    await twilio.calls.create({ to: AGENT, from: FROM, url: appServer.url('/agent') });
    await advance(app, 4_000); // the agent takes the caller at 5 s
    await advance(app, 10_000); // ten seconds of talk; the caller hangs up
    expect(requestsTo(appServer.requests, '/agent-done')[0]!.params).toMatchObject({ DialCallStatus: 'completed', DialCallSid: caller.sid, DialCallDuration: '10' });
    expect(requestsTo(appServer.requests, '/left')).toEqual([]);
    expect((await twilio.calls(caller.sid).fetch()).status).toBe('completed');
    expectSigned(appServer.requests);
  });

  it('leaves the queue at a <Leave> in the wait document, reports a hangup while waiting, and gives up on an empty queue', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {
      '/leaver': () => laml('<Enqueue action="/left" waitUrl="/hold">sales</Enqueue>'),
      '/hold': () => laml('<Say>Nobody is here</Say><Leave/>'),
      '/waiter': () => laml('<Enqueue action="/left">support</Enqueue>'),
      '/agent': () => laml('<Dial action="/agent-done" timeout="5"><Queue>empty</Queue></Dial>'),
      '/left': () => laml('<Hangup/>'),
      '/agent-done': () => laml('<Hangup/>'),
    });
    const leaver = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/leaver') });
    const waiter = await twilio.calls.create({ to: SECOND_CALLER, from: FROM, url: appServer.url('/waiter') });
    await twilio.calls.create({ to: AGENT, from: FROM, url: appServer.url('/agent') });
    await advance(app, 3_000);
    await advance(app, 2_000); // "Nobody is here", then Leave
    const left = () => new Map(requestsTo(appServer.requests, '/left').map((r) => [r.params.CallSid, r.params]));
    expect(left().get(leaver.sid)).toMatchObject({ QueueResult: 'leave', QueueTime: '1' });
    expect((await app.control('POST', `/calls/${waiter.sid}/hangup`, {})).status).toBe(200);
    await advance(app, 0);
    expect(left().get(waiter.sid)).toMatchObject({ QueueResult: 'hangup', QueueTime: '2' });
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/agent-done')[0]!.params).toMatchObject({ DialCallStatus: 'no-answer', DialCallDuration: '0' });
    expect(requestsTo(appServer.requests, '/agent-done')[0]!.params.DialCallSid).toBeUndefined();
    expectSigned(appServer.requests);
  });
});
