import type { WriteOutcome } from './database.js';
import type { DatabaseMethod } from './connection.js';
import { reviveError, transferError, type TransferredError } from './error-transfer.js';

/**
 * The messages between `WorkerConnection` (main thread) and `worker.ts`. Values travel by structured
 * clone: measured against JSON text on the store's hot messages (a claim of 32 deliveries, a batch of
 * 32 attempt results, a commit of 1,000 deliveries), cloning cost the main thread 30–50 % less, and
 * a policy object shared by a batch of deliveries is sent once. See docs/adr/0004-sqlite-store.md.
 */

/** Main thread to worker. `close` closes the database and ends the worker. */
export type WorkerRequest =
  | { readonly id: number; readonly method: DatabaseMethod; readonly args: readonly unknown[] }
  | { readonly id: number; readonly method: 'close' };

/** Worker to main thread: the answer to request `id`. Id 0 answers the opening of the database. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: TransferredError };

export const OPEN_REPLY_ID = 0;

type TransferredOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: TransferredError };

/** `writeEach` is the one result that carries errors as values: they cross like thrown ones. */
export function encodeValue(method: DatabaseMethod, value: unknown): unknown {
  if (method !== 'writeEach') return value;
  return (value as WriteOutcome[]).map((outcome): TransferredOutcome => (outcome.ok ? outcome : { ok: false, error: transferError(outcome.error) }));
}

export function decodeValue(method: DatabaseMethod, value: unknown): unknown {
  if (method !== 'writeEach') return value;
  return (value as TransferredOutcome[]).map((outcome) => (outcome.ok ? outcome : { ok: false, error: reviveError(outcome.error) }));
}
