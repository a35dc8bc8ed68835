import type { CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import { hmacBase64 } from './hmac.js';
import { lamlSignedString } from './laml.js';
import { plivoV2SignedString, plivoV3SignedString } from './plivo.js';
import { signStandardWebhook } from './standard-webhooks.js';

export interface SignInput {
  dialect: Dialect;
  method: HttpMethod;
  /** The exact URL requested on the wire: fragment removed, GET params already merged into the query. */
  url: string;
  /** POST form params ({} for GET). */
  params: CallbackParams;
  /** Raw body as sent ('' for GET). */
  body: string;
  /** The key: the account's auth token (Plivo, Standard Webhooks) or its project's signing key (LaML). */
  authToken: string;
  /** The main account's token (the same as authToken for a main account). */
  mainAuthToken: string;
  /** LaML: also send `X-Twilio-Signature` (default true). */
  twilioSignature?: boolean;
  /** 20-digit nonce (Plivo). */
  nonce: string;
  /** Standard Webhooks `webhook-id`. */
  deliveryId: string;
  /** Standard Webhooks `webhook-timestamp`. */
  timestampSeconds: number;
}

/** Every signature header one callback carries, by dialect, in canonical casing. */
export function signatureHeaders(input: SignInput): Record<string, string> {
  switch (input.dialect) {
    case 'plivo':
      return plivoHeaders(input);
    case 'laml':
      return lamlHeaders(input);
    case 'standard':
      return standardHeaders(input);
  }
}

/**
 * All six Plivo headers on every callback (UNCONFIRMED choice, plivo.md §0 and §6.1): voice docs name
 * the V3 family, messaging and verify docs the V2 family, field reports show V3 on SMS too, and sending
 * both satisfies every validator. One nonce serves both families.
 */
function plivoHeaders(input: SignInput): Record<string, string> {
  const v3String = plivoV3SignedString(input);
  const v2String = plivoV2SignedString(input);
  const sameToken = input.authToken === input.mainAuthToken;
  const v3 = hmacBase64('sha256', input.authToken, v3String);
  const v2 = hmacBase64('sha256', input.authToken, v2String);
  return {
    'X-Plivo-Signature-V2': v2,
    'X-Plivo-Signature-Ma-V2': sameToken ? v2 : hmacBase64('sha256', input.mainAuthToken, v2String),
    'X-Plivo-Signature-V2-Nonce': input.nonce,
    'X-Plivo-Signature-V3': v3,
    'X-Plivo-Signature-Ma-V3': sameToken ? v3 : hmacBase64('sha256', input.mainAuthToken, v3String),
    'X-Plivo-Signature-V3-Nonce': input.nonce,
  };
}

/**
 * SignalWire always sends `X-SignalWire-Signature`; whether it also sends `X-Twilio-Signature` is
 * UNCONFIRMED (laml.md §2.1). Both go out by default, with the same value, because twilio-node's
 * middleware reads only the Twilio header; `twilioSignature: false` sends SignalWire's alone.
 */
function lamlHeaders(input: SignInput): Record<string, string> {
  const signature = hmacBase64('sha1', input.authToken, lamlSignedString(input.url, input.method === 'GET' ? null : input.params, 'as-received'));
  return input.twilioSignature === false ? { 'X-SignalWire-Signature': signature } : { 'X-SignalWire-Signature': signature, 'X-Twilio-Signature': signature };
}

/** The delivery id is the `webhook-id`: the spec wants it stable across retries so receivers can de-duplicate. */
function standardHeaders(input: SignInput): Record<string, string> {
  return {
    'webhook-id': input.deliveryId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': signStandardWebhook({
      id: input.deliveryId,
      timestampSeconds: input.timestampSeconds,
      body: input.body,
      secret: input.authToken,
    }),
  };
}
