import { z } from 'zod';
import { DIALECTS } from '../../domain/callback.js';
import { DELIVERY_STATUSES, type Attempt, type Delivery } from '../../domain/delivery.js';
import { POLICY_PROFILES, RETRY_TRIGGERS } from '../../domain/policy.js';
import type { CallEvent } from '../../domain/call-event.js';
import type { DeliveryEvent } from '../../delivery/events.js';
import type { SinkConfig, SinkRequest } from '../../store/ports.js';
import type { DocumentReading } from './document-reading.js';

/**
 * The shapes the control API reads and writes. Requests are parsed with these schemas, and the OpenAPI
 * document is generated from the same objects, so the description cannot drift from the behaviour.
 * Response schemas are checked against the domain types at compile time (see the end of this file).
 */

const clockTime = z.number().int().describe('Clock time in ms since the epoch (virtual time under --clock virtual).');

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. invalid_request, not_found, body_too_large.'),
      message: z.string().describe('What was wrong.'),
      field: z.string().nullable().describe('The request field at fault (dot path into the body, a query or path parameter), or null.'),
      fix: z.string().describe('What to do about it.'),
    }),
  })
  .describe('Every error the control API returns has this shape.');

// ---- deliveries and attempts (responses) ----

const attemptOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('success'), status: z.number().int() }),
  z.object({ kind: z.literal('http-status'), status: z.number().int() }),
  z.object({ kind: z.literal('connect-failed'), detail: z.string() }),
  z.object({ kind: z.literal('connect-timeout'), detail: z.string() }),
  z.object({ kind: z.literal('read-timeout'), detail: z.string() }),
  z.object({ kind: z.literal('total-timeout'), detail: z.string() }),
  z.object({ kind: z.literal('partial-response'), status: z.number().int(), detail: z.string() }),
  z.object({ kind: z.literal('response-too-large'), status: z.number().int(), limitBytes: z.number().int() }),
  z.object({ kind: z.literal('too-many-redirects'), status: z.number().int(), detail: z.string() }),
  z.object({ kind: z.literal('refused'), detail: z.string() }),
]);

const policyValueSource = z.enum(['default', 'fragment', 'clamped']);

const deliveryPolicySchema = z.object({
  profile: z.enum(POLICY_PROFILES),
  connectTimeoutMs: z.number(),
  readTimeoutMs: z.number(),
  totalTimeoutMs: z.number(),
  retryDelaysMs: z.array(z.number()).readonly(),
  retryOn: z.array(z.enum(RETRY_TRIGGERS)).readonly(),
  maxRetryAfterMs: z.number(),
  maxRedirects: z.number().int(),
  maxResponseBytes: z.number().int(),
  sources: z.object({ ct: policyValueSource, rt: policyValueSource, tt: policyValueSource, rc: policyValueSource, rp: policyValueSource }),
});

const stringMap = z.record(z.string(), z.string());

export const deliverySchema = z.object({
  id: z.string().describe('Stable across retries and replays; sent as X-Hookline-Delivery-Id.'),
  seq: z.number().int(),
  accountId: z.string(),
  dialect: z.enum(DIALECTS),
  kind: z.enum(['notification', 'document']),
  url: z.string().describe('The URL as it is sent (written as WHATWG URL serializes it), with the fragment it was given.'),
  method: z.enum(['GET', 'POST']),
  params: stringMap,
  policy: deliveryPolicySchema,
  warnings: z.array(z.string()).readonly(),
  resource: z.string().nullable().describe('What caused it, as type:id.'),
  status: z.enum(DELIVERY_STATUSES),
  dueAt: clockTime,
  createdAt: clockTime,
  updatedAt: clockTime,
  attemptCount: z.number().int(),
  roundAttempts: z.number().int(),
  replayCount: z.number().int(),
  lastOutcome: attemptOutcomeSchema.nullable(),
});

export const attemptSchema = z.object({
  deliveryId: z.string(),
  number: z.number().int().describe('1-based across replays; sent as X-Hookline-Attempt.'),
  startedAt: clockTime,
  durationMs: z.number(),
  request: z.object({ method: z.enum(['GET', 'POST']), url: z.string(), headers: stringMap, body: z.string().nullable() }),
  response: z.object({ status: z.number().int(), headers: stringMap, body: z.string(), bodyTruncated: z.boolean() }).nullable(),
  outcome: attemptOutcomeSchema,
  nextAttemptAt: clockTime.nullable(),
});

export const documentElementSchema = z.object({
  name: z.string(),
  attributes: stringMap,
  text: z.string().describe("The element's own text, trimmed."),
  line: z.number().int(),
  column: z.number().int(),
  get children(): z.ZodArray<typeof documentElementSchema> {
    return z.array(documentElementSchema);
  },
});

export const documentReadingSchema = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), dialect: z.string(), root: documentElementSchema, warnings: z.array(z.string()) }),
    z.object({
      ok: z.literal(false),
      dialect: z.string(),
      error: z.object({
        rule: z.enum(['too-large', 'not-xml', 'root', 'unknown-element', 'nesting', 'attribute-value', 'required', 'body']).describe('The rule the document broke.'),
        message: z.string(),
        line: z.number().int(),
        column: z.number().int(),
      }),
    }),
  ])
  .describe("A document callback's 2xx body read by the dialect's XML parser, as the call engine read it: its elements, or the rule broken and where.");

export const callEventSchema = z.object({
  at: clockTime,
  type: z
    .enum(['request', 'status', 'document', 'instruction', 'far-end', 'callback', 'hangup', 'error', 'warning', 'message', 'recording', 'dial'])
    .describe('What kind of step: the API request, a state change, a document fetched, the element running, far-end input, a callback, the hangup…'),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional().describe('Details: the element and its line, the delivery id of a request, the hangup cause…'),
});

export const deliveryEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delivery'), delivery: deliverySchema }),
  z.object({ type: z.literal('attempt'), accountId: z.string(), attempt: attemptSchema }),
  z.object({ type: z.literal('call'), accountId: z.string(), callUuid: z.string(), event: callEventSchema }),
]);

// ---- sinks ----

/** Sink names appear in URLs (`/sink/{name}`), so they stay URL-safe and short. */
export const sinkNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, dots, dashes or underscores' })
  .describe('Sink name: 1 to 64 of A-Z a-z 0-9 . _ -');

/** Headers Node computes itself; letting a sink set them would corrupt its own responses. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const sinkHeadersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a valid header name`, params: { fix: 'use a header name made of letters, digits and -' } });
    } else if (FRAMING_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: [name], message: `${name} is set by the server`, params: { fix: `remove ${name}; hookline frames the response itself` } });
    } else if (/[\r\n]/.test(value)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'header values cannot contain line breaks', params: { fix: 'put the value on one line' } });
    }
  }
});

export const sinkConfigInputSchema = z.strictObject({
  status: z.number().int().min(200).max(599).default(200).describe('HTTP status the sink answers with.'),
  delayMs: z.number().int().min(0).max(600_000).default(0).describe('Wall-clock wait before answering, to rehearse timeouts (at most 10 minutes).'),
  body: z.string().default('').describe('Response body.'),
  headers: sinkHeadersSchema.default({}).describe('Response headers.'),
});

export const sinkConfigSchema = z.object({
  status: z.number().int(),
  delayMs: z.number().int(),
  body: z.string(),
  headers: stringMap,
});

export const sinkRequestSchema = z.object({
  seq: z.number().int(),
  sink: z.string(),
  method: z.string(),
  path: z.string().describe('Path below /sink/{name}, starting with / (just / for the sink itself).'),
  query: z.string().describe('The raw query string, without the ?.'),
  headers: stringMap,
  body: z.string().describe('The raw body as text, whatever its content type.'),
  receivedAt: clockTime,
});

// ---- pagination ----

export const cursorSchema = z.string().max(200).describe('The nextCursor of the previous page.');

export function limitSchema(max: number, fallback: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback).describe(`Page size, 1 to ${max} (default ${fallback}).`);
}

// ---- compile-time agreement between the documented shapes and the domain types ----

export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Expect<T extends true> = T;
export type SchemaAgreement = [
  Expect<Same<Delivery, z.output<typeof deliverySchema>>>,
  Expect<Same<Attempt, z.output<typeof attemptSchema>>>,
  Expect<Same<DeliveryEvent, z.output<typeof deliveryEventSchema>>>,
  Expect<Same<CallEvent, z.output<typeof callEventSchema>>>,
  Expect<Same<SinkConfig, z.output<typeof sinkConfigSchema>>>,
  Expect<Same<SinkRequest & { seq: number }, z.output<typeof sinkRequestSchema>>>,
  Expect<Same<DocumentReading, z.output<typeof documentReadingSchema>>>,
];
