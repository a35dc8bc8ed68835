import { DIALECTS, type CallbackParams, type Dialect, type HttpMethod } from '../domain/callback.js';
import { httpUrlAsSent } from '../domain/http-url.js';
import { newNonce, newUuid } from '../domain/ids.js';
import { buildOutboundRequest } from '../delivery/wire.js';
import { signatureHeaders } from '../signing/headers.js';
import { VERSION } from '../version.js';
import { parseParam } from './pairs.js';
import { CliError } from './result.js';

export interface SignCommandInput {
  readonly dialect: string;
  readonly url: string;
  readonly method: string;
  /** `NAME=VALUE` pairs, in order. */
  readonly params: readonly string[];
  readonly token: string;
  readonly mainToken?: string;
  readonly nonce?: string;
  /** Standard Webhooks `webhook-id`; a fresh UUID otherwise. */
  readonly id?: string;
  /** Standard Webhooks `webhook-timestamp`, in seconds; now otherwise. */
  readonly timestamp?: string;
  /** Seconds since the epoch, when `timestamp` is not given. */
  readonly nowSeconds: number;
}

export interface SignedCallback {
  readonly method: HttpMethod;
  /** The URL as hookline requests it: canonical host, GET params merged into the query. */
  readonly url: string;
  /** The form body for POST; '' for GET. */
  readonly body: string;
  /** The signature headers only, in the dialect's order. */
  readonly headers: Record<string, string>;
}

/**
 * The signatures hookline would put on a callback with these params. The URL and body come from the
 * same wire builder the dispatcher uses, so what is signed here is byte for byte what it sends.
 */
export function signCallback(input: SignCommandInput): SignedCallback {
  const dialect = parseDialect(input.dialect);
  const method = parseMethod(input.method);
  const params = paramsOf(input.params);
  const nonce = input.nonce ?? newNonce();
  const deliveryId = input.id ?? newUuid();
  const timestampSeconds = input.timestamp === undefined ? input.nowSeconds : parseTimestamp(input.timestamp);
  const authToken = input.token;
  const mainAuthToken = input.mainToken ?? input.token;
  const wire = buildOutboundRequest({
    deliveryId,
    attemptNumber: 1,
    dialect,
    method,
    wireUrl: parseUrl(input.url),
    params,
    authToken,
    mainAuthToken,
    nonce,
    timestampSeconds,
    userAgent: `hookline/${VERSION}`,
  });
  const body = wire.body ?? '';
  const headers = signatureHeaders({
    dialect,
    method,
    url: wire.url,
    params: method === 'GET' ? {} : params,
    body,
    authToken,
    mainAuthToken,
    nonce,
    deliveryId,
    timestampSeconds,
  });
  return { method, url: wire.url, body, headers };
}

function parseDialect(text: string): Dialect {
  if ((DIALECTS as readonly string[]).includes(text)) return text as Dialect;
  throw new CliError(`--dialect: expected one of ${DIALECTS.join(', ')}, got ${JSON.stringify(text)}`);
}

export function parseMethod(text: string): HttpMethod {
  const upper = text.toUpperCase();
  if (upper === 'GET' || upper === 'POST') return upper;
  throw new CliError(`--method: expected GET or POST (the methods carriers call back with), got ${JSON.stringify(text)}`);
}

/** Callbacks carry each parameter once, so a repeated name is a mistake rather than a list. */
function paramsOf(pairs: readonly string[]): CallbackParams {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const [name, value] = parseParam(pair);
    if (Object.hasOwn(params, name)) throw new CliError(`--param ${name} is given twice; a callback carries each parameter once`);
    params[name] = value;
  }
  return params;
}

function parseUrl(text: string): string {
  if (!URL.canParse(text) || !/^https?:\/\//i.test(text)) throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(text)}`);
  // Carriers never send the fragment (it holds the delivery policy), so it is never signed.
  const hash = text.indexOf('#');
  return httpUrlAsSent(hash === -1 ? text : text.slice(0, hash));
}

function parseTimestamp(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`--timestamp: expected whole seconds since the epoch, got ${JSON.stringify(text)}`);
  return Number(text);
}
