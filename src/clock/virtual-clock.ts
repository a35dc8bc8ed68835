import type { Clock, TimerHandle } from '../domain/clock.js';

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Something that can say when the work it started has finished (the dispatcher, a call engine). */
export type Settler = () => Promise<void>;

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

  /** Wait until all settlers are idle without moving time. */
  async settle(): Promise<void> {
    // Settling can start more work (a claimed delivery schedules its retry), so repeat until quiet.
    for (let round = 0; round < 1000; round++) {
      this.fireDue();
      await Promise.all([...this.settlers].map((s) => s()));
      if (!this.hasDue()) return;
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
