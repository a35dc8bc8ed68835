import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../domain/clock.js';
import { deliveryIn, type Attempt, type Delivery } from '../domain/delivery.js';
import { decideAfterAttempt } from '../domain/retry.js';
import { parseRetryAfter } from '../domain/retry-after.js';
import type { AttemptResult, CommitLease, DispatchTurn, Store } from '../store/ports.js';
import { AttemptSender, type AttemptSenderDeps } from './attempt-sender.js';
import { Backoff } from '../domain/backoff.js';
import type { DeliveryEvents } from './events.js';
import { stripFragment } from './url.js';

/** What it sends with (sender, accounts, user agent, log size, LaML headers) is the AttemptSender's. */
export interface DispatcherOptions extends AttemptSenderDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: DeliveryEvents;
  readonly logger: Logger;
  /** Attempts in flight at once, across all origins. */
  readonly concurrency: number;
  /** Names this dispatcher's leases. */
  readonly owner: string;
  /**
   * Told of every delivery that has just finished (succeeded or failed for good), once its last
   * attempt is recorded: for producers that act on the answer (an app's reply to an inbound SMS).
   * Runs on the dispatcher's path: must be quick and must not throw.
   */
  readonly onFinished?: (delivery: Delivery, attempt: Attempt, status: 'succeeded' | 'failed') => void;
  /** Told of every batch of attempts once it is recorded (the metrics). Must be quick and must not throw. */
  readonly onRecorded?: (results: readonly AttemptResult[]) => void;
  /**
   * Wall-clock lease on a claimed delivery. Longer than any one attempt can take (tt ≤ 55 s), so a
   * live dispatcher never loses a delivery it is still sending.
   */
  readonly leaseMs?: number;
  /** Most deliveries claimed in one turn. */
  readonly claimBatch?: number;
}

/**
 * Turns whose store call may be outstanding at once. With one, the store's thread waited while the
 * main thread took in an answer and sent what it claimed, and the main thread's finished attempts
 * waited for the answer: with two, the next turn is queued in the store while the last is taken in.
 */
const TURNS_IN_FLIGHT = 2;

/**
 * Claimed deliveries sent per turn of the event loop. Sending a whole claim (70 or so under load) at
 * once held every response that arrived meanwhile, and with it the connection it came on, for the
 * millisecond or two the sends took (docs/benchmarks.md, 2026-12-06: 8 was the fastest of 1–1,000).
 */
const LAUNCH_CHUNK = 8;

/** Waits between turns while the store fails: doubling from the first to the most. */
const STORE_RETRY_FIRST_MS = 250;
const STORE_RETRY_MAX_MS = 8000;

/** Slots granted by `Dispatcher.reserve`: the lease the fresh deliveries are committed under. */
export type HandOff = CommitLease;

/** An attempt's result, with the delivery as it was claimed, waiting to be recorded. */
interface Finished {
  readonly delivery: Delivery;
  readonly result: AttemptResult;
}

/**
 * Claims due deliveries from the outbox under a lease, sends them, and records the attempts with
 * their next state. Sleeps on the clock until the next delivery is due (no polling); `wake()` is
 * called when new work is enqueued, by this process's outbox or, on a shared store, by the store when
 * another process made work due (`Store.onDeliveriesDue`).
 *
 * All its store work goes through turns, at most TURNS_IN_FLIGHT of them in the store at once: each
 * turn records the attempts that finished since the last, claims as many due deliveries as there are
 * free slots not already promised to the other turn out, and learns when the next pending one is due,
 * in one transaction (`recordAndClaim`). Attempts that finish while both turns are in the store wait
 * for the next, so the batches grow with the load. A slot is free as
 * soon as its attempt ends, recorded or not; a delivery stays leased in the store until its attempt is
 * recorded, so it cannot be claimed twice.
 */
export class Dispatcher {
  private readonly leaseMs: number;
  private readonly claimBatch: number;
  private running = false;
  private stopping = false;
  /** Attempts on the wire. */
  private sending = 0;
  /** Slots promised to deliveries being committed (`reserve`), not yet taken or released. */
  private reserved = 0;
  /**
   * The last turn left due deliveries in the store (its claim was full, or it had no slot for them).
   * Fresh callbacks are not handed over then: they would overtake deliveries that were due earlier.
   */
  private behind = false;
  /** Finished attempts not yet handed to the store. */
  private results: Finished[] = [];
  /** Turns whose store call is outstanding. */
  private turnsOut = 0;
  /** Slots the outstanding turns may fill with what they claim. */
  private claiming = 0;
  /** Something asked for a claim (new work, a timer, a full claim); a turn that claims answers it. */
  private wanted = false;
  private turnScheduled = false;
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private leaseSweep: NodeJS.Timeout | null = null;
  private leaseRenewal: NodeJS.Timeout | null = null;
  /**
   * When this dispatcher's lease on each delivery it holds ends (wall ms): from its claim (or hand-off)
   * until its attempt is recorded. An attempt may take longer than a lease (a status callback waits
   * --status-timeout), so leases running low are renewed rather than left to expire under it.
   */
  private readonly leasedUntil = new Map<string, number>();
  private renewing = false;
  private stopWatching: (() => void) | null = null;
  private idleWaiters: Array<() => void> = [];
  private readonly attempts: AttemptSender;
  private readonly storeBackoff = new Backoff(STORE_RETRY_FIRST_MS, STORE_RETRY_MAX_MS);

  constructor(private readonly options: DispatcherOptions) {
    this.attempts = new AttemptSender(options);
    this.leaseMs = options.leaseMs ?? 120_000;
    this.claimBatch = options.claimBatch ?? 256;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    // Another dispatcher's lease can only expire on a shared store; sweeping is cheap on an index.
    this.leaseSweep = setInterval(() => void this.reclaimExpiredLeases(), Math.max(1000, this.leaseMs / 4));
    this.leaseSweep.unref();
    this.leaseRenewal = setInterval(() => void this.renewLeases(), Math.max(100, this.leaseMs / 3));
    this.leaseRenewal.unref();
    // Other processes sharing the store commit work this one's outbox never sees.
    this.stopWatching = this.options.store.onDeliveriesDue(() => this.wake());
    this.wake();
  }

  /** New work may be due: claim it now rather than at the next timer. */
  wake(): void {
    if (!this.running || this.stopping) return;
    this.wanted = true;
    this.pump();
  }

  /**
   * Slots for fresh deliveries about to be committed, so they can be committed already claimed
   * (`ChangeSet.lease`) and sent straight after the commit, without a turn through the store. All or
   * nothing: null unless every one of them has a free slot, and when the dispatcher is stopped or
   * stopping, or deliveries due earlier are waiting in the store. The hand-off is for the steady
   * trickle of callbacks, where the turn it saves is most of their latency; a burst larger than the
   * free slots goes through the store, where splitting it measured a little slower than claiming it all.
   */
  reserve(count: number): HandOff | null {
    if (!this.running || this.stopping || this.behind || count <= 0) return null;
    if (count > this.options.concurrency - this.sending - this.reserved) return null;
    this.reserved += count;
    return { owner: this.options.owner, leaseUntil: Date.now() + this.leaseMs, count };
  }

  /** The reserved deliveries are committed in flight under `handOff`'s lease: send them. */
  take(handOff: HandOff, deliveries: readonly Delivery[]): void {
    this.reserved -= handOff.count;
    for (const delivery of deliveries.slice(0, handOff.count)) {
      this.sending++;
      this.leasedUntil.set(delivery.id, handOff.leaseUntil);
      void this.attempt(delivery);
    }
    this.notifyIfIdle();
  }

  /** The commit failed: nothing was stored, the slots are free again. */
  release(handOff: HandOff): void {
    this.reserved -= handOff.count;
    this.notifyIfIdle();
  }

  /** Resolves once nothing is in flight, nothing is being claimed or recorded, and nothing is due right now. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop claiming, finish and record what is in flight. No attempt is left half-recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = null;
    if (this.leaseSweep) clearInterval(this.leaseSweep);
    this.stopWatching?.();
    this.stopWatching = null;
    // A turn already in the store may come back with claimed deliveries: they are sent and recorded too.
    while (!this.isIdle()) {
      this.pump();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    // Renewed until now: attempts drained above may have outlasted their leases.
    if (this.leaseRenewal) clearInterval(this.leaseRenewal);
    this.leaseRenewal = null;
    this.running = false;
  }

  /** Nothing in flight, being claimed or recorded, and nothing due right now. */
  isIdle(): boolean {
    return this.sending === 0 && this.reserved === 0 && this.results.length === 0 && this.turnsOut === 0 && !this.turnScheduled && (!this.wanted || this.stopping);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Start turns while there is something to record or claim, up to TURNS_IN_FLIGHT at once. */
  private pump(): void {
    while (this.turnsOut < TURNS_IN_FLIGHT && (this.results.length > 0 || (this.wanted && !this.stopping))) {
      const turn = this.turn();
      if (!turn) break;
      this.turnsOut++;
      void turn.finally(() => {
        this.turnsOut--;
        this.pump();
      });
    }
    this.notifyIfIdle();
  }

  private turn(): Promise<void> | null {
    const batch = this.results;
    this.results = [];
    const free = this.options.concurrency - this.sending - this.reserved;
    const limit = this.stopping ? 0 : Math.max(0, Math.min(this.claimBatch, free - this.claiming));
    // With no free slot this turn cannot see whether due deliveries wait: assume they do, so fresh
    // ones are not handed over ahead of them until a turn finds the store caught up. Slots held by the
    // turn out are not that: its answer says whether it left due ones behind.
    if (free <= 0 && !this.stopping) this.behind = true;
    // A turn with no slot to claim into leaves the wish for a claim to the next one that has.
    if (limit > 0) this.wanted = false;
    if (batch.length === 0 && limit === 0) return null;
    this.claiming += limit;
    return this.storeTurn(batch, limit);
  }

  private async storeTurn(batch: Finished[], limit: number): Promise<void> {
    const { store, clock, owner } = this.options;
    let answer: DispatchTurn;
    const leaseUntil = Date.now() + this.leaseMs;
    try {
      answer = await store.deliveries
        .recordAndClaim(batch.map((f) => f.result), { now: clock.now(), limit, owner, leaseUntil })
        .finally(() => (this.claiming -= limit));
    } catch (error) {
      // Nothing of the turn was stored. The attempts happened: losing their record would lose the
      // retry, so they are held and written again with the next turn. A store that stays away (a
      // database restarting) is tried less and less often, so a long outage costs a log line now and
      // then rather than a loop.
      this.results = batch.concat(this.results);
      const retryInMs = this.storeBackoff.next();
      this.options.logger.error({ err: error, attempts: batch.length, retryInMs }, 'could not record attempts or claim deliveries; retrying');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
      this.wanted = true;
      return;
    }
    this.storeBackoff.reset();
    for (const { delivery } of batch) this.leasedUntil.delete(delivery.id);
    this.publish(batch);
    if (batch.length > 0) this.options.onRecorded?.(batch.map((f) => f.result));
    this.reportFinished(batch);
    for (const delivery of answer.claimed) {
      this.sending++;
      this.leasedUntil.set(delivery.id, leaseUntil);
    }
    this.launch(answer.claimed, 0);
    // A full claim means more may be due: claim again as soon as slots allow (the next turn). So does
    // a next due time already past: it came due while the answer was on its way back. With no slot
    // free, the next turn claims nothing and the first attempt to end asks for another.
    const full = limit > 0 && answer.claimed.length === limit;
    const dueNow = answer.nextDueAt !== null && answer.nextDueAt <= clock.now();
    this.behind = full || (limit === 0 && dueNow);
    if (full || dueNow) this.wanted = true;
    if (!full) this.armTimer(answer.nextDueAt);
  }

  /** Sleep until the earliest pending delivery is due. One already due waits for a free slot instead. */
  private armTimer(next: number | null): void {
    if (this.stopping) return;
    if (next === null || next <= this.options.clock.now()) {
      this.timer?.cancel();
      this.timer = null;
      this.timerAt = null;
      return;
    }
    if (this.timer && this.timerAt === next) return;
    this.timer?.cancel();
    this.timerAt = next;
    this.timer = this.options.clock.setTimer(next, () => {
      this.timer = null;
      this.timerAt = null;
      this.wake();
    });
  }

  /** Send claimed deliveries a few at a time, letting responses that arrive in between be read. */
  private launch(claimed: readonly Delivery[], from: number): void {
    const end = Math.min(claimed.length, from + LAUNCH_CHUNK);
    for (let i = from; i < end; i++) void this.attempt(claimed[i] as Delivery);
    if (end < claimed.length) setImmediate(() => this.launch(claimed, end));
  }

  private async attempt(delivery: Delivery): Promise<void> {
    let result: AttemptResult;
    try {
      result = await this.send(delivery);
    } catch (error) {
      // A bug, not a network failure (the sender never throws for those): keep the delivery alive.
      this.options.logger.error({ err: error, deliveryId: delivery.id }, 'attempt failed unexpectedly; retrying in 60 s');
      result = this.unexpectedFailure(delivery, error);
    }
    this.sending--;
    this.results.push({ delivery, result });
    this.scheduleTurn();
  }

  /** Attempts that end in the same turn of the event loop are recorded together. */
  private scheduleTurn(): void {
    if (this.turnsOut >= TURNS_IN_FLIGHT || this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.pump();
    });
  }

  private async send(delivery: Delivery): Promise<AttemptResult> {
    const { clock } = this.options;
    const number = delivery.attemptCount + 1;
    const startedAt = clock.now();
    const { policy } = delivery;
    const sent = await this.attempts.send(
      {
        deliveryId: delivery.id,
        accountId: delivery.accountId,
        dialect: delivery.dialect,
        method: delivery.method,
        wireUrl: stripFragment(delivery.url),
        params: delivery.params,
        policy,
        kind: delivery.kind,
      },
      number,
    );
    const decision = decideAfterAttempt({
      policy,
      outcome: sent.outcome,
      attemptsInRound: delivery.roundAttempts + 1,
      retryAfterMs: parseRetryAfter(sent.retryAfter, Date.now()),
    });
    // Retries are measured from the start of the previous attempt, as the carriers document (+60 s…).
    const nextAttemptAt = decision.action === 'retry' ? startedAt + decision.delayMs : null;
    const attempt: Attempt = {
      deliveryId: delivery.id,
      number,
      startedAt,
      durationMs: sent.durationMs,
      request: sent.request,
      response: sent.response,
      outcome: sent.outcome,
      nextAttemptAt,
    };
    return {
      attempt,
      next: nextAttemptAt !== null ? { status: 'pending', dueAt: nextAttemptAt } : { status: decision.action === 'finish' ? decision.status : 'failed' },
    };
  }

  private unexpectedFailure(delivery: Delivery, error: unknown): AttemptResult {
    const now = this.options.clock.now();
    const detail = error instanceof Error ? error.message : String(error);
    return {
      attempt: {
        deliveryId: delivery.id,
        number: delivery.attemptCount + 1,
        startedAt: now,
        durationMs: 0,
        request: { method: delivery.method, url: stripFragment(delivery.url), headers: {}, body: null },
        response: null,
        outcome: { kind: 'connect-failed', detail: `internal error before sending: ${detail}` },
        nextAttemptAt: now + 60_000,
      },
      next: { status: 'pending', dueAt: now + 60_000 },
    };
  }

  private reportFinished(batch: readonly Finished[]): void {
    const { onFinished } = this.options;
    if (!onFinished) return;
    for (const { delivery, result } of batch) {
      if (result.next.status === 'pending') continue;
      try {
        onFinished(delivery, result.attempt, result.next.status);
      } catch (error) {
        this.options.logger.error({ err: error, deliveryId: delivery.id }, 'a finished-delivery handler failed');
      }
    }
  }

  /** Tell listeners what was recorded, from what is in hand: no read-back from the store. */
  private publish(batch: readonly Finished[]): void {
    const { events } = this.options;
    if (events.listenerCount === 0) return;
    for (const { delivery, result } of batch) {
      const { attempt, next } = result;
      events.publish({ type: 'attempt', accountId: delivery.accountId, attempt });
      events.publish({
        type: 'delivery',
        delivery: deliveryIn(delivery, {
          seq: delivery.seq,
          status: next.status,
          dueAt: next.status === 'pending' ? next.dueAt : delivery.dueAt,
          attemptCount: attempt.number,
          roundAttempts: delivery.roundAttempts + 1,
          replayCount: delivery.replayCount,
          lastOutcome: attempt.outcome,
          updatedAt: attempt.startedAt,
        }),
      });
    }
  }

  /**
   * Renew the leases that have run a third of their length: renewed that early, a renewal waiting in
   * line at a busy store still lands before the lease ends. One renewal at a time.
   */
  private async renewLeases(): Promise<void> {
    if (this.renewing || this.leasedUntil.size === 0) return;
    const now = Date.now();
    const low: string[] = [];
    for (const [id, until] of this.leasedUntil) if (until - now <= (this.leaseMs * 2) / 3) low.push(id);
    if (low.length === 0) return;
    this.renewing = true;
    const leaseUntil = now + this.leaseMs;
    try {
      await this.options.store.deliveries.renewLeases(low, this.options.owner, leaseUntil);
      for (const id of low) if (this.leasedUntil.has(id)) this.leasedUntil.set(id, leaseUntil);
    } catch (error) {
      this.options.logger.error({ err: error, deliveries: low.length }, 'could not renew delivery leases; retrying');
    } finally {
      this.renewing = false;
    }
  }

  private async reclaimExpiredLeases(): Promise<void> {
    try {
      const n = await this.options.store.deliveries.reclaimExpiredLeases(Date.now(), this.options.clock.now());
      if (n > 0) {
        this.options.logger.warn({ reclaimed: n }, 'reclaimed deliveries whose lease expired');
        this.wake();
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not reclaim expired leases');
    }
  }
}
