import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.js';

describe('virtual clock', () => {
  it('stands still until advanced', () => {
    const clock = new VirtualClock(1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.now()).toBe(1_000);
  });

  it('fires timers in time order during one advance, each at its own time', async () => {
    const clock = new VirtualClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimer(300, () => fired.push(['c', clock.now()]));
    clock.setTimer(100, () => fired.push(['a', clock.now()]));
    clock.setTimer(200, () => fired.push(['b', clock.now()]));
    await clock.advance(250);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
    ]);
    expect(clock.now()).toBe(250);
    await clock.advance(50);
    expect(fired.at(-1)).toEqual(['c', 300]);
  });

  it('fires a timer set by a timer when it falls inside the same advance', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.setTimer(60_000, () => {
      fired.push(clock.now());
      clock.setTimer(clock.now() + 120_000, () => fired.push(clock.now()));
    });
    await clock.advance(180_000);
    expect(fired).toEqual([60_000, 180_000]);
  });

  it('waits for settlers before moving past a fired timer', async () => {
    const clock = new VirtualClock(0);
    const worker = new Worker();
    const seen: number[] = [];
    clock.addSettler(worker);
    clock.setTimer(10, () =>
      worker.run(20, () => {
        seen.push(clock.now());
        clock.setTimer(clock.now() + 10, () => seen.push(clock.now()));
      }),
    );
    await clock.advance(100);
    expect(seen).toEqual([10, 20]);
  });

  it('waits for work one settler hands another after that one was found idle', async () => {
    const clock = new VirtualClock(0);
    const engine = new Worker();
    const dispatcher = new Worker();
    const delivered: number[] = [];
    clock.addSettler(dispatcher);
    clock.addSettler(engine);
    // A call's step (the engine's work) ends by handing a callback to the dispatcher, idle until then.
    clock.setTimer(10, () => engine.run(5, () => dispatcher.run(20, () => delivered.push(clock.now()))));
    await clock.advance(100);
    expect(delivered).toEqual([10]);
  });

  it('does not fire a cancelled timer', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.setTimer(10, () => (fired = true)).cancel();
    await clock.advance(20);
    expect(fired).toBe(false);
  });

  it('refuses to go backwards', () => {
    const clock = new VirtualClock(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

/** A settler whose work takes real time, and which may pass work on when it finishes. */
class Worker {
  private busy = 0;
  private waiters: Array<() => void> = [];

  run(ms: number, then: () => void): void {
    this.busy++;
    setTimeout(() => {
      then();
      this.busy--;
      if (this.busy === 0) for (const resolve of this.waiters.splice(0)) resolve();
    }, ms);
  }

  isIdle(): boolean {
    return this.busy === 0;
  }

  idle(): Promise<void> {
    return this.isIdle() ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
