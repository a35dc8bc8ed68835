import type { CallbackParams, HttpMethod } from '../domain/callback.js';
import { hmacBase64 } from './hmac.js';
import { compareCodeUnits, pairsOf, parseQuery, sortPairs, splitUrl, type Pair, type SignedParams } from './url-parts.js';

/**
 * Legacy V1 (`X-Plivo-Signature`, before 2017): base64(HMAC-SHA1(key, url + sorted name+value)).
 * Source: plivo-node lib/utils/security.js `computeOldSignature`; plivo.md §6.3. hookline never sends it.
 */
export function signPlivoV1(input: { url: string; params: SignedParams; authToken: string }): string {
  return hmacBase64('sha1', input.authToken, plivoV1SignedString(input));
}

/** The URL as requested, then every param's name and value, sorted by name. */
export function plivoV1SignedString(input: { url: string; params: SignedParams }): string {
  return input.url + sortedNamesAndValues(input.params);
}

/** `X-Plivo-Signature-V2` / `-Ma-V2`: base64(HMAC-SHA256(token, plivoV2SignedString)). */
export function signPlivoV2(input: { url: string; nonce: string; authToken: string }): string {
  return hmacBase64('sha256', input.authToken, plivoV2SignedString(input));
}

/** `X-Plivo-Signature-V3` / `-Ma-V3`: base64(HMAC-SHA256(token, plivoV3SignedString)). */
export function signPlivoV3(input: {
  method: HttpMethod;
  url: string;
  params: CallbackParams;
  nonce: string;
  authToken: string;
}): string {
  return hmacBase64('sha256', input.authToken, plivoV3SignedString(input));
}

/**
 * V2 signs `scheme://host[:port]` + path + nonce: query and fragment dropped, POST params left out, no
 * separator, the port kept, an empty path left empty (`https://answer.url12345`).
 * Sources: plivo.md §6.2 (plivo-node security.js `validateSignature`; plivo-ruby #116; plivo-node #83).
 */
export function plivoV2SignedString(input: { url: string; nonce: string }): string {
  const { origin, path } = splitUrl(input.url);
  return origin + path + input.nonce;
}

/**
 * V3 (plivo.md §6.3; plivo-node lib/utils/v3Security.js, plivo-go `ComputeSignatureV3`):
 * - GET: the URL's decoded query merged with the params, sorted, as `name=value` joined by `&`, after
 *   `base?` (no `?` when there is nothing);
 * - POST: `base` + (`?` + sorted query `name=value&…` when there is a query or params) + (`.` when both)
 *   + sorted params as `namevalue` with no separator;
 * then `.` + nonce. Values are decoded, never re-encoded.
 */
export function plivoV3SignedString(input: { method: HttpMethod; url: string; params: SignedParams; nonce: string }): string {
  const { origin, path, query } = splitUrl(input.url);
  const base = origin + path;
  const queryPairs = parseQuery(query);
  if (input.method === 'GET') {
    const merged = joinQuery(sortPairs(queryPairs.concat(pairsOf(input.params))));
    return `${merged === '' ? base : `${base}?${merged}`}.${input.nonce}`;
  }
  const sortedQuery = joinQuery(sortPairs(queryPairs));
  // plivo-node tests `_.isEmpty(params)`: an object with keys counts as params even if a value is [].
  const hasParams = Object.keys(input.params).length > 0;
  let signed = base;
  if (sortedQuery !== '' || hasParams) signed += `?${sortedQuery}`;
  if (sortedQuery !== '' && hasParams) signed += '.';
  return `${signed}${sortedNamesAndValues(input.params)}.${input.nonce}`;
}

/**
 * Every param as `name` + `value`, no separators, sorted by name and then value (what sorting the
 * pairs does; names are unique, so only a repeated name's values need a second sort). Runs on every
 * Plivo callback: one array of names, not a pair per param.
 */
function sortedNamesAndValues(params: SignedParams): string {
  let run = '';
  for (const name of Object.keys(params).sort(compareCodeUnits)) {
    const value = params[name];
    if (typeof value === 'string') run += name + value;
    else if (value) for (const item of [...value].sort(compareCodeUnits)) run += name + item;
  }
  return run;
}

function joinQuery(pairs: Pair[]): string {
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}
