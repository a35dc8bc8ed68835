/**
 * Failure classes a policy may retry, named as in Plivo's `rp` fragment key:
 * `4xx`/`5xx` responses, `ct` connect failures or timeouts, `rt` no response within the read timeout.
 */
export type RetryTrigger = '4xx' | '5xx' | 'ct' | 'rt';
export const RETRY_TRIGGERS: readonly RetryTrigger[] = ['4xx', '5xx', 'ct', 'rt'];

/**
 * Which defaults a URL starts from before its fragment is applied. One per kind of callback a carrier
 * documents separately (see docs/protocol/delivery-policies.md for the sources of every number).
 */
export type PolicyProfile =
  | 'plivo-voice' // answer/hangup/ring/action URLs: ct 2000, rt 40000, tt 55000, rc 1, rp ct,rt; retries at once
  | 'plivo-audio' // Play and PreAnswer audio: fixed ct 2000, rt 120000, rc 1, rp all; no fragment
  | 'plivo-messaging' // SMS/MMS and Verify status: 8 s timeout, retries +60 s, +120 s, +240 s
  | 'laml-document' // cXML Url/action: ot 2000, rt 5000, tt 15000, no retry (fallback instead)
  | 'laml-status' // StatusCallback and friends: three attempts in total
  | 'standard'; // generic callbacks enqueued through the control API
export const POLICY_PROFILES: readonly PolicyProfile[] = [
  'plivo-voice',
  'plivo-audio',
  'plivo-messaging',
  'laml-document',
  'laml-status',
  'standard',
];

/** Where a policy value came from, so the inspector can explain it. */
export type PolicyValueSource = 'default' | 'fragment' | 'clamped';

/**
 * How one callback URL is delivered. Computed once from the profile's defaults and the URL fragment,
 * stored with the delivery, then passed along unchanged: no code downstream asks which dialect it is.
 */
export interface DeliveryPolicy {
  readonly profile: PolicyProfile;
  /** TCP (and TLS) connect timeout for one attempt. */
  readonly connectTimeoutMs: number;
  /** Time to the first response byte, and the longest gap between body chunks. */
  readonly readTimeoutMs: number;
  /**
   * Document callbacks: the cap on all attempts to this URL, retries included, fallback excluded.
   * Notification callbacks: the cap on one attempt, since attempts are minutes apart.
   */
  readonly totalTimeoutMs: number;
  /** Delay before each retry, measured from the previous attempt; its length is the retry count. */
  readonly retryDelaysMs: readonly number[];
  /** Failure classes that are retried; anything else fails at once. */
  readonly retryOn: readonly RetryTrigger[];
  /** Longest `Retry-After` (on 429/503) honoured; a longer one is cut to this. */
  readonly maxRetryAfterMs: number;
  /** Redirects followed before the attempt fails. 0 for notifications. */
  readonly maxRedirects: number;
  /** Bytes of response body read; past it the response counts as too large. */
  readonly maxResponseBytes: number;
  /** Where each fragment-tunable value came from. */
  readonly sources: Readonly<Record<'ct' | 'rt' | 'tt' | 'rc' | 'rp', PolicyValueSource>>;
}

/** A callback URL split into what goes on the wire and how to deliver it. */
export interface ResolvedCallbackUrl {
  /** The URL with its fragment removed, as it goes on the wire (httpUrlAsSent): what is requested and signed. */
  readonly wireUrl: string;
  /** `wireUrl` with the fragment it was given: what a delivery stores, so every attempt sends and signs the same. */
  readonly url: string;
  readonly policy: DeliveryPolicy;
  /** One line per fragment key that was clamped, unknown or malformed. */
  readonly warnings: readonly string[];
}
