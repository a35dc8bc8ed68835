import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, OTHER, OTHER_TOKEN, PROJECT, refusal, TO } from '../support/laml-project.js';
import { signalwireClient } from '../support/laml-sdk.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const SECOND_CALLER = '+14155550197';

/** What the SDKs make of the Queue and Member resources (camelCased). */
interface SdkQueue {
  sid: string;
  accountSid: string;
  friendlyName: string;
  currentSize: number;
  averageWaitTime: number;
  maxSize: number;
  dateCreated: Date;
  uri: string;
}
interface SdkMember {
  callSid: string;
  queueSid: string;
  position: number;
  waitTime: number;
  dateEnqueued: Date;
}
interface QueueContext {
  fetch(): Promise<SdkQueue>;
  members: ((sid: string) => { fetch(): Promise<SdkMember> }) & { list(): Promise<SdkMember[]> };
}
type Queues = ((sid: string) => QueueContext) & { list(): Promise<SdkQueue[]> };

describe('LaML Queues and Members resources', () => {
  it('shows the queue an Enqueue made and its callers, longest waiting first, through both SDKs', async () => {
    const { app, appServer, signalwire, twilio } = await lamlSetUp(rig, { '/caller': () => laml('<Enqueue>support</Enqueue>') });
    const first = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/caller') });
    await advance(app, 4_000); // answered at 3 s, waiting for a second
    const second = await twilio.calls.create({ to: SECOND_CALLER, from: FROM, url: appServer.url('/caller') });
    await advance(app, 3_000); // the second waits from 7 s; the first has waited 4 s

    const queues = (signalwire as unknown as { queues: Queues }).queues;
    const [listed, ...others] = await queues.list();
    expect(others).toEqual([]);
    expect(listed).toMatchObject({ accountSid: PROJECT, friendlyName: 'support', currentSize: 2, averageWaitTime: 2, maxSize: 100 });
    expect(listed!.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Queues/${listed!.sid}.json`);
    expect(await queues(listed!.sid).fetch()).toMatchObject({ sid: listed!.sid, currentSize: 2 });

    const members = await (twilio as unknown as { queues: Queues }).queues(listed!.sid).members.list();
    expect(members.map((member) => [member.callSid, member.position, member.waitTime])).toEqual([
      [first.sid, 1, 4],
      [second.sid, 2, 0],
    ]);
    expect(await queues(listed!.sid).members('Front').fetch()).toMatchObject({ callSid: first.sid, queueSid: listed!.sid, position: 1 });
    expect(await queues(listed!.sid).members(second.sid).fetch()).toMatchObject({ callSid: second.sid, position: 2 });

    await app.control('POST', `/calls/${first.sid}/hangup`, {});
    await advance(app, 0);
    expect(await queues(listed!.sid).fetch()).toMatchObject({ currentSize: 1 });
    expect(await refusal(queues(listed!.sid).members(first.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await refusal(queues('9d0d7f5c-0000-4000-8000-000000000000').fetch())).toMatchObject({ status: 404, code: 20404 });
    const otherQueues = (signalwireClient(app.url, OTHER, OTHER_TOKEN) as unknown as { queues: Queues }).queues;
    expect(await otherQueues.list()).toEqual([]);
    expect(await refusal(otherQueues(listed!.sid).fetch())).toMatchObject({ status: 404 });
    await app.control('POST', `/calls/${second.sid}/hangup`, {});
    await advance(app, 0);
  });
});
