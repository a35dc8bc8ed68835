import type { CallbackParams } from '../domain/callback.js';
import { hmacBase64, sha256Hex } from './hmac.js';
import { compareCodeUnits, type SignedParams } from './url-parts.js';

/**
 * `X-SignalWire-Signature` and `X-Twilio-Signature` (one value for both): base64(HMAC-SHA1(key,
 * lamlSignedString)). Algorithm A of laml.md §7.2 (compatibility-api-js and twilio-node
 * `getExpectedTwilioSignature`). Pass `params: null` for GET and for bodySHA256 URLs.
 */
export function signLaml(input: { url: string; params: CallbackParams | null; key: string }): string {
  return hmacBase64('sha1', input.key, lamlSignedString(input.url, input.params, 'as-received'));
}

/**
 * How repeated names are written (laml.md §7.2): compatibility-api-js concatenates the values in the
 * order received; twilio-node ≥ 5 drops duplicates and sorts them. Callbacks hookline sends never
 * repeat a name, so both give the same string for them.
 */
export type RepeatedValues = 'as-received' | 'sorted-unique';

/**
 * The exact URL requested (query included, fragment not), then for each param name in code-unit order
 * `name` + `value`, no separators, nothing URL-encoded.
 */
export function lamlSignedString(url: string, params: SignedParams | null, repeated: RepeatedValues): string {
  if (params === null) return url;
  let signed = url;
  for (const name of Object.keys(params).sort(compareCodeUnits)) {
    const value = params[name];
    if (typeof value === 'string') {
      signed += name + value;
      continue;
    }
    const values = repeated === 'sorted-unique' ? [...new Set(value)].sort(compareCodeUnits) : (value ?? []);
    for (const item of values) signed += name + item;
  }
  return signed;
}

/**
 * Twilio's JSON-body variant (laml.md §7.3, Algorithm B): `bodySHA256=<hex SHA-256 of the raw body>`
 * appended to the query; that URL is then signed with `signLaml` and no params.
 */
export function bodySha256Url(url: string, rawBody: string): string {
  const hash = url.indexOf('#');
  const beforeFragment = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const joiner = !beforeFragment.includes('?') ? '?' : /[?&]$/.test(beforeFragment) ? '' : '&';
  return `${beforeFragment}${joiner}bodySHA256=${sha256Hex(rawBody)}${fragment}`;
}
