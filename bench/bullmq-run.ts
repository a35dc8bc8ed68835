import { connect } from 'node:net';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { postForm, rawAgent, type RawTarget } from './raw-undici.js';
import type { ReceiverClient } from './receiver-client.js';
import { sharedNow, yieldToIo } from './time.js';

const REDIS = { host: '127.0.0.1', port: 6379 } as const;
const QUEUE_NAME = 'hookline-bench';

/**
 * Redis's persistence settings, read with a plain RESP exchange on a short connect timeout; null when
 * nothing answers. Doubles as the reachability check, and tells the report what "durable" meant for
 * BullMQ in this run (by default Redis snapshots now and then; it does not fsync every job).
 */
export function redisPersistence(timeoutMs = 500): Promise<Record<string, string> | null> {
  const names = ['appendonly', 'appendfsync', 'save'];
  return new Promise((resolve) => {
    const socket = connect({ ...REDIS, timeout: timeoutMs });
    let text = '';
    const finish = (result: Record<string, string> | null): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => socket.write(names.map((name) => `CONFIG GET ${name}\r\n`).join('')));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const settings = parseConfigReplies(text);
      if (Object.keys(settings).length === names.length) finish(settings);
    });
    socket.once('timeout', () => finish(null));
    socket.once('error', () => finish(null));
  });
}

/** Replies to CONFIG GET are arrays of [name, value] bulk strings: `*2`, `$len`, name, `$len`, value. */
function parseConfigReplies(text: string): Record<string, string> {
  const lines = text.split('\r\n');
  const settings: Record<string, string> = {};
  // `i + 4 < lines.length - 1`: the value line must be complete (followed by its CRLF).
  for (let i = 0; i + 4 < lines.length - 1; i++) {
    if (lines[i] !== '*2') continue;
    settings[lines[i + 2] as string] = lines[i + 4] as string;
    i += 4;
  }
  return settings;
}

export interface BullmqResult {
  readonly callbacks: number;
  readonly elapsedMs: number;
  readonly callbacksPerSecond: number;
  readonly requestsSeen: number;
}

/**
 * The same callbacks through a BullMQ queue: jobs added in batches while a Worker (concurrency matched
 * to hookline's) posts each one through undici to the same receiver. BullMQ's own retries are on
 * (4 attempts, exponential backoff from 60 s: +60 s, +120 s, +240 s, the schedule Plivo documents for
 * status callbacks), and completed jobs are kept, as hookline keeps every delivery and attempt.
 */
export async function bullmqThroughput(options: {
  readonly receiver: ReceiverClient;
  readonly target: RawTarget;
  readonly paramsList: readonly Record<string, string>[];
  readonly batchSize: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
}): Promise<BullmqResult> {
  const { receiver, target, paramsList, batchSize, concurrency } = options;
  // Workers block on Redis; ioredis must not give up on those commands (BullMQ requires this setting).
  const connection: ConnectionOptions = { ...REDIS, maxRetriesPerRequest: null, connectTimeout: 1000 };
  const queue = new Queue(QUEUE_NAME, { connection });
  const agent = rawAgent(target);
  let worker: Worker | null = null;
  try {
    await queue.obliterate({ force: true });
    worker = new Worker(
      QUEUE_NAME,
      async (job) => {
        await postForm(agent, target.url, `bullmq-${String(job.id)}`, (job.data as { params: Record<string, string> }).params);
      },
      { connection, concurrency, autorun: false },
    );
    worker.on('error', (error) => console.error(`bullmq worker error: ${error.message}`));
    void worker.run();
    await worker.waitUntilReady();

    const { reached } = await receiver.expect(paramsList.length, { timeoutMs: options.timeoutMs });
    const startedAt = sharedNow();
    for (let offset = 0; offset < paramsList.length; offset += batchSize) {
      const jobs = paramsList.slice(offset, offset + batchSize).map((params) => ({
        name: 'status-callback',
        data: { params },
        opts: { attempts: 4, backoff: { type: 'exponential', delay: 60_000 } },
      }));
      await queue.addBulk(jobs);
      await yieldToIo();
    }
    const done = await reached;
    const elapsedMs = done.at - startedAt;
    return {
      callbacks: paramsList.length,
      elapsedMs,
      callbacksPerSecond: (paramsList.length / elapsedMs) * 1000,
      requestsSeen: done.requests,
    };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch((error: unknown) => console.error(`could not obliterate the bench queue: ${String(error)}`));
    await queue.close();
    await agent.close();
  }
}
