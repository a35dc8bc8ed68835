import type { FastifyInstance } from 'fastify';
import { APPLICATION_DEFAULTS, type ApplicationSettings, type Applications, type PlivoApplication } from '../../engine/plivo/applications.js';
import { accountOf } from './context.js';
import { apiId, PlivoApiError } from './errors.js';
import { httpUrl, listMeta, optionalFlag, optionalMethod, optionalText, pageOf, paramsOf, type Params } from './params.js';

/** `Application/` create, get, list, update and delete (plivo SDK applications.js). */
export function applicationRoutes(instance: FastifyInstance, applications: Applications): void {
  instance.post('/Application/', async (request, reply) => {
    const params = paramsOf(request.body);
    const appName = optionalText(params, 'app_name');
    if (!appName) throw new PlivoApiError(400, 'app_name parameter is missing');
    const application = await applications.create(accountOf(request).id, { ...APPLICATION_DEFAULTS, ...settingsOf(params), appName });
    return reply.code(201).send({ api_id: apiId(), app_id: application.appId, message: 'created' });
  });

  instance.get('/Application/', async (request) => {
    const account = accountOf(request);
    const page = pageOf(paramsOf(request.query));
    const { items, total } = await applications.list(account.id, page);
    return { api_id: apiId(), meta: listMeta(`/v1/Account/${account.id}/Application/`, { ...page, total }), objects: items.map(record) };
  });

  instance.get<{ Params: { appId: string } }>('/Application/:appId/', async (request) => {
    const application = await applications.get(accountOf(request).id, request.params.appId);
    if (!application) throw new PlivoApiError(404, `application ${request.params.appId} not found`);
    return { api_id: apiId(), ...record(application) };
  });

  instance.post<{ Params: { appId: string } }>('/Application/:appId/', async (request, reply) => {
    const params = paramsOf(request.body);
    const appName = optionalText(params, 'app_name');
    const updated = await applications.update(accountOf(request).id, request.params.appId, { ...settingsOf(params), ...(appName ? { appName } : {}) });
    if (!updated) throw new PlivoApiError(404, `application ${request.params.appId} not found`);
    return reply.code(202).send({ api_id: apiId(), message: 'changed' });
  });

  instance.delete<{ Params: { appId: string } }>('/Application/:appId/', async (request, reply) => {
    if (!(await applications.delete(accountOf(request).id, request.params.appId))) throw new PlivoApiError(404, `application ${request.params.appId} not found`);
    return reply.code(204).send();
  });
}

/** Only what the request names: on update the rest stays as it was. */
function settingsOf(params: Params): Partial<ApplicationSettings> {
  const settings: Partial<Record<keyof ApplicationSettings, unknown>> = {};
  const urls = { answer_url: 'answerUrl', hangup_url: 'hangupUrl', fallback_answer_url: 'fallbackAnswerUrl', message_url: 'messageUrl' } as const;
  for (const [param, key] of Object.entries(urls)) {
    const value = optionalText(params, param);
    if (value !== undefined) settings[key] = httpUrl(param, value);
  }
  const methods = { answer_method: 'answerMethod', hangup_method: 'hangupMethod', fallback_method: 'fallbackMethod', message_method: 'messageMethod' } as const;
  for (const [param, key] of Object.entries(methods)) {
    const value = optionalMethod(params, param);
    if (value !== undefined) settings[key] = value;
  }
  const flags = { default_number_app: 'defaultNumberApp', default_endpoint_app: 'defaultEndpointApp', log_incoming_messages: 'logIncomingMessages', public_uri: 'publicUri' } as const;
  for (const [param, key] of Object.entries(flags)) {
    const value = optionalFlag(params, param);
    if (value !== undefined) settings[key] = value;
  }
  return settings as Partial<ApplicationSettings>;
}

/** The application as Plivo describes it. */
function record(app: PlivoApplication): Record<string, unknown> {
  return {
    answer_method: app.answerMethod,
    answer_url: app.answerUrl,
    app_id: app.appId,
    app_name: app.appName,
    application_type: 'XML',
    default_app: app.defaultNumberApp,
    default_endpoint_app: app.defaultEndpointApp,
    enabled: true,
    fallback_answer_url: app.fallbackAnswerUrl,
    fallback_method: app.fallbackMethod,
    hangup_method: app.hangupMethod,
    hangup_url: app.hangupUrl,
    // The plivo SDK reads the singular name in answers, while requests set log_incoming_messages.
    log_incoming_message: app.logIncomingMessages,
    message_method: app.messageMethod,
    message_url: app.messageUrl,
    public_uri: app.publicUri,
    resource_uri: `/v1/Account/${app.accountId}/Application/${app.appId}/`,
    sip_uri: `sip:${app.appId}@app.plivo.com`,
    sub_account: null,
  };
}
