import type { Clock, TimerHandle } from '../domain/clock.js';

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Something that does work the clock's timers set off (the dispatcher, a call engine), and says when it has none. */
export interface Settler {
  isIdle(): boolean;
  /** Resolves once the settler is idle. */
  idle(): Promise<void>;
}

/** Rounds of waiting one settle allows: a bound on work that keeps setting off more at the same instant. */
const MAX_SETTLE_ROUNDS = 1000;

/**
 * Simulated time that moves only when `advance` is called. Timers due during an advance fire in time
 * order, and after each step the clock waits until every registered settler is idle, so the work a
 * timer started (an HTTP attempt, its recording, the retry it schedules) is done before time moves on.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  private timers: PendingTimer[] = [];
  private order = 0;
  private readonly settlers = new Set<Settler>();
  private advancing: Promise<void> = Promise.resolve();

  constructor(
    start: number,
    private readonly onAdvance: (now: number) => Promise<void> | void = () => undefined,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { at, order: this.order++, fn, cancelled: false };
    this.timers.push(timer);
    // A timer already due fires on the next turn, as a real timer would.
    if (at <= this.current) queueMicrotask(() => this.fireDue());
    return { cancel: () => (timer.cancelled = true) };
  }

  addSettler(settler: Settler): () => void {
    this.settlers.add(settler);
    return () => this.settlers.delete(settler);
  }

  /** Move time forward by `ms`, firing everything due in order. Concurrent calls queue. */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance takes a non-negative number of ms, got ${ms}`);
    const run = this.advancing.then(() => this.advanceTo(this.current + ms));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /**
   * Wait until all settlers are idle at once, with nothing due, without moving time. Settlers hand work
   * to each other (a call's step ends by committing a callback, which the dispatcher then sends), so
   * one found idle may be busy again by the time the others are done: waiting for each to have been idle
   * once let time move on under callbacks still in flight. Settling can also start more work (a claimed
   * delivery schedules its retry), so this repeats until a round finds everything quiet.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      this.fireDue();
      const busy = [...this.settlers].filter((settler) => !settler.isIdle());
      if (busy.length > 0) {
        await Promise.all(busy.map((settler) => settler.idle()));
        continue;
      }
      if (this.hasDue()) continue;
      // Work a timer starts a microtask or an immediate later counts as busy only then: look once more.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.hasDue() && [...this.settlers].every((settler) => settler.isIdle())) return;
    }
  }

  /** Clock time of the next timer, or null. */
  nextTimerAt(): number | null {
    let next: number | null = null;
    for (const t of this.timers) if (!t.cancelled && (next === null || t.at < next)) next = t.at;
    return next;
  }

  private async advanceTo(target: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === null || next > target) break;
      if (next > this.current) this.current = next;
      await this.onAdvance(this.current);
      await this.settle();
    }
    this.current = Math.max(this.current, target);
    await this.onAdvance(this.current);
    await this.settle();
  }

  private hasDue(): boolean {
    return this.timers.some((t) => !t.cancelled && t.at <= this.current);
  }

  private fireDue(): void {
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.current).sort((a, b) => a.at - b.at || a.order - b.order);
    if (due.length === 0) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      return;
    }
    for (const t of due) t.cancelled = true;
    this.timers = this.timers.filter((t) => !t.cancelled);
    for (const t of due) t.fn();
  }
}
