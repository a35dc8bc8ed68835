import { randomUUID } from 'node:crypto';
import type { ConferenceInstruction, ConferenceStatusEvent, Instruction, UrlTarget } from '../../domain/instructions.js';
import type { LamlConferenceView } from '../../domain/laml-conference.js';
import { waitDocument } from '../../domain/laml-wait-document.js';
import type { CallEngine } from './call-engine.js';
import type { CallSession } from './call-session.js';
import type { CallServices, ConferenceEvent, ConferenceResult, VoiceParams } from './verb.js';
import type { CallbackService } from '../../delivery/callback-service.js';

interface Member {
  readonly session: CallSession;
  readonly joinedAt: number;
  readonly conference: ConferenceInstruction;
}

interface Room {
  readonly uuid: string;
  readonly accountId: string;
  readonly name: string;
  readonly createdAt: number;
  readonly members: Map<string, Member>;
  nextMember: number;
  /** Whether the room has started: two members, one of them with startConferenceOnEnter. */
  started: boolean;
  ended: boolean;
  /** The first member's status callback (laml.md §6.1), and the `SequenceNumber` of its next event. */
  readonly statusCallback: ConferenceInstruction['statusCallback'];
  nextSequence: number;
}

/** The status callback events a room's changes are, by the name `statusCallbackEvent` lists them. */
const STATUS_EVENT_OF = { enter: 'join', exit: 'leave', start: 'start', end: 'end' } as const satisfies Record<ConferenceEvent['action'], ConferenceStatusEvent>;

/** What a Plivo sound document (waitSound, enterSound, exitSound) may play. */
const SOUND_KINDS: ReadonlySet<Instruction['kind']> = new Set(['speak', 'play', 'pause']);

/** A Plivo room runs once a member with startConferenceOnEnter is in it; until then the others wait. */
function hasModerator(room: Room): boolean {
  return [...room.members.values()].some((member) => member.conference.startOnEnter);
}

/**
 * Conference rooms across the live calls of this process, by account and name. A member stays until
 * its call hangs up, the room's time limit, * with hangupOnStar, or a member with endConferenceOnExit
 * leaves. A room starts once it holds two members, one of them with startConferenceOnEnter; until then
 * a member hears its waitUrl. It ends when its last member leaves. Each entry and exit goes to the
 * member's callbackUrl (Plivo); the room's events to the status callback its first member gave (LaML).
 */
export class Conferences {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly engine: CallEngine,
    private readonly deps: { readonly callbacks: CallbackService; readonly params: VoiceParams; readonly services: () => CallServices },
  ) {}

  async join(session: CallSession, conference: ConferenceInstruction): Promise<ConferenceResult | null> {
    const key = `${session.call.accountId}\u0000${conference.room}`;
    let room = this.rooms.get(key);
    if (!room || room.ended) {
      room = { uuid: randomUUID(), accountId: session.call.accountId, name: conference.room, createdAt: session.now(), members: new Map(), nextMember: 0, started: false, ended: false, statusCallback: conference.statusCallback, nextSequence: 0 };
      this.rooms.set(key, room);
    }
    if (room.members.size >= conference.maxMembers) {
      session.note('warning', `conference ${conference.room} is full (${conference.maxMembers} members); the call carries on`);
      return null;
    }
    const memberId = String(++room.nextMember);
    room.members.set(memberId, { session, joinedAt: session.now(), conference });
    session.note('instruction', `entered conference ${conference.room} as member ${memberId}`, { conferenceUuid: room.uuid, memberId });
    await this.event(session, conference, room, memberId, 'enter');
    if (conference.enterSound) await this.hearSoundDocument(session, conference.enterSound, 'enterSound');
    if (!room.started && conference.startOnEnter && room.members.size >= 2) {
      room.started = true;
      await this.event(session, conference, room, memberId, 'start');
    }
    if (!room.started && conference.waitUrl) await this.hearWaitUrl(session, conference.waitUrl);
    if (conference.waitSound && !hasModerator(room)) await this.hearSoundDocument(session, conference.waitSound, 'waitSound');

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
      for (const member of room.members.values()) member.session.poke();
    }
    const last = room.members.size === 0;
    if (last) this.rooms.delete(key);
    session.note('instruction', `left conference ${conference.room}`, { conferenceUuid: room.uuid, memberId });
    await this.event(session, conference, room, memberId, 'exit');
    // The sound is for the members who stay: nobody hears it in an empty room.
    if (conference.exitSound && !last) await this.hearSoundDocument(session, conference.exitSound, 'exitSound');
    if (last && room.started) await this.event(session, conference, room, memberId, 'end');
    return { hungUp, conferenceUuid: room.uuid, memberId };
  }

  /** An account's rooms with members now, oldest first: whether each has started, and who is in it. */
  list(accountId: string): LamlConferenceView[] {
    return [...this.rooms.values()]
      .filter((room) => room.accountId === accountId && !room.ended)
      .map((room) => ({
        uuid: room.uuid,
        name: room.name,
        createdAt: room.createdAt,
        started: room.started,
        members: [...room.members.values()].map(({ session, joinedAt, conference }) => ({
          callUuid: session.uuid,
          joinedAt,
          muted: conference.muted,
          startOnEnter: conference.startOnEnter,
          endOnExit: conference.endOnExit,
        })),
      }));
  }

  /** The room's waitUrl, requested while it has not started; only its forbidden verbs are noted (13238). */
  private async hearWaitUrl(session: CallSession, waitUrl: UrlTarget): Promise<void> {
    const fetched = await this.deps.services().fetchDocument(session, 'action', waitUrl, this.deps.params.document(session));
    if (fetched.ok) for (const warning of waitDocument(fetched.document.instructions, 'waitUrl').warnings) session.note('warning', warning);
  }

  /**
   * Plivo's sound URLs: waitSound while the room waits for a member with startConferenceOnEnter,
   * enterSound and exitSound as members come and go. "The application at the URL must return an XML
   * with Play, Speak and/or Wait elements only. All other elements are ignored" (Plivo's Conference
   * reference), so each other one is noted as ignored.
   */
  private async hearSoundDocument(session: CallSession, target: UrlTarget, attribute: 'waitSound' | 'enterSound' | 'exitSound'): Promise<void> {
    const fetched = await this.deps.services().fetchDocument(session, 'action', target, this.deps.params.document(session));
    if (!fetched.ok) return;
    for (const { kind, source } of fetched.document.instructions) {
      if (!SOUND_KINDS.has(kind)) session.note('warning', `line ${source.line}, column ${source.column}: <${source.element}> is ignored in a ${attribute} document, which plays only Play, Speak and Wait`);
    }
  }

  /** To the member's own callback (entries and exits), and to the room's status callback if it asked. */

  private async event(session: CallSession, conference: ConferenceInstruction, room: Room, memberId: string, action: ConferenceEvent['action']): Promise<void> {
    const status = room.statusCallback;
    const toRoom = status?.events.includes(STATUS_EVENT_OF[action]) ? status.target : null;
    const toMember = action === 'enter' || action === 'exit' ? conference.callback : null;
    if (!toRoom && !toMember) return;
    const event: ConferenceEvent = {
      action,
      room: conference.room,
      conferenceUuid: room.uuid,
      memberId,
      sequence: toRoom ? room.nextSequence++ : room.nextSequence,
      muted: conference.muted,
      startOnEnter: conference.startOnEnter,
      endOnExit: conference.endOnExit,
    };
    const params = this.deps.params.conferenceEvent(session, event);
    for (const target of [toMember, toRoom]) if (target) await this.deps.callbacks.enqueue(this.engine.notification(session.call, target, params));
  }
}
