import { Pool } from 'undici';
import { startEngine } from './engine.js';
import type { FrontDoor } from './front-doors.js';
import type { ReceiverClient } from './receiver-client.js';
import { restRequest, timed } from './rest-client.js';
import { sharedNow } from './time.js';

export interface MessagingResult {
  readonly dialect: FrontDoor['dialect'];
  readonly messages: number;
  /** First POST to the last status callback (every one of every message) at the receiver. */
  readonly endToEndMs: number;
  readonly messagesPerSecond: number;
  readonly callbacksPerSecond: number;
  /** The messages API alone: requests per second answered, at `concurrency` in flight. */
  readonly apiRequestsPerSecond: number;
  /** `GET /hookline/v1/health` on the same server, same concurrency: the server's bare request rate. */
  readonly bareRequestsPerSecond: number;
  readonly apiRatio: number;
  /** This process's CPU (user + system) from the first POST to the last callback, per message: the engine's, and the POSTs' client. */
  readonly cpuMsPerMessage: number;
}

/**
 * SMS end to end through a front door: `messages` sent through its messages API (one destination
 * each, status callbacks at the receiver child), then the virtual clock moved 3 s so every message
 * goes sent and delivered; timed until the receiver has every status callback of every message. The
 * API's own rate is the POST phase; its baseline is the health endpoint of the same server at the same
 * concurrency.
 */
export async function messagingFigure(
  door: FrontDoor,
  options: { readonly receiver: ReceiverClient; readonly messages: number; readonly concurrency: number; readonly timeoutMs: number },
): Promise<MessagingResult> {
  const engine = await startEngine({ listen: true, overrides: { clock: 'virtual', account: [door.account] } });
  const pool = new Pool(engine.url as string, { connections: options.concurrency });
  const callbacks = options.messages * door.callbacksPerMessage;
  try {
    const health = { method: 'GET', path: '/hookline/v1/health', expected: 200 } as const;
    const bare = await timed(options.messages, options.concurrency, () => restRequest(pool, health));
    const { reached } = await options.receiver.expect(callbacks, { timeoutMs: options.timeoutMs });
    const startedAt = sharedNow();
    const cpuStart = process.cpuUsage();
    const api = await timed(options.messages, options.concurrency, (i) => restRequest(pool, door.sendMessage(5_000_000 + i, options.receiver.url)));
    await engine.app.virtualClock?.advance(3000);
    const done = await reached;
    const endToEndMs = done.at - startedAt;
    const cpu = process.cpuUsage(cpuStart);
    return {
      dialect: door.dialect,
      messages: options.messages,
      endToEndMs,
      messagesPerSecond: (options.messages / endToEndMs) * 1000,
      callbacksPerSecond: (callbacks / endToEndMs) * 1000,
      apiRequestsPerSecond: (options.messages / api) * 1000,
      bareRequestsPerSecond: (options.messages / bare) * 1000,
      apiRatio: bare / api,
      cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / options.messages,
    };
  } finally {
    await pool.close();
    await engine.stop();
  }
}
