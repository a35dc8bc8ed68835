import { lamlAccountPath, rfc2822 } from './laml-call.js';

/** A conference room as the engine holds it, and its members in the order they joined. */
export interface LamlConferenceView {
  readonly uuid: string;
  readonly name: string;
  readonly createdAt: number;
  /** Two members, one with startConferenceOnEnter, have been in it. */
  readonly started: boolean;
  readonly members: ReadonlyArray<{
    readonly callUuid: string;
    readonly joinedAt: number;
    readonly muted: boolean;
    readonly startOnEnter: boolean;
    readonly endOnExit: boolean;
  }>;
}

export function lamlConferencePath(accountSid: string, conferenceSid: string): string {
  return `${lamlAccountPath(accountSid)}/Conferences/${conferenceSid}`;
}

/** The Conference resource (Twilio's shape, mirrored by SignalWire): `init` until it starts, then `in-progress`. */
export function lamlConferenceRecord(accountSid: string, room: LamlConferenceView): Record<string, unknown> {
  const path = lamlConferencePath(accountSid, room.uuid);
  return {
    sid: room.uuid,
    account_sid: accountSid,
    friendly_name: room.name,
    status: room.started ? 'in-progress' : 'init',
    date_created: rfc2822(room.createdAt),
    date_updated: rfc2822(room.createdAt),
    api_version: '2010-04-01',
    region: 'us1',
    reason_conference_ended: null,
    call_sid_ending_conference: null,
    uri: `${path}.json`,
    subresource_uris: { participants: `${path}/Participants.json`, recordings: `${path}/Recordings.json` },
  };
}

/** A member of a room (Twilio's Participant resource). Hold and coaching are not simulated. */
export function lamlParticipantRecord(accountSid: string, room: LamlConferenceView, member: LamlConferenceView['members'][number]): Record<string, unknown> {
  return {
    account_sid: accountSid,
    call_sid: member.callUuid,
    conference_sid: room.uuid,
    label: null,
    muted: member.muted,
    hold: false,
    coaching: false,
    call_sid_to_coach: null,
    start_conference_on_enter: member.startOnEnter,
    end_conference_on_exit: member.endOnExit,
    status: room.started ? 'connected' : 'connecting',
    date_created: rfc2822(member.joinedAt),
    date_updated: rfc2822(member.joinedAt),
    uri: `${lamlConferencePath(accountSid, room.uuid)}/Participants/${member.callUuid}.json`,
  };
}
