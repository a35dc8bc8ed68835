/**
 * How one HTTP attempt ended. Every attempt gets exactly one outcome; the retry decision, the
 * inspector's colours and the carriers' error codes (7011, 11200…) are all derived from it.
 */
export type AttemptOutcome =
  /** A complete 2xx response. */
  | { readonly kind: 'success'; readonly status: number }
  /** A complete response with a non-2xx status. */
  | { readonly kind: 'http-status'; readonly status: number }
  /** The TCP/TLS connection could not be made (refused, reset, DNS failure, TLS error). */
  | { readonly kind: 'connect-failed'; readonly detail: string }
  /** The connection was not made within the connect timeout (`ct`/`ot`). */
  | { readonly kind: 'connect-timeout'; readonly detail: string }
  /** No response headers within the read timeout (`rt`). */
  | { readonly kind: 'read-timeout'; readonly detail: string }
  /** The total budget (`tt`) ran out. */
  | { readonly kind: 'total-timeout'; readonly detail: string }
  /** The response started but did not complete. Carriers never retry this. */
  | { readonly kind: 'partial-response'; readonly status: number; readonly detail: string }
  /** The response body exceeded the policy's limit. */
  | { readonly kind: 'response-too-large'; readonly status: number; readonly limitBytes: number }
  /** More redirects than the policy allows. */
  | { readonly kind: 'too-many-redirects'; readonly status: number; readonly detail: string }
  /** The SSRF guard refused the destination; nothing was sent. */
  | { readonly kind: 'refused'; readonly detail: string };

export type AttemptOutcomeKind = AttemptOutcome['kind'];

export function isSuccess(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'success';
}
