import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { SinkRequest, Store } from '../store/ports.js';
import { sinkConfigOf } from './control/sinks.js';
import { sinkNameSchema } from './control/schemas.js';
import { ApiError } from './errors.js';

export interface SinkDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: { readonly bodyLimitBytes: number };
}

/**
 * The sink: `/sink/{name}` and anything below it accept any method and any body, record the request
 * and answer as the sink is configured (a plain 200 by default). It plays the part RequestBin plays in
 * the carriers' guides, and our own end-to-end tests deliver to it.
 *
 * Registered as its own plugin so its catch-all body parser (raw text, whatever the content type) does
 * not loosen the control API's strict JSON parsing.
 */
export function sinkPlugin(deps: SinkDeps) {
  return async (instance: FastifyInstance): Promise<void> => {
    // Delayed answers are cut short at shutdown, or a 10-minute delay would hold the server open.
    const shutdown = new AbortController();
    instance.addHook('preClose', async () => shutdown.abort());

    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    const handler = (request: FastifyRequest, reply: FastifyReply) => handleSinkRequest(deps, request, reply, shutdown.signal);
    instance.all('/sink/:name', handler);
    instance.all('/sink/:name/*', handler);
  };
}

async function handleSinkRequest(deps: SinkDeps, request: FastifyRequest, reply: FastifyReply, shutdown: AbortSignal): Promise<FastifyReply> {
  const { name } = request.params as { name: string };
  if (!sinkNameSchema.safeParse(name).success) {
    throw new ApiError(400, 'invalid_sink_name', `"${name}" is not a sink name`, 'name', 'use 1 to 64 letters, digits, dots, dashes or underscores');
  }
  const body = typeof request.body === 'string' ? request.body : await unparsedBody(request, deps.config.bodyLimitBytes);
  const config = await sinkConfigOf(deps.store, name);
  await deps.store.sinks.record(recordOf(name, request, body, deps.clock.now()));
  if (config.delayMs > 0) await wait(config.delayMs, reply.raw, shutdown);
  return reply.code(config.status).headers(config.headers).send(config.body);
}

/**
 * Fastify parses no body for GET and HEAD and leaves the stream unread; the sink records whatever
 * arrives, so it reads one itself when the request announces one, under the same size limit.
 */
async function unparsedBody(request: FastifyRequest, limitBytes: number): Promise<string> {
  const { headers } = request.raw;
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new ApiError(400, 'body_too_large', `request body is larger than the ${limitBytes}-byte limit`, 'body', 'send a smaller body, or start hookline with a larger --body-limit');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function recordOf(sink: string, request: FastifyRequest, body: string, receivedAt: number): SinkRequest {
  const url = request.url;
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  // The path as requested (still percent-encoded), below `/sink/{name}`.
  const below = pathname.indexOf('/', '/sink/'.length);
  const path = below === -1 || below === pathname.length - 1 ? '/' : pathname.slice(below);
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[header] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    sink,
    method: request.method,
    path,
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers,
    body,
    receivedAt,
  };
}

/** Waits `ms` of wall time (a sink rehearses a slow server, which is slow in real time), or less if the client leaves or the server closes. */
function wait(ms: number, res: ServerResponse, shutdown: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      shutdown.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
    shutdown.addEventListener('abort', done, { once: true });
  });
}
