import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Keys remembered as KeyObjects; past this many (tokens of accounts and receivers) the memo starts again. */
const MAX_KEYS = 1_000;
const secretKeys = new Map<string, KeyObject>();

/**
 * Base64 (with padding) of an HMAC; string keys and messages are taken as UTF-8, as every SDK does.
 * Every callback is signed once or twice with its account's token: the token is made into a key once
 * (a string key is encoded and imported on every createHmac, measured at about 15 % of the HMAC).
 */
export function hmacBase64(algorithm: 'sha1' | 'sha256', key: string | Uint8Array, message: string): string {
  return createHmac(algorithm, typeof key === 'string' ? secretKey(key) : key)
    .update(message, 'utf8')
    .digest('base64');
}

function secretKey(text: string): KeyObject {
  let key = secretKeys.get(text);
  if (key === undefined) {
    if (secretKeys.size >= MAX_KEYS) secretKeys.clear();
    key = createSecretKey(text, 'utf8');
    secretKeys.set(text, key);
  }
  return key;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Constant-time comparison of a received signature with the expected one. The length check may
 * return early: the expected length is fixed by the algorithm, so it tells an attacker nothing.
 */
export function signaturesEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
