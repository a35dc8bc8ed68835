/**
 * Read a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the delay
 * in ms from `nowMs`, 0 for a date in the past, or null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
