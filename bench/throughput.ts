import { engineThroughput, type EngineThroughputResult } from './hookline-run.js';
import { rawBurst, type RawTarget } from './raw-undici.js';
import type { ReceiverClient } from './receiver-client.js';
import { sharedNow } from './time.js';

export interface RawThroughputResult {
  readonly callbacks: number;
  readonly elapsedMs: number;
  readonly callbacksPerSecond: number;
}

export interface ThroughputResult {
  readonly engine: EngineThroughputResult;
  /** Raw undici run just before and just after the engine; the faster is the baseline. */
  readonly rawRuns: readonly RawThroughputResult[];
  readonly raw: RawThroughputResult;
  readonly ratio: number;
}

/** Raw undici, `concurrency` requests in flight, timed like the engine: first send to last new id at the receiver. */
export async function rawThroughput(options: {
  readonly receiver: ReceiverClient;
  readonly target: RawTarget;
  readonly paramsList: readonly Record<string, string>[];
  readonly concurrency: number;
  readonly idPrefix: string;
  readonly timeoutMs: number;
}): Promise<RawThroughputResult> {
  const { receiver, paramsList } = options;
  const { reached } = await receiver.expect(paramsList.length, { timeoutMs: options.timeoutMs });
  const startedAt = sharedNow();
  await rawBurst(options.target, paramsList, options.concurrency, options.idPrefix);
  const done = await reached;
  const elapsedMs = done.at - startedAt;
  return { callbacks: paramsList.length, elapsedMs, callbacksPerSecond: (paramsList.length / elapsedMs) * 1000 };
}

/**
 * Figure 1. Raw undici runs on both sides of the engine and the faster is kept, so a noisy neighbour
 * during one raw run cannot flatter the engine's ratio.
 */
export async function throughputFigure(options: {
  readonly receiver: ReceiverClient;
  readonly target: RawTarget;
  readonly paramsList: readonly Record<string, string>[];
  readonly concurrency: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}): Promise<ThroughputResult> {
  const { log } = options;
  // Untimed: opens the receiver's connections and warms its code, which the first timed run would pay for.
  await rawThroughput({ ...options, paramsList: options.paramsList.slice(0, 5000), idPrefix: 'warm-up' });
  const rawBefore = await rawThroughput({ ...options, idPrefix: 'raw-before' });
  log(`  raw undici (before): ${Math.round(rawBefore.callbacksPerSecond)} callbacks/s`);
  const engine = await engineThroughput(options);
  log(`  hookline:            ${Math.round(engine.callbacksPerSecond)} callbacks/s (all recorded after ${Math.round(engine.recordedMs)} ms)`);
  const rawAfter = await rawThroughput({ ...options, idPrefix: 'raw-after' });
  log(`  raw undici (after):  ${Math.round(rawAfter.callbacksPerSecond)} callbacks/s`);
  const raw = rawBefore.callbacksPerSecond >= rawAfter.callbacksPerSecond ? rawBefore : rawAfter;
  return { engine, rawRuns: [rawBefore, rawAfter], raw, ratio: engine.callbacksPerSecond / raw.callbacksPerSecond };
}
