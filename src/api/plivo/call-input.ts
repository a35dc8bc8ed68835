import type { HttpMethod } from '../../domain/callback.js';
import type { UrlTarget } from '../../domain/instructions.js';
import { digitsOf, isE164, splitDestinations } from '../../domain/phone-numbers.js';
import type { MachineDetection } from '../../domain/plivo-call.js';
import type { CallFilter, NewOutboundCall } from '../../engine/calls/call-engine.js';
import { PlivoApiError } from './errors.js';
import { httpUrl, optionalFlag, optionalMethod, optionalText, pageOf, paramsOf, requiredText, wholeNumber, type Params } from './params.js';

/**
 * `POST Call/` parameters as the SDKs send them (plivo.md §1.1), parsed into one request per destination
 * or refused with Plivo's 400 naming the parameter; nothing starts unless all of it is good.
 */

/** Destinations in one request (plivo.md §1.1: "max 1000 unique destinations"). */
const MAX_DESTINATIONS = 1000;
const SIP_URI = /^sip:[^\s@]+@[^\s@]+$/;
/** machine_detection_* tuning and the ranges Plivo's Make a call reference allows (plivo.md §1.1). */
const DETECTOR_TUNING: ReadonlyArray<readonly [string, number, number]> = [
  ['machine_detection_maximum_speech_length', 1000, 6000],
  ['machine_detection_initial_silence', 2000, 10_000],
  ['machine_detection_maximum_words', 2, 10],
  ['machine_detection_initial_greeting', 1000, 5000],
];
const SIP_HEADER = /^([A-Za-z0-9]+)=([A-Za-z0-9%]*)$/;

export function parseMakeCall(accountId: string, parentAuthId: string, body: unknown): NewOutboundCall[] {
  const fields = paramsOf(body);
  const from = requiredText(fields, 'from');
  if (!isE164(from)) throw new PlivoApiError(400, `from "${from}" is not a phone number (E.164 digits, with or without +)`);
  const to = destinations(requiredText(fields, 'to'));
  if (to.includes(digitsOf(from))) throw new PlivoApiError(400, 'src and destination cannot overlap');
  const answerUrl = target(fields, 'answer_url', 'answer_method');
  if (!answerUrl) throw new PlivoApiError(400, 'answer_url parameter is missing');
  const callerName = optionalText(fields, 'caller_name') ?? '';
  if (callerName.length > 50) throw new PlivoApiError(400, 'caller_name must be at most 50 characters');
  const timeLimitS = Math.min(wholeNumber(fields, 'time_limit', 14_400, 1, Number.MAX_SAFE_INTEGER), 86_400);
  const hangupOnRing = optionalText(fields, 'hangup_on_ring') === undefined ? null : wholeNumber(fields, 'hangup_on_ring', 0, 0, 86_400) * 1000;
  const common = {
    accountId,
    parentAuthId,
    from: digitsOf(from),
    callerName,
    answerUrl,
    fallbackUrl: target(fields, 'fallback_url', 'fallback_method'),
    ringUrl: target(fields, 'ring_url', 'ring_method'),
    hangupUrl: target(fields, 'hangup_url', 'hangup_method'),
    machineDetection: machineDetection(fields),
    timeLimitMs: timeLimitS * 1000,
    ringTimeoutMs: wholeNumber(fields, 'ring_timeout', 120, 1, 86_400) * 1000,
    hangupOnRingMs: hangupOnRing,
    ...sipHeaders(fields),
    ...sendDigits(fields),
  };
  return to.map((destination) => ({ ...common, to: destination }));
}

/**
 * `GET Call/` filters: `call_direction`; `from_number` and `to_number`, "the exact number or the
 * prefix"; `parent_call_uuid`, the B legs of that A leg (Plivo's "Retrieve all calls").
 */
export function parseCallFilter(query: unknown): { filter: CallFilter; limit: number; offset: number } {
  const fields = paramsOf(query);
  const direction = optionalText(fields, 'call_direction');
  if (direction !== undefined && direction !== 'inbound' && direction !== 'outbound') throw new PlivoApiError(400, `call_direction "${direction}" is not inbound or outbound`);
  // Numbers are kept without their +, as the API takes them either way.
  const fromPrefix = optionalText(fields, 'from_number')?.replace(/^\+/, '');
  const toPrefix = optionalText(fields, 'to_number')?.replace(/^\+/, '');
  const parentCallUuid = optionalText(fields, 'parent_call_uuid');
  // Plivo's list is of call records: "details of all completed calls"; live ones have ?status=live.
  const filter: CallFilter = { ended: true, ...(direction ? { direction } : {}), ...(fromPrefix ? { fromPrefix } : {}), ...(toPrefix ? { toPrefix } : {}), ...(parentCallUuid ? { parentCallUuid } : {}) };
  return { filter, ...pageOf(fields) };
}

function destinations(to: string): string[] {
  const all = [...new Set(splitDestinations(to))];
  if (all.length > MAX_DESTINATIONS) throw new PlivoApiError(400, `to has ${all.length} destinations; at most ${MAX_DESTINATIONS} in one request`);
  for (const destination of all) {
    if (!isE164(destination) && !SIP_URI.test(destination)) throw new PlivoApiError(400, `to "${destination}" is neither a phone number nor a sip: URI`);
  }
  return all.map((destination) => (destination.startsWith('sip:') ? destination : digitsOf(destination)));
}

function target(fields: Params, urlName: string, methodName: string): UrlTarget | null {
  const url = optionalText(fields, urlName);
  const method: HttpMethod = optionalMethod(fields, methodName) ?? 'POST';
  return url === undefined ? null : { url: httpUrl(urlName, url), method };
}

/**
 * `sip_headers`: `name=value` pairs joined by commas, names of letters and digits, values of those and
 * `%` (Plivo's "Pass custom SIP headers" guide); each later reaches the app as `X-PH-<name>`.
 */
function sipHeaders(fields: Params): { sipHeaders?: Record<string, string> } {
  const given = optionalText(fields, 'sip_headers');
  if (given === undefined) return {};
  const headers: Record<string, string> = {};
  for (const pair of given.split(',')) {
    const [, name, value] = SIP_HEADER.exec(pair.trim()) ?? [];
    if (name === undefined || value === undefined) {
      throw new PlivoApiError(400, `sip_headers "${pair}" is not name=value with a name of letters and digits and a value of letters, digits and %`);
    }
    headers[name] = value;
  }
  return { sipHeaders: headers };
}

/**
 * `send_digits`: keys, `w` (0.5 s) and `W` (1 s) pauses, and an optional `@` with the tone length in
 * ms (`123@1000`); played once the call is answered, or while it rings with `send_on_preanswer`.
 */
function sendDigits(fields: Params): { sendDigits?: { digits: string; onPreanswer: boolean } } {
  const digits = optionalText(fields, 'send_digits');
  const onPreanswer = optionalFlag(fields, 'send_on_preanswer') ?? false;
  if (digits === undefined) return {};
  if (!/^[0-9*#wW]+(@\d+)?$/.test(digits)) throw new PlivoApiError(400, `send_digits "${digits}" may hold only 0-9, *, #, w and W, then @ and a tone length in ms`);
  return { sendDigits: { digits, onPreanswer } };
}

function machineDetection(fields: Params): MachineDetection | null {
  const mode = optionalText(fields, 'machine_detection')?.toLowerCase();
  if (mode === undefined || mode === 'false') return null;
  if (mode !== 'true' && mode !== 'hangup') throw new PlivoApiError(400, `machine_detection "${mode}" is not true or hangup`);
  // The detector's tuning only shapes a real detector's guesses; the far end here says what it is,
  // but values outside the ranges Plivo documents are refused as Plivo refuses them (plivo.md §1.1).
  for (const [name, min, max] of DETECTOR_TUNING) wholeNumber(fields, name, min, min, max);
  return {
    mode,
    timeMs: wholeNumber(fields, 'machine_detection_time', 5000, 2000, 10_000),
    url: target(fields, 'machine_detection_url', 'machine_detection_method'),
  };
}
