import { z } from 'zod';
import { DELIVERY_STATUSES, type Delivery } from '../../domain/delivery.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ServerDeps } from '../server.js';
import { apiErrorSchema, attemptSchema, cursorSchema, deliverySchema, limitSchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

export const listDeliveriesQuerySchema = z.object({
  accountId: z.string().min(1).optional().describe('Only this account.'),
  status: z.enum(DELIVERY_STATUSES).optional().describe('Only deliveries in this state.'),
  url: z.string().min(1).optional().describe('Only deliveries whose URL contains this text.'),
  resource: z.string().min(1).optional().describe('Only deliveries caused by this resource (exact type:id).'),
  after: cursorSchema.optional(),
  limit: limitSchema(500, 50),
});

const deliveryIdParams = z.object({ id: z.string().min(1).describe('Delivery id.') });

export const deliveryListSchema = z.object({
  deliveries: z.array(deliverySchema),
  nextCursor: z.string().nullable().describe('Pass as `after` for the next (older) page; null on the last page.'),
});
export const deliveryDetailSchema = deliverySchema.extend({ attempts: z.array(attemptSchema).describe('Oldest first.') });
export const attemptListSchema = z.object({ attempts: z.array(attemptSchema) });
export const replayResponseSchema = z.object({ delivery: deliverySchema });

const notFound = { description: 'No delivery with this id.', schema: apiErrorSchema };

export function deliveryRoutes(deps: ServerDeps): ControlRoute[] {
  const deliveries = deps.store.deliveries;

  async function existing(id: string): Promise<Delivery> {
    const delivery = await deliveries.get(id);
    if (!delivery) throw new NotFoundError('delivery', id);
    return delivery;
  }

  return [
    defineRoute({
      method: 'GET',
      path: '/deliveries',
      operationId: 'listDeliveries',
      tag: 'deliveries',
      summary: 'List deliveries, newest first',
      query: listDeliveriesQuerySchema,
      responses: { 200: { description: 'One page of deliveries.', schema: deliveryListSchema } },
      async handler({ query }) {
        const { after, limit, ...filter } = query;
        const page = await deliveries.list(filter, after === undefined ? { limit } : { after, limit });
        return { deliveries: page.items, nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/deliveries/:id',
      operationId: 'getDelivery',
      tag: 'deliveries',
      summary: 'A delivery with all its attempts',
      params: deliveryIdParams,
      responses: { 200: { description: 'The delivery.', schema: deliveryDetailSchema }, 404: notFound },
      async handler({ params }) {
        const delivery = await existing(params.id);
        return { ...delivery, attempts: await deliveries.attempts(delivery.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/deliveries/:id/attempts',
      operationId: 'listAttempts',
      tag: 'deliveries',
      summary: "A delivery's attempts, oldest first",
      params: deliveryIdParams,
      responses: { 200: { description: 'The attempts.', schema: attemptListSchema }, 404: notFound },
      async handler({ params }) {
        const delivery = await existing(params.id);
        return { attempts: await deliveries.attempts(delivery.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/deliveries/:id/replay',
      operationId: 'replayDelivery',
      tag: 'deliveries',
      summary: 'Send a delivery again under its stable id',
      description: 'A finished delivery becomes pending now with a fresh retry round; a pending or in-flight one is returned unchanged.',
      params: deliveryIdParams,
      responses: { 202: { description: 'Queued again.', schema: replayResponseSchema }, 404: notFound },
      async handler({ params }, reply) {
        const delivery = await deps.callbacks.replay(params.id);
        if (!delivery) throw new NotFoundError('delivery', params.id);
        reply.code(202);
        return { delivery };
      },
    }),
  ];
}
