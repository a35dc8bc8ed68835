import type { FastifyError, FastifyReply } from 'fastify';
import { InputError, NotFoundError } from '../../domain/errors.js';

/** Where SignalWire's error bodies point (laml.md §1.1). */
const MORE_INFO = 'https://signalwire.com/docs/compatibility-api/reference/errors';

/**
 * A refusal in the Twilio/SignalWire shape `{code, message, more_info, status}` (laml.md §1.1), with
 * the documented code: 20003 authentication, 20404 not found, 21205 Url, 21211 To…
 */
export class LamlApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'LamlApiError';
  }
}

export function sendLamlError(reply: FastifyReply, error: LamlApiError): FastifyReply {
  return reply.code(error.status).type('application/json').send({ code: error.code, message: error.message, more_info: `${MORE_INFO}#${error.code}`, status: error.status });
}

/**
 * Errors under the LaML prefixes in the SDKs' shape: both SDKs parse every error body as JSON, so even
 * a body the parser refused or an unexpected failure answers JSON (laml.md §1.1).
 */
export function lamlErrorHandler(error: FastifyError | Error, request: { log: { error: (obj: unknown, msg: string) => void } }, reply: FastifyReply): FastifyReply {
  if (error instanceof LamlApiError) return sendLamlError(reply, error);
  if (error instanceof InputError) return sendLamlError(reply, new LamlApiError(error.status, 10000, error.field ? `${error.field}: ${error.message}` : error.message));
  if (error instanceof NotFoundError) return sendLamlError(reply, new LamlApiError(404, 20404, `The requested resource ${error.id} was not found`));
  const status = (error as FastifyError).statusCode;
  if (status === 413) return sendLamlError(reply, new LamlApiError(413, 10000, 'request body too large'));
  if (status !== undefined && status >= 400 && status < 500) return sendLamlError(reply, new LamlApiError(status, 10000, `invalid request: ${error.message}`));
  request.log.error({ err: error }, 'LaML API request failed');
  return sendLamlError(reply, new LamlApiError(500, 10000, 'internal error; see the hookline log'));
}

export const notFound = (what: string, sid: string): LamlApiError => new LamlApiError(404, 20404, `The requested resource /${what}/${sid} was not found`);
