import { randomBytes, randomUUID } from 'node:crypto';

/** Lowercase v4 UUID, the shape Plivo and SignalWire use for every id. */
export function newUuid(): string {
  return randomUUID();
}

const NONCE_SPAN = 9n * 10n ** 19n;
const NONCE_FLOOR = 10n ** 19n;

/**
 * A 20-digit numeric nonce, the shape of Plivo's `X-Plivo-Signature-V3-Nonce` (`31627761595286130198`).
 * Made on every attempt, so from one 128-bit draw rather than digit by digit; the modulo bias over
 * 2^128 is far below anything a nonce cares about.
 */
export function newNonce(): string {
  const bytes = randomBytes(16);
  const value = (bytes.readBigUInt64BE(0) << 64n) | bytes.readBigUInt64BE(8);
  return String(NONCE_FLOOR + (value % NONCE_SPAN));
}
