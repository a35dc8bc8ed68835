export type HttpUrlCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'not-absolute' | 'not-http'; readonly protocol: string | null };

/** Whether `value` is an absolute http(s) URL, and if not, why; callers word the error in their dialect. */
export function checkHttpUrl(value: string): HttpUrlCheck {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    return { ok: false, reason: 'not-absolute', protocol: null };
  }
  return protocol === 'http:' || protocol === 'https:' ? { ok: true } : { ok: false, reason: 'not-http', protocol: protocol.slice(0, -1) };
}

/**
 * An absolute http(s) URL without fragment, written as it goes on the wire: WHATWG-serialized, as the
 * sender parses it before requesting it (scheme and host lowercased, a default port dropped, stray
 * whitespace removed, dot segments resolved; spaces, non-ASCII and, in the query, `'` percent-encoded),
 * less a bare trailing `?`, which is not sent either. Signatures are computed over this form, since it
 * is what a receiver rebuilds from the request; signing the URL as written fails their validators.
 * `value` must pass checkHttpUrl.
 */
export function httpUrlAsSent(value: string): string {
  const url = new URL(value);
  const href = url.href;
  return url.search === '' && href.endsWith('?') ? href.slice(0, -1) : href;
}
