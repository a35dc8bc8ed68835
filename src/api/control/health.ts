import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../domain/delivery.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';

export const healthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  clock: z.object({ kind: z.enum(['real', 'virtual']), now: z.number().int() }),
  deliveries: z.object(Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, z.number().int()]))).describe('Deliveries by status.'),
});

export function healthRoutes(deps: ServerDeps): ControlRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/health',
      operationId: 'getHealth',
      tag: 'health',
      summary: 'Liveness, version, clock and delivery counts',
      responses: { 200: { description: 'hookline is up and its store answers.', schema: healthSchema } },
      async handler() {
        const deliveries = await deps.store.deliveries.countByStatus();
        return { status: 'ok', version: deps.config.version, clock: { kind: deps.clock.kind, now: deps.clock.now() }, deliveries };
      },
    }),
  ];
}
