import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackService, EnqueueRequest } from '../../delivery/callback-service.js';
import type { DocumentFetcher } from '../../delivery/document-fetcher.js';
import type { HttpMethod } from '../../domain/callback.js';
import type { UrlTarget } from '../../domain/instructions.js';
import type { Clock, TimerHandle } from '../../domain/clock.js';
import type { Attempt, Delivery } from '../../domain/delivery.js';
import { isE164 } from '../../domain/phone-numbers.js';
import { lamlFarEndScript, type LamlMessageSettings } from '../../domain/laml-message.js';
import {
  allowedNext,
  countQueuedCallback,
  receivedSms,
  MessageTransitionError,
  moveMessage,
  queuedSms,
  type MessageStatus,
  type MessageType,
  type NewInboundSms,
  type PlivoMessage,
} from '../../domain/plivo-message.js';
import type { ResourceWrite, Store } from '../../store/ports.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { OwnershipPort } from '../node-ownership.js';
import { runDocumentAnswers } from '../messages/document-answers.js';
import { messageDialectOf, type OutgoingReply } from '../messages/message-dialect.js';
import { allResources } from '../resources.js';

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
  /** A LaML message: its settings; its callbacks are LaML's and an MMS stays `sent` (laml.md §5.2). */
  readonly laml?: LamlMessageSettings;
}

export interface MessageFilter {
  readonly status?: MessageStatus;
  readonly direction?: 'outbound' | 'inbound';
  readonly to?: string;
  readonly from?: string;
}

export interface MessageServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly callbacks: CallbackService;
  /** Asks for the documents that answer inbound messages of a dialect that answers so (LaML). */
  readonly documents: Pick<DocumentFetcher, 'fetchDocument'>;
  readonly logger: Logger;
  /**
   * On a shared store: records which node drives each message's far end, so one node plays each
   * script, and a dead node's messages pass to one other node (`adopt`) instead of to every node that starts.
   */
  readonly ownership?: OwnershipPort;
}

/** The statuses a message can still move on from by itself: where `resume` looks. */
const UNFINISHED: readonly MessageStatus[] = ['queued', 'sent', 'received'];

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
  /** Per message: a timer and a live status change never interleave on one message. */
  private readonly queue = new KeyedQueue();
  /**
   * Inbound messages whose app has not answered yet. Every finished delivery about a message is
   * reported here, status callbacks included; this set tells the few that matter without a read.
   */
  private readonly awaitingAnswer = new Set<string>();
  private readonly listeners: Array<(message: PlivoMessage) => void> = [];

  constructor(private readonly deps: MessageServiceDeps) {}

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
        ...(request.laml ? { laml: request.laml, script: lamlFarEndScript(to, request.type ?? 'sms') } : {}),
      });
      return queued.url ? countQueuedCallback(queued) : queued;
    });
    // Owned before they are stored, so a stored message with a step to come always has a driver.
    const driven = messages.filter((message) => message.next).map((message) => message.uuid);
    await this.deps.ownership?.own(driven, 'message');
    await this.deps.callbacks
      .commitChange({ resources: messages.map(resourceOf), callbacks: messages.flatMap((message) => callbackOf(message)) })
      .catch((error: unknown) => {
        for (const uuid of driven) this.deps.ownership?.disown(uuid);
        throw error;
      });
    for (const message of messages) {
      this.arm(message);
      this.tell(message);
    }
    return messages;
  }

  /**
   * An SMS from a phone to `message.to`, already routed to the app's message URL (and its fallback,
   * for a dialect that has one), stored as received. A dialect whose app is notified stores the request
   * to the message URL in the same transaction, and its answer comes back through `finished`; one
   * whose app answers with documents has them asked for at once, one after the other (the virtual
   * clock waits for them through `idle`).
   */
  async receive(input: Omit<NewInboundSms, 'uuid' | 'now'> & { readonly fallback?: UrlTarget | null }): Promise<PlivoMessage> {
    const { fallback = null, ...sms } = input;
    const message = receivedSms({ ...sms, uuid: randomUUID(), now: this.deps.clock.now() });
    const dialect = messageDialectOf(message);
    if (dialect.inboundRequest === 'document') {
      await this.deps.store.commit({ resources: [resourceOf(message)] });
      const target = { url: sms.messageUrl, method: sms.messageMethod };
      void this.queue.run(message.uuid, () => this.answerByDocuments(message, target, fallback)).catch((error: unknown) => {
        this.deps.logger.error({ err: error, messageUuid: message.uuid }, 'could not ask the app for its answer to an inbound message');
      });
      return message;
    }
    this.awaitingAnswer.add(message.uuid);
    await this.deps.callbacks.commitChange({
      resources: [resourceOf(message)],
      callbacks: [
        {
          url: sms.messageUrl,
          method: sms.messageMethod,
          params: dialect.inboundParams(message),
          dialect: dialect.signing,
          accountId: sms.accountId,
          profile: dialect.inboundProfile,
          resource: `${MESSAGE_RESOURCE}:${message.uuid}`,
        },
      ],
    }).catch((error: unknown) => {
      this.awaitingAnswer.delete(message.uuid);
      throw error;
    });
    return message;
  }

  /** The app's documents for an inbound message, then the message delivered (answered) or undelivered. */
  private async answerByDocuments(inbound: PlivoMessage, target: UrlTarget, fallback: UrlTarget | null): Promise<void> {
    const deps = { documents: this.deps.documents, logger: this.deps.logger, send: (to: PlivoMessage, reply: OutgoingReply) => this.sendReply(to, reply) };
    const answered = await runDocumentAnswers(deps, messageDialectOf(inbound), inbound, { target, fallback });
    await this.deps.store.commit({ resources: [resourceOf(moveMessage(inbound, answered ? 'delivered' : 'undelivered', this.deps.clock.now()))] });
  }

  /**
   * A delivery about a message has finished. For an inbound message that is the app's answer: the
   * message becomes delivered (2xx) or undelivered, and the `<Message>` elements of a 2xx reply are sent
   * as new outbound messages. Status callbacks of outbound messages need nothing.
   */
  finished(delivery: Delivery, attempt: Attempt, status: 'succeeded' | 'failed'): void {
    const uuid = delivery.resource?.startsWith(`${MESSAGE_RESOURCE}:`) ? delivery.resource.slice(MESSAGE_RESOURCE.length + 1) : null;
    if (!uuid || !this.awaitingAnswer.has(uuid)) return;
    this.awaitingAnswer.delete(uuid);
    void this.queue.run(uuid, async () => {
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
    const reply = messageDialectOf(inbound).readReply(body, null, inbound, inbound.url ?? '');
    if (!reply.ok) {
      this.deps.logger.warn({ messageUuid: inbound.uuid, reason: reply.reason }, 'the application’s reply to an inbound message was refused; nothing was sent');
      return;
    }
    for (const warning of reply.warnings) this.deps.logger.warn({ messageUuid: inbound.uuid }, warning);
    // A notified app's answer is one document of messages: nothing in it hands over to another.
    for (const step of reply.steps) if (step.kind === 'send') await this.sendReply(inbound, step.message);
  }

  /** One message an app's answer asks for, sent as the account's; null when `to` is not E.164. */
  private async sendReply(inbound: PlivoMessage, message: OutgoingReply): Promise<PlivoMessage | null> {
    if (!message.to.every(isE164)) {
      this.deps.logger.warn({ messageUuid: inbound.uuid, to: message.to }, 'a <Message> of the reply is to a number that is not E.164; it was not sent');
      return null;
    }
    const sent = await this.send({
      accountId: inbound.accountId,
      from: message.from,
      to: message.to,
      text: message.text,
      type: message.type,
      ...(message.type === 'mms' ? { mediaUrls: message.mediaUrls } : {}),
      url: message.callback?.url ?? null,
      method: message.callback?.method ?? 'POST',
      log: true,
      ...(message.laml ? { laml: message.laml } : {}),
    });
    return sent[0] ?? null;
  }

  /** The message if it belongs to `accountId`. */
  async get(accountId: string, uuid: string): Promise<PlivoMessage | null> {
    const message = await this.load(uuid);
    return message && message.accountId === accountId ? message : null;
  }

  /** Any account's message: for the control API, which sees every account. */
  find(uuid: string): Promise<PlivoMessage | null> {
    return this.load(uuid);
  }

  /** Newest first; every account's when `accountId` is undefined (the control API). */
  async list(accountId: string | undefined, filter: MessageFilter, page: { limit: number; offset: number }): Promise<{ messages: PlivoMessage[]; total: number }> {
    const where: Record<string, string> = {};
    if (filter.status) where.status = filter.status;
    if (filter.direction) where.direction = filter.direction;
    if (filter.to) where.to = filter.to;
    if (filter.from) where.from = filter.from;
    const { items, total } = await this.deps.store.listResources({ type: MESSAGE_RESOURCE, accountId, where }, page);
    return { messages: items.map((item) => item.state as PlivoMessage), total };
  }

  /**
   * Move a message as the far end would, now (the control API). A delivery report for a message still
   * queued goes through `sent` first, with its own callback, as on a real network. The script's own
   * next step is dropped: the message goes where it is told. Null if there is no such message.
   */
  setStatus(uuid: string, status: MessageStatus, errorCode: number | null): Promise<PlivoMessage | null> {
    return this.queue.run(uuid, async () => {
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
      this.deps.ownership?.disown(uuid);
      return final;
    });
  }

  /**
   * After a restart: re-arm the far end's next step of every message that has one, and wait again for
   * the answers of inbound messages still unanswered. Reads only the messages not yet finished. On a
   * shared store a message with a step to come is re-armed only if no node drives it (one stored
   * before messages were owned) and this node claims it first; a dead node's pass to one node through
   * `adopt` once its lease runs out, and a live node's stay its own.
   */
  async resume(): Promise<number> {
    const unfinished = (await Promise.all(UNFINISHED.map((status) => allResources(this.deps.store, { type: MESSAGE_RESOURCE, where: { status } })))).flat();
    const waiting: PlivoMessage[] = [];
    for (const { state } of unfinished) {
      const message = state as PlivoMessage;
      if (message.direction === 'inbound') this.awaitingAnswer.add(message.uuid);
      if (message.next) waiting.push(message);
    }
    const ownership = this.deps.ownership;
    const mine = ownership ? new Set(await ownership.claim(waiting.map((message) => message.uuid), 'message')) : null;
    const armed = mine ? waiting.filter((message) => mine.has(message.uuid)) : waiting;
    for (const message of armed) this.arm(message);
    return armed.length;
  }

  /**
   * A message this node has taken over from a dead one: its far end goes on from the stored step.
   * False when it has no step left (it finished, or the control API moved it), so it is not this node's.
   */
  adopt(uuid: string): Promise<boolean> {
    return this.queue.run(uuid, async () => {
      const message = await this.load(uuid);
      if (!message?.next) return false;
      this.arm(message);
      return true;
    });
  }

  /** This node plays the message's far end: its next step waits on this node's timer. */
  drives(uuid: string): boolean {
    return this.armed.has(uuid);
  }

  /** Whether no step of any script is being written (the virtual clock settles on it). */
  isIdle(): boolean {
    return this.queue.isIdle();
  }

  /** Resolves when no step of any script is being written. */
  idle(): Promise<void> {
    return this.queue.idle();
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
    return this.queue.run(uuid, async () => {
      const message = this.armed.get(uuid) === armedWith ? armedWith : await this.load(uuid);
      const next = message?.next;
      if (!message || !next) {
        // Moved to its end elsewhere (the control API, while this node seemed dead): nothing left to drive.
        this.deps.ownership?.disown(uuid);
        return;
      }
      if (next.at > this.deps.clock.now()) {
        this.arm(message);
        return;
      }
      const moved = moveMessage(message, next.status, next.at);
      await this.commit([moved]);
      this.arm(moved);
      if (!moved.next) this.deps.ownership?.disown(uuid);
    });
  }

  /** Each state change is stored with the callback it causes, in one transaction. */
  private async commit(changes: readonly PlivoMessage[]): Promise<void> {
    const last = changes[changes.length - 1];
    if (!last) return;
    await this.deps.callbacks.commitChange({ resources: [resourceOf(last)], callbacks: changes.flatMap((message) => callbackOf(message)) });
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

}

function resourceOf(message: PlivoMessage): ResourceWrite {
  return { type: MESSAGE_RESOURCE, id: message.uuid, accountId: message.accountId, state: message, updatedAt: message.updatedAt };
}

/** The status callbacks the message's latest change causes, in its dialect. */
function callbackOf(message: PlivoMessage): EnqueueRequest[] {
  const { url } = message;
  if (!url) return [];
  const dialect = messageDialectOf(message);
  return dialect.statusCallbacks(message).map((params) => ({
    url,
    method: message.method,
    params,
    dialect: dialect.signing,
    accountId: message.accountId,
    profile: dialect.statusProfile,
    resource: `${MESSAGE_RESOURCE}:${message.uuid}`,
  }));
}
