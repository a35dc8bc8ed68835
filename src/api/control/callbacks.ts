import { z } from 'zod';
import { DIALECTS } from '../../domain/callback.js';
import { POLICY_PROFILES } from '../../domain/policy.js';
import type { ServerDeps } from '../server.js';
import { apiErrorSchema, deliverySchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Every profile but `plivo-audio`: that one is for fetching Play audio in a call, not for a callback. */
const QUEUEABLE_PROFILES = POLICY_PROFILES.filter((profile) => profile !== 'plivo-audio');

export const enqueueCallbackSchema = z.strictObject({
  url: z
    .string()
    .refine(isHttpUrl, { message: 'must be an absolute http(s) URL', params: { fix: 'give the full URL with scheme and host, e.g. https://example.com/status' } })
    .describe(
      'Absolute http(s) URL the callback is sent to. A fragment of key=value pairs joined by & tunes the delivery policy and is never sent ' +
        "(e.g. #rt=5000&rc=3) under the standard dialect or a profile that documents it (plivo-voice, laml-document, laml-status); Plivo's " +
        'messaging profile, the plivo default, takes none and keeps it as a warning.',
    ),
  method: z.enum(['GET', 'POST']).default('POST').describe('GET sends params in the query; POST as a form body.'),
  params: z.record(z.string(), z.string()).default({}).describe('Callback parameters; every value a string, as carriers send them.'),
  dialect: z.enum(DIALECTS).describe('Whose conventions to follow: signature headers and retry defaults.'),
  accountId: z.string().min(1).optional().describe('Account whose token signs the callback; the dev account when left out.'),
  profile: z
    .enum(QUEUEABLE_PROFILES)
    .optional()
    .describe("Retry/timeout defaults to start from; the dialect's status-callback profile when left out. plivo-audio is for audio a call fetches, not for queued callbacks."),
  resource: z
    .string()
    .refine((value) => /^[A-Za-z][\w-]*:.+$/.test(value), { message: 'must look like type:id', params: { fix: 'name the causing resource as type:id, e.g. message:abc' } })
    .optional()
    .describe('What caused the callback, as type:id; deliveries can be filtered by it.'),
});

export const enqueueCallbackResponseSchema = z.object({ id: z.string(), delivery: deliverySchema });

export function callbackRoutes(deps: ServerDeps): ControlRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/callbacks',
      operationId: 'enqueueCallback',
      tag: 'callbacks',
      summary: 'Queue a notification callback',
      description: 'Stores the callback in the outbox and wakes the dispatcher. Nothing is stored if the request is refused.',
      body: enqueueCallbackSchema,
      responses: {
        202: { description: 'Queued.', schema: enqueueCallbackResponseSchema },
        400: { description: 'Bad input, an unknown account, or a URL the SSRF guard refuses.', schema: apiErrorSchema },
      },
      async handler({ body }, reply) {
        const delivery = await deps.callbacks.enqueue({ ...body, resource: body.resource ?? null });
        reply.code(202);
        return { id: delivery.id, delivery };
      },
    }),
  ];
}
