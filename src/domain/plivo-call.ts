import type { CallbackParams } from './callback.js';
import { hangupCauseInfo, type Hangup } from './hangup-causes.js';
import type { AnsweredBy } from './call-far-end.js';
import type { BackgroundRecording, UrlTarget } from './instructions.js';
import type { LamlCallSettings } from './laml-call.js';

/**
 * A Plivo call as the carrier keeps it: the request that made it, where it is in its life, and how it
 * ended. Pure: what a call sends to each URL (plivo.md §1.4) and how the API shows it (§1.9) are built
 * here from this one snapshot, so a field is added in one place.
 */

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'timeout' | 'no-answer' | 'cancel';
export const FINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'failed', 'timeout', 'no-answer', 'cancel'];

export type CallDirection = 'outbound' | 'inbound';

/** The front door that made a call: it decides the call's documents, parameters and notifications. */
export type VoiceDialectName = 'plivo' | 'laml';

export interface MachineDetection {
  /** `hangup` ends a call a machine answered (9100). */
  readonly mode: 'true' | 'hangup';
  readonly timeMs: number;
  readonly url: UrlTarget | null;
  /**
   * LaML's detection (`MachineDetection`): every call gets a verdict (`AnsweredBy`) as soon as it is
   * known, not only machines at `timeMs`; `blocking` holds the first document back for it, and
   * `untilMessageEnd` reports a machine once its greeting ends (laml.md §3.5).
   */
  readonly verdicts?: { readonly untilMessageEnd: boolean; readonly blocking: boolean };
}

/** A recording of the whole call (`Record=true`) as it ended, for the call's own status callback. */
export interface CallRecordingOutcome {
  readonly id: string;
  readonly url: string;
  readonly durationMs: number;
}

export interface PlivoCall {
  /** Absent on calls stored before calls had a dialect: those are Plivo's. */
  readonly dialect?: VoiceDialectName;
  /** What a LaML call adds (StatusCallback and its events…); absent on Plivo calls. */
  readonly laml?: LamlCallSettings;
  readonly uuid: string;
  readonly requestUuid: string;
  readonly accountId: string;
  /** The main account: the account itself, or a sub-account's parent (`ParentAuthID`). */
  readonly parentAuthId: string;
  readonly direction: CallDirection;
  readonly from: string;
  readonly to: string;
  readonly callerName: string;
  /**
   * Custom SIP headers from `sip_headers`, by name without their prefix: "present for every HTTP
   * request made by an outbound call" as `X-PH-<name>` (Plivo's "Pass custom SIP headers" guide).
   */
  readonly sipHeaders?: Readonly<Record<string, string>>;
  /** Tones played to the far end once it answers, or once it rings with `onPreanswer` (`send_digits`). */
  readonly sendDigits?: { readonly digits: string; readonly onPreanswer: boolean };
  /** An inbound call's forwarding number, when the carrier passes one on (`ForwardedFrom`). */
  readonly forwardedFrom?: string;
  readonly answerUrl: UrlTarget;
  /** A document given with the request (LaML `Twiml`/`Laml`): run instead of fetching `answerUrl`. */
  readonly answerDocument?: string;
  readonly fallbackUrl: UrlTarget | null;
  readonly ringUrl: UrlTarget | null;
  readonly hangupUrl: UrlTarget | null;
  readonly machineDetection: MachineDetection | null;
  /** The verdict of machine detection once it has one, and how long it listened. */
  readonly answeredBy?: { readonly verdict: AnsweredBy; readonly afterMs: number };
  /** Record the whole call from its answer (LaML `Record=true`). */
  readonly recordCall?: BackgroundRecording;
  /** That recording, once it ended. */
  readonly recorded?: CallRecordingOutcome;
  readonly timeLimitMs: number;
  readonly ringTimeoutMs: number;
  readonly hangupOnRingMs: number | null;
  /** The call this one is a leg of (a Dial's B leg), or null. */
  readonly parentCallUuid: string | null;
  readonly status: CallStatus;
  readonly initiatedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly hangup: Hangup | null;
  /** Per minute, as Plivo quotes it. */
  readonly billRate: string;
}

/** Plivo's US per-minute voice rates; every minute started is billed. */
export const OUTBOUND_RATE = '0.01000';
export const INBOUND_RATE = '0.00850';

/** `2020-04-08 11:34:33.238707`: UTC with microseconds, as in `SessionStart`. */
export function sessionTime(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 23)}000`;
}

/** `2020-12-04 09:04:17`, as in `StartTime`, `AnswerTime`, `EndTime`. */
export function callbackTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** `2017-05-22 17:49:40+00:00`, as the call records of the REST API show times. */
export function recordTime(ms: number | null): string | null {
  return ms === null ? null : `${callbackTime(ms)}+00:00`;
}

export function isFinal(call: PlivoCall): boolean {
  return FINAL_CALL_STATUSES.includes(call.status);
}

/** Talk time in whole seconds: nothing before the answer. */
export function durationSeconds(call: PlivoCall): number {
  if (call.answeredAt === null || call.endedAt === null) return 0;
  return Math.max(0, Math.round((call.endedAt - call.answeredAt) / 1000));
}

/** Every minute started is billed (60/60 billing). */
export function billedSeconds(call: PlivoCall): number {
  return Math.ceil(durationSeconds(call) / 60) * 60;
}

export function totalCost(call: PlivoCall): string {
  return ((billedSeconds(call) / 60) * Number(call.billRate)).toFixed(5);
}

/** What CallStatus an ended call reports: completed once answered, otherwise why it never was. */
export function endedStatus(answered: boolean, code: number): CallStatus {
  if (answered) return 'completed';
  if (code === 1000) return 'cancel';
  if (code === 6010) return 'timeout';
  if (code === 3000) return 'no-answer';
  if (code === 3010 || code === 3100 || code === 3020 || code === 3110) return 'busy';
  return 'failed';
}

export function endCall(call: PlivoCall, hangup: Hangup, now: number): PlivoCall {
  return { ...call, status: endedStatus(call.answeredAt !== null, hangup.code), endedAt: now, hangup };
}

/** The parameters every request about the call carries (ring, answer, action, hangup). */
export function callParams(call: PlivoCall, event: string): Record<string, string> {
  const params: Record<string, string> = {
    CallUUID: call.uuid,
    RequestUUID: call.requestUuid,
    From: call.from,
    To: call.to,
    Direction: call.direction,
    CallStatus: call.status,
    Event: event,
    SessionStart: sessionTime(call.initiatedAt),
    ParentAuthID: call.parentAuthId,
    BillRate: call.billRate,
    STIRAttestation: 'A',
    STIRVerification: 'Not Applicable',
  };
  if (call.direction === 'outbound') {
    params.ALegUUID = call.parentCallUuid ?? call.uuid;
    params.ALegRequestUUID = call.requestUuid;
  }
  if (call.callerName) params.CallerName = call.callerName;
  if (call.forwardedFrom) params.ForwardedFrom = call.forwardedFrom;
  if (call.sipHeaders) Object.assign(params, sipHeaderParams(call));
  if (call.hangup) Object.assign(params, hangupParams(call));
  return params;
}

/** The call's `sip_headers`, each as `X-PH-<name>`: on every request the call makes. */
export function sipHeaderParams(call: PlivoCall): Record<string, string> {
  return Object.fromEntries(Object.entries(call.sipHeaders ?? {}).map(([name, value]) => [`X-PH-${name}`, value]));
}

/** ring_url (`Event=Ring`): the call is ringing at the far end. */
export function ringParams(call: PlivoCall): CallbackParams {
  return callParams(call, 'Ring');
}

/** answer_url and fallback_url (`Event=StartApp`). */
export function answerParams(call: PlivoCall): CallbackParams {
  return callParams(call, 'StartApp');
}

/** hangup_url (`Event=Hangup`) with the times, the bill and the cause. */
export function hangupCallbackParams(call: PlivoCall): CallbackParams {
  return callParams(call, 'Hangup');
}

function hangupParams(call: PlivoCall): Record<string, string> {
  const hangup = call.hangup as Hangup;
  const info = hangupCauseInfo(hangup.code);
  return {
    StartTime: callbackTime(call.initiatedAt),
    AnswerTime: call.answeredAt === null ? '' : callbackTime(call.answeredAt),
    EndTime: callbackTime(call.endedAt ?? call.initiatedAt),
    Duration: String(durationSeconds(call)),
    BillDuration: String(billedSeconds(call)),
    TotalCost: totalCost(call),
    HangupCause: info.legacy,
    HangupCauseCode: String(hangup.code),
    HangupCauseName: info.name,
    HangupSource: hangup.source,
  };
}

/** `GET Call/{uuid}/`: the call detail record (py-sdk fixture callGetResponse.json, plus the cause). */
export function callRecord(call: PlivoCall): Record<string, unknown> {
  const info = call.hangup ? hangupCauseInfo(call.hangup.code) : null;
  return {
    answer_time: recordTime(call.answeredAt),
    bill_duration: billedSeconds(call),
    billed_duration: billedSeconds(call),
    call_direction: call.direction,
    call_duration: durationSeconds(call),
    call_state: callState(call),
    call_status: call.status,
    call_uuid: call.uuid,
    end_time: recordTime(call.endedAt),
    from_number: call.from,
    hangup_cause_code: call.hangup?.code ?? null,
    hangup_cause_name: info?.name ?? null,
    hangup_source: call.hangup?.source ?? null,
    initiation_time: recordTime(call.initiatedAt),
    parent_call_uuid: call.parentCallUuid,
    request_uuid: call.requestUuid,
    resource_uri: `/v1/Account/${call.accountId}/Call/${call.uuid}/`,
    to_number: call.to,
    total_amount: totalCost(call),
    total_rate: call.billRate,
  };
}

/** `GET Call/{uuid}/?status=live` (py-sdk fixture liveCallGetResponse.json). */
export function liveCallRecord(call: PlivoCall): Record<string, unknown> {
  return {
    call_status: call.status,
    call_uuid: call.uuid,
    caller_name: call.callerName,
    direction: call.direction,
    from: call.from,
    request_uuid: call.requestUuid,
    session_start: sessionTime(call.initiatedAt),
    to: call.to,
  };
}

/** `GET Call/{uuid}/?status=queued` (node-sdk GetQueuedCallResponse): the live record without its session start. */
export function queuedCallRecord(call: PlivoCall): Record<string, unknown> {
  const { session_start: _sessionStart, ...record } = liveCallRecord(call);
  return record;
}

function callState(call: PlivoCall): string {
  switch (call.status) {
    case 'completed':
      return 'ANSWER';
    case 'busy':
      return 'BUSY';
    case 'no-answer':
    case 'timeout':
      return 'NO_ANSWER';
    case 'cancel':
      return 'CANCEL';
    case 'failed':
      return 'FAILED';
    default:
      return call.status === 'in-progress' ? 'ANSWER' : 'RINGING';
  }
}
