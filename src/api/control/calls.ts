import { z } from 'zod';
import { E164 } from '../../domain/phone-numbers.js';
import { CallNotLiveError, type FarEndAction } from '../../engine/calls/call-engine.js';
import { hangupCauseInfo } from '../../domain/hangup-causes.js';
import type { PlivoCall } from '../../domain/plivo-call.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema, callEventSchema, limitSchema } from './schemas.js';

export const callStateSchema = z.object({
  uuid: z.string(),
  accountId: z.string(),
  direction: z.enum(['outbound', 'inbound']),
  from: z.string(),
  to: z.string(),
  status: z.string().describe('queued, ringing, in-progress, or how it ended (completed, busy, no-answer, failed, timeout, cancel).'),
  parentCallUuid: z.string().nullable().describe('The A leg, for a B leg rung by <Dial>.'),
  hangupCauseCode: z.number().int().nullable(),
});

const CALL_STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'timeout', 'no-answer', 'cancel'] as const;

/** A call as the list shows it: its state, and when it started, was answered and ended (clock time). */
export const callSummarySchema = callStateSchema.extend({
  initiatedAt: z.number().int(),
  answeredAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  hangupCause: z.string().nullable().describe('The hangup cause code and who ended it, e.g. "4000 Normal Hangup (Callee)".'),
});

export const listCallsQuerySchema = z.strictObject({
  accountId: z.string().min(1).optional().describe('Only this account.'),
  status: z.enum(CALL_STATUSES).optional(),
  limit: limitSchema(100, 20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Calls to skip.'),
});

const rejectCauses = {
  busy: { code: 3010, source: 'Callee' },
  rejected: { code: 3020, source: 'Callee' },
  'no-answer': { code: 3000, source: 'Carrier' },
  failed: { code: 2000, source: 'Carrier' },
} as const;

const uuidParams = z.strictObject({ uuid: z.string().min(1).max(100) });

function callState(call: PlivoCall): z.infer<typeof callStateSchema> {
  const { uuid, accountId, direction, from, to, status, parentCallUuid } = call;
  return { uuid, accountId, direction, from, to, status, parentCallUuid, hangupCauseCode: call.hangup?.code ?? null };
}

function callSummary(call: PlivoCall): z.infer<typeof callSummarySchema> {
  const hangupCause = call.hangup ? `${call.hangup.code} ${hangupCauseInfo(call.hangup.code).name} (${call.hangup.source})` : null;
  return { ...callState(call), initiatedAt: call.initiatedAt, answeredAt: call.answeredAt, endedAt: call.endedAt, hangupCause };
}

/** The far end of a live call, driven by hand: keys, words, answer, reject, hang up; and its timeline. */
export function callRoutes(deps: ServerDeps): ControlRoute[] {
  const plivo = deps.plivo;
  if (!plivo) return [];
  const calls = plivo.calls;

  async function act(uuid: string, action: FarEndAction): Promise<z.infer<typeof callStateSchema>> {
    try {
      return callState(calls.farEnd(uuid, action));
    } catch (error) {
      if (!(error instanceof CallNotLiveError)) throw error;
      if (!(await calls.find(uuid))) throw new ApiError(404, 'not_found', `call ${uuid} not found`, 'uuid', 'use a call_uuid from GET /v1/Account/{auth_id}/Call/?status=live');
      throw new ApiError(409, 'not_live', error.message, 'uuid', 'act on a call while it is live; answer or reject while it rings, keys and words once answered');
    }
  }

  const farEnd = (
    name: string,
    summary: string,
    description: string,
    body: z.ZodType | null,
    toAction: (body: never) => FarEndAction,
  ): ControlRoute =>
    defineRoute({
      method: 'POST',
      path: `/calls/:uuid/${name}`,
      operationId: `callFarEnd${name[0]?.toUpperCase()}${name.slice(1)}`,
      tag: 'calls',
      summary,
      description,
      params: uuidParams,
      ...(body ? { body } : {}),
      responses: {
        200: { description: 'The call after the far end acted.', schema: callStateSchema },
        404: { description: 'No such call.', schema: apiErrorSchema },
        409: { description: 'The call is not in a state to take this (ended, not ringing, not answered).', schema: apiErrorSchema },
      },
      handler: ({ params, body: input }: { params: { uuid: string }; body: unknown }) => act(params.uuid, toAction(input as never)),
    } as Parameters<typeof defineRoute>[0]);

  return [
    defineRoute({
      method: 'GET',
      path: '/calls',
      operationId: 'listCalls',
      tag: 'calls',
      summary: 'Calls of every account (or one), newest first',
      description: 'Live calls too, as last stored: each state change is stored as it happens. B legs of a Dial are calls of their own.',
      query: listCallsQuerySchema,
      responses: { 200: { description: 'One page of calls.', schema: z.object({ calls: z.array(callSummarySchema).describe('Newest first.'), total: z.number().int() }) } },
      async handler({ query }) {
        const { accountId, limit, offset, status } = query;
        const page = await calls.list(accountId, status ? { status } : {}, { limit, offset });
        return { calls: page.calls.map(callSummary), total: page.total };
      },
    }),
    farEnd(
      'digits',
      'The far end presses keys',
      'Keys reach the element collecting input (GetDigits, GetInput, Record’s finish key, hangupOnStar), or wait for the next one.',
      z.strictObject({ digits: z.string().regex(/^[0-9*#]{1,64}$/, '0-9, * and #, 1 to 64 keys').describe('The keys, in order.') }),
      (body: { digits: string }) => ({ kind: 'digits', digits: body.digits }),
    ),
    farEnd(
      'speech',
      'The far end says something',
      'The words reach a GetInput that takes speech, as its recognised Speech.',
      z.strictObject({ text: z.string().min(1).max(1000).describe('What the far end says.') }),
      (body: { text: string }) => ({ kind: 'speech', text: body.text }),
    ),
    farEnd(
      'beep',
      'The far end beeps',
      'A voicemail beep now: a Plivo `<Wait beep="true">` ends when it is over; any sound breaks a `<Wait silence="true">`.',
      null,
      () => ({ kind: 'beep' }),
    ),
    farEnd('answer', 'The far end answers a ringing call', 'Answers now, whatever the number’s script says.', null, () => ({ kind: 'answer' })),
    farEnd(
      'reject',
      'The far end refuses a ringing call',
      'Ends the ringing call with the cause: busy 3010, rejected 3020, no-answer 3000, failed 2000.',
      z.strictObject({ cause: z.enum(['busy', 'rejected', 'no-answer', 'failed']).default('busy').describe('Why the call did not connect.') }),
      (body: { cause: keyof typeof rejectCauses }) => ({ kind: 'reject', hangup: rejectCauses[body.cause] }),
    ),
    farEnd('hangup', 'The far end hangs up', 'Ends the call now: a normal hangup (4000) once answered, a cancel while ringing.', null, () => ({ kind: 'hangup' })),
    defineRoute({
      method: 'GET',
      path: '/calls/:uuid/timeline',
      operationId: 'getCallTimeline',
      tag: 'calls',
      summary: 'Every step of a call',
      description: 'API request, state changes, each document and the element running, far-end input, each callback, the hangup with its cause. Live calls too.',
      params: uuidParams,
      responses: {
        200: { description: 'The call and its steps in order.', schema: z.object({ call: callSummarySchema, events: z.array(callEventSchema) }) },
        404: { description: 'No such call.', schema: apiErrorSchema },
      },
      async handler({ params }) {
        const found = await calls.timeline(params.uuid);
        if (!found) throw new ApiError(404, 'not_found', `call ${params.uuid} not found`, 'uuid', 'use a call_uuid or request_uuid from the Plivo API');
        return { call: callSummary(found.call), events: [...found.events] };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/inbound/calls',
      operationId: 'receiveCall',
      tag: 'calls',
      summary: 'A phone calls a number',
      description: 'Routes the call to the number’s application (or the account’s default number application) and requests its answer_url as Plivo would; a LaML-routed number’s call requests its VoiceUrl as SignalWire would.',
      body: z.strictObject({
        from: z.string().regex(E164, 'an E.164 number').describe('The phone calling.'),
        to: z.string().regex(E164, 'an E.164 number').describe('A number an account rents.'),
        forwardedFrom: z.string().regex(E164, 'an E.164 number').optional().describe('The number that forwarded the call, when a carrier passes one on: sent as ForwardedFrom.'),
        callerName: z.string().min(1).max(50).optional().describe('The caller’s name as caller ID shows it (CNAM): sent as CallerName.'),
      }),
      responses: {
        202: { description: 'The call rings; its answer_url is being requested.', schema: callStateSchema.extend({ appId: z.string().nullable().describe('The Plivo application; null for a LaML-routed number.'), dialect: z.enum(['plivo', 'laml']), answerUrl: z.string() }) },
        404: { description: 'No account rents the number.', schema: apiErrorSchema },
        409: { description: 'The number has no application with an answer_url.', schema: apiErrorSchema },
      },
      async handler({ body }, reply) {
        const { call, appId, dialect, answerUrl } = await plivo.inboundCalls.receive(body);
        void reply.code(202);
        return { ...callState(call), appId, dialect, answerUrl };
      },
    }),
  ];
}
