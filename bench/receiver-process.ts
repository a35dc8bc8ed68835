import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_ID_HEADER } from './callback-params.js';
import type { FromReceiver, ToReceiver } from './receiver-protocol.js';
import { sharedNow } from './time.js';

/**
 * The loopback receiver every figure posts to, run in its own process so that answering requests
 * does not share the event loop of the thing being measured. It answers 200 with an empty body (all a
 * carrier expects of a notification URL) and counts requests and distinct delivery ids, so duplicates
 * from retries cannot make a run look finished early.
 */

let requests = 0;
let seen = new Set<string>();
let expected = Number.POSITIVE_INFINITY;
let reported = false;
let recordArrivals = false;
let arrivals = new Map<string, number>();

function send(message: FromReceiver): void {
  process.send?.(message);
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const arrivedAt = sharedNow();
  requests++;
  const id = req.headers[DELIVERY_ID_HEADER];
  if (typeof id === 'string' && !seen.has(id)) {
    seen.add(id);
    if (recordArrivals) arrivals.set(id, arrivedAt);
    if (!reported && seen.size >= expected) {
      reported = true;
      send({ type: 'reached', at: arrivedAt, requests, distinct: seen.size });
    }
  }
  // Read the body to the end, as a real receiver parsing the form would, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
}

function onMessage(message: ToReceiver): void {
  switch (message.type) {
    case 'expect':
      requests = 0;
      seen = new Set();
      arrivals = new Map();
      expected = message.distinct;
      reported = false;
      recordArrivals = message.recordArrivals;
      return;
    case 'stats':
      send({ type: 'stats', requests, distinct: seen.size });
      return;
    case 'arrivals':
      send({ type: 'arrivals', entries: [...arrivals] });
      return;
    case 'stop':
      server.closeAllConnections();
      server.close(() => process.exit(0));
      return;
  }
}

const server = createServer(onRequest);
// Longer than any pause between figures, so pooled keep-alive connections are not cut mid-run.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
process.on('message', (message) => onMessage(message as ToReceiver));
// If the bench dies, do not linger.
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.address() as AddressInfo).port }));
