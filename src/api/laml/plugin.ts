import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountDirectory } from '../../delivery/account-directory.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import type { MessageService } from '../../engine/plivo/message-service.js';
import type { Numbers } from '../../engine/plivo/numbers.js';
import { basicCredentials } from '../basic-auth.js';
import { signaturesEqual } from '../../signing/hmac.js';
import type { Account } from '../../store/ports.js';
import { lamlCallRoutes } from './call-routes.js';
import { LamlApiError, lamlErrorHandler, sendLamlError } from './errors.js';
import { lamlMessageRoutes } from './message-routes.js';
import { lamlConferenceRoutes } from './conference-routes.js';
import { lamlNumberRoutes } from './number-routes.js';
import { lamlQueueRoutes } from './queue-routes.js';
import { isRecordingMedia, lamlRecordingRoutes } from './recording-routes.js';
import type { RecordingRecords } from '../../engine/calls/recording-records.js';
import type { Recordings } from '../../engine/calls/recordings.js';

/** SignalWire documents the first; its SDK (and Twilio's) call the second (laml.md §1.1). */
export const LAML_PREFIXES = ['/api/laml/2010-04-01/Accounts/:accountSid', '/2010-04-01/Accounts/:accountSid'] as const;

export interface LamlApiDeps {
  readonly accounts: AccountDirectory;
  readonly calls: CallEngine;
  readonly messages: MessageService;
  readonly numbers: Numbers;
  readonly recordings: { readonly records: RecordingRecords; readonly files: Recordings };
}

/**
 * The SignalWire Compatibility (Twilio-compatible) REST API, as `@signalwire/compatibility-api` and
 * `twilio` call it: HTTP Basic with the project (account) id and its token, form bodies with repeated
 * keys, snake_case JSON, errors as `{code, message, more_info, status}`. An account is a LaML project:
 * its project id is the `AccountSid` (docs/laml.md, ADR 0011).
 */
export function lamlPlugin(deps: LamlApiDeps) {
  return async (instance: FastifyInstance): Promise<void> => {
    await instance.register(formbody);
    instance.setErrorHandler(lamlErrorHandler);
    instance.setNotFoundHandler((request, reply) => sendLamlError(reply, new LamlApiError(404, 20404, `The requested resource ${request.url.split('?')[0]} was not found`)));
    instance.decorateRequest('lamlAccount', undefined);
    instance.addHook('onRequest', async (request) => {
      if (isRecordingMedia(request)) return;
      request.lamlAccount = authenticate(deps.accounts, request);
    });
    lamlCallRoutes(instance, deps.calls);
    lamlMessageRoutes(instance, deps.messages);
    lamlNumberRoutes(instance, deps.numbers);
    lamlQueueRoutes(instance, deps.calls);
    lamlConferenceRoutes(instance, deps.calls);
    lamlRecordingRoutes(instance, { ...deps.recordings, calls: deps.calls, accountNamed: (sid) => deps.accounts.byLamlSid(sid) });
  };
}

/**
 * The project named in the path, if the Basic credentials are its own or its main account's. The user
 * name and the path name a project by its project id, as SignalWire's do (laml.md §1.1), or by its
 * auth id, as setups made before accounts had a project id do.
 */
function authenticate(accounts: AccountDirectory, request: FastifyRequest): Account {
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) throw new LamlApiError(401, 20003, 'Authentication Error - No credentials provided');
  const caller = accounts.byLamlSid(credentials.user);
  if (!caller || !signaturesEqual(credentials.password, caller.authToken) || caller.enabled === false) throw new LamlApiError(401, 20003, 'Authentication Error - invalid username or token');
  const { accountSid } = request.params as { accountSid?: string };
  const target = accountSid === undefined ? caller : accounts.byLamlSid(accountSid);
  if (!target || (target.id !== caller.id && target.parentId !== caller.id)) throw new LamlApiError(401, 20003, `Authentication Error - the credentials of ${credentials.user} do not give access to ${accountSid ?? ''}`);
  return target;
}
