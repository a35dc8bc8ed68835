import type { FastifyInstance } from 'fastify';
import { lamlAccountPath } from '../../domain/laml-call.js';
import { lamlNumberRecord } from '../../domain/laml-number.js';
import { NumberTakenError, type Numbers, type PlivoNumber } from '../../engine/plivo/numbers.js';
import type { Account } from '../../store/ports.js';
import { accountOf } from './context.js';
import { LamlApiError, notFound } from './errors.js';
import { parseNumberChange, parsePhoneNumber } from './number-input.js';
import { formOf, listPage, readPage, sidOf } from './params.js';

/**
 * LaML IncomingPhoneNumbers (laml.md §1.5): a number the project rents, routed by its own URLs. Creating
 * one for a number the account already rents through Plivo takes its routing over (docs/laml.md).
 */
export function lamlNumberRoutes(instance: FastifyInstance, numbers: Numbers): void {
  const record = (account: Account) => (number: PlivoNumber): Record<string, unknown> => {
    if (!number.laml) throw new Error(`number ${number.number} is not LaML-routed`);
    return lamlNumberRecord(account.lamlProjectId, number.number, number.laml);
  };

  const found = async (accountId: string, rawSid: string): Promise<PlivoNumber> => {
    const sid = sidOf(rawSid);
    const number = await numbers.getByLamlSid(accountId, sid);
    if (!number) throw notFound('IncomingPhoneNumbers', sid);
    return number;
  };

  for (const path of ['/IncomingPhoneNumbers', '/IncomingPhoneNumbers.json']) {
    instance.post(path, async (request, reply) => {
      const account = accountOf(request);
      const form = formOf(request.body);
      const phoneNumber = parsePhoneNumber(form);
      const change = parseNumberChange(form, null);
      try {
        return await reply.code(201).send(record(account)(await numbers.routeByLaml(account.id, phoneNumber, change)));
      } catch (error) {
        if (error instanceof NumberTakenError) throw new LamlApiError(400, 21422, `PhoneNumber ${phoneNumber} is not available`);
        throw error;
      }
    });

    instance.get(path, async (request) => {
      const account = accountOf(request);
      const { items, position } = await readPage(formOf(request.query), (window) => numbers.listLaml(account.id, window));
      return {
        ...listPage(`${lamlAccountPath(account.lamlProjectId)}/IncomingPhoneNumbers.json`, position),
        incoming_phone_numbers: items.map(record(account)),
      };
    });
  }

  instance.get<{ Params: { sid: string } }>('/IncomingPhoneNumbers/:sid', async (request) => {
    const account = accountOf(request);
    return record(account)(await found(account.id, request.params.sid));
  });

  instance.post<{ Params: { sid: string } }>('/IncomingPhoneNumbers/:sid', async (request) => {
    const account = accountOf(request);
    const number = await found(account.id, request.params.sid);
    const change = parseNumberChange(formOf(request.body), number.laml ?? null);
    return record(account)(await numbers.routeByLaml(account.id, number.number, change));
  });

  instance.delete<{ Params: { sid: string } }>('/IncomingPhoneNumbers/:sid', async (request, reply) => {
    const account = accountOf(request);
    const number = await found(account.id, request.params.sid);
    await numbers.unrent(account.id, number.number);
    return reply.code(204).send();
  });
}
