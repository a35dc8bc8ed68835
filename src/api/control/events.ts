import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { DeliveryEvent, DeliveryEvents } from '../../delivery/events.js';
import { deliveryEventSchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Bytes queued for one client past which it counts as gone: a client that stops reading must not cost memory without bound. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventStreamOptions {
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
}

export const eventStreamQuerySchema = z.strictObject({
  accountId: z.string().min(1).optional().describe("Only this account's deliveries and attempts."),
});

interface Client {
  readonly res: ServerResponse;
  readonly accountId: string | undefined;
}

function accountOf(event: DeliveryEvent): string {
  return event.type === 'delivery' ? event.delivery.accountId : event.accountId;
}

/**
 * The server-sent event stream. One subscription to the delivery events serves every client, and
 * each event is serialised once however many clients read it. Subscribed only while a client is
 * connected, so the dispatcher pays nothing when nobody watches.
 */
export class EventStreams {
  private readonly clients = new Set<Client>();
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly events: DeliveryEvents,
    private readonly log: FastifyBaseLogger,
    options: EventStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response and keeps it open until the client leaves or the server closes. */
  open(reply: FastifyReply, accountId: string | undefined): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      // Headers set by hooks (CORS) live on the reply, which hijacking bypasses.
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    // Written at once so clients see the stream open before the first event.
    res.write(': hookline event stream\nretry: 2000\n\n');
    const client: Client = { res, accountId };
    this.clients.add(client);
    res.on('close', () => this.remove(client));
    this.start();
  }

  /** Ends every stream, so the server can close. */
  closeAll(): void {
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.stop();
  }

  private start(): void {
    if (!this.unsubscribe) this.unsubscribe = this.events.subscribe((event) => this.broadcast(event));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.writeAll(': heartbeat\n\n', undefined), this.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private remove(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  private broadcast(event: DeliveryEvent): void {
    this.writeAll(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`, accountOf(event));
  }

  private writeAll(frame: string, accountId: string | undefined): void {
    for (const client of this.clients) {
      if (accountId !== undefined && client.accountId !== undefined && client.accountId !== accountId) continue;
      this.write(client, frame);
    }
  }

  private write(client: Client, frame: string): void {
    const { res } = client;
    if (res.destroyed) return;
    res.write(frame);
    if (res.writableLength > this.maxBufferedBytes) {
      this.log.warn({ bufferedBytes: res.writableLength, limitBytes: this.maxBufferedBytes }, 'dropped an event-stream client that stopped reading');
      this.remove(client);
      res.destroy();
    }
  }
}

export function eventRoutes(streams: EventStreams): ControlRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/events',
      operationId: 'streamEvents',
      tag: 'events',
      summary: 'Live delivery and attempt events (server-sent events)',
      description:
        'A text/event-stream: each event is `event: delivery` or `event: attempt` with the event as JSON in `data:`. ' +
        'A comment line is sent every 15 s as a heartbeat. EventSource cannot set headers, so pass the control token as ?token=. ' +
        'A client that stops reading is disconnected once about 1 MiB is queued for it.',
      query: eventStreamQuerySchema,
      responses: { 200: { description: 'The stream; each data line is one of these.', schema: deliveryEventSchema, contentType: 'text/event-stream' } },
      async handler({ query }, reply, request) {
        // Fastify answers HEAD with the GET handler; a stream that can carry no body would never end.
        if (request.method === 'HEAD') return reply.type('text/event-stream; charset=utf-8').send();
        streams.open(reply, query.accountId);
        return reply;
      },
    }),
  ];
}
