import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CallArgs, CallResult, DatabaseConnection, DatabaseMethod } from './connection.js';
import type { SqliteDatabaseOptions } from './database.js';
import { reviveError } from './error-transfer.js';
import { decodeValue, OPEN_REPLY_ID, type WorkerReply, type WorkerRequest } from './protocol.js';

/**
 * The compiled worker script beside this module. It exists when hookline runs from `dist/`; when the
 * TypeScript sources run directly (vitest), only `worker.ts` is here, and Node 20 cannot start a `.ts`
 * file as a worker.
 */
export const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);

export function workerScriptAvailable(): boolean {
  return WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT));
}

/**
 * The worker's young generation, capped. What it allocates (decoded messages, rows on their way out)
 * dies young, and under a burst V8 would otherwise grow the young generation to its 32 MB maximum and
 * keep it: with a million callbacks scheduled that was 39 MB of worker heap holding 13 MB of live data.
 * At 4 MB a commit of 1,000 deliveries outlived the young generation and was collected again as old
 * data: interleaved throughput runs on a quiet machine took 3–4 % more CPU per callback than at 16 MB
 * (docs/benchmarks.md), which an idle engine gives back once V8's memory reducer shrinks it.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/** What a pending answer is for: a database call, or the opening or closing of the database. */
type Awaited = DatabaseMethod | 'open' | 'close';

interface PendingCall {
  readonly method: Awaited;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The database in a worker thread (`worker.ts`), seen from the main thread: each call is one
 * `{id, method, args}` message, answered in order. Errors come back as the same classes
 * (`error-transfer.ts`).
 *
 * The worker holds the process open only while a call is waiting for its answer, as an inline database
 * would: a script that forgets to close the store still exits, and one awaiting a commit does not exit
 * before the commit is answered.
 */
export class WorkerConnection implements DatabaseConnection {
  private readonly pending = new Map<number, PendingCall>();
  private nextId = OPEN_REPLY_ID + 1;
  /** Set once the worker can take no more calls: closed, crashed or exited. */
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.stop(new Error(`the SQLite worker failed: ${error.message}`, { cause: error })));
    worker.on('messageerror', (error: Error) => this.stop(new Error(`the SQLite worker sent an unreadable message: ${error.message}`, { cause: error })));
    worker.on('exit', (code: number) => this.stop(new Error(`the SQLite worker exited (code ${code})`)));
  }

  /** Start a worker and open the database in it; rejects with the database's own error if it cannot. */
  static open(options: SqliteDatabaseOptions, script: URL = WORKER_SCRIPT): Promise<WorkerConnection> {
    const worker = new Worker(script, { workerData: { ...options }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const connection = new WorkerConnection(worker);
    return new Promise<WorkerConnection>((resolve, reject) => {
      connection.expect(OPEN_REPLY_ID, 'open', () => resolve(connection), (error) => {
        // The worker closes its port after a failed open; make sure the thread is gone before rejecting.
        void worker.terminate().finally(() => reject(error));
      });
    });
  }

  call<M extends DatabaseMethod>(method: M, ...args: CallArgs<M>): Promise<CallResult<M>> {
    return this.send(method, (id) => ({ id, method, args })) as Promise<CallResult<M>>;
  }

  /** Runs after every call already sent; then the worker closes the database and ends. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.stopped) await this.send('close', (id) => ({ id, method: 'close' }));
      } finally {
        this.stopped ??= new Error('the store is closed');
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private send(method: Awaited, request: (id: number) => WorkerRequest): Promise<unknown> {
    if (this.closing && method !== 'close') return Promise.reject(new Error('the store is closed'));
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.expect(id, method, resolve, reject);
      try {
        this.worker.postMessage(request(id));
      } catch (error) {
        this.pending.delete(id);
        this.releaseIfIdle();
        reject(new Error(`could not send ${method} to the SQLite worker: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  private expect(id: number, method: Awaited, resolve: (value: unknown) => void, reject: (error: Error) => void): void {
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, { method, resolve, reject });
  }

  private settle(reply: WorkerReply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    this.releaseIfIdle();
    if (!reply.ok) call.reject(reviveError(reply.error));
    else call.resolve(call.method === 'open' || call.method === 'close' ? undefined : decodeValue(call.method, reply.value));
  }

  /** No answer is awaited: let the process exit if nothing else keeps it alive. */
  private releaseIfIdle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.releaseIfIdle();
    for (const call of calls) call.reject(reason);
  }
}
