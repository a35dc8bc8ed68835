import { z } from 'zod';
import { DELIVERY_STATUSES, type Delivery } from '../../domain/delivery.js';
import { NotFoundError } from '../../domain/errors.js';
import { formParamsOf } from '../../signing/received-params.js';
import { verifyCallback } from '../../signing/verify.js';
import type { ServerDeps } from '../server.js';
import { documentReadingOf } from './document-reading.js';
import { apiErrorSchema, attemptSchema, cursorSchema, deliverySchema, documentReadingSchema, limitSchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

export const listDeliveriesQuerySchema = z.strictObject({
  accountId: z.string().min(1).optional().describe('Only this account.'),
  status: z.enum(DELIVERY_STATUSES).optional().describe('Only deliveries in this state.'),
  url: z.string().min(1).optional().describe('Only deliveries whose URL contains this text.'),
  resource: z.string().min(1).optional().describe('Only deliveries caused by this resource (exact type:id).'),
  after: cursorSchema.optional(),
  limit: limitSchema(500, 50),
});

const deliveryIdParams = z.object({ id: z.string().min(1).describe('Delivery id.') });
const attemptParams = deliveryIdParams.extend({ number: z.coerce.number().int().min(1).describe('Attempt number, 1-based.') });

export const verifyAttemptSchema = z.strictObject({
  token: z.string().min(1).max(500).describe("The account's auth token (or signing key) to check the signatures with."),
  mainToken: z.string().min(1).max(500).optional().describe("The main account's token, for Plivo -Ma- headers; the token when left out."),
});

export const signatureCheckSchema = z.object({
  valid: z.boolean().describe('Every signature header present passed, and there was at least one.'),
  scheme: z.enum(['plivo', 'laml', 'standard']).nullable(),
  checks: z.array(z.object({ header: z.string(), valid: z.boolean() })),
  reason: z.string().nullable().describe('Why not valid, in words.'),
});

export const deliveryListSchema = z.object({
  deliveries: z.array(deliverySchema),
  nextCursor: z.string().nullable().describe('Pass as `after` for the next (older) page; null on the last page.'),
});
export const deliveryDetailSchema = deliverySchema.extend({
  attempts: z
    .array(attemptSchema.extend({ document: documentReadingSchema.nullable().describe('For a document callback answered 2xx: how the document reads; else null.') }))
    .describe('Oldest first.'),
});
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
        const attempts = await deliveries.attempts(delivery.id);
        return { ...delivery, attempts: attempts.map((attempt) => ({ ...attempt, document: documentReadingOf(delivery, attempt) })) };
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
      path: '/deliveries/:id/attempts/:number/verify',
      operationId: 'verifyAttemptSignature',
      tag: 'deliveries',
      summary: "Check an attempt's signature headers with a token",
      description:
        'Runs the receiver-side verifier (`hookline/verify`) on the request exactly as recorded, as a receiver holding this token would. ' +
        'Standard Webhooks timestamps are judged at the time the attempt was sent. A body cut short by --attempt-body-limit cannot verify.',
      params: attemptParams,
      body: verifyAttemptSchema,
      responses: { 200: { description: 'The verdict, header by header.', schema: signatureCheckSchema }, 404: notFound },
      async handler({ params, body }) {
        const delivery = await existing(params.id);
        const attempt = (await deliveries.attempts(delivery.id)).find((a) => a.number === params.number);
        if (!attempt) throw new NotFoundError('attempt', `${params.id}#${params.number}`);
        const { method, url, headers, body: sentBody } = attempt.request;
        const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
        return verifyCallback({
          method,
          url,
          params: formParamsOf(method, contentType, sentBody),
          headers,
          body: sentBody ?? '',
          token: body.token,
          mainToken: body.mainToken,
          nowSeconds: sentAtSeconds(headers) ?? Math.floor(attempt.startedAt / 1000),
        });
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

/** When the attempt was sent by the wall clock, as its own `webhook-timestamp` says (attempts record clock time, which may be virtual). */
function sentAtSeconds(headers: Readonly<Record<string, string>>): number | null {
  const stamp = Object.entries(headers).find(([name]) => name.toLowerCase() === 'webhook-timestamp')?.[1];
  return stamp !== undefined && /^\d+$/.test(stamp) ? Number(stamp) : null;
}
