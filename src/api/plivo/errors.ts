import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply } from 'fastify';
import { InputError, NotFoundError } from '../../domain/errors.js';

/** Plivo's error body: `{api_id, error}` with the HTTP status saying what kind (plivo.md §0). */
export class PlivoApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PlivoApiError';
  }
}

/** Every Plivo response carries an `api_id`: a fresh UUID per request. */
export function apiId(): string {
  return randomUUID();
}

export function sendPlivoError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ api_id: apiId(), error: message });
}

/**
 * Errors under `/v1/` in Plivo's shape. Bad input (ours, the engine's, or a body the parser refused)
 * keeps its status and names the field; anything unexpected is logged and answered 500 without its
 * details.
 */
export function plivoErrorHandler(error: FastifyError | Error, request: { log: { error: (obj: unknown, msg: string) => void } }, reply: FastifyReply): FastifyReply {
  if (error instanceof PlivoApiError) return sendPlivoError(reply, error.status, error.message);
  if (error instanceof InputError) return sendPlivoError(reply, error.status, error.field ? `${error.field}: ${error.message}` : error.message);
  if (error instanceof NotFoundError) return sendPlivoError(reply, 404, error.message);
  const status = (error as FastifyError).statusCode;
  if (status === 413) return sendPlivoError(reply, 413, 'request body too large');
  if (status !== undefined && status >= 400 && status < 500) return sendPlivoError(reply, status, `invalid request: ${error.message}`);
  request.log.error({ err: error }, 'Plivo API request failed');
  return sendPlivoError(reply, 500, 'internal error; see the hookline log');
}
