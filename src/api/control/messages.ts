import { z } from 'zod';
import { segmentSms, smsCapacity } from '../../domain/sms-segments.js';
import { LAML_SMS_ERROR_CODES } from '../../domain/laml-message.js';
import { MessageTransitionError, SMS_ERROR_CODES, type PlivoMessage } from '../../domain/plivo-message.js';
import { MESSAGE_RESOURCE } from '../../engine/plivo/message-service.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema, deliverySchema, limitSchema, type Expect, type Same } from './schemas.js';

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

const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'received'] as const;
const clockTime = z.number().int();

export const plivoMessageSchema = z.object({
  uuid: z.string(),
  accountId: z.string(),
  direction: z.enum(['outbound', 'inbound']),
  type: z.enum(['sms', 'mms']),
  mediaUrls: z.array(z.string()).readonly().optional(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  encoding: z.enum(['GSM', 'UCS-2']),
  units: z.number().int().describe('Billed segments (an MMS is one).'),
  url: z.string().nullable().describe('Status callback URL, or null when the sender gave none.'),
  method: z.enum(['GET', 'POST']),
  log: z.boolean(),
  status: z.enum(MESSAGE_STATUSES),
  errorCode: z.number().int().nullable(),
  sequence: z.number().int().describe('Status callbacks generated so far.'),
  queuedAt: clockTime,
  sentAt: clockTime.nullable(),
  reportedAt: clockTime.nullable(),
  updatedAt: clockTime,
  script: z.object({ final: z.enum(['delivered', 'undelivered', 'failed', 'sent']), errorCode: z.number().int().nullable() }).describe("Where the far end will take it by itself."),
  next: z.object({ status: z.enum(MESSAGE_STATUSES), at: clockTime }).nullable().describe("The far end's next step, or null."),
});

export const listMessagesQuerySchema = z.strictObject({
  accountId: z.string().min(1).optional().describe('Only this account.'),
  status: z.enum(MESSAGE_STATUSES).optional(),
  direction: z.enum(['outbound', 'inbound']).optional(),
  limit: limitSchema(100, 20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Messages to skip.'),
});

export const messageListSchema = z.object({ messages: z.array(plivoMessageSchema).describe('Newest first.'), total: z.number().int() });
export const messageDetailSchema = z.object({
  message: plivoMessageSchema,
  segments: z
    .object({
      encoding: z.enum(['GSM', 'UCS-2']),
      length: z.number().int().describe('Septets (GSM) or UTF-16 code units (UCS-2) the text takes.'),
      units: z.number().int(),
      single: z.number().int().describe('What one SMS holds in this encoding.'),
      perPart: z.number().int().describe('What each part of a longer text holds.'),
    })
    .nullable()
    .describe('How the text splits into SMS parts, which is what units counts; null for an MMS.'),
  callbacks: z.array(deliverySchema).describe('Its status callbacks, newest first.'),
});

const uuidParams = z.strictObject({ uuid: z.string().min(1).max(100) });

/** Plivo messages as the carrier simulator holds them, and their far end driven by hand. */
export function messageRoutes(deps: ServerDeps): ControlRoute[] {
  const messages = deps.plivo?.messages;
  if (!messages) return [];
  return [
    defineRoute({
      method: 'GET',
      path: '/messages',
      operationId: 'listMessages',
      tag: 'messages',
      summary: "Plivo messages of every account (or one), newest first",
      query: listMessagesQuerySchema,
      responses: { 200: { description: 'One page of messages.', schema: messageListSchema } },
      async handler({ query }) {
        const { accountId, limit, offset, ...filter } = query;
        return messages.list(accountId, filter, { limit, offset });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/messages/:uuid',
      operationId: 'getMessage',
      tag: 'messages',
      summary: 'A Plivo message with its status callbacks',
      params: uuidParams,
      responses: { 200: { description: 'The message.', schema: messageDetailSchema }, 404: { description: 'No such message.', schema: apiErrorSchema } },
      async handler({ params }) {
        const message = await messages.find(params.uuid);
        if (!message) throw notFound(params.uuid);
        const callbacks = await deps.store.deliveries.list({ resource: `${MESSAGE_RESOURCE}:${message.uuid}` }, { limit: 500 });
        return { message, segments: message.type === 'sms' ? segmentsOf(message.text) : null, callbacks: callbacks.items };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/messages/:uuid/status',
      operationId: 'setMessageStatus',
      tag: 'messages',
      summary: 'Move a Plivo or LaML message as the far end would',
      description:
        'Changes the message now and sends its status callbacks (one per status passed through). The far end’s own script for the message stops there.',
      params: uuidParams,
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
        if (!message) throw notFound(params.uuid);
        return { uuid: message.uuid, status: message.status, errorCode: message.errorCode, sequence: message.sequence };
      },
    }),
  ];
}

function segmentsOf(text: string) {
  const segmented = segmentSms(text);
  return { ...segmented, ...smsCapacity(segmented.encoding) };
}

function notFound(uuid: string): ApiError {
  return new ApiError(404, 'not_found', `message ${uuid} not found`, 'uuid', 'use a message_uuid from POST /v1/Account/{auth_id}/Message/ or a sid from POST …/Messages.json');
}

/** The documented message shape is the stored one, checked at compile time. */
export type MessageSchemaAgreement = Expect<Same<PlivoMessage, z.output<typeof plivoMessageSchema>>>;
