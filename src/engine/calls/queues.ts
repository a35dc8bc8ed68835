import { randomUUID } from 'node:crypto';
import { BRIDGE_TALK_MS } from '../../domain/call-far-end.js';
import type { LamlQueueView } from '../../domain/laml-queue.js';
import { waitDocument } from '../../domain/laml-wait-document.js';
import type { DequeueInstruction, EnqueueInstruction, UrlTarget } from '../../domain/instructions.js';
import type { CallSession } from './call-session.js';
import { playingTimeMs } from './dialler.js';
import type { CallServices, DialResult, QueueExit, QueueResult } from './verb.js';

interface Waiter {
  readonly session: CallSession;
  readonly enqueuedAt: number;
  /** The call that took it out of the queue, once one has; the bridge lasts until `bridgeEnded`. */
  dequeuedBy: CallSession | null;
  bridgedAt: number | null;
  bridgeEnded: boolean;
}

interface Queue {
  readonly uuid: string;
  readonly accountId: string;
  readonly name: string;
  readonly createdAt: number;
  /** Longest waiting first. */
  readonly waiting: Waiter[];
  /** Calls whose `<Dial><Queue>` waits for a caller. */
  readonly dequeuers: Set<CallSession>;
}

/** What a wait document does: plays this long (null: until the caller is dequeued), then this. */
interface WaitPlan {
  readonly ms: number | null;
  readonly then: 'again' | 'leave' | 'hangup';
}

/**
 * LaML queues across the live calls of this process, by account and name (laml.md §6.1): `<Enqueue>`
 * waits, hearing its `waitUrl` again and again, until a `<Dial><Queue>` bridges it with the call that
 * dequeued it, the caller hangs up, or the wait document says `<Leave>` (or `<Hangup>`). A bridged
 * caller's far end talks for a while and hangs up, as a dialled number does; the dequeuing call's far
 * end may hang up first, and the caller then goes on to its Enqueue `action`. A queue keeps its sid for
 * as long as the process runs.
 */
export class Queues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly services: () => CallServices) {}

  async enqueue(session: CallSession, request: EnqueueInstruction): Promise<QueueExit> {
    const queue = this.queueOf(session, request.queue);
    const waiter: Waiter = { session, enqueuedAt: session.now(), dequeuedBy: null, bridgedAt: null, bridgeEnded: false };
    queue.waiting.push(waiter);
    session.note('instruction', `waiting in queue ${request.queue} at position ${queue.waiting.length}`, { queueUuid: queue.uuid });
    for (const dequeuer of queue.dequeuers) dequeuer.poke();
    let exit: { result: QueueResult; byDocument: boolean };
    try {
      exit = await this.wait(queue, waiter, request.waitUrl);
    } finally {
      remove(queue.waiting, waiter);
    }
    const waitedMs = (waiter.bridgedAt ?? session.now()) - waiter.enqueuedAt;
    session.note('instruction', `left queue ${request.queue}: ${exit.result}`, { queueUuid: queue.uuid, result: exit.result });
    return Object.assign(exit, { queueUuid: queue.uuid, waitedMs });
  }

  async dequeue(session: CallSession, request: DequeueInstruction): Promise<DialResult> {
    const queue = this.queueOf(session, request.queue);
    const waiter = await this.firstCaller(session, queue, request.waitMs);
    if (!waiter) return { status: session.interrupted ? 'cancel' : 'no-answer', rang: false, hangupCause: 'NORMAL_CLEARING', bLegUuid: null };
    const caller = waiter.session;
    remove(queue.waiting, waiter);
    waiter.dequeuedBy = session;
    waiter.bridgedAt = session.now();
    caller.poke();
    session.note('dial', `took ${caller.call.from} (${caller.uuid}) from queue ${request.queue}`, { bLegUuid: caller.uuid, queueUuid: queue.uuid });
    if (request.url) await this.announce(session, waiter, queue, request.url);
    const bridgedAt = session.now();
    await this.talk(session, waiter, request);
    waiter.bridgeEnded = true;
    caller.poke();
    return { status: 'completed', rang: true, hangupCause: 'NORMAL_CLEARING', bLegUuid: caller.uuid, durationS: Math.round((session.now() - bridgedAt) / 1000) };
  }

  /** An account's queues as they stand, oldest first: who waits in each, longest waiting first. */
  list(accountId: string): LamlQueueView[] {
    return [...this.queues.values()]
      .filter((queue) => queue.accountId === accountId)
      .map((queue) => ({
        uuid: queue.uuid,
        name: queue.name,
        createdAt: queue.createdAt,
        members: queue.waiting
          .filter((waiter) => !waiter.dequeuedBy)
          .map((waiter) => ({ callUuid: waiter.session.uuid, enqueuedAt: waiter.enqueuedAt, waitedMs: waiter.session.now() - waiter.enqueuedAt })),
      }));
  }

  private queueOf(session: CallSession, name: string): Queue {
    const key = `${session.call.accountId}\u0000${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { uuid: randomUUID(), accountId: session.call.accountId, name, createdAt: session.now(), waiting: [], dequeuers: new Set() };
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** The caller's side: the wait document on a loop until dequeued, then the bridge until it ends. */
  private async wait(queue: Queue, waiter: Waiter, waitUrl: UrlTarget | null): Promise<{ result: QueueResult; byDocument: boolean }> {
    const { session } = waiter;
    while (!waiter.dequeuedBy) {
      const plan: WaitPlan = waitUrl ? await this.waitDocument(queue, waiter, waitUrl) : { ms: null, then: 'again' };
      const deadline = plan.ms === null ? null : session.now() + plan.ms;
      for (;;) {
        const waited = await session.wait(deadline === null ? null : deadline - session.now(), true);
        if (waited === 'hangup') return { result: 'hangup', byDocument: false };
        session.clearInput();
        if (waiter.dequeuedBy || waited === 'time') break;
      }
      if (!waiter.dequeuedBy && plan.then !== 'again') return { result: plan.then, byDocument: plan.then === 'hangup' };
    }
    while (!waiter.bridgeEnded) {
      if ((await session.wait(null, true)) === 'hangup') {
        waiter.bridgeEnded = true;
        waiter.dequeuedBy.poke();
        break;
      }
      session.clearInput();
    }
    return { result: 'bridged', byDocument: false };
  }

  /**
   * The wait document, requested with where the caller stands: its Say, Play and Pause pass time, a
   * `<Leave>` (or `<Reject>`) ends the wait once what comes before it has played; a Dial, Gather, Hangup
   * or Record is warned of (13238) and skipped, other verbs are skipped.
   */
  private async waitDocument(queue: Queue, waiter: Waiter, waitUrl: UrlTarget): Promise<WaitPlan> {
    const services = this.services();
    const now = waiter.session.now();
    const waits = queue.waiting.map((w) => now - w.enqueuedAt);
    const params = services.params.queue(waiter.session, {
      kind: 'wait',
      queueUuid: queue.uuid,
      position: queue.waiting.indexOf(waiter) + 1,
      waitedMs: now - waiter.enqueuedAt,
      averageWaitMs: waits.reduce((sum, ms) => sum + ms, 0) / Math.max(1, waits.length),
      size: queue.waiting.length,
    });
    const fetched = await services.fetchDocument(waiter.session, 'action', waitUrl, params);
    if (!fetched.ok) return { ms: null, then: 'again' };
    const allowed = waitDocument(fetched.document.instructions, 'waitUrl');
    for (const warning of allowed.warnings) waiter.session.note('warning', warning);
    let ms = 0;
    for (const instruction of allowed.instructions) {
      if (instruction.kind === 'leave' || instruction.kind === 'hangup') return { ms, then: instruction.kind };
      ms += playingTimeMs([instruction]);
    }
    // A wait document with nothing to play would be requested without end: silence instead.
    return { ms: ms > 0 ? ms : null, then: 'again' };
  }

  /** The dequeuing side: the caller waiting longest, waiting up to `waitMs` for one when there is none. */
  private async firstCaller(session: CallSession, queue: Queue, waitMs: number): Promise<Waiter | null> {
    const deadline = session.now() + waitMs;
    queue.dequeuers.add(session);
    try {
      for (;;) {
        const waiter = queue.waiting.find((w) => !w.dequeuedBy && !w.session.interrupted);
        if (waiter) return waiter;
        const waited = await session.wait(deadline - session.now(), true);
        session.clearInput();
        if (waited !== 'input') return null;
      }
    } finally {
      queue.dequeuers.delete(session);
    }
  }

  /** The Queue noun's `url`, about the caller, who hears its document before the bridge. */
  private async announce(session: CallSession, waiter: Waiter, queue: Queue, url: UrlTarget): Promise<void> {
    const services = this.services();
    const params = services.params.queue(waiter.session, { kind: 'dequeued', queueUuid: queue.uuid, dequeuedBy: session.uuid, waitedMs: session.now() - waiter.enqueuedAt });
    const fetched = await services.fetchDocument(waiter.session, 'action', url, params);
    if (fetched.ok) await session.wait(playingTimeMs(fetched.document.instructions), false);
  }

  /** The bridge, from the dequeuing call: until a side hangs up, the time limit, or * with hangupOnStar. */
  private async talk(session: CallSession, waiter: Waiter, request: DequeueInstruction): Promise<void> {
    const caller = waiter.session;
    const start = session.now();
    const talkEnds = start + BRIDGE_TALK_MS;
    const limit = start + request.timeLimitMs;
    for (;;) {
      const waited = await session.wait(Math.min(talkEnds, limit) - session.now(), true);
      if (waited === 'hangup' || waiter.bridgeEnded || caller.interrupted) return;
      if (waited === 'time') {
        // The caller's far end has said what it called to say, and hangs up.
        if (session.now() >= talkEnds && session.now() < limit) caller.requestHangup({ code: 4000, source: 'Caller' });
        return;
      }
      let star = false;
      for (let key = session.takeDigit(); key !== null; key = session.takeDigit()) if (key === '*' && request.hangupOnStar) star = true;
      session.clearInput();
      if (star) return;
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
