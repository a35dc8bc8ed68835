import { Agent, request } from 'undici';
import { DELIVERY_ID_HEADER } from './callback-params.js';
import { inLanes, pace, type PacedSend } from './pacing.js';
import { sharedNow } from './time.js';

/**
 * The ceiling every engine figure is compared with: the same form-encoded POST of the same params to
 * the same receiver, straight through undici, nothing stored, nothing signed, no retries.
 */

export interface RawTarget {
  readonly url: string;
  /** Keep-alive connections to the receiver, as the engine's sender is configured. */
  readonly connections: number;
}

export function rawAgent(target: RawTarget): Agent {
  return new Agent({ connections: target.connections });
}

/** POST one callback; resolves to 1 when the receiver answered 2xx, so callers can count. */
export async function postForm(agent: Agent, url: string, deliveryId: string, params: Record<string, string>): Promise<number> {
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded', [DELIVERY_ID_HEADER]: deliveryId },
    body: new URLSearchParams(params).toString(),
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode > 299) {
    throw new Error(`receiver answered ${response.statusCode} to raw callback ${deliveryId}`);
  }
  return 1;
}

/** Send every callback with `concurrency` requests in flight at once; resolves to how many got a 2xx. */
export async function rawBurst(
  target: RawTarget,
  paramsList: readonly Record<string, string>[],
  concurrency: number,
  idPrefix: string,
): Promise<number> {
  const agent = rawAgent(target);
  let delivered = 0;
  try {
    await inLanes(paramsList.length, concurrency, async (index) => {
      const k = await postForm(agent, target.url, `${idPrefix}-${index}`, paramsList[index] as Record<string, string>);
      delivered += k;
    });
  } finally {
    await agent.close();
  }
  return delivered;
}

/** Send at a steady rate, one request per callback as it is due; returns each send in order. */
export async function rawPaced(
  target: RawTarget,
  paramsList: readonly Record<string, string>[],
  ratePerSecond: number,
  idPrefix: string,
): Promise<PacedSend[]> {
  const agent = rawAgent(target);
  const sends: PacedSend[] = [];
  const inFlight: Promise<number>[] = [];
  try {
    await pace(ratePerSecond, paramsList.length, (index) => {
      const id = `${idPrefix}-${index}`;
      sends.push({ id, sentAt: sharedNow() });
      inFlight.push(postForm(agent, target.url, id, paramsList[index] as Record<string, string>));
    });
    await Promise.all(inFlight);
  } finally {
    await agent.close();
  }
  return sends;
}
