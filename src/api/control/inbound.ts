import { z } from 'zod';
import { E164 } from '../../domain/phone-numbers.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

export const inboundMessageSchema = z.strictObject({
  from: z.string().regex(E164, 'an E.164 number').describe('The phone sending the message.'),
  to: z.string().regex(E164, 'an E.164 number').describe('A number an account rents.'),
  text: z.string().max(1600).default('').describe('What the phone sent (an MMS may have none).'),
  type: z.enum(['sms', 'mms']).default('sms').describe('sms or mms.'),
  mediaUrls: z.array(z.url({ protocol: /^https?$/ })).max(10).optional().describe('MMS: the media, at most 10 http(s) URLs.'),
}).refine((body) => body.text !== '' || (body.type === 'mms' && (body.mediaUrls?.length ?? 0) > 0), { message: 'send text, or an mms with mediaUrls', path: ['text'] });

export const inboundMessageResultSchema = z.object({
  messageUuid: z.string(),
  accountId: z.string(),
  appId: z.string().nullable().describe('The Plivo application; null for a LaML-routed number.'),
  dialect: z.enum(['plivo', 'laml']),
  messageUrl: z.string().describe('The message_url (Plivo) or SmsUrl (LaML) requested.'),
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
        'Routes it to the number’s application (or the account’s default number application) and requests its message_url as Plivo would, or, for a LaML-routed number, its SmsUrl as SignalWire would. A 2xx answer holding <Response><Message …> elements sends them as outbound messages.',
      body: inboundMessageSchema,
      responses: {
        202: { description: 'Received; the request to message_url is queued.', schema: inboundMessageResultSchema },
        404: { description: 'No account rents the number.', schema: apiErrorSchema },
        409: { description: 'The number has no application with a message_url (LaML: no SmsUrl).', schema: apiErrorSchema },
      },
      async handler({ body }, reply) {
        const { message, appId, dialect, messageUrl } = await plivo.inbound.receive({
          from: body.from,
          to: body.to,
          text: body.text,
          type: body.type,
          ...(body.mediaUrls ? { mediaUrls: body.mediaUrls } : {}),
        });
        void reply.code(202);
        return { messageUuid: message.uuid, accountId: message.accountId, appId, dialect, messageUrl };
      },
    }),
  ];
}
