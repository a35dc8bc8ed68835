import type { Clock, TimerHandle } from '../domain/clock.js';

/** Node's timers cannot wait longer than this; longer waits are re-armed in steps. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Wall time, optionally sped up by `timeScale` for demos: with a scale of 60 a +60 s retry comes after
 * one real second. Clock time starts at the wall time of creation and runs `timeScale` times as fast.
 */
export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private readonly wallStart = Date.now();

  constructor(private readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  }

  now(): number {
    if (this.timeScale === 1) return Date.now();
    return this.wallStart + Math.floor((Date.now() - this.wallStart) * this.timeScale);
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const wait = Math.max(0, (at - this.now()) / this.timeScale);
      timer = setTimeout(
        () => {
          if (cancelled) return;
          if (this.now() >= at) fn();
          else arm();
        },
        Math.min(Math.ceil(wait), MAX_TIMEOUT_MS),
      );
      timer.unref?.();
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        if (timer) clearTimeout(timer);
      },
    };
  }
}
