import type { EnqueueRequest } from '../dist/delivery/callback-service.js';
import type { HooklineConfig } from '../dist/config/schema.js';
import { startEngine } from './engine.js';
import { pace, type PacedSend } from './pacing.js';
import { cpuMark, cpuSince } from './thread-cpu.js';
import type { ReceiverClient } from './receiver-client.js';
import { sharedNow, sleep, yieldToIo } from './time.js';

export interface EngineThroughputResult {
  readonly callbacks: number;
  /** First enqueue to the receiver having seen every delivery id. */
  readonly elapsedMs: number;
  readonly callbacksPerSecond: number;
  /** First enqueue to the last enqueue having committed. */
  readonly enqueueMs: number;
  /** First enqueue to every delivery recorded as succeeded in the store (attempt log written). */
  readonly recordedMs: number;
  /** Requests the receiver saw; more than `callbacks` means some were sent twice. */
  readonly requestsSeen: number;
  /** The engine process's CPU per callback, first enqueue to the last arrival (the store's thread included). */
  readonly cpuUsPerCallback: number;
  /** Of that, its main thread's; null where the kernel does not say. */
  readonly mainThreadCpuUsPerCallback: number | null;
}

export function statusCallback(url: string, params: Record<string, string>): EnqueueRequest {
  return { url, method: 'POST', params, dialect: 'plivo' };
}

/**
 * Figure 1: enqueue in batches with `enqueueMany` while the dispatcher delivers, as a platform
 * reporting message statuses would, and time it to the receiver's last new delivery id.
 */
export async function engineThroughput(options: {
  readonly receiver: ReceiverClient;
  readonly paramsList: readonly Record<string, string>[];
  readonly batchSize: number;
  readonly timeoutMs: number;
}): Promise<EngineThroughputResult> {
  const { receiver, paramsList, batchSize } = options;
  const engine = await startEngine({ listen: true });
  try {
    const { app } = engine;
    const { reached } = await receiver.expect(paramsList.length, { timeoutMs: options.timeoutMs });
    const startedAt = sharedNow();
    const cpuStart = cpuMark();
    for (let offset = 0; offset < paramsList.length; offset += batchSize) {
      const batch = paramsList.slice(offset, offset + batchSize).map((params) => statusCallback(receiver.url, params));
      await app.callbacks.enqueueMany(batch);
      // The commit is synchronous inside; give the dispatcher's I/O a turn between batches.
      await yieldToIo();
    }
    const enqueuedAt = sharedNow();
    const done = await reached;
    const cpu = cpuSince(cpuStart);
    const recordedAt = await allSucceeded(() => app.store.deliveries.countByStatus(), paramsList.length, options.timeoutMs);
    const elapsedMs = done.at - startedAt;
    return {
      callbacks: paramsList.length,
      elapsedMs,
      callbacksPerSecond: (paramsList.length / elapsedMs) * 1000,
      enqueueMs: enqueuedAt - startedAt,
      recordedMs: recordedAt - startedAt,
      requestsSeen: done.requests,
      cpuUsPerCallback: (cpu.processMs * 1000) / paramsList.length,
      mainThreadCpuUsPerCallback: cpu.mainThreadMs === null ? null : (cpu.mainThreadMs * 1000) / paramsList.length,
    };
  } finally {
    await engine.stop();
  }
}

/** Shared-clock time at which the store first reports `count` succeeded deliveries (polled every 20 ms). */
async function allSucceeded(counts: () => Promise<Record<string, number>>, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const byStatus = await counts();
    if ((byStatus.succeeded ?? 0) >= count) return sharedNow();
    if (performance.now() > deadline) throw new Error(`store recorded ${JSON.stringify(byStatus)} of ${count} deliveries in time`);
    await sleep(20);
  }
}

/**
 * Figure 3: one `enqueue` call per callback at a steady rate. Each send's time is taken just before
 * the call (when the producer asks); the engine is left running so the caller can wait for arrivals.
 */
export async function enginePaced(options: {
  readonly receiverUrl: string;
  readonly paramsList: readonly Record<string, string>[];
  readonly ratePerSecond: number;
  /** Settings of the engine that enqueues (another store, no dispatcher…). */
  readonly overrides?: Partial<HooklineConfig>;
}): Promise<{ sends: PacedSend[]; stop(): Promise<void> }> {
  const engine = await startEngine({ listen: true, ...(options.overrides ? { overrides: options.overrides } : {}) });
  const sends: PacedSend[] = new Array(options.paramsList.length);
  const enqueues: Promise<void>[] = [];
  try {
    await pace(options.ratePerSecond, options.paramsList.length, (index) => {
      const sentAt = sharedNow();
      const params = options.paramsList[index] as Record<string, string>;
      const enqueued = engine.app.callbacks.enqueue(statusCallback(options.receiverUrl, params));
      enqueues.push(enqueued.then((delivery) => void (sends[index] = { id: delivery.id, sentAt })));
    });
    await Promise.all(enqueues);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return { sends, stop: () => engine.stop() };
}
