import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackService, EnqueueRequest } from '../../delivery/callback-service.js';
import type { CallbackParams, HttpMethod } from '../../domain/callback.js';
import type { Clock, TimerHandle } from '../../domain/clock.js';
import { plivoTime, type MessageStatus } from '../../domain/plivo-message.js';
import type { Store } from '../../store/ports.js';
import { KeyedQueue } from '../keyed-queue.js';
import { allResources } from '../resources.js';
import type { MessageService } from './message-service.js';
import type { CallEngine } from '../calls/call-engine.js';
import type { PlivoCall } from '../../domain/plivo-call.js';

export const SESSION_RESOURCE = 'verify-session';

/** How long a session's code stays valid (Plivo: 10 minutes). */
export const SESSION_LIFETIME_MS = 10 * 60_000;
/** Validations allowed per session (plivo.md §4.2). */
export const MAX_VALIDATIONS = 10;
/** The sender ID the codes come from. */
export const OTP_SENDER = 'HOOKLINE';
/** The number voice codes are called from. */
export const OTP_CALLER = '18885550100';

export type SessionStatus = 'in-progress' | 'verified' | 'expired';
export type VerifyChannel = 'sms' | 'voice';

export interface VerifySession {
  readonly uuid: string;
  readonly accountId: string;
  readonly appUuid: string | null;
  readonly recipient: string;
  readonly channel: VerifyChannel;
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly locale: string;
  readonly brandName: string | null;
  readonly otp: string;
  readonly status: SessionStatus;
  readonly validations: number;
  /** The SMS (channel sms) or the call (channel voice) that carried the code, and how far it got. */
  readonly messageUuid: string | null;
  readonly callUuid: string | null;
  readonly attemptUuid: string;
  /** The message's status (sms), or the call's: ringing, in-progress, completed, busy… (voice). */
  readonly channelStatus: MessageStatus | PlivoCall['status'];
  readonly channelErrorCode: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
}

export interface NewSession {
  readonly accountId: string;
  /** The main account of `accountId`, for the voice channel's call. */
  readonly parentAuthId: string;
  readonly channel: VerifyChannel;
  readonly appUuid: string | null;
  readonly recipient: string;
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly locale: string;
  readonly brandName: string | null;
  readonly codeLength: number;
}

export type Validation =
  | { readonly ok: true; readonly session: VerifySession }
  | { readonly ok: false; readonly reason: 'not-found' | 'expired' | 'verified' | 'too-many' | 'wrong'; readonly session: VerifySession | null };

/**
 * Plivo Verify: a session sends a one-time code by SMS (a real outbound message, in the log and the
 * message list) or by a voice call that speaks it (a real call, in the call list), follows that
 * attempt's progress, and is validated, or expires on the clock. Each change posts to the session's
 * `url` (plivo.md §4.4). Expiry timers are re-armed at start.
 */
export class VerifySessions {
  private readonly expiryTimers = new Map<string, TimerHandle>();
  /** OTP message or call uuid → session uuid, for the sessions still in progress. */
  private readonly byAttempt = new Map<string, string>();
  /** Per session: validations, expiry and message updates never interleave on one. */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly callbacks: CallbackService;
      readonly messages: MessageService;
      readonly calls: CallEngine;
      readonly logger: Logger;
    },
  ) {
    deps.messages.onChange((message) => this.follow(message.uuid, message.status, message.errorCode));
    // A voice code reports the call's own status; a call that never connects, its hangup cause.
    deps.calls.onChange((call) => this.follow(call.uuid, voiceStatus(call.status), call.answeredAt === null && call.hangup ? call.hangup.code : null));
  }

  async create(input: NewSession): Promise<VerifySession> {
    const now = this.deps.clock.now();
    const otp = Array.from({ length: input.codeLength }, () => String(randomInt(10))).join('');
    const uuid = randomUUID();
    // The code goes out first: a session whose message or call could not be stored is never created.
    const attempt = input.channel === 'voice' ? await this.call(input, otp) : await this.text(input, otp);
    const { codeLength: _codeLength, parentAuthId: _parentAuthId, ...fields } = input;
    const session: VerifySession = {
      ...fields,
      uuid,
      otp,
      status: 'in-progress',
      validations: 0,
      messageUuid: input.channel === 'sms' ? attempt.uuid : null,
      callUuid: input.channel === 'voice' ? attempt.uuid : null,
      attemptUuid: randomUUID(),
      channelStatus: input.channel === 'voice' ? voiceStatus(attempt.status as PlivoCall['status']) : attempt.status,
      channelErrorCode: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + SESSION_LIFETIME_MS,
    };
    this.byAttempt.set(attempt.uuid, uuid);
    await this.save(session, true);
    this.armExpiry(session);
    return session;
  }

  async get(accountId: string, uuid: string): Promise<VerifySession | null> {
    const resource = await this.deps.store.getResource(SESSION_RESOURCE, uuid);
    return resource && resource.accountId === accountId ? (resource.state as VerifySession) : null;
  }

  /** Any account's session: the control API reads the code a test needs. */
  async find(uuid: string): Promise<VerifySession | null> {
    const resource = await this.deps.store.getResource(SESSION_RESOURCE, uuid);
    return resource ? (resource.state as VerifySession) : null;
  }

  async list(accountId: string, filter: { status?: SessionStatus; recipient?: string }, page: { limit: number; offset: number }): Promise<{ items: VerifySession[]; total: number }> {
    const where: Record<string, string> = {};
    if (filter.status) where.status = filter.status;
    if (filter.recipient) where.recipient = filter.recipient;
    const { items, total } = await this.deps.store.listResources({ type: SESSION_RESOURCE, accountId, where }, page);
    return { items: items.map((item) => item.state as VerifySession), total };
  }

  validate(accountId: string, uuid: string, otp: string): Promise<Validation> {
    return this.queue.run(uuid, async () => {
      const session = await this.get(accountId, uuid);
      if (!session) return { ok: false, reason: 'not-found', session: null } as const;
      if (session.status === 'verified') return { ok: false, reason: 'verified', session } as const;
      if (session.status === 'expired' || this.deps.clock.now() >= session.expiresAt) {
        if (session.status !== 'expired') await this.expire(session);
        return { ok: false, reason: 'expired', session } as const;
      }
      if (session.validations >= MAX_VALIDATIONS) return { ok: false, reason: 'too-many', session } as const;
      const now = this.deps.clock.now();
      if (otp !== session.otp) {
        await this.save({ ...session, validations: session.validations + 1, updatedAt: now }, false);
        return { ok: false, reason: 'wrong', session } as const;
      }
      const verified: VerifySession = { ...session, validations: session.validations + 1, status: 'verified', updatedAt: now };
      await this.save(verified, true);
      this.expiryTimers.get(uuid)?.cancel();
      this.byAttempt.delete(attemptOf(session));
      return { ok: true, session: verified } as const;
    });
  }

  /** Re-arm expiry and message following for the sessions still in progress: after a restart. */
  async resume(): Promise<number> {
    const sessions = await allResources(this.deps.store, { type: SESSION_RESOURCE, where: { status: 'in-progress' } });
    for (const { state } of sessions) {
      const session = state as VerifySession;
      this.byAttempt.set(attemptOf(session), session.uuid);
      this.armExpiry(session);
    }
    return sessions.length;
  }

  isIdle(): boolean {
    return this.queue.isIdle();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  close(): void {
    for (const timer of this.expiryTimers.values()) timer.cancel();
    this.expiryTimers.clear();
  }

  private async text(input: NewSession, otp: string): Promise<{ uuid: string; status: MessageStatus }> {
    const text = `Your ${input.brandName ?? 'verification'} code is ${otp}. It expires in 10 minutes.`;
    const [message] = await this.deps.messages.send({ accountId: input.accountId, from: OTP_SENDER, to: [input.recipient], text, url: null, method: 'POST', log: true });
    if (!message) throw new Error('the verification message was not created');
    return message;
  }

  /** A call that says the code twice, digit by digit, then hangs up. */
  private async call(input: NewSession, otp: string): Promise<{ uuid: string; status: PlivoCall['status'] }> {
    const spoken = `Your ${escapeXml(input.brandName ?? 'verification')} code is ${[...otp].join(', ')}.`;
    return this.deps.calls.dial({
      accountId: input.accountId,
      parentAuthId: input.parentAuthId,
      from: OTP_CALLER,
      to: input.recipient,
      callerName: '',
      answerUrl: { url: 'inline:', method: 'POST' },
      answerDocument: `<Response><Speak loop="2">${spoken}</Speak></Response>`,
      fallbackUrl: null,
      ringUrl: null,
      hangupUrl: null,
      machineDetection: null,
      timeLimitMs: 120_000,
      ringTimeoutMs: 60_000,
      hangupOnRingMs: null,
    });
  }

  private follow(attemptUuid: string, status: VerifySession['channelStatus'], errorCode: number | null): void {
    const sessionUuid = this.byAttempt.get(attemptUuid);
    if (!sessionUuid) return;
    void this.queue.run(sessionUuid, async () => {
      const session = await this.find(sessionUuid);
      if (!session || session.status !== 'in-progress' || session.channelStatus === status) return;
      await this.save({ ...session, channelStatus: status, channelErrorCode: errorCode, updatedAt: this.deps.clock.now() }, true);
    }).catch((error: unknown) => this.deps.logger.error({ err: error, sessionUuid }, 'could not follow a verify session’s attempt'));
  }

  private armExpiry(session: VerifySession): void {
    this.expiryTimers.get(session.uuid)?.cancel();
    this.expiryTimers.set(
      session.uuid,
      this.deps.clock.setTimer(session.expiresAt, () => {
        this.expiryTimers.delete(session.uuid);
        void this.queue.run(session.uuid, async () => {
          const current = await this.find(session.uuid);
          if (current?.status === 'in-progress') await this.expire(current);
        }).catch((error: unknown) => this.deps.logger.error({ err: error, sessionUuid: session.uuid }, 'could not expire a verify session'));
      }),
    );
  }

  private async expire(session: VerifySession): Promise<void> {
    await this.save({ ...session, status: 'expired', updatedAt: this.deps.clock.now() }, true);
    this.byAttempt.delete(attemptOf(session));
  }

  /** The session, with its status callback when `notify` (every change but a wrong code), in one transaction. */
  private async save(session: VerifySession, notify: boolean): Promise<void> {
    const callbacks: EnqueueRequest[] =
      notify && session.url
        ? [
            {
              url: session.url,
              method: session.method,
              params: sessionCallbackParams(session),
              dialect: 'plivo',
              accountId: session.accountId,
              profile: 'plivo-messaging',
              resource: `${SESSION_RESOURCE}:${session.uuid}`,
            },
          ]
        : [];
    await this.deps.callbacks.commitChange({
      resources: [{ type: SESSION_RESOURCE, id: session.uuid, accountId: session.accountId, state: session, updatedAt: session.updatedAt }],
      callbacks,
    });
  }

}

/**
 * Plivo documents a voice attempt as ringing, in-progress and completed (plivo.md §4.4): a call still
 * being set up counts as ringing; one that never connects reports how it ended (busy, no-answer…).
 */
function voiceStatus(status: PlivoCall['status']): PlivoCall['status'] {
  return status === 'queued' ? 'ringing' : status;
}

function attemptOf(session: VerifySession): string {
  return (session.callUuid ?? session.messageUuid) as string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The session status callback (plivo.md §4.4). */
export function sessionCallbackParams(session: VerifySession): CallbackParams {
  return {
    SessionUUID: session.uuid,
    SessionStatus: session.status,
    AttemptUUID: session.attemptUuid,
    AttemptSequence: '1',
    Channel: session.channel,
    ChannelStatus: session.channelStatus,
    ChannelErrorCode: session.channelErrorCode === null ? '' : String(session.channelErrorCode),
    Recipient: session.recipient,
    RequestTime: plivoTime(session.createdAt),
  };
}

/** The session as `GET Verify/Session/{uuid}/` describes it (plivo.md §4.3). */
export function sessionRecord(session: VerifySession): Record<string, unknown> {
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  return {
    session_uuid: session.uuid,
    app_uuid: session.appUuid,
    recipient: session.recipient,
    channel: session.channel,
    status: session.status,
    count: 1,
    attempt_details: [{ channel: session.channel, attempt_uuid: session.attemptUuid, status: session.channelStatus, time: iso(session.createdAt) }],
    charges: {
      total_charge: '0.00500',
      validation_charge: '0.00000',
      attempt_charges: [{ attempt_uuid: session.attemptUuid, channel: session.channel, charge: '0.00500' }],
    },
    created_at: iso(session.createdAt),
    updated_at: iso(session.updatedAt),
  };
}
