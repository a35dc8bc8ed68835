import type { DocumentFailure } from '../../delivery/document-fetcher.js';
import { checkHttpUrl } from '../../domain/http-url.js';

/**
 * Twilio's 11100 "Invalid URL format". Only a LaML document can hold a URL that is not absolute (one
 * given inline with the request has nothing to resolve against; Plivo XML's are checked absolute).
 */
export const INVALID_URL_CODE = '11100';

/** Why nothing can be asked at `url`, or null when it is an absolute http(s) URL. */
export function urlProblem(url: string): string | null {
  const check = checkHttpUrl(url);
  if (check.ok) return null;
  return check.reason === 'not-absolute' ? `"${url}" is not an absolute URL (a relative URL in a document given inline has nothing to resolve against)` : `"${url}" is not an http or https URL`;
}

/** A URL nothing can be asked at, as the failure of a request to it; null when it is an http(s) URL. */
export function unusableUrl(url: string): DocumentFailure | null {
  const reason = urlProblem(url);
  return reason === null ? null : { url, deliveryId: '', outcome: { kind: 'rejected', status: 0, reason, code: INVALID_URL_CODE } };
}
