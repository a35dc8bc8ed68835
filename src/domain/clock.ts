/** A scheduled callback that can be cancelled. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Every time-dependent decision asks the clock. The real clock follows the wall (optionally scaled for
 * demos); the virtual clock moves only when told, so a test can skip a 240 s retry.
 */
export interface Clock {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the epoch, in the clock's own time. */
  now(): number;
  /** Run `fn` once the clock reaches `at` (clock time). */
  setTimer(at: number, fn: () => void): TimerHandle;
}
