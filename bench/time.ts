/**
 * Milliseconds on a clock two processes on one machine can compare: each process's `timeOrigin` is
 * wall time at its start, and `performance.now()` is monotonic from there. Used for the latency figure,
 * where the enqueue happens in one process and the arrival in another.
 */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Let pending I/O callbacks run, so work interleaves with whatever else the event loop is doing. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
