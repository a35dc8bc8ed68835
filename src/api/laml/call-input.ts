import { IGNORED_STATUS_EVENTS, LAML_API_VERSION, parseStatusEvents } from '../../domain/laml-call.js';
import { isE164 } from '../../domain/phone-numbers.js';
import type { CallStatus } from '../../domain/plivo-call.js';
import type { NewOutboundCall } from '../../engine/calls/call-engine.js';
import { LamlApiError } from './errors.js';
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
  flag(form, 'Record');
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
      machineDetection: null,
      timeLimitMs: wholeNumber(form, 'TimeLimit', 14_400, 1, 86_400, 10000) * 1000,
      ringTimeoutMs: wholeNumber(form, 'Timeout', 60, 1, 600, 21208) * 1000,
      hangupOnRingMs: null,
    },
  };
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
