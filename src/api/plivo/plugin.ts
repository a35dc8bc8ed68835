import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountDirectory } from '../../delivery/account-directory.js';
import { messageRecord } from '../../domain/plivo-message.js';
import type { Account } from '../../store/ports.js';
import { signaturesEqual } from '../../signing/hmac.js';
import { basicCredentials } from '../basic-auth.js';
import type { MessageService } from '../../engine/plivo/message-service.js';
import type { Subaccounts } from '../../engine/plivo/subaccounts.js';
import type { Applications } from '../../engine/plivo/applications.js';
import type { Numbers } from '../../engine/plivo/numbers.js';
import { applicationRoutes } from './application-routes.js';
import { numberRoutes } from './number-routes.js';
import { verifyRoutes } from './verify-routes.js';
import type { VerifySessions } from '../../engine/plivo/verify.js';
import type { InboundCalls, InboundSms } from '../../engine/plivo/inbound.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import type { Recordings } from '../../engine/calls/recordings.js';
import { callRoutes } from './call-routes.js';
import { apiId, PlivoApiError, plivoErrorHandler, sendPlivoError } from './errors.js';
import { accountOf } from './context.js';
import { parseMessageFilter, parseSendSms } from './message-input.js';
import { listMeta } from './params.js';
import { subaccountRoutes } from './subaccount-routes.js';

export const PLIVO_PREFIX = '/v1/Account/:authId';

export interface PlivoApiDeps {
  readonly accounts: AccountDirectory;
  readonly messages: MessageService;
  readonly subaccounts: Subaccounts;
  readonly applications: Applications;
  readonly numbers: Numbers;
  readonly verify: VerifySessions;
  readonly inbound: InboundSms;
  readonly calls: CallEngine;
  readonly inboundCalls: InboundCalls;
  readonly recordings: Recordings;
  /** Where the control API puts numbers that name no account. */
  readonly devAccountId: string;
}

/**
 * Plivo's REST API under `/v1/Account/{auth_id}/`, as the official SDKs call it: HTTP Basic with the
 * auth id and token, JSON or form bodies, snake_case JSON answers that always carry `api_id`, errors as
 * `{api_id, error}`. An account reaches its own resources, and a main account those of its sub-accounts.
 */
export function plivoPlugin(deps: PlivoApiDeps) {
  return async (instance: FastifyInstance): Promise<void> => {
    await instance.register(formbody);
    instance.setErrorHandler(plivoErrorHandler);
    instance.setNotFoundHandler((request, reply) => sendPlivoError(reply, 404, `no such resource: ${request.method} ${request.url.split('?')[0]}`));
    instance.decorateRequest('plivoAccount', undefined);
    instance.addHook('onRequest', async (request) => {
      request.plivoAccount = authenticate(deps.accounts, request);
    });

    subaccountRoutes(instance, deps.subaccounts);
    applicationRoutes(instance, deps.applications);
    numberRoutes(instance, deps.numbers);
    verifyRoutes(instance, deps.verify, deps.applications);
    callRoutes(instance, deps.calls);

    instance.post('/Message/', async (request, reply) => {
      const account = accountOf(request);
      const messages = await deps.messages.send(parseSendSms(account.id, request.body));
      return reply.code(202).send({ api_id: apiId(), message: 'message(s) queued', message_uuid: messages.map((m) => m.uuid) });
    });

    instance.get<{ Params: { uuid: string } }>('/Message/:uuid/', async (request) => {
      const message = await deps.messages.get(accountOf(request).id, request.params.uuid);
      if (!message) throw new PlivoApiError(404, `message ${request.params.uuid} not found`);
      return { api_id: apiId(), ...messageRecord(message) };
    });

    instance.get('/Message/', async (request) => {
      const account = accountOf(request);
      const { filter, limit, offset } = parseMessageFilter(request.query);
      const { messages, total } = await deps.messages.list(account.id, filter, { limit, offset });
      const base = `/v1/Account/${account.id}/Message/`;
      return { api_id: apiId(), meta: listMeta(base, { limit, offset, total }), objects: messages.map(messageRecord) };
    });
  };
}

/**
 * The account named in the path, if the Basic credentials are its own or its main account's.
 * Everything else is a 401 that says which part is wrong, never whose token would have worked.
 */
function authenticate(accounts: AccountDirectory, request: FastifyRequest): Account {
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) throw new PlivoApiError(401, 'authentication required: send HTTP Basic credentials (auth id and auth token)');
  const caller = accounts.get(credentials.user);
  if (!caller || !signaturesEqual(credentials.password, caller.authToken)) throw new PlivoApiError(401, 'authentication failed: unknown auth id or wrong auth token');
  if (caller.enabled === false) throw new PlivoApiError(401, `account ${caller.id} is disabled; its main account can enable it again`);
  const { authId } = request.params as { authId?: string };
  const target = authId === undefined || authId === caller.id ? caller : accounts.get(authId);
  if (!target || (target.id !== caller.id && target.parentId !== caller.id)) {
    throw new PlivoApiError(401, `the credentials of ${caller.id} do not give access to account ${authId ?? ''}`);
  }
  return target;
}
