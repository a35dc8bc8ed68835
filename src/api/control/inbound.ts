import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

export const inboundMessageSchema = z.strictObject({
  from: z.string().regex(/^\+?[1-9]\d{6,14}$/, 'an E.164 number').describe('The phone sending the message.'),
  to: z.string().regex(/^\+?[1-9]\d{6,14}$/, 'an E.164 number').describe('A number an account rents.'),
  text: z.string().max(1600).default('').describe('What the phone sent (an MMS may have none).'),
  type: z.enum(['sms', 'mms']).default('sms').describe('sms or mms.'),
  mediaUrls: z.array(z.url({ protocol: /^https?$/ })).max(10).optional().describe('MMS: the media, at most 10 http(s) URLs.'),
}).refine((body) => body.text !== '' || (body.type === 'mms' && (body.mediaUrls?.length ?? 0) > 0), { message: 'send text, or an mms with mediaUrls', path: ['text'] });

export const inboundMessageResultSchema = z.object({
  messageUuid: z.string(),
  accountId: z.string(),
  appId: z.string(),
  messageUrl: z.string(),
});

/** The far end sending in: an SMS from a phone to one of the accounts' numbers. */
export function inboundRoutes(deps: ServerDeps): ControlRoute[] {
  const plivo = deps.plivo;
  if (!plivo) return [];
  return [
    defineRoute({
      method: 'POST',
      path: '/inbound/messages',
      operationId: 'receiveMessage',
      tag: 'messages',
      summary: 'An SMS arrives at a number',
      description:
        'Routes it to the number’s application (or the account’s default number application) and requests its message_url as Plivo would. A 2xx answer holding <Response><Message …> elements sends them as outbound messages.',
      body: inboundMessageSchema,
      responses: {
        202: { description: 'Received; the request to message_url is queued.', schema: inboundMessageResultSchema },
        404: { description: 'No account rents the number.', schema: apiErrorSchema },
        409: { description: 'The number has no application with a message_url.', schema: apiErrorSchema },
      },
      async handler({ body }, reply) {
        const number = await plivo.numbers.find(body.to);
        if (!number) throw new ApiError(404, 'not_found', `no account rents ${body.to}`, 'to', 'rent it with POST /hookline/v1/numbers or POST /v1/Account/{auth_id}/PhoneNumber/{number}/');
        const application = number.appId ? await plivo.applications.get(number.accountId, number.appId) : await plivo.applications.defaultNumberApp(number.accountId);
        if (!application?.messageUrl) {
          throw new ApiError(
            409,
            'no_message_url',
            `${number.number} leads to no application with a message_url`,
            'to',
            'point the number at an application with a message_url, or make one the default number application',
          );
        }
        const message = await plivo.messages.receive({
          accountId: number.accountId,
          from: body.from.replace(/^\+/, ''),
          to: number.number,
          text: body.text,
          messageUrl: application.messageUrl,
          messageMethod: application.messageMethod,
          type: body.type,
          ...(body.type === 'mms' ? { mediaUrls: body.mediaUrls ?? [] } : {}),
        });
        void reply.code(202);
        return { messageUuid: message.uuid, accountId: number.accountId, appId: application.appId, messageUrl: application.messageUrl };
      },
    }),
  ];
}
