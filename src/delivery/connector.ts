import type { LookupFunction, Socket } from 'node:net';
import { buildConnector, errors } from 'undici';

/**
 * undici's connector times connects with its coarse timers (ticks of about half a second), so a
 * `ct=200` fragment would fail after 700 ms or more and a server answering at ct + 300 ms could still
 * pass. The carriers document ct to the millisecond, so the timeout is kept here with a native timer.
 * It runs once per new connection, never per request on a kept-alive socket.
 */
export function buildTimedConnector(connectTimeoutMs: number, lookup: LookupFunction | null): buildConnector.connector {
  const connect = buildConnector(lookup === null ? { timeout: 0 } : { timeout: 0, lookup });
  return (options, callback) => {
    let settled = false;
    let socket: Socket | undefined;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      callback(new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms to ${options.hostname}:${options.port}`), null);
    }, connectTimeoutMs);
    try {
      // Typed as void, but undici's connector returns the socket it is connecting: needed to stop it.
      socket = connect(options, (...args) => {
        if (settled) {
          args[1]?.destroy();
          return;
        }
        settled = true;
        clearTimeout(timer);
        callback(...args);
      }) as unknown as Socket | undefined;
    } catch (error) {
      settled = true;
      clearTimeout(timer);
      throw error;
    }
  };
}
