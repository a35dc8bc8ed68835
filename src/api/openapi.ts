import { z } from 'zod';
import { clockStateSchema } from './control/clock.js';
import type { ControlRoute } from './control/route.js';
import { apiErrorSchema, attemptSchema, deliveryEventSchema, deliverySchema, documentElementSchema, documentReadingSchema, sinkConfigSchema, sinkRequestSchema } from './control/schemas.js';

/** The control API's prefix; every control route's path is below it. */
export const CONTROL_PREFIX = '/hookline/v1';

type Json = Record<string, unknown>;

/** Schemas worth a name of their own, whatever route they appear in. */
const NAMED_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['Delivery', deliverySchema],
  ['Attempt', attemptSchema],
  ['DeliveryEvent', deliveryEventSchema],
  ['SinkConfig', sinkConfigSchema],
  ['SinkRequest', sinkRequestSchema],
  ['ClockState', clockStateSchema],
  // Recursive: without a name of its own its children would point into an anonymous shared block.
  ['DocumentElement', documentElementSchema],
  ['DocumentReading', documentReadingSchema],
  ['Error', apiErrorSchema],
];

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });

function pascal(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Collects the schemas one direction (request or response) uses, then converts them in one pass so shared ones become $refs. */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodType, string>();

  constructor(private readonly io: 'input' | 'output') {}

  name(schema: z.ZodType, id: string): string {
    const known = this.ids.get(schema);
    if (known) return known;
    this.ids.set(schema, id);
    this.registry.add(schema, { id });
    return id;
  }

  toJson(): Record<string, Json> {
    const { schemas } = z.toJSONSchema(this.registry, { io: this.io, uri: (id) => `#/components/schemas/${id}` });
    const out: Record<string, Json> = {};
    for (const [id, schema] of Object.entries(schemas)) {
      const { $schema: _schema, $id: _id, ...rest } = schema as Json;
      out[id] = rest;
    }
    return out;
  }
}

/** Path and query parameters from an object schema, one per property. */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function operationOf(route: ControlRoute, requests: SchemaSet, responses: SchemaSet): Json {
  const id = pascal(route.operationId);
  const operation: Json = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
  };
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) {
    operation.requestBody = { required: true, content: { 'application/json': { schema: ref(requests.name(route.body, `${id}Request`)) } } };
  }
  const documented: Record<string, Json> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const contentType = spec.contentType ?? 'application/json';
    let content: Json | undefined;
    if (spec.schema && contentType === 'text/event-stream') {
      content = { [contentType]: { schema: { type: 'string' }, 'x-data-schema': ref(responses.name(spec.schema, `${id}Event`)) } };
    } else if (spec.schema) {
      content = { [contentType]: { schema: ref(responses.name(spec.schema, `${id}Response${status.startsWith('2') ? '' : status}`)) } };
    }
    documented[status] = { description: spec.description, ...(content ? { content } : {}) };
  }
  const hasInput = route.params !== undefined || route.query !== undefined || route.body !== undefined;
  if (hasInput && !documented['400']) documented['400'] = { $ref: '#/components/responses/BadRequest' };
  if (!route.public) documented['401'] = { $ref: '#/components/responses/Unauthorized' };
  documented['500'] = { $ref: '#/components/responses/InternalError' };
  operation.responses = documented;
  if (route.public) operation.security = [];
  return operation;
}

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: ref('Error') } } };
}

/** The sink is not a control route, but users meet it first, so it is described too. */
function sinkPaths(): Record<string, Json> {
  const name = { name: 'name', in: 'path', required: true, description: 'Sink name: 1 to 64 of A-Z a-z 0-9 . _ -', schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } };
  const operation = (summary: string, extra: Json[]): Json => ({
    tags: ['sink'],
    summary,
    description:
      'Accepts any method, any content type and any body; records method, path, raw query, headers and raw body (see GET /hookline/v1/sinks/{name}/requests), ' +
      'then answers with the status, headers and body configured with PUT /hookline/v1/sinks/{name} after its delay (a plain empty 200 by default).',
    security: [],
    parameters: [name, ...extra],
    requestBody: { required: false, content: { '*/*': { schema: { type: 'string' } } } },
    responses: { default: { description: "The sink's configured response." }, '400': errorResponse('The name is not a valid sink name, or the body is too large.') },
  });
  const withMethods = (summary: string, extra: Json[]): Json =>
    Object.fromEntries(['get', 'post', 'put', 'patch', 'delete'].map((method) => [method, { ...operation(summary, extra), operationId: `sink${pascal(method)}${extra.length ? 'Below' : ''}` }]));
  const rest = { name: 'path', in: 'path', required: true, description: 'Any path below the sink (may contain /).', schema: { type: 'string' } };
  return { '/sink/{name}': withMethods('Record a request', []), '/sink/{name}/{path}': withMethods('Record a request below the sink', [rest]) };
}

/** The OpenAPI 3.1 document for the control API, generated from the routes' own schemas. */
export function buildOpenApiDocument(routes: readonly ControlRoute[], version: string): Json {
  const requests = new SchemaSet('input');
  const responses = new SchemaSet('output');
  for (const [id, schema] of NAMED_SCHEMAS) responses.name(schema, id);

  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = CONTROL_PREFIX + (route.path === '/' ? '' : route.path.replace(/:(\w+)/g, '{$1}'));
    const item = (paths[path] ??= {});
    item[route.method.toLowerCase()] = operationOf(route, requests, responses);
  }
  Object.assign(paths, sinkPaths());

  return {
    openapi: '3.1.0',
    info: {
      title: 'hookline control API',
      version,
      description:
        "hookline's own API: queue callbacks, inspect deliveries and their attempts, replay, move the virtual clock, configure and read sinks, and follow everything live. " +
        'Every error has the shape {error: {code, message, field, fix}}.',
    },
    tags: [
      { name: 'accounts', description: 'The accounts and their credentials.' },
      { name: 'callbacks', description: 'Queue notification callbacks.' },
      { name: 'deliveries', description: 'Every callback hookline sent or will send, with its attempts.' },
      { name: 'clock', description: 'The clock, and moving virtual time.' },
      { name: 'sinks', description: 'Configure the built-in request sink and read what it received.' },
      { name: 'events', description: 'Live events.' },
      { name: 'messages', description: 'The far end of Plivo messages, and SMS arriving at a number.' },
      { name: 'numbers', description: 'Numbers the accounts rent.' },
      { name: 'verify', description: 'Verify sessions and their codes.' },
      { name: 'calls', description: 'The far end of voice calls, calls arriving at a number, and call timelines.' },
      { name: 'health', description: 'Liveness.' },
      { name: 'meta', description: 'This document.' },
      { name: 'sink', description: 'The sink itself (outside the control API).' },
    ],
    // The token is required only when hookline has one (always when bound beyond loopback).
    security: [{ bearer: [] }, { queryToken: [] }, {}],
    paths,
    components: {
      schemas: { ...responses.toJson(), ...requests.toJson() },
      responses: {
        BadRequest: errorResponse('Bad input: the error names the field and the fix. Nothing was stored.'),
        Unauthorized: errorResponse('The control token is missing or wrong.'),
        InternalError: errorResponse('A bug in hookline; logged with the request id.'),
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <control token>' },
        queryToken: { type: 'apiKey', in: 'query', name: 'token', description: 'For EventSource, which cannot set headers.' },
      },
    },
  };
}
