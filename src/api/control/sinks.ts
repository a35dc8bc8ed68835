import { z } from 'zod';
import type { SinkConfig, Store } from '../../store/ports.js';
import type { ServerDeps } from '../server.js';
import { cursorSchema, limitSchema, sinkConfigInputSchema, sinkConfigSchema, sinkNameSchema, sinkRequestSchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

/** How a sink answers until it is configured: a plain, empty 200. */
export const DEFAULT_SINK_CONFIG: SinkConfig = { status: 200, delayMs: 0, body: '', headers: {} };

export async function sinkConfigOf(store: Store, name: string): Promise<SinkConfig> {
  return (await store.sinks.config(name)) ?? DEFAULT_SINK_CONFIG;
}

const sinkParams = z.object({ name: sinkNameSchema });

export const sinkRequestsQuerySchema = z.strictObject({
  after: cursorSchema.optional(),
  limit: limitSchema(500, 100),
});

export const sinkRequestListSchema = z.object({
  requests: z.array(sinkRequestSchema).describe('Oldest first.'),
  nextCursor: z.string().nullable().describe('Pass as `after` for the next (newer) page; null on the last page.'),
});

export function sinkRoutes(deps: ServerDeps): ControlRoute[] {
  return [
    defineRoute({
      method: 'PUT',
      path: '/sinks/:name',
      operationId: 'configureSink',
      tag: 'sinks',
      summary: 'Set how a sink answers',
      description: 'Fields left out take their defaults (a plain 200 at once), so a PUT replaces the whole configuration.',
      params: sinkParams,
      body: sinkConfigInputSchema,
      responses: { 200: { description: 'The configuration now in force.', schema: sinkConfigSchema } },
      async handler({ params, body }) {
        await deps.store.sinks.configure(params.name, body);
        return body;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sinks/:name',
      operationId: 'getSink',
      tag: 'sinks',
      summary: "A sink's configuration",
      description: 'Every name is a sink; one never configured answers with the defaults.',
      params: sinkParams,
      responses: { 200: { description: 'The configuration.', schema: sinkConfigSchema } },
      async handler({ params }) {
        return sinkConfigOf(deps.store, params.name);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sinks/:name/requests',
      operationId: 'listSinkRequests',
      tag: 'sinks',
      summary: 'Requests a sink received, oldest first',
      params: sinkParams,
      query: sinkRequestsQuerySchema,
      responses: { 200: { description: 'One page of requests.', schema: sinkRequestListSchema } },
      async handler({ params, query }) {
        const { after, limit } = query;
        const page = await deps.store.sinks.requests(params.name, after === undefined ? { limit } : { after, limit });
        return { requests: page.items, nextCursor: page.nextCursor };
      },
    }),
  ];
}
