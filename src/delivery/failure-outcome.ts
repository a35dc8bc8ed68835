import type { AttemptOutcome } from '../domain/outcome.js';
import { isSsrfRefusal } from './ssrf-guard.js';

/** Where the attempt was when the error struck. */
export interface FailureContext {
  /** `host:port` of the hop that failed. */
  readonly target: string;
  /** Status of the response whose body was being read; null when no response had started. */
  readonly status: number | null;
  /** Body bytes received before the failure. */
  readonly bodyBytes: number;
  /** The response's Content-Length, when it sent one. */
  readonly contentLength: string | undefined;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
}

/** TLS failures by code: OpenSSL's certificate verdicts and Node's TLS errors. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;

/**
 * Classifies a network error (from undici, net or tls) into the attempt's outcome. Once response
 * headers have arrived nothing is a connect or read failure any more: the response started, and the
 * carriers never retry a partial response (plivo.md §5), so every later error is `partial-response`.
 */
export function outcomeOfFailure(error: Error, context: FailureContext): AttemptOutcome {
  const code = errorCode(error);
  if (isSsrfRefusal(error)) return { kind: 'refused', detail: error.message };
  if (context.status !== null) return partial(code, context);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'connect-timeout', detail: `no connection to ${context.target} within ${context.connectTimeoutMs} ms` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'read-timeout', detail: `no response from ${context.target} within ${context.readTimeoutMs} ms of sending the request` };
    default:
      return { kind: 'connect-failed', detail: connectFailure(code, error, context.target) };
  }
}

function partial(code: string, context: FailureContext): AttemptOutcome {
  const status = context.status ?? 0;
  const received = context.contentLength === undefined ? `${context.bodyBytes} body bytes` : `${context.bodyBytes} of ${context.contentLength} body bytes`;
  const detail =
    code === 'UND_ERR_BODY_TIMEOUT'
      ? `response body from ${context.target} stalled for more than ${context.readTimeoutMs} ms after ${received}`
      : code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
        ? `response body from ${context.target} ended after ${received}`
        : `connection to ${context.target} closed after ${received} (${code})`;
  return { kind: 'partial-response', status, detail };
}

function connectFailure(code: string, error: Error, target: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${target} (ECONNREFUSED)`;
    case 'ECONNRESET':
      return `connection to ${target} reset before any response (ECONNRESET)`;
    case 'UND_ERR_SOCKET':
      return `${target} closed the connection before any response (${error.message})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'ENODATA':
      return `DNS lookup for ${target} failed (${code})`;
    case 'UND_ERR_INVALID_ARG':
      return `request to ${target} could not be sent: ${error.message} (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${target} (${code})`;
    default:
      if (TLS_CODE.test(code)) return `TLS handshake with ${target} failed: ${error.message} (${code})`;
      return `could not reach ${target}: ${error.message} (${code})`;
  }
}

/**
 * The error's code. Node reports a failed connection to a name with several addresses (Happy
 * Eyeballs, `autoSelectFamily`) as an AggregateError; its first error carries the code.
 */
function errorCode(error: Error): string {
  const own = (error as NodeJS.ErrnoException).code;
  if (typeof own === 'string' && own !== '') return own;
  if (error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    if (first instanceof Error) return errorCode(first);
  }
  return error.name;
}
