import { answerParent } from './child-figure.js';
import { engineDefaults } from './engine.js';
import { latencyFigure, type LatencyResult } from './latency.js';
import { ReceiverClient } from './receiver-client.js';

/**
 * Figure 3 in a process of its own, with a receiver of its own: measured after the throughput and
 * BullMQ figures in the bench process, with the receiver they had used, its tail came out 1.5–2 times
 * what it was alone, for the engine and raw undici alike (docs/benchmarks.md §3).
 */
answerParent(async (input: { readonly ratePerSecond: number; readonly seconds: number }): Promise<LatencyResult> => {
  const receiver = await ReceiverClient.start();
  try {
    const target = { url: receiver.url, connections: engineDefaults().connectionsPerOrigin };
    return await latencyFigure({ receiver, target, ratePerSecond: input.ratePerSecond, seconds: input.seconds });
  } finally {
    await receiver.stop();
  }
});
