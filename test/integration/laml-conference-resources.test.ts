import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, OTHER, OTHER_TOKEN, PROJECT, refusal, TO } from '../support/laml-project.js';
import { signalwireClient } from '../support/laml-sdk.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const MODERATOR = '+14155550198';

/** What the SDKs make of the Conference and Participant resources (camelCased). */
interface SdkConference {
  sid: string;
  accountSid: string;
  friendlyName: string;
  status: string;
  uri: string;
}
interface SdkParticipant {
  callSid: string;
  conferenceSid: string;
  muted: boolean;
  hold: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  status: string;
}
interface ConferenceContext {
  fetch(): Promise<SdkConference>;
  participants: ((callSid: string) => { fetch(): Promise<SdkParticipant> }) & { list(): Promise<SdkParticipant[]> };
}
type Conferences = ((sid: string) => ConferenceContext) & { list(params?: Record<string, unknown>): Promise<SdkConference[]> };
const conferencesOf = (client: unknown): Conferences => (client as { conferences: Conferences }).conferences;

describe('LaML Conferences and Participants resources', () => {
  it('shows a room init while it waits and in-progress once started, with its members, until the moderator ends it', async () => {
    const { app, appServer, signalwire, twilio } = await lamlSetUp(rig, {
      '/guest': () => laml('<Dial><Conference startConferenceOnEnter="false" muted="true">Room 1</Conference></Dial>'),
      '/moderator': () => laml('<Dial><Conference endConferenceOnExit="true">Room 1</Conference></Dial>'),
    });
    const guest = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/guest') });
    await advance(app, 3_000); // the guest is answered and waits in the room
    const conferences = conferencesOf(signalwire);
    const [waiting, ...others] = await conferences.list();
    expect(others).toEqual([]);
    expect(waiting).toMatchObject({ accountSid: PROJECT, friendlyName: 'Room 1', status: 'init' });
    expect(waiting!.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Conferences/${waiting!.sid}.json`);

    const moderator = await twilio.calls.create({ to: MODERATOR, from: FROM, url: appServer.url('/moderator') });
    await advance(app, 3_000);
    expect(await conferencesOf(twilio)(waiting!.sid).fetch()).toMatchObject({ status: 'in-progress' });
    expect(await conferences.list({ status: 'in-progress' })).toHaveLength(1);
    expect(await conferences.list({ friendlyName: 'Room 2' })).toEqual([]);
    const participants = await conferences(waiting!.sid).participants.list();
    expect(participants.map((member) => [member.callSid, member.muted, member.startConferenceOnEnter, member.endConferenceOnExit, member.status])).toEqual([
      [guest.sid, true, false, false, 'connected'],
      [moderator.sid, false, true, true, 'connected'],
    ]);
    expect(await conferences(waiting!.sid).participants(moderator.sid).fetch()).toMatchObject({ conferenceSid: waiting!.sid, hold: false });
    expect(await refusal(conferences(waiting!.sid).participants('9d0d7f5c-0000-4000-8000-000000000000').fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await conferencesOf(signalwireClient(app.url, OTHER, OTHER_TOKEN)).list()).toEqual([]);

    await app.control('POST', `/calls/${moderator.sid}/hangup`, {});
    await advance(app, 1_000);
    expect(await conferences.list()).toEqual([]);
    expect(await refusal(conferences(waiting!.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
  });
});
