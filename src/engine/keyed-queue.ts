/**
 * Work run one piece at a time per key (a message, a session), in the order it was asked for, with a
 * way to wait until nothing is left: the virtual clock settles on `idle()` before time moves on.
 * A failed piece does not stop the ones queued behind it; its caller gets the rejection.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.pending--;
      if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    return result;
  }

  isIdle(): boolean {
    return this.pending === 0;
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
