import { engineThroughput, type EngineThroughputResult } from './hookline-run.js';
import { rawBurst, type RawTarget } from './raw-undici.js';
import type { ReceiverClient } from './receiver-client.js';
import { cpuMark, cpuSince } from './thread-cpu.js';
import { sharedNow } from './time.js';

export interface RawThroughputResult {
  readonly callbacks: number;
  readonly elapsedMs: number;
  readonly callbacksPerSecond: number;
  /** This process's CPU per request: the client alone (nothing stored or signed), beside the engine's. */
  readonly cpuUsPerCallback: number;
}

export interface ThroughputResult {
  /** The faster of the engine's two runs. */
  readonly engine: EngineThroughputResult;
  /** Both engine runs, in the order they ran. */
  readonly engineRuns: readonly EngineThroughputResult[];
  /** Raw undici runs on both sides of the engine's; the faster is the baseline. */
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
  const cpuStart = cpuMark();
  await rawBurst(options.target, paramsList, options.concurrency, options.idPrefix);
  const done = await reached;
  const cpu = cpuSince(cpuStart);
  const elapsedMs = done.at - startedAt;
  return { callbacks: paramsList.length, elapsedMs, callbacksPerSecond: (paramsList.length / elapsedMs) * 1000, cpuUsPerCallback: (cpu.processMs * 1000) / paramsList.length };
}

/**
 * Figure 1. Two runs of each side in the order raw, engine, engine, raw, and the faster of each is
 * compared: a neighbour's load that comes and goes hits both sides alike, and a drift over the minute
 * the figure takes cancels out. (Until 2026-12-03 the engine ran once between two raw runs, so the
 * baseline was the better of two samples and the engine's figure one sample: biased against the
 * engine by about half the run-to-run spread.)
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
  log(`  raw undici (before): ${Math.round(rawBefore.callbacksPerSecond)} callbacks/s (${Math.round(rawBefore.cpuUsPerCallback)} µs of CPU per request)`);
  const engineRuns: EngineThroughputResult[] = [];
  for (const run of [1, 2]) {
    const engine = await engineThroughput(options);
    engineRuns.push(engine);
    const mainThread = engine.mainThreadCpuUsPerCallback === null ? '' : `, ${Math.round(engine.mainThreadCpuUsPerCallback)} on its main thread`;
    log(`  hookline (run ${run}):    ${Math.round(engine.callbacksPerSecond)} callbacks/s (all recorded after ${Math.round(engine.recordedMs)} ms; ${Math.round(engine.cpuUsPerCallback)} µs of CPU per callback${mainThread})`);
  }
  const rawAfter = await rawThroughput({ ...options, idPrefix: 'raw-after' });
  log(`  raw undici (after):  ${Math.round(rawAfter.callbacksPerSecond)} callbacks/s (${Math.round(rawAfter.cpuUsPerCallback)} µs of CPU per request)`);
  const raw = fastest([rawBefore, rawAfter]);
  const engine = fastest(engineRuns);
  return { engine, engineRuns, rawRuns: [rawBefore, rawAfter], raw, ratio: engine.callbacksPerSecond / raw.callbacksPerSecond };
}

function fastest<T extends { readonly callbacksPerSecond: number }>(runs: readonly T[]): T {
  return runs.reduce((best, run) => (run.callbacksPerSecond > best.callbacksPerSecond ? run : best));
}
