import { z } from 'zod';
import { E164 } from '../../domain/phone-numbers.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

export const addNumberSchema = z.strictObject({
  number: z.string().regex(E164, 'an E.164 number such as 14155550100').describe('The number, E.164 with or without +.'),
  accountId: z.string().min(1).optional().describe('The account that rents it; the dev account when left out.'),
  appId: z.string().min(1).optional().describe('The Plivo application its inbound traffic goes to; the account’s default number app when left out.'),
});

export const numberSchema = z.object({
  number: z.string(),
  accountId: z.string(),
  appId: z.string().nullable(),
});

/** Numbers without the Plivo API: set up a test's inbound routing in one call. */
export function numberRoutes(deps: ServerDeps): ControlRoute[] {
  const plivo = deps.plivo;
  if (!plivo) return [];
  return [
    defineRoute({
      method: 'POST',
      path: '/numbers',
      operationId: 'addNumber',
      tag: 'numbers',
      summary: 'Give an account a number',
      description: 'The same as renting it through the Plivo API (`POST PhoneNumber/{number}/`), for the account named or the dev account.',
      body: addNumberSchema,
      responses: {
        201: { description: 'The number.', schema: numberSchema },
        400: { description: 'Bad input, or another account rents the number.', schema: apiErrorSchema },
        404: { description: 'No such account or application.', schema: apiErrorSchema },
      },
      async handler({ body }, reply) {
        const accountId = body.accountId ?? plivo.devAccountId;
        if (!plivo.accounts.get(accountId)) throw new ApiError(404, 'not_found', `account ${accountId} not found`, 'accountId', 'name an account hookline knows, or leave it out for the dev account');
        const rented = await plivo.numbers.rent(accountId, body.number, body.appId ?? null);
        void reply.code(201);
        return { number: rented.number, accountId: rented.accountId, appId: rented.appId };
      },
    }),
  ];
}
