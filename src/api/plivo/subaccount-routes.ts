import type { FastifyInstance } from 'fastify';
import type { Account } from '../../store/ports.js';
import type { Subaccounts } from '../../engine/plivo/subaccounts.js';
import { apiId, PlivoApiError } from './errors.js';
import { accountOf } from './context.js';
import { listMeta, optionalFlag, optionalText, pageOf, paramsOf, type Params } from './params.js';

/** `Subaccount/` create, get, list, update and delete, for main accounts (plivo.md §0; plivo SDK accounts.js). */
export function subaccountRoutes(instance: FastifyInstance, subaccounts: Subaccounts): void {
  instance.post('/Subaccount/', async (request, reply) => {
    const parent = mainAccount(accountOf(request));
    const body = paramsOf(request.body);
    const given = name(body);
    if (!given) throw new PlivoApiError(400, 'name parameter is missing');
    const account = await subaccounts.create(parent, given, optionalFlag(body, 'enabled') ?? false);
    return reply.code(201).send({ api_id: apiId(), auth_id: account.id, auth_token: account.authToken, message: 'created' });
  });

  instance.get('/Subaccount/', async (request) => {
    const parent = mainAccount(accountOf(request));
    const { limit, offset } = pageOf(paramsOf(request.query));
    const { items, total } = subaccounts.list(parent, { limit, offset });
    return { api_id: apiId(), meta: listMeta(`/v1/Account/${parent.id}/Subaccount/`, { limit, offset, total }), objects: items.map(record) };
  });

  instance.get<{ Params: { id: string } }>('/Subaccount/:id/', async (request) => {
    const account = subaccounts.get(mainAccount(accountOf(request)), request.params.id);
    if (!account) throw new PlivoApiError(404, `sub-account ${request.params.id} not found`);
    return { api_id: apiId(), ...record(account) };
  });

  instance.post<{ Params: { id: string } }>('/Subaccount/:id/', async (request) => {
    const body = paramsOf(request.body);
    const newName = name(body);
    const enabled = optionalFlag(body, 'enabled');
    const updated = await subaccounts.update(mainAccount(accountOf(request)), request.params.id, {
      ...(newName ? { name: newName } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
    });
    if (!updated) throw new PlivoApiError(404, `sub-account ${request.params.id} not found`);
    return { api_id: apiId(), message: 'changed' };
  });

  instance.delete<{ Params: { id: string } }>('/Subaccount/:id/', async (request, reply) => {
    if (!(await subaccounts.delete(mainAccount(accountOf(request)), request.params.id))) {
      throw new PlivoApiError(404, `sub-account ${request.params.id} not found`);
    }
    return reply.code(204).send();
  });
}

function mainAccount(account: Account): Account {
  if (account.parentId) throw new PlivoApiError(403, 'a sub-account cannot manage sub-accounts; use its main account');
  return account;
}

/** The sub-account as Plivo describes it (GetSubAccountDetails in the plivo SDK). */
function record(account: Account): Record<string, unknown> {
  const created = new Date(account.createdAt).toISOString().slice(0, 10);
  return {
    account: `/v1/Account/${account.parentId}/`,
    auth_id: account.id,
    auth_token: account.authToken,
    created,
    enabled: account.enabled !== false,
    modified: null,
    name: account.name,
    resource_uri: `/v1/Account/${account.parentId}/Subaccount/${account.id}/`,
  };
}

function name(params: Params): string | undefined {
  const value = optionalText(params, 'name');
  if (value !== undefined && value.length > 100) throw new PlivoApiError(400, 'name is longer than 100 characters');
  return value;
}
