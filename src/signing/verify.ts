/**
 * Receiver-side verification of hookline's callbacks, published as `hookline/verify`.
 * Pure: node:crypto only. The one wall-clock read is the Standard Webhooks default `nowSeconds`,
 * because receivers call this outside hookline; hookline's own callers pass `nowSeconds`.
 */
import { hmacBase64, sha256Hex, signaturesEqual } from './hmac.js';
import { lamlSignedString, type RepeatedValues } from './laml.js';
import { plivoV1SignedString, plivoV2SignedString, plivoV3SignedString } from './plivo.js';
import { standardWebhookSignedString } from './standard-webhooks.js';
import { endOfAuthority, parseQuery, splitUrl, type SignedParams } from './url-parts.js';

export interface VerifyInput {
  /** As received. */
  method: string;
  /** Full URL as received (scheme://host:port/path?query). */
  url: string;
  /** Parsed form body for POST; {} for GET. */
  params: Record<string, string | string[]>;
  /** Request headers, any case. */
  headers: Record<string, string | string[] | undefined>;
  /** The account's auth token / signing key. */
  token: string;
  /** For Plivo -Ma- headers (defaults to token). */
  mainToken?: string;
  /** Raw body (needed for Standard Webhooks / bodySHA256). */
  body?: string;
  /** Standard Webhooks timestamp window (default 300 s, the spec's). */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

export interface VerifyResult {
  /** Every signature header present was checked and all passed, and at least one was present. */
  valid: boolean;
  /** Detected from the headers present (the first of plivo, laml, standard when several are). */
  scheme: 'plivo' | 'laml' | 'standard' | null;
  checks: Array<{ header: string; valid: boolean }>;
  /** Why not valid, in words. */
  reason: string | null;
}

type Scheme = NonNullable<VerifyResult['scheme']>;

interface Check {
  readonly header: string;
  readonly valid: boolean;
  readonly reason: string | null;
}

type Headers = ReadonlyMap<string, string>;

const DEFAULT_TOLERANCE_SECONDS = 300;

export function verifyCallback(input: VerifyInput): VerifyResult {
  const headers = lowerCaseHeaders(input.headers);
  const families: Array<{ scheme: Scheme; checks: Check[] }> = [
    { scheme: 'plivo', checks: checkPlivo(input, headers) },
    { scheme: 'laml', checks: checkLaml(input, headers) },
    { scheme: 'standard', checks: checkStandard(input, headers) },
  ];
  const found = families.filter((family) => family.checks.length > 0);

  const checks = found.flatMap((family) => family.checks);
  if (checks.length === 0) {
    return {
      valid: false,
      scheme: null,
      checks: [],
      reason: 'no signature header: expected X-Plivo-Signature-V3/-V2/X-Plivo-Signature, X-SignalWire-Signature/X-Twilio-Signature or webhook-signature',
    };
  }
  const failed = checks.find((check) => !check.valid);
  return {
    valid: failed === undefined,
    scheme: found[0]?.scheme ?? null,
    checks: checks.map(({ header, valid }) => ({ header, valid })),
    reason: failed ? failed.reason : null,
  };
}

// --- Plivo (plivo.md §6) -------------------------------------------------------------------------

function checkPlivo(input: VerifyInput, headers: Headers): Check[] {
  const token = input.token;
  const mainToken = input.mainToken ?? input.token;
  const checks: Check[] = [];
  const mainTokenName = input.mainToken === undefined ? 'main account token (not given, so the token)' : 'main account token';
  const families = [
    { header: 'X-Plivo-Signature-V3', token, tokenName: 'token', v3: true },
    { header: 'X-Plivo-Signature-Ma-V3', token: mainToken, tokenName: mainTokenName, v3: true },
    { header: 'X-Plivo-Signature-V2', token, tokenName: 'token', v3: false },
    { header: 'X-Plivo-Signature-Ma-V2', token: mainToken, tokenName: mainTokenName, v3: false },
  ];
  for (const family of families) {
    const received = headers.get(family.header.toLowerCase());
    if (received === undefined) continue;
    const nonceHeader = family.v3 ? 'X-Plivo-Signature-V3-Nonce' : 'X-Plivo-Signature-V2-Nonce';
    const nonce = headers.get(nonceHeader.toLowerCase());
    if (nonce === undefined) {
      checks.push(failure(family.header, `${family.header} came without ${nonceHeader}`));
      continue;
    }
    const signed = family.v3 ? plivoV3String(input, nonce) : plivoV2SignedString({ url: input.url, nonce });
    if (typeof signed !== 'string') {
      checks.push(failure(family.header, signed.error));
      continue;
    }
    const expected = hmacBase64('sha256', family.token, signed);
    // Plivo may send one V3 signature per active token, comma-separated (plivo.md §6.3 step 6).
    const valid = received.split(',').some((candidate) => signaturesEqual(candidate.trim(), expected));
    checks.push(
      valid
        ? success(family.header)
        : failure(family.header, `${family.header} does not match the ${family.tokenName} for ${input.method} ${input.url} (${describeParams(input.params)})`),
    );
  }
  const legacy = checkPlivoV1(input, headers);
  if (legacy) checks.push(legacy);
  return checks;
}

/**
 * Legacy V1 `X-Plivo-Signature` (no nonce, no -Ma- twin): hookline never sends it, but receivers still
 * meet it in old Plivo traffic, and `hookline verify` is the same code they would run.
 */
function checkPlivoV1(input: VerifyInput, headers: Headers): Check | null {
  const header = 'X-Plivo-Signature';
  const received = headers.get(header.toLowerCase());
  if (received === undefined) return null;
  const expected = hmacBase64('sha1', input.token, plivoV1SignedString({ url: input.url, params: input.params }));
  return signaturesEqual(received.trim(), expected)
    ? success(header)
    : failure(header, `${header} does not match the token for ${input.url} (${describeParams(input.params)})`);
}

function plivoV3String(input: VerifyInput, nonce: string): string | { error: string } {
  const method = input.method.toUpperCase();
  // plivo-node's validator throws for anything but GET and POST.
  if (method !== 'GET' && method !== 'POST') return { error: `Plivo V3 signs only GET and POST requests, not ${input.method}` };
  return plivoV3SignedString({ method, url: input.url, params: input.params, nonce });
}

// --- LaML / Twilio scheme (laml.md §7.2, §7.3) -------------------------------------------------------

function checkLaml(input: VerifyInput, headers: Headers): Check[] {
  const checks: Check[] = [];
  for (const header of ['X-SignalWire-Signature', 'X-Twilio-Signature']) {
    const received = headers.get(header.toLowerCase());
    if (received === undefined) continue;
    checks.push(checkLamlHeader(input, header, received));
  }
  return checks;
}

function checkLamlHeader(input: VerifyInput, header: string, received: string): Check {
  const bodyHash = bodySha256Of(input.url);
  if (bodyHash !== null) {
    if (input.body === undefined) return failure(header, `${header}: the URL carries bodySHA256, so the raw body is needed to verify it`);
    if (!signaturesEqual(bodyHash, sha256Hex(input.body))) return failure(header, `${header}: the body does not match the URL's bodySHA256`);
  }
  const params: SignedParams | null = bodyHash === null ? input.params : null;
  const orders: RepeatedValues[] = hasRepeatedNames(input.params) ? ['as-received', 'sorted-unique'] : ['as-received'];
  // Both official validators accept the URL with and without its default port (laml.md §7.2).
  for (const url of urlWithAndWithoutPort(input.url)) {
    for (const order of orders) {
      const expected = hmacBase64('sha1', input.token, lamlSignedString(url, params, order));
      if (signaturesEqual(received, expected)) return success(header);
    }
  }
  return failure(header, `${header} does not match the signing key for ${input.url} (${describeParams(input.params)})`);
}

function bodySha256Of(url: string): string | null {
  const pair = parseQuery(splitUrl(url).query).find(([name]) => name === 'bodySHA256');
  return pair ? pair[1] : null;
}

function hasRepeatedNames(params: VerifyInput['params']): boolean {
  return Object.values(params).some((value) => Array.isArray(value));
}

/** The URL as received, plus the same URL with the default port added (when absent) or the port removed. */
function urlWithAndWithoutPort(url: string): string[] {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) return [url];
  const authorityStart = schemeEnd + 3;
  const authorityEnd = endOfAuthority(url, authorityStart);
  const authority = url.slice(authorityStart, authorityEnd);
  const hostStart = authority.lastIndexOf('@') + 1;
  const portColon = authority.indexOf(':', Math.max(hostStart, authority.lastIndexOf(']') + 1));
  const before = url.slice(0, authorityStart + (portColon === -1 ? authority.length : portColon));
  const after = url.slice(authorityEnd);
  if (portColon !== -1) return [url, before + after];
  const defaultPort = url.slice(0, schemeEnd).toLowerCase() === 'https' ? ':443' : ':80';
  return [url, before + defaultPort + after];
}

// --- Standard Webhooks --------------------------------------------------------------------------------

function checkStandard(input: VerifyInput, headers: Headers): Check[] {
  const header = 'webhook-signature';
  const received = headers.get(header);
  if (received === undefined) return [];
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  if (id === undefined || timestamp === undefined) return [failure(header, 'webhook-signature came without webhook-id or webhook-timestamp')];
  if (!/^\d+$/.test(timestamp.trim())) return [failure(header, `webhook-timestamp "${timestamp}" is not a whole number of seconds`)];

  const timestampSeconds = Number(timestamp.trim());
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestampSeconds) > tolerance) {
    const age = now - timestampSeconds;
    const when = age > 0 ? `${age} s old` : `${-age} s in the future`;
    return [failure(header, `webhook-timestamp is ${when}, outside the ${tolerance} s window`)];
  }

  const body = input.body ?? (input.method.toUpperCase() === 'GET' ? '' : undefined);
  if (body === undefined) return [failure(header, 'Standard Webhooks signs the raw body: pass `body` to verify it')];

  const expected = hmacBase64('sha256', Buffer.from(input.token, 'utf8'), standardWebhookSignedString({ id, timestampSeconds, body }));
  // The header may hold several space-separated `version,signature` entries; only v1 is defined.
  const valid = received
    .split(' ')
    .map((entry) => entry.split(','))
    .some(([version, signature]) => version === 'v1' && signature !== undefined && signaturesEqual(signature, expected));
  return [valid ? success(header) : failure(header, `webhook-signature has no v1 signature matching the secret for webhook-id ${id}`)];
}

// --- helpers ------------------------------------------------------------------------------------------

function lowerCaseHeaders(headers: VerifyInput['headers']): Headers {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(lower === 'webhook-signature' ? ' ' : ',') : value;
    const previous = map.get(lower);
    map.set(lower, previous === undefined ? text : `${previous}${lower === 'webhook-signature' ? ' ' : ','}${text}`);
  }
  return map;
}

function describeParams(params: VerifyInput['params']): string {
  const count = Object.keys(params).length;
  return count === 1 ? '1 param' : `${count} params`;
}

function success(header: string): Check {
  return { header, valid: true, reason: null };
}

function failure(header: string, reason: string): Check {
  return { header, valid: false, reason };
}
