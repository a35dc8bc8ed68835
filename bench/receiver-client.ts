import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STATUS_PATH } from './callback-params.js';
import type { FromReceiver, ToReceiver } from './receiver-protocol.js';

type Reply<T extends FromReceiver['type']> = Extract<FromReceiver, { type: T }>;

/** The bench's handle on the receiver child (bench/receiver-process.ts). */
export class ReceiverClient {
  private listeners: Array<(message: FromReceiver) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message) => {
      for (const listener of [...this.listeners]) listener(message as FromReceiver);
    });
  }

  static async start(): Promise<ReceiverClient> {
    const child = fork(fileURLToPath(new URL('./receiver-process.js', import.meta.url)), [], { stdio: 'inherit', execArgv: [] });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('receiver child did not start within 10 s')), 10_000);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`receiver child exited with code ${code} before listening`)));
      child.once('message', (message) => {
        clearTimeout(timer);
        const ready = message as FromReceiver;
        if (ready.type === 'ready') resolve(ready.port);
        else reject(new Error(`receiver child said ${ready.type} before ready`));
      });
    });
    child.removeAllListeners('exit');
    return new ReceiverClient(child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${STATUS_PATH}`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Reset the counters and return a promise for the moment `distinct` delivery ids have arrived
   * (the receiver's own timestamp). Rejects after `timeoutMs` with what was seen, so a stuck run ends.
   */
  async expect(distinct: number, options: { recordArrivals?: boolean; timeoutMs: number }): Promise<{ reached: Promise<Reply<'reached'>> }> {
    const reached = this.next('reached', options.timeoutMs).catch(async (error: unknown) => {
      const stats = await this.stats().catch(() => null);
      const seen = stats ? `${stats.distinct} distinct ids in ${stats.requests} requests` : 'unknown';
      throw new Error(`receiver did not see ${distinct} delivery ids in time (saw ${seen}): ${String(error)}`);
    });
    // Marked handled here; the caller still sees the rejection when it awaits.
    reached.catch(() => undefined);
    this.post({ type: 'expect', distinct, recordArrivals: options.recordArrivals ?? false });
    // The reset must land before the caller starts sending; a stats round trip orders it.
    await this.stats();
    return { reached };
  }

  async stats(): Promise<Reply<'stats'>> {
    const reply = this.next('stats', 10_000);
    this.post({ type: 'stats' });
    return reply;
  }

  async arrivals(): Promise<Map<string, number>> {
    const reply = this.next('arrivals', 30_000);
    this.post({ type: 'arrivals' });
    return new Map((await reply).entries);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.post({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private post(message: ToReceiver): void {
    this.child.send(message);
  }

  private next<T extends FromReceiver['type']>(type: T, timeoutMs: number): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      const listener = (message: FromReceiver): void => {
        if (message.type !== type) return;
        done();
        resolve(message as Reply<T>);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${type} from the receiver within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      this.listeners.push(listener);
    });
  }
}
