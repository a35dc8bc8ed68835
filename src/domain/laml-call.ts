import type { CallbackParams } from './callback.js';
import type { UrlTarget } from './instructions.js';
import { durationSeconds, type PlivoCall } from './plivo-call.js';

/**
 * What a LaML call carries beyond the call record both dialects share, and what it sends (laml.md
 * §1.2, §3). Pure: every request's parameters are built here from one call snapshot.
 */

/** The events a `StatusCallback` may ask for (laml.md §3.3); `completed` alone by default. */
export type LamlStatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';
export const LAML_STATUS_EVENTS: readonly LamlStatusEvent[] = ['initiated', 'ringing', 'answered', 'completed'];
/** SignalWire-only events, accepted and never sent: their meaning is undocumented (laml.md §3.3). */
export const IGNORED_STATUS_EVENTS: readonly string[] = ['ringing_forwarded', 'ringing_queued'];

export const LAML_API_VERSION = '2010-04-01';

export interface LamlCallSettings {
  readonly statusCallback: UrlTarget | null;
  readonly statusCallbackEvents: readonly LamlStatusEvent[];
  /** The `SequenceNumber` of the next status callback: 0 for the first (laml.md §3.3). */
  readonly nextSequenceNumber: number;
  /** `ApiVersion` on every request: the REST version that made the call. */
  readonly apiVersion: string;
}

export type LamlCallStatus = 'queued' | 'ringing' | 'in-progress' | 'canceled' | 'completed' | 'busy' | 'failed' | 'no-answer';
export type LamlDirection = 'inbound' | 'outbound-api' | 'outbound-dial';

/**
 * The call's status in LaML words. The engine ends calls with Plivo's causes (ADR 0006): a cancel is
 * `canceled`, the ring timeout `no-answer`, and `<Reject reason="rejected">` (3020 from the document)
 * `no-answer`, as SignalWire documents for a rejected call (laml.md §6.1).
 */
export function lamlCallStatus(call: PlivoCall): LamlCallStatus {
  switch (call.status) {
    case 'cancel':
      return 'canceled';
    case 'timeout':
      return 'no-answer';
    case 'busy':
      return call.hangup?.code === 3020 && call.hangup.source === 'Answer XML' ? 'no-answer' : 'busy';
    default:
      return call.status;
  }
}

export function lamlDirection(call: PlivoCall): LamlDirection {
  if (call.direction === 'inbound') return 'inbound';
  return call.parentCallUuid ? 'outbound-dial' : 'outbound-api';
}

/** `Wed, 19 Sep 2018 20:00:00 +0000`: RFC 2822 in UTC, as every LaML date (laml.md §1.1). */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** The standard parameters of every voice request about the call (laml.md §3.1). */
export function lamlCallParams(call: PlivoCall): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: call.accountId,
    ApiVersion: call.laml?.apiVersion ?? LAML_API_VERSION,
    CallSid: call.uuid,
    CallStatus: lamlCallStatus(call),
    Direction: lamlDirection(call),
    From: call.from,
    To: call.to,
  };
  if (call.parentCallUuid) params.ParentCallSid = call.parentCallUuid;
  if (call.callerName) params.CallerName = call.callerName;
  if (call.forwardedFrom) params.ForwardedFrom = call.forwardedFrom;
  return params;
}

/** A recording named on a Dial action or a recorded call's status callback (laml.md §3.3, §6.1). */
export function recordingParams(id: string, url: string, durationMs: number): Record<string, string> {
  return { RecordingUrl: url, RecordingSid: id, RecordingDuration: String(Math.round(durationMs / 1000)) };
}

const EVENT_OF_CHANGE = { initiated: 'initiated', ringing: 'ringing', answered: 'answered', ended: 'completed' } as const;

/**
 * The status callback a change causes, if the call asked for its event, and the call with its
 * `SequenceNumber` counted (laml.md §3.3, §3.7). `completed` carries the final status and
 * `CallDuration`; the others carry the event's own status (`answered` is `in-progress`).
 */
export function lamlStatusCallback(
  call: PlivoCall,
  change: keyof typeof EVENT_OF_CHANGE,
  now: number,
): { readonly call: PlivoCall; readonly callback: { readonly target: UrlTarget; readonly params: CallbackParams } | null } {
  const settings = call.laml;
  const event = EVENT_OF_CHANGE[change];
  if (!settings?.statusCallback || !settings.statusCallbackEvents.includes(event)) return { call, callback: null };
  const params = Object.assign(lamlCallParams(call), {
    CallbackSource: 'call-progress-events',
    Timestamp: rfc2822(now),
    SequenceNumber: String(settings.nextSequenceNumber),
  });
  if (event === 'initiated') params.CallStatus = 'initiated';
  if (event === 'completed') params.CallDuration = String(durationSeconds(call));
  if (event === 'completed' && call.recorded) Object.assign(params, recordingParams(call.recorded.id, call.recorded.url, call.recorded.durationMs));
  const counted: PlivoCall = { ...call, laml: { ...settings, nextSequenceNumber: settings.nextSequenceNumber + 1 } };
  return { call: counted, callback: { target: settings.statusCallback, params } };
}

/** Parse `StatusCallbackEvent` values: repeated keys or space-separated, unknown names reported. */
export function parseStatusEvents(values: readonly string[]): { readonly events: readonly LamlStatusEvent[]; readonly unknown: readonly string[] } {
  const names = values.flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
  const unknown = names.filter((name) => !LAML_STATUS_EVENTS.includes(name as LamlStatusEvent) && !IGNORED_STATUS_EVENTS.includes(name));
  const events = LAML_STATUS_EVENTS.filter((event) => names.includes(event));
  return { events, unknown };
}

/** Where a LaML account's resources live, as SignalWire writes their `uri` (laml.md §10.1). */
export function lamlAccountPath(accountSid: string): string {
  return `/api/laml/${LAML_API_VERSION}/Accounts/${accountSid}`;
}

/** `(310) 567-8901` for a North American number; other numbers as given. */
function formatted(number: string): string {
  const nanp = /^\+?1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}

/**
 * A call as `GET …/Calls/{CallSid}.json` shows it (laml.md §1.2, SW-OAS `CallResponse`), in the project
 * `accountSid` (the account's LaML project id).
 */
export function lamlCallRecord(call: PlivoCall, accountSid: string): Record<string, unknown> {
  const uri = `${lamlAccountPath(accountSid)}/Calls/${call.uuid}`;
  const status = lamlCallStatus(call);
  return {
    sid: call.uuid,
    account_sid: accountSid,
    date_created: rfc2822(call.initiatedAt),
    date_updated: rfc2822(call.endedAt ?? call.answeredAt ?? call.initiatedAt),
    parent_call_sid: call.parentCallUuid,
    to: call.to,
    formatted_to: formatted(call.to),
    to_formatted: formatted(call.to),
    from: call.from,
    formatted_from: formatted(call.from),
    from_formatted: formatted(call.from),
    phone_number_sid: null,
    status,
    start_time: status === 'queued' ? null : rfc2822(call.answeredAt ?? call.initiatedAt),
    end_time: call.endedAt === null ? null : rfc2822(call.endedAt),
    duration: durationSeconds(call),
    price: null,
    price_unit: 'USD',
    direction: lamlDirection(call),
    answered_by: call.answeredBy?.verdict ?? null,
    api_version: call.laml?.apiVersion ?? LAML_API_VERSION,
    forwarded_from: call.forwardedFrom ?? null,
    caller_name: call.callerName || null,
    annotation: null,
    group_sid: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: { notifications: null, recordings: `${uri}/Recordings.json` },
  };
}
