import { sleep } from './time.js';

/** One paced callback: its delivery id and the shared-clock time the producer asked for it to be sent. */
export interface PacedSend {
  readonly id: string;
  readonly sentAt: number;
}

/**
 * Calls `fire(i)` for i = 0…count-1 at a steady `ratePerSecond`, without waiting for what it starts:
 * a producer that emits callbacks as events happen, not one that waits for the previous to land.
 * Each tick catches up on whatever is due by then, so timer jitter moves sends by ≤ ~1 ms, never drops them.
 */
export async function pace(ratePerSecond: number, count: number, fire: (index: number) => void): Promise<void> {
  const start = performance.now();
  let fired = 0;
  while (fired < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * ratePerSecond) / 1000) + 1);
    while (fired < due) {
      fire(fired);
      fired++;
    }
    await sleep(1);
  }
}

/** `send(0)` … `send(count - 1)`, at most `concurrency` in flight, each lane taking the next index. */
export async function inLanes(count: number, concurrency: number, send: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await send(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
