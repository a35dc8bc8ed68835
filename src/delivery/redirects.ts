import type { HttpMethod } from '../domain/callback.js';

/** Statuses followed when they carry a Location (RFC 9110 §15.4). 300 and 304 are not redirects to follow. */
export function isFollowedRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** One request on the wire: the first, or a redirect hop. */
export interface Hop {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** Dropped when a redirect leaves the origin, as browsers' fetch does: they were meant for the first server. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
/** Describe a body that is no longer sent. */
const BODY_HEADERS = new Set(['content-type', 'content-length']);

/**
 * The request a redirect asks for, or why it cannot be followed. 303 always becomes a GET; 301 and
 * 302 turn a POST into a GET, as browsers and Twilio do (so LaML re-sends no `Digits` after a 3xx on a
 * Gather action, laml.md §2.3); 307 and 308 keep the method and the body.
 */
export function nextHop(current: Hop, status: number, location: string): Hop | { readonly invalid: string } {
  let url: URL;
  try {
    url = new URL(location, current.url);
  } catch {
    return { invalid: `redirect ${status} from ${current.url.href} has an invalid Location "${location}"` };
  }
  url.hash = '';
  const toGet = status === 303 || ((status === 301 || status === 302) && current.method === 'POST');
  const crossOrigin = url.origin !== current.url.origin;
  if (!toGet && !crossOrigin) return { method: current.method, url, headers: current.headers, body: current.body };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(current.headers)) {
    const lower = name.toLowerCase();
    if (toGet && BODY_HEADERS.has(lower)) continue;
    if (crossOrigin && CREDENTIAL_HEADERS.has(lower)) continue;
    headers[name] = value;
  }
  return toGet ? { method: 'GET', url, headers, body: null } : { method: current.method, url, headers, body: current.body };
}
