import { z } from 'zod';
import { LAML_SMS_ERROR_CODES } from '../../domain/laml-message.js';
import { MessageTransitionError, SMS_ERROR_CODES } from '../../domain/plivo-message.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

export const messageStatusInputSchema = z.strictObject({
  status: z.enum(['sent', 'delivered', 'undelivered', 'failed']).describe('Where the message goes now. A queued message goes through sent first for delivered and undelivered.'),
  errorCode: z
    .number()
    .int()
    .refine((code) => SMS_ERROR_CODES[code] !== undefined || LAML_SMS_ERROR_CODES[code] !== undefined, {
      message: `not a documented SMS error code (Plivo ${Object.keys(SMS_ERROR_CODES).join(', ')}; LaML ${Object.keys(LAML_SMS_ERROR_CODES).join(', ')})`,
    })
    .optional()
    .describe('Error code for undelivered or failed: Plivo’s (a LaML message reports the LaML code that means the same) or LaML’s 300xx; the number’s own (or 1000) when left out.'),
});

export const messageStateSchema = z.object({
  uuid: z.string(),
  status: z.string(),
  errorCode: z.number().int().nullable(),
  sequence: z.number().int().describe('Status callbacks generated so far.'),
});

/** The far end of Plivo SMS, driven by hand: a delivery report when a test wants one. */
export function messageRoutes(deps: ServerDeps): ControlRoute[] {
  const messages = deps.plivo?.messages;
  if (!messages) return [];
  return [
    defineRoute({
      method: 'POST',
      path: '/messages/:uuid/status',
      operationId: 'setMessageStatus',
      tag: 'messages',
      summary: 'Move a Plivo or LaML message as the far end would',
      description:
        'Changes the message now and sends its status callbacks (one per status passed through). The far end’s own script for the message stops there.',
      params: z.strictObject({ uuid: z.string().min(1).max(100) }),
      body: messageStatusInputSchema,
      responses: {
        200: { description: 'The message after the change.', schema: messageStateSchema },
        404: { description: 'No such message.', schema: apiErrorSchema },
        409: { description: 'The message cannot move there from where it is.', schema: apiErrorSchema },
      },
      async handler({ params, body }) {
        let message;
        try {
          message = await messages.setStatus(params.uuid, body.status, body.errorCode ?? null);
        } catch (error) {
          if (error instanceof MessageTransitionError) {
            throw new ApiError(409, 'invalid_transition', error.message, 'status', 'a final message (delivered, undelivered, failed) stays as it is');
          }
          throw error;
        }
        if (!message) throw new ApiError(404, 'not_found', `message ${params.uuid} not found`, 'uuid', 'use a message_uuid from POST /v1/Account/{auth_id}/Message/ or a sid from POST …/Messages.json');
        return { uuid: message.uuid, status: message.status, errorCode: message.errorCode, sequence: message.sequence };
      },
    }),
  ];
}
