import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EnqueueRequest } from '../delivery/callback-service.js';
import type { Outbox } from '../delivery/outbox.js';
import type { HttpMethod } from '../domain/callback.js';
import type { Clock, TimerHandle } from '../domain/clock.js';
import type { Attempt, Delivery } from '../domain/delivery.js';
import { parseMessageReply } from '../domain/plivo-message-xml.js';
import {
  allowedNext,
  countQueuedCallback,
  inboundSmsParams,
  receivedSms,
  MessageTransitionError,
  moveMessage,
  queuedSms,
  statusCallbackParams,
  type MessageStatus,
  type MessageType,
  type NewInboundSms,
  type PlivoMessage,
} from '../domain/plivo-message.js';
import type { ResourceWrite, Store } from '../store/ports.js';

export const MESSAGE_RESOURCE = 'message';

export interface SendSms {
  readonly accountId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly text: string;
  /** `mms` with its media; `sms` when left out. */
  readonly type?: MessageType;
  readonly mediaUrls?: readonly string[];
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly log: boolean;
}

export interface MessageFilter {
  readonly status?: MessageStatus;
  readonly direction?: 'outbound' | 'inbound';
}

const E164 = /^[1-9]\d{6,14}$/;

/** Most messages read per page when re-arming the far end's timers at start. */
const RESUME_PAGE = 500;

/**
 * The carrier side of Plivo SMS: stores each message with its status callback in one transaction
 * (the outbox), then plays the far end's script on the clock (sent, then the delivery report), one
 * state change and one callback at a time. The script's next step is part of the stored message, so a
 * restart picks up where the last process stopped (`resume`).
 */
export class MessageService {
  private readonly timers = new Map<string, TimerHandle>();
  /** The message each timer was armed with; dropped by any change that cancels the timer. */
  private readonly armed = new Map<string, PlivoMessage>();
  /** Per-message chain: a timer and a live status change never interleave on one message. */
  private readonly chains = new Map<string, Promise<void>>();
  private busy = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly listeners: Array<(message: PlivoMessage) => void> = [];

  constructor(
    private readonly deps: { readonly store: Store; readonly clock: Clock; readonly outbox: Outbox; readonly logger: Logger },
  ) {}

  /** Told of every message after each change is stored (Verify follows its OTP messages so). */
  onChange(listener: (message: PlivoMessage) => void): void {
    this.listeners.push(listener);
  }

  /** One message per destination, all queued in one transaction with their queued callbacks. */
  async send(request: SendSms): Promise<PlivoMessage[]> {
    const now = this.deps.clock.now();
    const messages = request.to.map((to) => {
      const queued = queuedSms({
        uuid: randomUUID(),
        accountId: request.accountId,
        from: request.from,
        to,
        text: request.text,
        url: request.url,
        method: request.method,
        log: request.log,
        now,
        ...(request.type ? { type: request.type } : {}),
        ...(request.mediaUrls ? { mediaUrls: request.mediaUrls } : {}),
      });
      return queued.url ? countQueuedCallback(queued) : queued;
    });
    await this.deps.outbox.commitChange({
      resources: messages.map(resourceOf),
      callbacks: messages.flatMap((message) => callbackOf(message)),
    });
    for (const message of messages) {
      this.arm(message);
      this.tell(message);
    }
    return messages;
  }

  /**
   * An SMS from a phone to `message.to`, already routed to the application's message_url: stored as
   * received, with the request to message_url, in one transaction. The app's answer comes back through
   * `finished`.
   */
  async receive(input: Omit<NewInboundSms, 'uuid' | 'now'>): Promise<PlivoMessage> {
    const message = receivedSms({ ...input, uuid: randomUUID(), now: this.deps.clock.now() });
    await this.deps.outbox.commitChange({
      resources: [resourceOf(message)],
      callbacks: [
        {
          url: input.messageUrl,
          method: input.messageMethod,
          params: inboundSmsParams(message),
          dialect: 'plivo',
          accountId: input.accountId,
          profile: 'plivo-messaging',
          resource: `${MESSAGE_RESOURCE}:${message.uuid}`,
        },
      ],
    });
    return message;
  }

  /**
   * A delivery about a message has finished. For an inbound message that is the app's answer: the
   * message becomes delivered (2xx) or undelivered, and the `<Message>` elements of a 2xx reply are sent
   * as new outbound messages. Status callbacks of outbound messages need nothing.
   */
  finished(delivery: Delivery, attempt: Attempt, status: 'succeeded' | 'failed'): void {
    const uuid = delivery.resource?.startsWith(`${MESSAGE_RESOURCE}:`) ? delivery.resource.slice(MESSAGE_RESOURCE.length + 1) : null;
    if (!uuid) return;
    void this.serialize(uuid, async () => {
      const message = await this.load(uuid);
      if (!message || message.direction !== 'inbound' || message.status !== 'received') return;
      const now = this.deps.clock.now();
      await this.deps.store.commit({ resources: [resourceOf(moveMessage(message, status === 'succeeded' ? 'delivered' : 'undelivered', now))] });
      if (status === 'succeeded') await this.sendReplies(message, attempt.response?.body ?? '', attempt.response?.bodyTruncated ?? false);
    }).catch((error: unknown) => {
      this.deps.logger.error({ err: error, messageUuid: uuid }, 'could not act on the application’s answer to an inbound message');
    });
  }

  private async sendReplies(inbound: PlivoMessage, body: string, truncated: boolean): Promise<void> {
    if (truncated) {
      this.deps.logger.warn({ messageUuid: inbound.uuid }, 'the application’s reply to an inbound message was too long to read; nothing was sent');
      return;
    }
    const reply = parseMessageReply(body);
    if (!reply.ok) {
      this.deps.logger.warn({ messageUuid: inbound.uuid, reason: reply.reason }, 'the application’s reply to an inbound message was refused; nothing was sent');
      return;
    }
    for (const message of reply.messages) {
      const to = message.dst.split('<').map((n) => n.trim().replace(/^\+/, ''));
      if (!to.every((n) => E164.test(n))) {
        this.deps.logger.warn({ messageUuid: inbound.uuid, dst: message.dst }, 'a <Message> of the reply has a dst that is not E.164; it was not sent');
        continue;
      }
      await this.send({
        accountId: inbound.accountId,
        from: message.src,
        to,
        text: message.text,
        url: message.callbackUrl,
        method: message.callbackMethod,
        log: true,
      });
    }
  }

  /** The message if it belongs to `accountId`. */
  async get(accountId: string, uuid: string): Promise<PlivoMessage | null> {
    const message = await this.load(uuid);
    return message && message.accountId === accountId ? message : null;
  }

  async list(accountId: string, filter: MessageFilter, page: { limit: number; offset: number }): Promise<{ messages: PlivoMessage[]; total: number }> {
    const where: Record<string, string> = {};
    if (filter.status) where.status = filter.status;
    if (filter.direction) where.direction = filter.direction;
    const { items, total } = await this.deps.store.listResources({ type: MESSAGE_RESOURCE, accountId, where }, page);
    return { messages: items.map((item) => item.state as PlivoMessage), total };
  }

  /**
   * Move a message as the far end would, now (the control API). A delivery report for a message still
   * queued goes through `sent` first, with its own callback, as on a real network. The script's own
   * next step is dropped: the message goes where it is told. Null if there is no such message.
   */
  setStatus(uuid: string, status: MessageStatus, errorCode: number | null): Promise<PlivoMessage | null> {
    return this.serialize(uuid, async () => {
      let message = await this.load(uuid);
      if (!message) return null;
      const now = this.deps.clock.now();
      const steps: MessageStatus[] = message.status === 'queued' && status !== 'sent' && status !== 'failed' ? ['sent', status] : [status];
      const changes: PlivoMessage[] = [];
      for (const step of steps) {
        if (!allowedNext(message.status).includes(step)) throw new MessageTransitionError(message.status, step);
        message = moveMessage(message, step, now, errorCode);
        changes.push(message);
      }
      const final = { ...message, next: null };
      changes[changes.length - 1] = final;
      await this.commit(changes);
      this.timers.get(uuid)?.cancel();
      this.timers.delete(uuid);
      this.armed.delete(uuid);
      return final;
    });
  }

  /** Re-arm the far end's next step for every message that has one: after a restart. */
  async resume(): Promise<number> {
    let armed = 0;
    for (let offset = 0; ; offset += RESUME_PAGE) {
      const { items } = await this.deps.store.listResources({ type: MESSAGE_RESOURCE }, { limit: RESUME_PAGE, offset });
      for (const item of items) {
        const message = item.state as PlivoMessage;
        if (message.next) {
          this.arm(message);
          armed++;
        }
      }
      if (items.length < RESUME_PAGE) return armed;
    }
  }

  /** Resolves when no step of any script is being written (the virtual clock settles on it). */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.armed.clear();
  }

  private arm(message: PlivoMessage): void {
    this.timers.get(message.uuid)?.cancel();
    this.timers.delete(message.uuid);
    this.armed.delete(message.uuid);
    const next = message.next;
    if (!next) return;
    this.armed.set(message.uuid, message);
    this.timers.set(
      message.uuid,
      this.deps.clock.setTimer(next.at, () => {
        this.timers.delete(message.uuid);
        void this.step(message).catch((error: unknown) => {
          this.deps.logger.error({ err: error, messageUuid: message.uuid }, 'could not play the next step of a message; it stays where it was');
        });
      }),
    );
  }

  /**
   * Play the next step, if it is (still) due. The copy the timer was armed with is used when it is
   * still the armed one: every change to a message goes through this service, one at a time, and
   * replaces or drops that entry. Otherwise (a live status change got in first) the stored message
   * decides. Saves a read of the store on nearly every step.
   */
  private step(armedWith: PlivoMessage): Promise<void> {
    const { uuid } = armedWith;
    return this.serialize(uuid, async () => {
      const message = this.armed.get(uuid) === armedWith ? armedWith : await this.load(uuid);
      const next = message?.next;
      if (!message || !next) return;
      if (next.at > this.deps.clock.now()) {
        this.arm(message);
        return;
      }
      const moved = moveMessage(message, next.status, next.at);
      await this.commit([moved]);
      this.arm(moved);
    });
  }

  /** Each state change is stored with the callback it causes, in one transaction. */
  private async commit(changes: readonly PlivoMessage[]): Promise<void> {
    const last = changes[changes.length - 1];
    if (!last) return;
    await this.deps.outbox.commitChange({ resources: [resourceOf(last)], callbacks: changes.flatMap((message) => callbackOf(message)) });
    for (const message of changes) this.tell(message);
  }

  private tell(message: PlivoMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.deps.logger.error({ err: error, messageUuid: message.uuid }, 'a message listener failed');
      }
    }
  }

  private async load(uuid: string): Promise<PlivoMessage | null> {
    const resource = await this.deps.store.getResource(MESSAGE_RESOURCE, uuid);
    return resource ? (resource.state as PlivoMessage) : null;
  }

  private serialize<T>(uuid: string, work: () => Promise<T>): Promise<T> {
    this.busy++;
    const previous = this.chains.get(uuid) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(uuid, settled);
    void settled.then(() => {
      if (this.chains.get(uuid) === settled) this.chains.delete(uuid);
      this.busy--;
      if (this.busy === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
    return run;
  }
}

function resourceOf(message: PlivoMessage): ResourceWrite {
  return { type: MESSAGE_RESOURCE, id: message.uuid, accountId: message.accountId, state: message, updatedAt: message.updatedAt };
}

function callbackOf(message: PlivoMessage): EnqueueRequest[] {
  if (!message.url) return [];
  return [
    {
      url: message.url,
      method: message.method,
      params: statusCallbackParams(message),
      dialect: 'plivo',
      accountId: message.accountId,
      profile: 'plivo-messaging',
      resource: `${MESSAGE_RESOURCE}:${message.uuid}`,
    },
  ];
}
