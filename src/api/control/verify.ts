import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

export const verifySessionStateSchema = z.object({
  uuid: z.string(),
  accountId: z.string(),
  recipient: z.string(),
  otp: z.string().describe('The code sent: what the user would read on their phone.'),
  status: z.enum(['in-progress', 'verified', 'expired']),
  channelStatus: z.string(),
  validations: z.number().int(),
  expiresAt: z.number().int().describe('Clock time, ms.'),
  channel: z.enum(['sms', 'voice']),
  messageUuid: z.string().nullable().describe('The SMS that carried the code (channel sms).'),
  callUuid: z.string().nullable().describe('The call that spoke the code (channel voice).'),
});

/** What a test cannot read from the Plivo API: the code itself. */
export function verifyRoutes(deps: ServerDeps): ControlRoute[] {
  const plivo = deps.plivo;
  if (!plivo) return [];
  return [
    defineRoute({
      method: 'GET',
      path: '/verify/sessions/:uuid',
      operationId: 'getVerifySession',
      tag: 'verify',
      summary: 'A Verify session with its code',
      params: z.strictObject({ uuid: z.string().min(1).max(100) }),
      responses: {
        200: { description: 'The session.', schema: verifySessionStateSchema },
        404: { description: 'No such session.', schema: apiErrorSchema },
      },
      async handler({ params }) {
        const session = await plivo.verify.find(params.uuid);
        if (!session) throw new ApiError(404, 'not_found', `verify session ${params.uuid} not found`, 'uuid', 'use a session_uuid from POST /v1/Account/{auth_id}/Verify/Session/');
        const { uuid, accountId, recipient, otp, status, channel, channelStatus, validations, expiresAt, messageUuid, callUuid } = session;
        return { uuid, accountId, recipient, otp, status, channel, channelStatus, validations, expiresAt, messageUuid, callUuid };
      },
    }),
  ];
}
