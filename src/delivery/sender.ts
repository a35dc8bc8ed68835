import type { HttpMethod } from '../domain/callback.js';
import type { RecordedRequest, RecordedResponse } from '../domain/delivery.js';
import type { AttemptOutcome } from '../domain/outcome.js';

/** One HTTP request ready for the wire: fragment stripped, params encoded, headers signed. */
export interface OutboundRequest {
  readonly method: HttpMethod;
  /** Fragment removed; for GET the params are already merged into the query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Form-encoded params for POST, null for GET. */
  readonly body: string | null;
}

export interface SendLimits {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Wall-clock budget for this attempt, redirects included. */
  readonly totalTimeoutMs: number;
  readonly maxRedirects: number;
  /** Response bytes read at most. */
  readonly maxResponseBytes: number;
  /** Response bytes kept in the attempt log (64 KiB by default). */
  readonly recordBodyBytes: number;
  /**
   * A body past `maxResponseBytes`: `refuse` makes the outcome `response-too-large` (a document, whose
   * body is what was asked for); `truncate` stops reading there and judges the attempt by its status
   * alone (a notification: success is a 2xx, and its body is only logged, cut short).
   */
  readonly oversizeBody: 'refuse' | 'truncate';
}

export interface SendResult {
  /** The request as first sent. */
  readonly request: RecordedRequest;
  /** The final response (after redirects), body cut at `recordBodyBytes`; null if none arrived. */
  readonly response: RecordedResponse | null;
  /** The whole response body up to `maxResponseBytes` (documents need more than the log keeps). */
  readonly body: string | null;
  /** The same body as bytes, for what is not text (the audio a `<Play>` fetches). */
  readonly bodyBytes: Buffer | null;
  readonly outcome: AttemptOutcome;
  /** Wall-clock time from start to the outcome. */
  readonly durationMs: number;
  /** The raw `Retry-After` header of a 429/503 response, else null. */
  readonly retryAfter: string | null;
  /** URLs followed after the first, in order. */
  readonly redirects: readonly string[];
}

/** Sends one attempt and classifies how it ended. Never throws for network or HTTP failures. */
export interface Sender {
  send(request: OutboundRequest, limits: SendLimits): Promise<SendResult>;
  close(): Promise<void>;
}
