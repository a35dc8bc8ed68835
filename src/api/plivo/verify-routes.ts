import type { FastifyInstance } from 'fastify';
import { digitsOf, isE164 } from '../../domain/phone-numbers.js';
import type { Applications } from '../../engine/plivo/applications.js';
import { sessionRecord, type SessionStatus, type VerifySessions } from '../../engine/plivo/verify.js';
import { accountOf } from './context.js';
import { apiId, PlivoApiError } from './errors.js';
import { listMeta, optionalMethod, optionalText, pageOf, paramsOf, requiredText, wholeNumber } from './params.js';

const REFUSALS = {
  expired: 'session expired; create a new one',
  verified: 'session already validated',
  'too-many': 'maximum validation attempts reached for this session',
  wrong: 'Invalid OTP',
} as const;

/** `Verify/Session/`: create, get, list and validate (plivo.md §4; plivo SDK verify.js). */
export function verifyRoutes(instance: FastifyInstance, sessions: VerifySessions, applications: Applications): void {
  instance.post('/Verify/Session/', async (request, reply) => {
    const account = accountOf(request);
    const params = paramsOf(request.body);
    const recipient = requiredText(params, 'recipient');
    if (!isE164(recipient)) throw new PlivoApiError(400, `recipient "${recipient}" is not an E.164 number`);
    const channel = optionalText(params, 'channel')?.toLowerCase() ?? 'sms';
    if (channel !== 'sms' && channel !== 'voice') throw new PlivoApiError(400, `channel "${channel}" is not sms or voice`);
    const appUuid = optionalText(params, 'app_uuid') ?? null;
    if (appUuid && !(await applications.get(account.id, appUuid))) throw new PlivoApiError(404, `application ${appUuid} not found`);
    const session = await sessions.create({
      accountId: account.id,
      parentAuthId: account.parentId ?? account.id,
      channel,
      appUuid,
      recipient: digitsOf(recipient),
      url: optionalText(params, 'url') ?? null,
      method: optionalMethod(params, 'method') ?? 'POST',
      locale: optionalText(params, 'locale') ?? 'en',
      brandName: optionalText(params, 'brand_name') ?? null,
      codeLength: wholeNumber(params, 'code_length', 6, 4, 8),
    });
    return reply.code(202).send({ api_id: apiId(), message: 'Session initiated', session_uuid: session.uuid });
  });

  instance.get('/Verify/Session/', async (request) => {
    const account = accountOf(request);
    const params = paramsOf(request.query);
    const page = pageOf(params);
    const status = optionalText(params, 'status')?.toLowerCase();
    if (status && !['in-progress', 'verified', 'expired'].includes(status)) throw new PlivoApiError(400, `status "${status}" is not in-progress, verified or expired`);
    const recipient = optionalText(params, 'recipient');
    const { items, total } = await sessions.list(account.id, { ...(status ? { status: status as SessionStatus } : {}), ...(recipient ? { recipient: digitsOf(recipient) } : {}) }, page);
    return { api_id: apiId(), meta: listMeta(`/v1/Account/${account.id}/Verify/Session/`, { ...page, total }), sessions: items.map(sessionRecord) };
  });

  instance.get<{ Params: { uuid: string } }>('/Verify/Session/:uuid/', async (request) => {
    const session = await sessions.get(accountOf(request).id, request.params.uuid);
    if (!session) throw new PlivoApiError(404, `session ${request.params.uuid} not found`);
    return { api_id: apiId(), ...sessionRecord(session) };
  });

  instance.post<{ Params: { uuid: string } }>('/Verify/Session/:uuid/', async (request) => {
    const otp = requiredText(paramsOf(request.body), 'otp');
    const result = await sessions.validate(accountOf(request).id, request.params.uuid, otp);
    if (result.ok) return { api_id: apiId(), message: 'session validated successfully.' };
    if (result.reason === 'not-found') throw new PlivoApiError(404, `session ${request.params.uuid} not found`);
    throw new PlivoApiError(400, REFUSALS[result.reason]);
  });
}
