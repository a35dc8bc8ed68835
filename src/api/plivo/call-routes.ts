import type { FastifyInstance } from 'fastify';
import { callRecord, liveCallRecord, queuedCallRecord } from '../../domain/plivo-call.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import { accountOf } from './context.js';
import { parseCallFilter, parseMakeCall } from './call-input.js';
import { apiId, PlivoApiError } from './errors.js';
import { httpUrl, listMeta, optionalChoice, optionalMethod, optionalText, paramsOf, requiredText, wholeNumber } from './params.js';

/**
 * Plivo's voice calls (plivo.md §1): make a call, read call records and live calls, hang up, cancel
 * a request. A call with several destinations makes one call each; `request_uuid` is then a list.
 */
export function callRoutes(instance: FastifyInstance, calls: CallEngine): void {
  instance.post('/Call/', async (request, reply) => {
    const account = accountOf(request);
    const requests = parseMakeCall(account.id, account.parentId ?? account.id, request.body);
    const made = [];
    for (const call of requests) made.push(await calls.dial(call));
    const uuids = made.map((call) => call.requestUuid);
    return reply.code(201).send({ api_id: apiId(), message: 'call fired', request_uuid: uuids.length === 1 ? uuids[0] : uuids });
  });

  instance.get<{ Params: { uuid: string } }>('/Call/:uuid/', async (request) => {
    const account = accountOf(request);
    const { uuid } = request.params;
    const status = paramsOf(request.query).status;
    if (status === 'live') {
      const live = calls.liveCall(account.id, uuid);
      if (!live) throw new PlivoApiError(404, `live call ${uuid} not found`);
      return { api_id: apiId(), ...liveCallRecord(live) };
    }
    if (status === 'queued') {
      const queued = await calls.queuedCall(account.id, uuid);
      if (!queued) throw new PlivoApiError(404, `queued call ${uuid} not found`);
      return { api_id: apiId(), ...queuedCallRecord(queued) };
    }
    const call = await calls.get(account.id, uuid);
    if (!call) throw new PlivoApiError(404, `call ${uuid} not found`);
    return { api_id: apiId(), ...callRecord(call) };
  });

  instance.get('/Call/', async (request) => {
    const account = accountOf(request);
    const status = paramsOf(request.query).status;
    if (status === 'live') return { api_id: apiId(), calls: (await calls.liveCalls(account.id)).map((call) => call.uuid) };
    if (status === 'queued') return { api_id: apiId(), calls: (await calls.queuedCalls(account.id)).map((call) => call.uuid) };
    const { filter, limit, offset } = parseCallFilter(request.query);
    const { calls: page, total } = await calls.list(account.id, filter, { limit, offset });
    return { api_id: apiId(), meta: listMeta(`/v1/Account/${account.id}/Call/`, { limit, offset, total }), objects: page.map(callRecord) };
  });

  instance.delete<{ Params: { uuid: string } }>('/Call/:uuid/', async (request, reply) => {
    if (!calls.hangup(accountOf(request).id, request.params.uuid)) throw new PlivoApiError(404, `live call ${request.params.uuid} not found`);
    return reply.code(204).send();
  });

  instance.delete<{ Params: { uuid: string } }>('/Request/:uuid/', async (request, reply) => {
    if (!calls.cancelRequest(accountOf(request).id, request.params.uuid)) throw new PlivoApiError(404, `no call request ${request.params.uuid} waiting to be answered`);
    return reply.code(204).send();
  });

  // Transfer (plivo.md §1.9): `legs` aleg (the default), bleg (the leg this call's Dial bridged) or both,
  // each with its URL required and its method POST unless GET.
  instance.post<{ Params: { uuid: string } }>('/Call/:uuid/', async (request, reply) => {
    const fields = paramsOf(request.body);
    const legs = optionalChoice(fields, 'legs', ['aleg', 'bleg', 'both']) ?? 'aleg';
    const target = (leg: 'aleg' | 'bleg') => ({ url: httpUrl(`${leg}_url`, requiredText(fields, `${leg}_url`)), method: optionalMethod(fields, `${leg}_method`) ?? 'POST' });
    const to = { aleg: legs === 'bleg' ? null : target('aleg'), bleg: legs === 'aleg' ? null : target('bleg') };
    const uuid = request.params.uuid;
    const moved = calls.transfer(accountOf(request).id, uuid, to);
    if (moved === 'no-call') throw new PlivoApiError(404, `live call ${uuid} not found`);
    if (moved === 'no-bridged-leg') throw new PlivoApiError(404, `call ${uuid} has no bridged B leg to transfer; legs=bleg and legs=both need a connected Dial`);
    return reply.code(202).send({ api_id: apiId(), message: 'call transfered' });
  });

  // Audio mixed over a live call: the document keeps running; the timeline shows each request.
  const overlay = (path: string, started: string, stopped: string, describe: (fields: Record<string, unknown>) => string): void => {
    instance.post<{ Params: { uuid: string } }>(`/Call/:uuid/${path}/`, async (request, reply) => {
      const what = describe(paramsOf(request.body));
      if (!calls.overlay(accountOf(request).id, request.params.uuid, what)) throw new PlivoApiError(404, `live call ${request.params.uuid} not found`);
      return reply.code(202).send({ api_id: apiId(), message: started });
    });
    if (!stopped) return;
    instance.delete<{ Params: { uuid: string } }>(`/Call/:uuid/${path}/`, async (request, reply) => {
      if (!calls.overlay(accountOf(request).id, request.params.uuid, `stop ${path.toLowerCase()}`)) throw new PlivoApiError(404, `live call ${request.params.uuid} not found`);
      return reply.code(202).send({ api_id: apiId(), message: stopped });
    });
  };
  overlay('Play', 'play started', 'play stopped', (fields) => `play ${requiredText(fields, 'urls')}`);
  overlay('Speak', 'speak started', 'speak stopped', (fields) => `speak "${requiredText(fields, 'text')}"`);
  overlay('DTMF', 'digits sent', '', (fields) => {
    const digits = requiredText(fields, 'digits');
    if (!/^[0-9*#wW]+$/.test(digits)) throw new PlivoApiError(400, 'digits may hold only 0-9, *, #, w and W');
    return `send digits ${digits}`;
  });

  instance.post<{ Params: { uuid: string } }>('/Call/:uuid/Record/', async (request, reply) => {
    const fields = paramsOf(request.body);
    const callbackUrl = optionalText(fields, 'callback_url');
    const callback = callbackUrl ? { url: httpUrl('callback_url', callbackUrl), method: optionalMethod(fields, 'callback_method') ?? 'POST' } : null;
    // mp3 unless asked for wav, and 60 s at most unless told otherwise, as Plivo's Record API documents.
    const format = optionalChoice(fields, 'file_format', ['mp3', 'wav']) ?? 'mp3';
    const timeLimitMs = wholeNumber(fields, 'time_limit', 60, 1, 14_400) * 1000;
    const id = apiId();
    const recording = await calls.startRecording(accountOf(request).id, request.params.uuid, { format, timeLimitMs, callback, apiId: id });
    if (!recording) throw new PlivoApiError(404, `live call ${request.params.uuid} not found`);
    return reply.code(202).send({ api_id: id, message: 'call recording started', recording_id: recording.id, url: recording.url });
  });

  instance.delete<{ Params: { uuid: string } }>('/Call/:uuid/Record/', async (request, reply) => {
    if (!(await calls.stopRecordings(accountOf(request).id, request.params.uuid))) throw new PlivoApiError(404, `live call ${request.params.uuid} not found`);
    return reply.code(204).send();
  });
}
