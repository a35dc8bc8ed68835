import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

/** Lowercase v4 UUID, the shape Plivo and SignalWire use for every id. */
export function newUuid(): string {
  return randomUUID();
}

/** The counter of `newDeliveryId`: the millisecond it counts in, and where it has got to. */
const SEQUENCE_LIMIT = 2 ** 26;
let idMs = -1;
let idSequence = 0;

/**
 * A time-ordered UUID (version 7, RFC 9562) for hookline's own delivery ids. Ids made one after
 * another sort one after another, so the store's indexes on them grow at one end instead of touching
 * a random page per insert (measured: the random v4 ids were most of the write amplification).
 *
 * Ids made in the same millisecond count up (RFC 9562 §6.2, method 1: a 26-bit counter in `rand_a`
 * and the top of `rand_b`, started at a random value below 2^25 each millisecond): on the virtual
 * clock thousands share one instant, and with random bits after the time their index entries landed
 * on random pages again. The last 48 bits stay random, so ids from several processes do not collide.
 */
export function newDeliveryId(atMs: number): string {
  const ms = Math.max(0, Math.floor(atMs));
  if (ms !== idMs || ++idSequence >= SEQUENCE_LIMIT) {
    idMs = ms;
    idSequence = randomWord() % (SEQUENCE_LIMIT / 2);
  }
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const randA = (idSequence >>> 14).toString(16).padStart(3, '0');
  const variantAndCount = (0x8000 | (idSequence & 0x3fff)).toString(16);
  const tail = `${randomWord().toString(16).padStart(8, '0')}${(randomWord() & 0xffff).toString(16).padStart(4, '0')}`;
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randA}-${variantAndCount}-${tail}`;
}

/** Random words drawn in bulk: a nonce is made on every attempt, and one syscall per attempt adds up. */
const pool = new Uint32Array(512);
let poolNext = pool.length;

function randomWord(): number {
  if (poolNext === pool.length) {
    randomFillSync(pool);
    poolNext = 0;
  }
  return pool[poolNext++] as number;
}

function nineDigits(): string {
  // 2^32 is not a multiple of 10^9; the bias this leaves is far below anything a nonce cares about.
  return String(randomWord() % 1_000_000_000).padStart(9, '0');
}

/** A 20-digit numeric nonce, the shape of Plivo's `X-Plivo-Signature-V3-Nonce` (`31627761595286130198`). */
export function newNonce(): string {
  return `${1 + (randomWord() % 9)}${nineDigits()}${nineDigits()}${randomWord() % 10}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE62 = `${ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz`;

/**
 * Upper-case letters and digits, the alphabet of Plivo auth ids (`MA…`, `SA…` + 18) and, with lower
 * case too, auth tokens. Rejection sampling keeps every character equally likely.
 */
export function randomAlphanumeric(length: number, alphabet: string = ALPHANUMERIC): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new Plivo auth token: 40 letters (both cases) and digits. */
export function newAuthToken(): string {
  return randomAlphanumeric(40, BASE62);
}

/** A new LaML project Signing Key: `PSK_` and 24 letters and digits, as SignalWire's (laml.md §7.6). */
export function newSigningKey(): string {
  return `PSK_${randomAlphanumeric(24, BASE62)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID in its canonical 8-4-4-4-12 form, as a SignalWire Project ID is. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
