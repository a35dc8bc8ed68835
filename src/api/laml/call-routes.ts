import type { FastifyInstance } from 'fastify';
import { lamlAccountPath, lamlCallRecord, lamlCallStatus } from '../../domain/laml-call.js';
import { isFinal } from '../../domain/plivo-call.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import { accountOf } from './context.js';
import { parseCreateCall, statusFilter } from './call-input.js';
import { LamlApiError, notFound } from './errors.js';
import { formOf, listPage, optional, readPage, sidOf, target } from './params.js';

/**
 * LaML calls (laml.md §1.2): create with `Url` or an inline document, fetch, list, and update a live
 * call (redirect with `Url`, end with `Status=completed|canceled`).
 */
export function lamlCallRoutes(instance: FastifyInstance, calls: CallEngine): void {
  for (const path of ['/Calls', '/Calls.json']) {
    instance.post(path, async (request, reply) => {
      const account = accountOf(request);
      const { call, inlineDocument } = parseCreateCall(account.id, account.parentId ?? account.id, formOf(request.body));
      const made = await calls.dial(inlineDocument === null ? call : { ...call, answerDocument: inlineDocument });
      return reply.code(201).send(lamlCallRecord(made, account.lamlProjectId));
    });

    instance.get(path, async (request) => {
      const account = accountOf(request);
      const query = formOf(request.query);
      const status = statusFilter(query);
      const to = optional(query, 'To');
      const from = optional(query, 'From');
      const filter = { ...(status ? { status } : {}), ...(to ? { to } : {}), ...(from ? { from } : {}) };
      const { items, position } = await readPage(query, async (window) => {
        const { calls: found, total } = await calls.list(account.id, filter, window);
        return { items: found, total };
      });
      const filters = new URLSearchParams({ ...(to ? { To: to } : {}), ...(from ? { From: from } : {}), ...(optional(query, 'Status') ? { Status: optional(query, 'Status') as string } : {}) }).toString();
      return {
        ...listPage(`${lamlAccountPath(account.lamlProjectId)}/Calls.json`, position, filters),
        calls: items.map((call) => lamlCallRecord(call, account.lamlProjectId)),
      };
    });
  }

  instance.get<{ Params: { sid: string } }>('/Calls/:sid', async (request) => {
    const account = accountOf(request);
    const sid = sidOf(request.params.sid);
    const call = await calls.get(account.id, sid);
    if (!call) throw notFound('Calls', sid);
    return lamlCallRecord(call, account.lamlProjectId);
  });

  instance.post<{ Params: { sid: string } }>('/Calls/:sid', async (request) => {
    const account = accountOf(request);
    const sid = sidOf(request.params.sid);
    const form = formOf(request.body);
    const call = await calls.get(account.id, sid);
    if (!call) throw notFound('Calls', sid);
    const status = optional(form, 'Status');
    const redirect = target(form, 'Url', 'Method', 21205);
    if (status !== undefined) {
      if (status !== 'completed' && status !== 'canceled') throw new LamlApiError(400, 10000, `Status must be completed or canceled, not ${status}`);
      // laml.md §1.2: canceled only before the answer, completed only after it.
      const answered = call.answeredAt !== null;
      if (isFinal(call) || (status === 'canceled' && answered)) throw new LamlApiError(400, 10000, `Call ${sid} is ${lamlCallStatus(call)}; it cannot be ${status}`);
      if (status === 'completed' && !answered) throw new LamlApiError(400, 10000, `Call ${sid} has not been answered; cancel it with Status=canceled`);
      if (!calls.hangup(account.id, sid)) throw new LamlApiError(400, 10000, `Call ${sid} is no longer live`);
    } else if (redirect) {
      if (call.answeredAt === null || isFinal(call) || calls.transfer(account.id, sid, { aleg: redirect, bleg: null }) !== 'transferred') throw new LamlApiError(400, 21220, `Call ${sid} is not in progress; only a live call can be redirected`);
    }
    return lamlCallRecord((await calls.get(account.id, sid)) ?? call, account.lamlProjectId);
  });
}
