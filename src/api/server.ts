import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { VirtualClock } from '../clock/virtual-clock.js';
import type { CallbackService } from '../delivery/callback-service.js';
import type { DeliveryEvents } from '../delivery/events.js';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/ports.js';
import { corsPolicy, registerPreflight, requireControlToken } from './control/access.js';
import { accountRoutes } from './control/accounts.js';
import { callbackRoutes } from './control/callbacks.js';
import { clockRoutes } from './control/clock.js';
import { deliveryRoutes } from './control/deliveries.js';
import { EventStreams, eventRoutes, type EventStreamOptions } from './control/events.js';
import { healthRoutes } from './control/health.js';
import { messageRoutes } from './control/messages.js';
import { numberRoutes } from './control/numbers.js';
import { inboundRoutes } from './control/inbound.js';
import { verifyRoutes } from './control/verify.js';
import { callRoutes } from './control/calls.js';
import { scenarioRoutes } from './control/scenarios.js';
import { defineRoute, registerRoutes, type ControlRoute } from './control/route.js';
import { sinkRoutes } from './control/sinks.js';
import { ApiError, makeErrorHandler, notFoundHandler, sendApiError } from './errors.js';
import { registerInspector } from './inspector.js';
import { buildOpenApiDocument, CONTROL_PREFIX } from './openapi.js';
import { PLIVO_PREFIX, plivoPlugin, type PlivoApiDeps } from './plivo/plugin.js';
import { LAML_PREFIXES, lamlPlugin, type LamlApiDeps } from './laml/plugin.js';
import { sinkPlugin } from './sink.js';
import { registerRecordingMedia } from './recording-media.js';
import { forwardToOwner, type OwnerLocator } from './call-forwarding.js';
import { registerMetricsRoute } from './metrics-route.js';
import type { DeliveryMetrics } from '../delivery/metrics.js';

export interface ServerConfig {
  /** Largest request body accepted anywhere; larger ones get 400 body_too_large. */
  readonly bodyLimitBytes: number;
  /** When set, every control route but the OpenAPI document requires it as a bearer token. */
  readonly controlToken: string | null;
  readonly version: string;
  /** Heartbeat interval and per-client buffer cap of the event stream; defaults suit production. */
  readonly eventStream?: EventStreamOptions;
  /** The built inspector (defaults to dist/ui); without one `/` shows how to build it. */
  readonly inspectorAssets?: string;
}

export interface ServerDeps {
  readonly store: Store;
  readonly callbacks: CallbackService;
  readonly clock: Clock;
  /** Set when running with `--clock virtual`; the clock routes advance it. */
  readonly virtualClock: VirtualClock | null;
  readonly events: DeliveryEvents;
  readonly logger: Logger;
  readonly config: ServerConfig;
  /** The Plivo front door; absent in servers built for the control API alone. */
  readonly plivo?: PlivoApiDeps;
  /** The LaML (SignalWire/Twilio-compatible) front door; absent in servers built for the control API alone. */
  readonly laml?: LamlApiDeps;
  /** On a shared store: where the calls (and messages) this process does not run are, so their requests reach them. */
  readonly ownerLocator?: OwnerLocator;
  /** Served at `GET /metrics` (Prometheus), outside the control API and its token, as on a worker. */
  readonly metrics?: DeliveryMetrics;
}

/** A URL fit for a log line: the control token never ends up in one. */
function loggableUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

/**
 * Per-request lines at debug level: at the default info level a busy dispatcher's callers would drown
 * the log. Errors are logged by the error handler, with context.
 */
class QuietRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: loggableUrl(request.url) }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: loggableUrl(request.url), statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.warn({ ...line, err: error }, 'request errored');
    else reply.log.debug(line, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: loggableUrl(request.url) }, 'route not found');
  }
}

function controlRoutes(deps: ServerDeps, streams: EventStreams): ControlRoute[] {
  const routes = [
    ...accountRoutes(deps),
    ...callbackRoutes(deps),
    ...deliveryRoutes(deps),
    ...clockRoutes(deps),
    ...sinkRoutes(deps),
    ...eventRoutes(streams),
    ...healthRoutes(deps),
    ...messageRoutes(deps),
    ...numberRoutes(deps),
    ...inboundRoutes(deps),
    ...verifyRoutes(deps),
    ...callRoutes(deps),
    ...scenarioRoutes(deps),
  ];
  let document: unknown = null;
  const openapi = defineRoute({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'meta',
    summary: 'This document',
    public: true,
    responses: { 200: { description: 'The OpenAPI 3.1 description of the control API.' } },
    async handler() {
      // Built on first use, from the same schemas that parse requests.
      document ??= buildOpenApiDocument([...routes, openapi], deps.config.version);
      return document;
    },
  });
  return [...routes, openapi];
}

/** hookline's control API under `/hookline/v1`: JSON only, behind the token and the CORS rules. */
function controlPlugin(deps: ServerDeps) {
  return async (instance: FastifyInstance): Promise<void> => {
    // Fastify also parses text/plain by default; the control API reads JSON and nothing else.
    instance.removeContentTypeParser('text/plain');
    const streams = new EventStreams(deps.events, instance.log, deps.config.eventStream);
    instance.addHook('preClose', async () => streams.closeAll());
    // CORS first, so a browser can read the 401 that may follow.
    instance.addHook('onRequest', corsPolicy(instance));
    instance.addHook('onRequest', requireControlToken(deps.config.controlToken));
    // Set here so unknown control routes pass the same hooks (no route list for callers without the token).
    instance.setNotFoundHandler(notFoundHandler);
    registerRoutes(instance, controlRoutes(deps, streams));
    registerPreflight(instance);
  };
}

export interface RegisteredRoute {
  readonly method: string;
  /** Fastify syntax, prefix included: `/hookline/v1/deliveries/:id`. */
  readonly url: string;
}

const routeTables = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/**
 * Every route a server built by `buildServer` registered. The OpenAPI test checks each control route
 * against the document with it (Fastify itself offers only a printed tree).
 */
export function registeredRoutes(server: FastifyInstance): readonly RegisteredRoute[] {
  return routeTables.get(server) ?? [];
}

/**
 * The HTTP server: the inspector, the control API, the sink and the event stream on one port.
 * Resolves once every route is registered (a Fastify instance is thenable: awaiting it means `ready`).
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { bodyLimitBytes, version } = deps.config;
  const server = Fastify({
    // Typed as Fastify's logger so the instance (and plugins written for it) use the default generics.
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new QuietRequestLog(),
    bodyLimit: bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true },
    // Malformed URLs (bad percent-encoding) would otherwise get Fastify's own error body.
    frameworkErrors: (error, _request, reply) =>
      sendApiError(reply, new ApiError(400, 'bad_url', `the request URL is not valid: ${error.message}`, null, 'percent-encode the path and query')),
  });
  const routes: RegisteredRoute[] = [];
  routeTables.set(server, routes);
  server.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  server.setErrorHandler(makeErrorHandler(bodyLimitBytes));
  server.setNotFoundHandler(notFoundHandler);
  // Before any plugin's hooks: a request about another node's call is that node's to authenticate and answer.
  if (deps.ownerLocator) server.addHook('onRequest', forwardToOwner(deps.ownerLocator, deps.logger.child({ component: 'call-forwarding' })));
  registerInspector(server, version, deps.config.inspectorAssets);
  if (deps.metrics) registerMetricsRoute(server, deps.metrics);
  void server.register(sinkPlugin(deps));
  void server.register(controlPlugin(deps), { prefix: CONTROL_PREFIX });
  if (deps.plivo) {
    void server.register(plivoPlugin(deps.plivo), { prefix: PLIVO_PREFIX });
    registerRecordingMedia(server, deps.plivo.recordings);
  }
  if (deps.laml) for (const prefix of LAML_PREFIXES) void server.register(lamlPlugin(deps.laml), { prefix });
  return server;
}
