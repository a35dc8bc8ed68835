import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests so the time taken says nothing about how much of the token matched. */
function tokenMatches(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digest(given), expectedDigest);
}

function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  // EventSource cannot set headers, so the stream (and, for symmetry, every route) takes ?token=.
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  return new URLSearchParams(query).get('token');
}

/**
 * Every control route except the public ones (the OpenAPI document) requires the token when one is set.
 * Preflights carry no credentials by design, so they pass and are answered by the CORS rules.
 */
export function requireControlToken(controlToken: string | null) {
  const expected = controlToken === null ? null : digest(controlToken);
  return async (request: FastifyRequest): Promise<void> => {
    if (expected === null || request.method === 'OPTIONS' || request.routeOptions.config.public === true) return;
    const given = presentedToken(request);
    if (given === null) {
      throw new ApiError(401, 'unauthorized', 'the control API needs a token', 'authorization', 'send Authorization: Bearer <token> (or ?token=<token>); hookline prints the token when it starts');
    }
    if (!tokenMatches(given, expected)) {
      throw new ApiError(401, 'unauthorized', 'the control token does not match', 'authorization', 'use the token hookline printed when it started (or the one given with --control-token)');
    }
  };
}

function isLoopbackAddress(address: string): boolean {
  if (address === '::1' || address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address.startsWith('::ffff:127.');
}

function isLoopbackOrigin(origin: URL): boolean {
  return origin.protocol === 'http:' && (origin.hostname === 'localhost' || origin.hostname === '[::1]' || isLoopbackAddress(origin.hostname));
}

/**
 * Browsers may call the control API from hookline's own origin, and, while hookline listens on loopback
 * only, from any loopback origin (the inspector's dev server runs on another port). Anything else is
 * refused outright rather than left to the browser, so a page elsewhere cannot cause side effects.
 */
export function corsPolicy(server: FastifyInstance) {
  const boundToLoopback = (): boolean => {
    const addresses = server.addresses();
    return addresses.length > 0 && addresses.every((a) => typeof a !== 'string' && isLoopbackAddress(a.address));
  };
  const allowed = (originHeader: string, host: string | undefined): boolean => {
    let origin: URL;
    try {
      origin = new URL(originHeader);
    } catch {
      return false;
    }
    if (host !== undefined && origin.host === host) return true;
    return isLoopbackOrigin(origin) && boundToLoopback();
  };

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    reply.header('vary', 'Origin');
    if (!allowed(origin, request.headers.host)) {
      throw new ApiError(403, 'origin_not_allowed', `requests from ${origin} are not allowed`, 'origin', "call the control API from hookline's own origin, or from a loopback origin while hookline listens on loopback");
    }
    reply.header('access-control-allow-origin', origin);
  };
}

/** Answers preflights for any control route. */
export function registerPreflight(instance: FastifyInstance): void {
  const answer = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply
      .code(204)
      .header('allow', ALLOWED_METHODS)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  instance.options('/', answer);
  instance.options('/*', answer);
}
