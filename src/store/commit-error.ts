import type { NewDelivery } from '../domain/delivery.js';
import type { ChangeSet } from './ports.js';

/** Why a change set was not stored, naming its deliveries (the ids a caller can look for). */
export function commitError(changes: Pick<ChangeSet, 'deliveries'>, cause: unknown): Error {
  const ids = (changes.deliveries ?? []).map((d) => d.id);
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`could not commit change set (deliveries ${ids.join(', ') || 'none'}): ${message}`, { cause });
}

/** Why a finished delivery (a document fetch with its attempts) was not recorded. */
export function finishedError(delivery: Pick<NewDelivery, 'id'>, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`could not record finished delivery ${delivery.id}: ${message}`, { cause });
}
