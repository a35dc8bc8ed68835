import { randomUUID } from 'node:crypto';
import type { ConferenceInstruction } from '../../domain/instructions.js';
import type { CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import type { ConferenceResult, VoiceParams } from './verb.js';
import type { CallbackService } from '../../delivery/callback-service.js';

interface Room {
  readonly uuid: string;
  readonly members: Map<string, CallSession>;
  nextMember: number;
  ended: boolean;
}

/**
 * Conference rooms across the live calls of this process, by account and name. A member stays until
 * its call hangs up, the room's time limit, * with hangupOnStar, or a member with endConferenceOnExit
 * leaves. Each entry and exit goes to the member's callbackUrl.
 */
export class Conferences {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly engine: CallEngine,
    private readonly deps: { readonly callbacks: CallbackService; readonly params: VoiceParams },
  ) {}

  async join(session: CallSession, conference: ConferenceInstruction): Promise<ConferenceResult | null> {
    const key = `${session.call.accountId}\u0000${conference.room}`;
    let room = this.rooms.get(key);
    if (!room || room.ended) {
      room = { uuid: randomUUID(), members: new Map(), nextMember: 0, ended: false };
      this.rooms.set(key, room);
    }
    if (room.members.size >= conference.maxMembers) {
      session.note('warning', `conference ${conference.room} is full (${conference.maxMembers} members); the call carries on`);
      return null;
    }
    const memberId = String(++room.nextMember);
    room.members.set(memberId, session);
    session.note('instruction', `entered conference ${conference.room} as member ${memberId}`, { conferenceUuid: room.uuid, memberId });
    await this.event(session, conference, room, memberId, 'enter');

    const leaveAt = session.now() + conference.timeLimitMs;
    let hungUp = false;
    for (;;) {
      const waited = await session.wait(leaveAt - session.now(), true);
      if (waited === 'hangup') {
        hungUp = true;
        break;
      }
      if (waited === 'time' || room.ended) break;
      let star = false;
      for (let key = session.takeDigit(); key !== null; key = session.takeDigit()) if (key === '*' && conference.hangupOnStar) star = true;
      session.clearInput();
      if (star) break;
    }
    room.members.delete(memberId);
    if (conference.endOnExit && !room.ended) {
      room.ended = true;
      for (const member of room.members.values()) member.poke();
    }
    if (room.members.size === 0) this.rooms.delete(key);
    session.note('instruction', `left conference ${conference.room}`, { conferenceUuid: room.uuid, memberId });
    await this.event(session, conference, room, memberId, 'exit');
    return { hungUp, conferenceUuid: room.uuid, memberId };
  }

  private async event(session: CallSession, conference: ConferenceInstruction, room: Room, memberId: string, action: 'enter' | 'exit'): Promise<void> {
    if (!conference.callback) return;
    const params = this.deps.params.conferenceEvent(session, { action, room: conference.room, conferenceUuid: room.uuid, memberId });
    await this.deps.callbacks.enqueue(this.engine.notification(session.call, conference.callback, params));
  }
}
