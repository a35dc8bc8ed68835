/**
 * The control API's response shapes as the inspector reads them (see /hookline/v1/openapi.json).
 * The inspector talks to hookline over HTTP only, so these describe the wire, not the server's types.
 */

export type DeliveryStatus = 'pending' | 'in-flight' | 'succeeded' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'in-flight', 'succeeded', 'failed'];

export type Dialect = 'plivo' | 'laml' | 'standard';
export const DIALECTS: readonly Dialect[] = ['plivo', 'laml', 'standard'];

export type AttemptOutcome =
  | { kind: 'success' | 'http-status'; status: number }
  | { kind: 'connect-failed' | 'connect-timeout' | 'read-timeout' | 'total-timeout' | 'refused'; detail: string }
  | { kind: 'partial-response' | 'too-many-redirects'; status: number; detail: string }
  | { kind: 'response-too-large'; status: number; limitBytes: number };

export type PolicySource = 'default' | 'fragment' | 'clamped';

export interface DeliveryPolicy {
  profile: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  totalTimeoutMs: number;
  retryDelaysMs: number[];
  retryOn: string[];
  maxRetryAfterMs: number;
  maxRedirects: number;
  maxResponseBytes: number;
  sources: Record<'ct' | 'rt' | 'tt' | 'rc' | 'rp', PolicySource>;
}

export interface Delivery {
  id: string;
  seq: number;
  accountId: string;
  dialect: Dialect;
  kind: 'notification' | 'document';
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  policy: DeliveryPolicy;
  warnings: string[];
  resource: string | null;
  status: DeliveryStatus;
  dueAt: number;
  createdAt: number;
  updatedAt: number;
  attemptCount: number;
  roundAttempts: number;
  replayCount: number;
  lastOutcome: AttemptOutcome | null;
}

export interface Attempt {
  deliveryId: string;
  number: number;
  startedAt: number;
  durationMs: number;
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean } | null;
  outcome: AttemptOutcome;
  nextAttemptAt: number | null;
}

export type DeliveryEvent = { type: 'delivery'; delivery: Delivery } | { type: 'attempt'; accountId: string; attempt: Attempt };

export interface DeliveryPage {
  deliveries: Delivery[];
  nextCursor: string | null;
}

/** An element of a document as hookline's parser read it, with where it stands in the body. */
export interface DocumentElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  line: number;
  column: number;
  children: DocumentElement[];
}

/** A document callback's 2xx body as the call engine's parser read it (`GET /deliveries/{id}`). */
export type DocumentReading =
  | { ok: true; dialect: string; root: DocumentElement; warnings: string[] }
  | { ok: false; dialect: string; error: { rule: string; message: string; line: number; column: number } };

export type DetailedAttempt = Attempt & { document: DocumentReading | null };

export type DeliveryDetail = Delivery & { attempts: DetailedAttempt[] };

export interface ClockState {
  kind: 'real' | 'virtual';
  now: number;
  iso: string;
  nextTimerAt: number | null;
}

export interface SinkConfig {
  status: number;
  delayMs: number;
  body: string;
  headers: Record<string, string>;
}

export interface SinkRequest {
  seq: number;
  sink: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export interface SignatureCheck {
  valid: boolean;
  scheme: 'plivo' | 'laml' | 'standard' | null;
  checks: Array<{ header: string; valid: boolean }>;
  reason: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field: string | null; fix: string };
}

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface PlivoMessage {
  uuid: string;
  accountId: string;
  direction: 'outbound' | 'inbound';
  type: 'sms' | 'mms';
  mediaUrls?: string[];
  from: string;
  to: string;
  text: string;
  encoding: 'GSM' | 'UCS-2';
  units: number;
  url: string | null;
  method: 'GET' | 'POST';
  log: boolean;
  status: MessageStatus;
  errorCode: number | null;
  sequence: number;
  queuedAt: number;
  sentAt: number | null;
  reportedAt: number | null;
  updatedAt: number;
  next: { status: MessageStatus; at: number } | null;
}

export interface MessageList {
  messages: PlivoMessage[];
  total: number;
}

/** How a text splits into SMS parts: what `units` counts. */
export interface SmsSegments {
  encoding: 'GSM' | 'UCS-2';
  length: number;
  units: number;
  single: number;
  perPart: number;
}

export interface MessageDetail {
  message: PlivoMessage;
  segments: SmsSegments | null;
  callbacks: Delivery[];
}

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'timeout' | 'no-answer' | 'cancel';
export const LIVE_CALL_STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];

/** The call as the far-end routes and the timeline answer it. */
export interface CallState {
  uuid: string;
  accountId: string;
  direction: 'outbound' | 'inbound';
  from: string;
  to: string;
  status: CallStatus;
  parentCallUuid: string | null;
  hangupCauseCode: number | null;
}

export interface CallSummary extends CallState {
  initiatedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  hangupCause: string | null;
}

export interface CallList {
  calls: CallSummary[];
  total: number;
}

export type CallEventType = 'request' | 'status' | 'document' | 'instruction' | 'far-end' | 'callback' | 'hangup' | 'error' | 'warning' | 'message' | 'recording' | 'dial';

export interface CallEvent {
  at: number;
  type: CallEventType;
  message: string;
  data?: Record<string, unknown>;
}

export interface CallTimeline {
  call: CallSummary;
  events: CallEvent[];
}

/** A `call` event on the stream: one step of a call's timeline. */
export interface CallStreamEvent {
  type: 'call';
  accountId: string;
  callUuid: string;
  event: CallEvent;
}

/** `GET /verify/sessions/{uuid}`: a Plivo Verify session with the code it sent. */
export interface VerifySessionState {
  uuid: string;
  accountId: string;
  recipient: string;
  otp: string;
  status: 'in-progress' | 'verified' | 'expired';
  channelStatus: string;
  validations: number;
  expiresAt: number;
  channel: 'sms' | 'voice';
  messageUuid: string | null;
  callUuid: string | null;
}
