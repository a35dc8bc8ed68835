import { describe, expect, it } from 'vitest';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, PROJECT, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const MODERATOR = '+14155550198';

/** The callbacks a path received, in the order their SequenceNumber gives (delivery order is not promised). */
function inSequence(requests: readonly ReceivedRequest[], path: string): ReceivedRequest[] {
  return requestsTo(requests, path).sort((a, b) => Number(a.params.SequenceNumber) - Number(b.params.SequenceNumber));
}

describe('LaML conferences', () => {
  it('sends the room’s start, end, join and leave to the first member’s statusCallback, waiting members hearing waitUrl', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {
      '/guest': () =>
        laml('<Dial><Conference statusCallback="/conference" statusCallbackEvent="start end join leave" startConferenceOnEnter="false" waitUrl="/wait" muted="true">Room 1</Conference></Dial>'),
      '/moderator': () => laml('<Dial><Conference endConferenceOnExit="true" statusCallback="/ignored" statusCallbackEvent="join">Room 1</Conference></Dial>'),
      '/wait': () => laml('<Play>https://audio.example/hold.mp3</Play>'),
    });
    const guest = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/guest') });
    await advance(app, 1_000);
    const moderator = await twilio.calls.create({ to: MODERATOR, from: FROM, url: appServer.url('/moderator') });
    await advance(app, 2_000); // the guest joins and waits
    expect(requestsTo(appServer.requests, '/wait')[0]!.params).toMatchObject({ CallSid: guest.sid, CallStatus: 'in-progress' });
    const events = () => inSequence(appServer.requests, '/conference');
    expect(events().map((r) => r.params.StatusCallbackEvent)).toEqual(['participant-join']);
    const conferenceSid = events()[0]!.params.ConferenceSid as string;
    expect(events()[0]!.params).toEqual({
      AccountSid: PROJECT,
      ApiVersion: '2010-04-01',
      CallSid: guest.sid,
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
      From: FROM,
      To: TO,
      ConferenceSid: conferenceSid,
      FriendlyName: 'Room 1',
      StatusCallbackEvent: 'participant-join',
      Timestamp: expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/) as unknown as string,
      SequenceNumber: '0',
      Muted: 'true',
      Hold: 'false',
      Coaching: 'false',
      EndConferenceOnExit: 'false',
      StartConferenceOnEnter: 'false',
    });

    await advance(app, 1_000); // the moderator joins: the room starts
    expect(events().map((r) => [r.params.StatusCallbackEvent, r.params.CallSid, r.params.SequenceNumber])).toEqual([
      ['participant-join', guest.sid, '0'],
      ['participant-join', moderator.sid, '1'],
      ['conference-start', moderator.sid, '2'],
    ]);
    expect(events()[1]!.params).toMatchObject({ ConferenceSid: conferenceSid, Muted: 'false', EndConferenceOnExit: 'true', StartConferenceOnEnter: 'true' });

    await advance(app, 5_000);
    expect((await app.control('POST', `/calls/${moderator.sid}/hangup`, {})).status).toBe(200);
    await advance(app, 0); // the moderator leaves and ends the room
    expect(events().map((r) => [r.params.StatusCallbackEvent, r.params.CallSid, r.params.SequenceNumber])).toEqual([
      ['participant-join', guest.sid, '0'],
      ['participant-join', moderator.sid, '1'],
      ['conference-start', moderator.sid, '2'],
      ['participant-leave', moderator.sid, '3'],
      ['participant-leave', guest.sid, '4'],
      ['conference-end', guest.sid, '5'],
    ]);
    expect(new Set(events().map((r) => r.params.ConferenceSid))).toEqual(new Set([conferenceSid]));
    expect(requestsTo(appServer.requests, '/ignored')).toEqual([]);
    expect((await twilio.calls(guest.sid).fetch()).status).toBe('completed');
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('sends no conference events unless statusCallbackEvent lists them, and never starts a room of one', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {
      '/alone': () => laml('<Dial timeLimit="5"><Conference statusCallback="/conference">Solo</Conference></Dial>'),
      '/listed': () => laml('<Dial timeLimit="5"><Conference statusCallback="/listed-events" statusCallbackEvent="start end">Solo 2</Conference></Dial>'),
    });
    await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/alone') });
    await twilio.calls.create({ to: MODERATOR, from: FROM, url: appServer.url('/listed') });
    await advance(app, 3_000);
    await advance(app, 5_000);
    expect(requestsTo(appServer.requests, '/conference')).toEqual([]);
    expect(requestsTo(appServer.requests, '/listed-events')).toEqual([]);
  });
});
