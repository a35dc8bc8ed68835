import { monitorEventLoopDelay } from 'node:perf_hooks';
import { callbackParamsList } from './callback-params.js';
import { enginePaced } from './hookline-run.js';
import type { PacedSend } from './pacing.js';
import { rawPaced, type RawTarget } from './raw-undici.js';
import type { ReceiverClient } from './receiver-client.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

export interface LatencyResult {
  readonly ratePerSecond: number;
  /** Callbacks sent before measuring (connections opened, code warmed), not counted. */
  readonly warmup: number;
  readonly engine: LatencySummary;
  readonly raw: LatencySummary;
  /**
   * How late this process's event loop ran timers during each run (ms). A stall here delays every
   * callback in flight, so it separates the engine's own pauses (GC, synchronous SQLite work and its
   * checkpoint fsyncs) from delays outside the process.
   */
  readonly engineLoopDelay: LoopDelay;
  readonly rawLoopDelay: LoopDelay;
}

export interface LoopDelay {
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function withLoopDelay<T>(run: () => Promise<T>): Promise<{ value: T; delay: LoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    const value = await run();
    return { value, delay: { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 } };
  } finally {
    histogram.disable();
  }
}

/**
 * Figure 3: enqueue → arrival at the receiver at a steady rate, the engine against raw undici sending
 * the same callbacks at the same rate. Both clocks are `timeOrigin + now()` on one machine.
 */
export async function latencyFigure(options: {
  readonly receiver: ReceiverClient;
  readonly target: RawTarget;
  readonly ratePerSecond: number;
  readonly seconds: number;
}): Promise<LatencyResult> {
  const { receiver, ratePerSecond } = options;
  const warmup = Math.min(1000, Math.round(ratePerSecond / 2));
  const total = warmup + Math.round(ratePerSecond * options.seconds);
  const timeoutMs = options.seconds * 1000 + 60_000;

  const engineRun = await receiver.expect(total, { recordArrivals: true, timeoutMs });
  const engineSent = await withLoopDelay(async () => {
    const paced = await enginePaced({ receiverUrl: receiver.url, paramsList: callbackParamsList(total), ratePerSecond });
    try {
      await engineRun.reached;
      return paced.sends;
    } finally {
      await paced.stop();
    }
  });
  const engine = summarizeArrivals(engineSent.value, await receiver.arrivals(), warmup);

  const rawRun = await receiver.expect(total, { recordArrivals: true, timeoutMs });
  const rawSent = await withLoopDelay(async () => {
    const sends = await rawPaced(options.target, callbackParamsList(total), ratePerSecond, 'raw-latency');
    await rawRun.reached;
    return sends;
  });
  const raw = summarizeArrivals(rawSent.value, await receiver.arrivals(), warmup);

  return { ratePerSecond, warmup, engine, raw, engineLoopDelay: engineSent.delay, rawLoopDelay: rawSent.delay };
}

/** Send → arrival of each paced callback after the first `warmup`. */
export function summarizeArrivals(sends: readonly PacedSend[], arrivals: ReadonlyMap<string, number>, warmup: number): LatencySummary {
  const latencies: number[] = [];
  for (const { id, sentAt } of sends.slice(warmup)) {
    const arrivedAt = arrivals.get(id);
    if (arrivedAt === undefined) throw new Error(`receiver has no arrival time for delivery ${id}`);
    latencies.push(arrivedAt - sentAt);
  }
  return summarizeLatencies(latencies);
}
