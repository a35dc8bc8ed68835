import type { CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import { signatureHeaders } from '../signing/headers.js';
import { endOfAuthority } from '../signing/url-parts.js';
import type { OutboundRequest } from './sender.js';

export interface WireInput {
  deliveryId: string;
  attemptNumber: number;
  dialect: Dialect;
  method: HttpMethod;
  /** The callback URL with its fragment already removed; may have its own query. */
  wireUrl: string;
  params: CallbackParams;
  /** The key the dialect signs with (SignInput.authToken). */
  authToken: string;
  mainAuthToken: string;
  /** LaML: send `X-Twilio-Signature` too (default true). */
  twilioSignature?: boolean;
  nonce: string;
  timestampSeconds: number;
  userAgent: string;
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const NO_PARAMS: CallbackParams = Object.freeze({});

/**
 * One attempt's request, ready for the sender. Both carriers send POST params as a form body and GET
 * params appended to the query after the URL's own (plivo.md §0, laml.md §2.1); every signature is
 * computed over the URL exactly as it goes on the wire, so a receiver's validator given the URL it
 * was requested at (and the parsed form for POST) reproduces it. Runs once per attempt: no URL
 * object, no JSON, one pass over the params.
 */
export function buildOutboundRequest(input: WireInput): OutboundRequest {
  const encodedParams = encodeForm(input.params);
  const isGet = input.method === 'GET';
  const baseUrl = requestUrl(input.wireUrl);
  const url = isGet ? appendToQuery(baseUrl, encodedParams) : baseUrl;
  const body = isGet ? null : encodedParams;

  const headers: Record<string, string> = { 'User-Agent': input.userAgent };
  if (!isGet) headers['Content-Type'] = FORM_CONTENT_TYPE;
  const signatures = signatureHeaders({
    dialect: input.dialect,
    method: input.method,
    url,
    params: isGet ? NO_PARAMS : input.params,
    body: body ?? '',
    authToken: input.authToken,
    mainAuthToken: input.mainAuthToken,
    twilioSignature: input.twilioSignature,
    nonce: input.nonce,
    deliveryId: input.deliveryId,
    timestampSeconds: input.timestampSeconds,
  });
  for (const name in signatures) headers[name] = signatures[name] as string;
  headers['X-Hookline-Delivery-Id'] = input.deliveryId;
  headers['X-Hookline-Attempt'] = String(input.attemptNumber);

  return { method: input.method, url, headers, body };
}

/**
 * The URL a receiver rebuilds from `Host` and the request target, which is what it hands its
 * validator: scheme and host lowercased and a default port dropped (as WHATWG URL and so undici write
 * `Host`), an empty path sent as `/` (RFC 9112 §3.2.1: "If the target URI's path component is empty,
 * the client MUST send "/""). Path and query are kept byte for byte. Signing the configured string
 * instead would break Plivo's validators, which, unlike LaML's, try no port or slash variants.
 */
export function requestUrl(wireUrl: string): string {
  const schemeEnd = wireUrl.indexOf('://');
  if (schemeEnd === -1) return wireUrl;
  const authorityStart = schemeEnd + 3;
  const authorityEnd = endOfAuthority(wireUrl, authorityStart);
  const scheme = wireUrl.slice(0, schemeEnd);
  const authority = wireUrl.slice(authorityStart, authorityEnd);
  const rest = wireUrl.slice(authorityEnd);
  const userInfoEnd = authority.lastIndexOf('@') + 1;
  const hostAndPort = canonicalHost(scheme.toLowerCase(), authority.slice(userInfoEnd));

  const canonical = scheme.toLowerCase() === scheme && hostAndPort === authority.slice(userInfoEnd) && rest.charCodeAt(0) === 0x2f;
  if (canonical) return wireUrl;
  const path = rest.charCodeAt(0) === 0x2f ? rest : `/${rest}`;
  return `${scheme.toLowerCase()}://${authority.slice(0, userInfoEnd)}${hostAndPort}${path}`;
}

function canonicalHost(scheme: string, hostAndPort: string): string {
  const lower = hostAndPort.toLowerCase();
  if (scheme === 'https' && lower.endsWith(':443')) return lower.slice(0, -4);
  if (scheme === 'http' && lower.endsWith(':80')) return lower.slice(0, -3);
  return lower;
}

function appendToQuery(url: string, encodedParams: string): string {
  if (encodedParams === '') return url;
  if (url.indexOf('?') === -1) return `${url}?${encodedParams}`;
  const last = url.charCodeAt(url.length - 1);
  return last === 0x3f || last === 0x26 ? url + encodedParams : `${url}&${encodedParams}`;
}

/** `name=value&…` in the params' own order, encoded byte for byte as `URLSearchParams` would. */
export function encodeForm(params: CallbackParams): string {
  let encoded = '';
  for (const name in params) {
    if (encoded !== '') encoded += '&';
    encoded += `${encodeFormComponent(name)}=${encodeFormComponent(params[name] as string)}`;
  }
  return encoded;
}

const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;
const FORM_EXTRA = /[!'()~]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The WHATWG application/x-www-form-urlencoded serializer: space as `+`, everything but
 * `A-Za-z0-9*-._` percent-encoded as UTF-8. `'` is escaped too, so no client or validator that
 * re-encodes the URL with `new URL()` (twilio-node, laml.md §7.2) changes what was signed.
 */
function encodeFormComponent(text: string): string {
  if (FORM_SAFE.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate; Node's UTF-8 (used by the HMAC) writes it as U+FFFD, so the wire does too.
    encoded = encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
  return encoded.replace(/%20/g, '+').replace(FORM_EXTRA, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
