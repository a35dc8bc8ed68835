import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../domain/errors.js';
import { inputErrorFromZod, type InputSource } from '../errors.js';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

interface RouteMeta {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below `/hookline/v1`, in Fastify syntax (`/deliveries/:id`). */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Served without the control token (only the OpenAPI document is). */
  readonly public?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** What the OpenAPI generator and the registrar need of a route; the handler's types are erased. */
export interface ControlRoute extends RouteMeta {
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> extends RouteMeta {
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>, reply: FastifyReply, request: FastifyRequest) => Promise<unknown>;
}

/**
 * A control API route: its input schemas parse the request before the handler runs (so a handler only
 * ever sees typed, valid input and nothing is stored on bad input), and the same schemas describe the
 * route in the OpenAPI document.
 */
export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<P, Q, B>,
): ControlRoute {
  const { handler, ...meta } = spec;
  return {
    ...meta,
    async handle(request, reply) {
      const params = parseInput(spec.params, request.params, 'params');
      const query = parseInput(spec.query, request.query, 'query');
      const body = parseInput(spec.body, request.body, 'body');
      return handler({ params, query, body }, reply, request);
    },
  };
}

function parseInput<S extends z.ZodType>(schema: S | undefined, value: unknown, source: InputSource): z.output<S> {
  if (!schema) return value as z.output<S>;
  if (source === 'body' && value === undefined) {
    throw new InputError('request body is missing', 'body', 'send a JSON object with content-type: application/json');
  }
  const result = schema.safeParse(source === 'query' ? withoutToken(value) : value);
  if (!result.success) throw queryAware(inputErrorFromZod(result.error, source), result.error, schema, source);
  return result.data;
}

/** `?token=` is read by the access check before any route runs, so no query schema needs to know it. */
function withoutToken(query: unknown): unknown {
  if (typeof query !== 'object' || query === null || !('token' in query)) return query;
  const { token: _token, ...rest } = query as Record<string, unknown>;
  return rest;
}

/**
 * A misspelt filter (`?account=` for `?accountId=`) would otherwise be dropped and the whole list
 * returned; a strict query schema refuses it, and the fix names the parameters the route does take.
 */
function queryAware(error: InputError, zodError: z.ZodError, schema: z.ZodType, source: InputSource): InputError {
  const first = zodError.issues[0];
  if (source !== 'query' || first?.code !== 'unrecognized_keys' || !(schema instanceof z.ZodObject)) return error;
  const known = Object.keys(schema.shape as Record<string, unknown>).join(', ');
  return new InputError(error.message, error.field, `remove ${first.keys.join(', ')}; this route takes ${known}`);
}

/** Registers routes on an instance whose prefix is `/hookline/v1`. */
export function registerRoutes(instance: FastifyInstance, routes: readonly ControlRoute[]): void {
  for (const route of routes) {
    instance.route({
      method: route.method,
      url: route.path,
      config: { public: route.public === true },
      handler: (request, reply) => route.handle(request, reply),
    });
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the control token. */
    public?: boolean;
  }
}
