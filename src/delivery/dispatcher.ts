import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../domain/clock.js';
import type { Attempt, Delivery } from '../domain/delivery.js';
import { decideAfterAttempt } from '../domain/retry.js';
import { parseRetryAfter } from '../domain/retry-after.js';
import type { AttemptResult, Store } from '../store/ports.js';
import type { AccountDirectory } from './account-directory.js';
import { AttemptSender } from './attempt-sender.js';
import type { DeliveryEvents } from './events.js';
import type { Sender } from './sender.js';
import { stripFragment } from './url.js';

export interface DispatcherOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly sender: Sender;
  readonly accounts: AccountDirectory;
  readonly events: DeliveryEvents;
  readonly logger: Logger;
  /** Attempts in flight at once, across all origins. */
  readonly concurrency: number;
  /** Response bytes kept per attempt in the log. */
  readonly recordBodyBytes: number;
  readonly userAgent: string;
  /** Names this dispatcher's leases. */
  readonly owner: string;
  /**
   * Wall-clock lease on a claimed delivery. Longer than any one attempt can take (tt ≤ 55 s), so a
   * live dispatcher never loses a delivery it is still sending.
   */
  readonly leaseMs?: number;
  /** Most deliveries claimed in one query. */
  readonly claimBatch?: number;
  /** Most attempt results written in one transaction. */
  readonly recordBatch?: number;
}

/** An attempt's result, with the delivery as it was claimed, waiting to be recorded. */
interface Finished {
  readonly delivery: Delivery;
  readonly result: AttemptResult;
}

/**
 * Claims due deliveries from the outbox under a lease, sends them, and records the attempts with
 * their next state in grouped transactions. Sleeps on the clock until the next delivery is due
 * (no polling); `wake()` is called when new work is enqueued.
 */
export class Dispatcher {
  private readonly leaseMs: number;
  private readonly claimBatch: number;
  private readonly recordBatch: number;
  private running = false;
  private stopping = false;
  /** Claimed and not yet recorded. */
  private inFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private results: Finished[] = [];
  private flushing: Promise<void> | null = null;
  private flushScheduled = false;
  private timer: TimerHandle | null = null;
  private timerAt: number | null = null;
  private leaseSweep: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  private readonly attempts: AttemptSender;

  constructor(private readonly options: DispatcherOptions) {
    this.attempts = new AttemptSender(options);
    this.leaseMs = options.leaseMs ?? 120_000;
    this.claimBatch = options.claimBatch ?? 256;
    this.recordBatch = options.recordBatch ?? 512;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    // Another dispatcher's lease can only expire on a shared store; sweeping is cheap on an index.
    this.leaseSweep = setInterval(() => void this.reclaimExpiredLeases(), Math.max(1000, this.leaseMs / 4));
    this.leaseSweep.unref();
    this.wake();
  }

  /** New work may be due: claim it now rather than at the next timer. */
  wake(): void {
    if (!this.running || this.stopping) return;
    void this.pump();
  }

  /** Resolves once nothing is in flight, nothing is being claimed and nothing is due right now. */
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
    if (this.leaseSweep) clearInterval(this.leaseSweep);
    // A claim already on its way to the store starts its attempts when it returns: wait for it too.
    while (this.pumping || this.inFlight > 0 || this.results.length > 0 || this.flushing) {
      await (this.flushing ?? new Promise<void>((resolve) => this.idleWaiters.push(resolve)));
      if (this.results.length > 0 && !this.flushing) await this.flush();
    }
    this.running = false;
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && !this.pumping && !this.pumpAgain && this.results.length === 0 && !this.flushing;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      // A wake that arrives while the timer is being armed must claim again: the work it announced
      // may already be due, and the timer would otherwise sleep past it.
      do {
        this.pumpAgain = false;
        await this.claimWhileDue();
        if (!this.stopping && !this.pumpAgain) await this.armTimer();
      } while (this.pumpAgain && !this.stopping);
    } catch (error) {
      this.options.logger.error({ err: error }, 'dispatcher could not claim deliveries; retrying in 1 s');
      setTimeout(() => this.wake(), 1000).unref();
    } finally {
      this.pumping = false;
      if (this.stopping) this.pumpAgain = false;
      this.notifyIfIdle();
    }
  }

  private async claimWhileDue(): Promise<void> {
    const { store, clock, owner } = this.options;
    for (;;) {
      const free = this.options.concurrency - this.inFlight;
      if (free <= 0 || this.stopping) return;
      const limit = Math.min(free, this.claimBatch);
      const claimed = await store.deliveries.claimDue({ now: clock.now(), limit, owner, leaseUntil: Date.now() + this.leaseMs });
      for (const delivery of claimed) {
        this.inFlight++;
        void this.attempt(delivery);
      }
      if (claimed.length < limit) return;
    }
  }

  /** Sleep until the earliest pending delivery is due. */
  private async armTimer(): Promise<void> {
    const next = await this.options.store.deliveries.nextDueAt();
    if (next === null || this.stopping) {
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

  private async attempt(delivery: Delivery): Promise<void> {
    let result: AttemptResult;
    try {
      result = await this.send(delivery);
    } catch (error) {
      // A bug, not a network failure (the sender never throws for those): keep the delivery alive.
      this.options.logger.error({ err: error, deliveryId: delivery.id }, 'attempt failed unexpectedly; retrying in 60 s');
      result = this.unexpectedFailure(delivery, error);
    }
    this.results.push({ delivery, result });
    this.scheduleFlush();
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
      },
      number,
      startedAt,
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

  /**
   * Results are written in groups: whatever finished during one turn of the event loop goes into one
   * transaction, so the store sees a few large writes instead of thousands of small ones.
   */
  private scheduleFlush(): void {
    if (this.results.length >= this.recordBatch) {
      void this.flush();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.results.length > 0) return this.flush();
      return;
    }
    if (this.results.length === 0) return;
    const batch = this.results;
    this.results = [];
    this.flushing = this.write(batch);
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
    if (this.results.length > 0) this.scheduleFlush();
    if (!this.stopping) this.wake();
    this.notifyIfIdle();
  }

  private async write(batch: Finished[]): Promise<void> {
    const { store, logger, owner } = this.options;
    const results = batch.map((f) => f.result);
    for (;;) {
      try {
        await store.deliveries.recordAttempts(results, owner);
        break;
      } catch (error) {
        // The attempts happened; losing their record would lose the retry. Hold them and try again.
        logger.error({ err: error, attempts: batch.length }, 'could not record attempts; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    this.inFlight -= batch.length;
    this.publish(batch);
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
        delivery: {
          ...delivery,
          status: next.status,
          dueAt: next.status === 'pending' ? next.dueAt : delivery.dueAt,
          attemptCount: attempt.number,
          roundAttempts: delivery.roundAttempts + 1,
          lastOutcome: attempt.outcome,
          updatedAt: attempt.startedAt,
        },
      });
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
