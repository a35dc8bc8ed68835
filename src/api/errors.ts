import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { InputError, NotFoundError } from '../domain/errors.js';

/** The control API's error body: what went wrong, with which field, and what to do about it. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field: string | null; readonly fix: string };
}

/** An error the HTTP layer raises itself (auth, origin, routing, wrong clock), with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where a bad value came from, so the error can say which field is at fault. */
export type InputSource = 'body' | 'query' | 'params';

/** Turns a zod failure into one InputError naming the first field at fault and how to fix it. */
export function inputErrorFromZod(error: z.ZodError, source: InputSource): InputError {
  const [first, ...rest] = error.issues;
  if (!first) return new InputError(`invalid ${source}`, null, 'see /hookline/v1/openapi.json');
  const field = fieldOf(first, source);
  const problems = error.issues.map((issue) => `${fieldOf(issue, source) ?? source}: ${describeIssue(issue)}`);
  const more = rest.length > 0 ? ` (and ${rest.length} more: ${problems.slice(1).join('; ')})` : '';
  return new InputError(`${problems[0]}${more}`, field, fixFor(first, field ?? source));
}

function fieldOf(issue: z.core.$ZodIssue, source: InputSource): string | null {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0] as string);
  if (path.length > 0) return path.join('.');
  return source === 'body' ? 'body' : null;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod leaves the input out of issues, but says what it received in the message.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function fixFor(issue: z.core.$ZodIssue, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      if (field === 'body') return 'send a JSON object with content-type: application/json';
      // zod calls an integer an "int"; a user reads "a whole number".
      return `send ${field} as ${issue.expected === 'int' ? 'a whole number' : article(issue.expected)}`;
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `remove ${issue.keys.join(', ')}; the accepted fields are in /hookline/v1/openapi.json`;
    case 'too_big':
      return `${sizeWord(issue.origin, field)} at most ${String(issue.maximum)}${unitOf(issue.origin, issue.maximum)}`;
    case 'too_small':
      return `${sizeWord(issue.origin, field)} at least ${String(issue.minimum)}${unitOf(issue.origin, issue.minimum)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `use a ${field} matching ${String(issue.pattern)}` : `correct the format of ${field}`;
    case 'custom': {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return typeof fix === 'string' ? fix : `correct ${field}`;
    }
    default:
      return `correct ${field}; its format is in /hookline/v1/openapi.json`;
  }
}

/** A string's or a list's bound is on its length, not its value: "give url at least 1 character", not "use a url of at least 1". */
function sizeWord(origin: string, field: string): string {
  return origin === 'string' || origin === 'array' ? `give ${field}` : `use a ${field} of`;
}

function unitOf(origin: string, bound: number | bigint): string {
  const one = Number(bound) === 1;
  if (origin === 'string') return one ? ' character' : ' characters';
  if (origin === 'array') return one ? ' item' : ' items';
  return '';
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Fastify's own errors for bodies it could not read, as control API errors. */
function fromFastifyError(error: FastifyError, bodyLimitBytes: number): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        400,
        'body_too_large',
        `request body is larger than the ${bodyLimitBytes}-byte limit`,
        'body',
        `send a smaller body, or start hookline with a larger --body-limit`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(400, 'unsupported_content_type', 'content-type is not accepted here', 'content-type', 'send JSON with content-type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'body is empty but content-type says JSON', 'body', 'send a JSON object, or leave out content-type');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'invalid_json', 'body is not valid JSON', 'body', 'send a well-formed JSON object (check quotes, commas and braces)');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_content_length', 'content-length does not match the body', 'content-length', 'let your HTTP client set content-length');
    case 'FST_ERR_BAD_URL':
      return new ApiError(400, 'bad_url', 'the request URL is not valid (bad percent-encoding?)', null, 'percent-encode the path');
    default:
      return null;
  }
}

/** Maps anything thrown while serving a request to a status and the control API error body. */
export function toApiError(error: unknown, bodyLimitBytes: number): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof InputError) {
    // Errors raised deeper down (the outbox) may not repeat the field in their message; the caller reads the message first.
    const message = error.field && !error.message.includes(error.field) ? `${error.field}: ${error.message}` : error.message;
    return new ApiError(error.status, error.code, message, error.field, error.fix);
  }
  if (error instanceof NotFoundError) {
    return new ApiError(404, 'not_found', error.message, 'id', `check the ${error.what} id; list them with GET /hookline/v1/${error.what === 'delivery' ? 'deliveries' : `${error.what}s`}`);
  }
  if (isFastifyError(error)) {
    const mapped = fromFastifyError(error, bodyLimitBytes);
    if (mapped) return mapped;
    // Any other client error Fastify raises (it sets statusCode) keeps its status and message.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return new ApiError(400, 'bad_request', error.message, null, 'see /hookline/v1/openapi.json for the expected request');
    }
  }
  return null;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

export function errorBody(error: ApiError): ApiErrorBody {
  return { error: { code: error.code, message: error.message, field: error.field, fix: error.fix } };
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="hookline"');
  return reply.code(error.status).type('application/json; charset=utf-8').send(errorBody(error));
}

/**
 * The error handler for every route hookline serves: client errors become 4xx in the control API
 * shape; anything else is a bug, logged with the request's context and answered 500 in the same shape.
 */
export function makeErrorHandler(bodyLimitBytes: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const apiError = toApiError(error, bodyLimitBytes);
    if (apiError) {
      request.log.debug({ code: apiError.code, field: apiError.field, status: apiError.status }, apiError.message);
      return sendApiError(reply, apiError);
    }
    request.log.error({ err: error, method: request.method, route: request.routeOptions.url ?? null, reqId: request.id }, 'request failed');
    return sendApiError(
      reply,
      new ApiError(500, 'internal_error', 'hookline failed to handle this request', null, `this is a bug in hookline; the log has the details under request id ${request.id}`),
    );
  };
}

/** Unknown routes answer 404 in the same shape rather than Fastify's default. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  const underControl = path.startsWith('/hookline/v1');
  return sendApiError(
    reply,
    new ApiError(
      404,
      'route_not_found',
      `no route ${request.method} ${path}`,
      null,
      underControl ? 'the control API routes are listed in /hookline/v1/openapi.json' : 'see / for what hookline serves',
    ),
  );
}
