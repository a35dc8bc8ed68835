import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Base64 (with padding) of an HMAC; string keys and messages are taken as UTF-8, as every SDK does. */
export function hmacBase64(algorithm: 'sha1' | 'sha256', key: string | Uint8Array, message: string): string {
  return createHmac(algorithm, key).update(message, 'utf8').digest('base64');
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
