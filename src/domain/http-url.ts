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
