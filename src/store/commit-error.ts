/** Why a change set was not stored, naming its deliveries (the ids a caller can look for). */
export function commitError(ids: readonly string[], cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`could not commit change set (deliveries ${ids.join(', ') || 'none'}): ${message}`, { cause });
}
