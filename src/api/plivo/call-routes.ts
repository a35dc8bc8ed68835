import type { FastifyInstance } from 'fastify';
import { callRecord, liveCallRecord } from '../../domain/plivo-call.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import { accountOf } from './context.js';
import { parseCallFilter, parseMakeCall } from './call-input.js';
import { apiId, PlivoApiError } from './errors.js';
import { listMeta, paramsOf } from './params.js';

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
    if (paramsOf(request.query).status === 'live') {
      const live = calls.liveCall(account.id, uuid);
      if (!live) throw new PlivoApiError(404, `live call ${uuid} not found`);
      return { api_id: apiId(), ...liveCallRecord(live) };
    }
    const call = await calls.get(account.id, uuid);
    if (!call) throw new PlivoApiError(404, `call ${uuid} not found`);
    return { api_id: apiId(), ...callRecord(call) };
  });

  instance.get('/Call/', async (request) => {
    const account = accountOf(request);
    if (paramsOf(request.query).status === 'live') {
      return { api_id: apiId(), calls: calls.liveCalls(account.id).map((call) => call.uuid) };
    }
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
}
