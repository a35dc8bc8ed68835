import type { FastifyInstance } from 'fastify';
import type { Numbers, PlivoNumber } from '../../engine/plivo/numbers.js';
import { isE164 } from '../../domain/phone-numbers.js';
import { accountOf } from './context.js';
import { apiId, PlivoApiError } from './errors.js';
import { listMeta, optionalText, pageOf, paramsOf } from './params.js';

/** `PhoneNumber/{number}/` to rent, `Number/` to list, read, re-point and unrent (plivo SDK numbers.js). */
export function numberRoutes(instance: FastifyInstance, numbers: Numbers): void {
  instance.post<{ Params: { number: string } }>('/PhoneNumber/:number/', async (request, reply) => {
    const account = accountOf(request);
    const { number } = request.params;
    if (!isE164(number)) throw new PlivoApiError(400, `"${number}" is not an E.164 number`);
    const rented = await numbers.rent(account.id, number, optionalText(paramsOf(request.body), 'app_id') ?? null);
    return reply.code(201).send({ api_id: apiId(), message: 'created', numbers: [{ number: rented.number, status: 'Success' }], status: 'fulfilled' });
  });

  instance.get('/Number/', async (request) => {
    const account = accountOf(request);
    const page = pageOf(paramsOf(request.query));
    const { items, total } = await numbers.list(account.id, page);
    return { api_id: apiId(), meta: listMeta(`/v1/Account/${account.id}/Number/`, { ...page, total }), objects: items.map(record) };
  });

  instance.get<{ Params: { number: string } }>('/Number/:number/', async (request) => {
    const found = await numbers.get(accountOf(request).id, request.params.number);
    if (!found) throw new PlivoApiError(404, `number ${request.params.number} not found`);
    return { api_id: apiId(), ...record(found) };
  });

  instance.post<{ Params: { number: string } }>('/Number/:number/', async (request, reply) => {
    const account = accountOf(request);
    const params = paramsOf(request.body);
    const appId = optionalText(params, 'app_id');
    const alias = optionalText(params, 'alias');
    const updated = await numbers.update(account.id, request.params.number, {
      ...(appId !== undefined ? { appId } : {}),
      ...(alias !== undefined ? { alias } : {}),
    });
    if (!updated) throw new PlivoApiError(404, `number ${request.params.number} not found`);
    return reply.code(202).send({ api_id: apiId(), message: 'changed' });
  });

  instance.delete<{ Params: { number: string } }>('/Number/:number/', async (request, reply) => {
    if (!(await numbers.unrent(accountOf(request).id, request.params.number))) throw new PlivoApiError(404, `number ${request.params.number} not found`);
    return reply.code(204).send();
  });
}

/** The number as Plivo lists it; carrier details are the simulator's. */
function record(number: PlivoNumber): Record<string, unknown> {
  return {
    added_on: new Date(number.addedOn).toISOString().slice(0, 10),
    alias: number.alias,
    application: number.appId ? `/v1/Account/${number.accountId}/Application/${number.appId}/` : null,
    carrier: 'hookline',
    city: '',
    country: number.number.startsWith('1') ? 'UNITED STATES' : '',
    mms_enabled: true,
    monthly_rental_rate: '0.50000',
    number: number.number,
    number_type: number.numberType,
    region: '',
    resource_uri: `/v1/Account/${number.accountId}/Number/${number.number}/`,
    sms_enabled: true,
    sms_rate: '0.00500',
    sub_account: null,
    voice_enabled: true,
    voice_rate: '0.00850',
  };
}
