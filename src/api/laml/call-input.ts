import { IGNORED_STATUS_EVENTS, LAML_API_VERSION, parseStatusEvents } from '../../domain/laml-call.js';
import { isE164 } from '../../domain/phone-numbers.js';
import type { CallStatus } from '../../domain/plivo-call.js';
import type { NewOutboundCall } from '../../engine/calls/call-engine.js';
import { LamlApiError } from './errors.js';
import { RECORDING_EVENTS, type BackgroundRecording, type RecordingEvent } from '../../domain/instructions.js';
import type { MachineDetection } from '../../domain/plivo-call.js';
import { all, flag, method, optional, target, wholeNumber, type Form } from './params.js';

/**
 * `POST …/Calls.json` (laml.md §1.2) parsed into one call, or refused with the documented code and
 * nothing stored: 21211 To, 21213/21212 From, 21205 Url, 21209 methods, 21208 Timeout, 21626 events.
 */

const SIP_URI = /^sips?:[^\s@]+@[^\s@]+$/;
/** Longest inline document: the cap on a fetched one (laml.md §2.2). */
const MAX_INLINE_BYTES = 64 * 1024;

export interface LamlCallRequest {
  readonly call: NewOutboundCall;
  /** `Twiml`/`Laml` given inline: run instead of fetching `Url`. */
  readonly inlineDocument: string | null;
}

export function parseCreateCall(accountId: string, parentAuthId: string, form: Form): LamlCallRequest {
  const to = optional(form, 'To');
  if (to === undefined) throw new LamlApiError(400, 21211, "The 'To' number is required");
  if (!isE164(to) && !SIP_URI.test(to)) throw new LamlApiError(400, 21211, `The 'To' number ${to} is not a valid phone number or SIP URI`);
  const from = optional(form, 'From');
  if (from === undefined) throw new LamlApiError(400, 21213, "No 'From' number is specified");
  if (!isE164(from) && !SIP_URI.test(from)) throw new LamlApiError(400, 21212, `The 'From' number ${from} is not a valid phone number`);
  const inlineDocument = optional(form, 'Twiml') ?? optional(form, 'Laml') ?? null;
  if (inlineDocument !== null && Buffer.byteLength(inlineDocument, 'utf8') > MAX_INLINE_BYTES) throw new LamlApiError(400, 21205, `the inline document is over ${MAX_INLINE_BYTES} bytes`);
  const url = target(form, 'Url', 'Method', 21205);
  if (!url && inlineDocument === null) throw new LamlApiError(400, 21205, 'Url parameter is required (or an inline Twiml or Laml document)');
  const statusCallback = target(form, 'StatusCallback', 'StatusCallbackMethod', 21205);
  const { events, unknown } = parseStatusEvents(all(form, 'StatusCallbackEvent'));
  if (unknown.length > 0) {
    throw new LamlApiError(400, 21626, `StatusCallbackEvent ${unknown.join(', ')} is not one of initiated, ringing, answered, completed${IGNORED_STATUS_EVENTS.length ? `, ${IGNORED_STATUS_EVENTS.join(', ')}` : ''}`);
  }
  return {
    inlineDocument,
    call: {
      dialect: 'laml',
      laml: {
        statusCallback,
        statusCallbackEvents: all(form, 'StatusCallbackEvent').length > 0 ? events : ['completed'],
        nextSequenceNumber: 0,
        apiVersion: LAML_API_VERSION,
      },
      accountId,
      parentAuthId,
      from: optional(form, 'CallerId') ?? from,
      to,
      callerName: '',
      // An inline document is run in place of a fetch; its relative URLs resolve against nothing.
      answerUrl: url ?? { url: INLINE_DOCUMENT_URL, method: method(form, 'Method') },
      fallbackUrl: target(form, 'FallbackUrl', 'FallbackMethod', 21205),
      ringUrl: null,
      hangupUrl: null,
      machineDetection: machineDetection(form),
      ...(flag(form, 'Record') ? { recordCall: recordCall(form) } : {}),
      timeLimitMs: wholeNumber(form, 'TimeLimit', 14_400, 1, 86_400, 10000) * 1000,
      ringTimeoutMs: wholeNumber(form, 'Timeout', 60, 1, 600, 21208) * 1000,
      hangupOnRingMs: null,
    },
  };
}

/**
 * `Record=true`: the whole call from its answer, `RecordingSource=OutboundAPI` (laml.md §1.2, §4).
 * `RecordingTrack` is checked and otherwise ignored: the simulated recording has one track either way.
 */
function recordCall(form: Form): BackgroundRecording {
  const statusCallback = target(form, 'RecordingStatusCallback', 'RecordingStatusCallbackMethod', 21205);
  const channels = oneOf(form, 'RecordingChannels', ['mono', 'dual'], 'mono', 10000);
  oneOf(form, 'RecordingTrack', ['inbound', 'outbound', 'both'], 'both', 10000);
  return { source: 'OutboundAPI', channels: channels === 'dual' ? 2 : 1, callback: statusCallback ? { target: statusCallback, events: recordingEvents(form) } : null };
}

/** `RecordingStatusCallbackEvent`: repeated keys or space-separated, `completed` alone by default. */
function recordingEvents(form: Form): RecordingEvent[] {
  const names = all(form, 'RecordingStatusCallbackEvent').flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
  const unknown = names.filter((name) => !RECORDING_EVENTS.includes(name as RecordingEvent));
  if (unknown.length > 0) throw new LamlApiError(400, 21626, `RecordingStatusCallbackEvent ${unknown.join(', ')} is not one of ${RECORDING_EVENTS.join(', ')}`);
  return names.length === 0 ? ['completed'] : RECORDING_EVENTS.filter((event) => names.includes(event));
}

/**
 * `MachineDetection=Enable|DetectMessageEnd` (laml.md §3.5): the verdict rides on the `Url` request,
 * or with `AsyncAmd=true` goes to `AsyncAmdStatusCallback` while the document runs.
 */
function machineDetection(form: Form): MachineDetection | null {
  const mode = oneOf(form, 'MachineDetection', ['Enable', 'DetectMessageEnd', 'none'], 'none', 21234);
  if (mode === 'none') return null;
  const timeMs = wholeNumber(form, 'MachineDetectionTimeout', 30, 1, 120, 21234) * 1000;
  const blocking = !flag(form, 'AsyncAmd');
  const url = target(form, 'AsyncAmdStatusCallback', 'AsyncAmdStatusCallbackMethod', 21262);
  if (!blocking && !url) throw new LamlApiError(400, 21262, 'AsyncAmd=true needs an AsyncAmdStatusCallback URL');
  return { mode: 'true', timeMs, url: blocking ? null : url, verdicts: { untilMessageEnd: mode === 'DetectMessageEnd', blocking } };
}

function oneOf<T extends string>(form: Form, name: string, allowed: readonly T[], fallback: T, code: number): T {
  const value = optional(form, name) ?? fallback;
  if (!allowed.includes(value as T)) throw new LamlApiError(400, code, `${name} must be one of ${allowed.join(', ')}, not ${value}`);
  return value as T;
}

/** Stands for an inline document where a call's answer URL is kept (docs/laml.md). */
export const INLINE_DOCUMENT_URL = 'inline:';

/** `Status` of `GET …/Calls.json` in the engine's words; `no-answer` also covers a ring timeout. */
export function statusFilter(form: Form): CallStatus | undefined {
  const status = optional(form, 'Status');
  if (status === undefined) return undefined;
  const known: Record<string, CallStatus> = { queued: 'queued', ringing: 'ringing', 'in-progress': 'in-progress', canceled: 'cancel', completed: 'completed', busy: 'busy', failed: 'failed', 'no-answer': 'no-answer' };
  const mapped = known[status];
  if (!mapped) throw new LamlApiError(400, 10000, `Status ${status} is not a call status`);
  return mapped;
}
