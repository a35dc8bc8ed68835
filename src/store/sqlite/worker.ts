import { once } from 'node:events';
import { parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { CheckpointerData, CheckpointerMessage } from './checkpointer.js';
import { DATABASE_METHODS, invoke } from './connection.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { transferError } from './error-transfer.js';
import { encodeValue, OPEN_REPLY_ID, type WorkerReply, type WorkerRequest } from './protocol.js';

/**
 * The SQLite worker thread: owns the store's one writing connection and runs the calls
 * `WorkerConnection` sends, one message at a time, in order, off the main thread's event loop.
 *
 * WAL checkpoints run on a thread of their own (`checkpointer.ts`), asked for at most every
 * CHECKPOINT_DELAY_MS while calls come in: a checkpoint's fsyncs can take hundreds of milliseconds on a
 * busy disk, and here they would hold up every commit and claim queued behind them. This connection's
 * own autocheckpoint stays on as a backstop, far above what the checkpointer lets the WAL reach.
 */

const KNOWN_METHODS: ReadonlySet<string> = new Set(DATABASE_METHODS);

/** Calls within this long of each other share one checkpoint. */
const CHECKPOINT_DELAY_MS = 100;

/** 40 MB of WAL: reached only if the checkpointer falls behind or dies. */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

class Checkpoints {
  private readonly thread: Worker;
  private timer: NodeJS.Timeout | null = null;
  private alive = true;

  constructor(path: string) {
    // It allocates next to nothing; the smallest young generation keeps its isolate small.
    this.thread = new Worker(new URL('./checkpointer.js', import.meta.url), {
      workerData: { path } satisfies CheckpointerData,
      resourceLimits: { maxYoungGenerationSizeMb: 1 },
    });
    this.thread.on('error', (error) => process.emitWarning(`the SQLite checkpointer thread failed; the writer will checkpoint instead: ${error.message}`));
    this.thread.on('exit', () => (this.alive = false));
  }

  /** Something may have been written: checkpoint soon, once for everything written until then. */
  wrote(): void {
    if (this.timer || !this.alive) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.alive) this.thread.postMessage('checkpoint' satisfies CheckpointerMessage);
    }, CHECKPOINT_DELAY_MS);
  }

  /** Close the checkpointer's connection (after the writer's, so it is the last and cleans up) and end it. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.alive) return;
    const exited = once(this.thread, 'exit');
    this.thread.postMessage('close' satisfies CheckpointerMessage);
    await exited;
  }
}

function serve(port: MessagePort, options: SqliteDatabaseOptions): void {
  const file = options.path !== ':memory:' && options.path !== '';
  let db: SqliteDatabase;
  try {
    db = new SqliteDatabase(file ? { walAutocheckpointPages: BACKSTOP_AUTOCHECKPOINT_PAGES, ...options } : options);
  } catch (error) {
    port.postMessage({ id: OPEN_REPLY_ID, ok: false, error: transferError(error) } satisfies WorkerReply);
    port.close();
    return;
  }
  const checkpoints = file ? new Checkpoints(options.path) : null;
  port.postMessage({ id: OPEN_REPLY_ID, ok: true, value: null } satisfies WorkerReply);

  // Group commit: calls that arrive together run in one transaction and share its commit, which is
  // most of a small write's cost. They still run one at a time, in order, and each is answered only
  // once the transaction holding it has committed.
  let queue: WorkerRequest[] = [];
  let draining = false;
  const drain = (): void => {
    draining = false;
    const batch = queue;
    queue = [];
    let start = 0;
    for (let i = 0; i <= batch.length; i++) {
      const request = batch[i];
      if (request && request.method !== 'close' && i - start < MAX_BATCH) continue;
      runBatch(port, db, batch.slice(start, i));
      start = i;
      if (request?.method === 'close') {
        void close(port, request.id, db, checkpoints);
        return;
      }
    }
    checkpoints?.wrote();
  };
  port.on('message', (request: WorkerRequest) => {
    queue.push(request);
    if (draining) return;
    draining = true;
    setImmediate(drain);
  });
}

/** Calls answered from one transaction at most; more wait for the next. */
const MAX_BATCH = 256;

function runBatch(port: MessagePort, db: SqliteDatabase, requests: readonly WorkerRequest[]): void {
  if (requests.length === 0) return;
  const run = (request: WorkerRequest): WorkerReply => {
    try {
      if (request.method === 'close' || !KNOWN_METHODS.has(request.method)) throw new Error(`the SQLite worker has no method "${request.method}"`);
      return { id: request.id, ok: true, value: encodeValue(request.method, invoke(db, request.method, request.args)) };
    } catch (error) {
      return { id: request.id, ok: false, error: transferError(error) };
    }
  };
  let replies: WorkerReply[];
  if (requests.length === 1) {
    replies = [run(requests[0] as WorkerRequest)];
  } else {
    try {
      for (const request of requests) {
        try {
          if (request.method !== 'close') db.storePoliciesFor(request.method, request.args);
        } catch {
          // Malformed arguments: the call itself fails with the reason when it runs.
        }
      }
      replies = db.batch(() => requests.map(run));
    } catch (error) {
      // The shared commit failed: nothing of the batch is stored, and every call says so.
      const failure = transferError(error);
      replies = requests.map((request) => ({ id: request.id, ok: false, error: failure }));
    }
  }
  for (const message of replies) send(port, message);
}

/**
 * Close the writer's connection, then the checkpointer's (the last one to the file, so it checkpoints
 * what is left and removes the WAL), and only then answer: the main thread terminates this thread on
 * the answer, and the checkpointer with it.
 */
async function close(port: MessagePort, id: number, db: SqliteDatabase, checkpoints: Checkpoints | null): Promise<void> {
  let failure: unknown = null;
  try {
    db.close();
    await checkpoints?.close();
  } catch (error) {
    failure = error;
  }
  port.postMessage((failure === null ? { id, ok: true, value: null } : { id, ok: false, error: transferError(failure) }) satisfies WorkerReply);
  // Nothing else keeps this thread alive: it ends once the port is closed.
  port.close();
}

function send(port: MessagePort, message: WorkerReply): void {
  try {
    port.postMessage(message);
  } catch (error) {
    // A result structured clone cannot copy is a bug here, but the caller must still get an answer.
    port.postMessage({ id: message.id, ok: false, error: transferError(new Error('could not send the result back to the main thread', { cause: error })) } satisfies WorkerReply);
  }
}

if (!parentPort) throw new Error('worker.js runs as the SQLite store’s worker thread; open the store with openSqliteStore()');
serve(parentPort, workerData as SqliteDatabaseOptions);
