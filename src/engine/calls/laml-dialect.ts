import type { DocumentFailure } from '../../delivery/document-fetcher.js';
import { lamlStatusCallback } from '../../domain/laml-call.js';
import { INVALID_CONTENT_TYPE, invalidContentType, lamlBodyKind, PLAY_NOT_AUDIO, playableType } from '../../domain/laml-content-type.js';
import type { Instruction, InstructionSource } from '../../domain/instructions.js';
import { lamlRecordingPath } from '../../domain/laml-recording.js';
import { readLamlDocument } from '../../xml/laml-instructions.js';
import { lamlVoiceParams } from './laml-voice-params.js';
import { documentFailureHangup, type ReadDocument, type VoiceDialect } from './voice-dialect.js';

/**
 * SignalWire's LaML (Twilio-compatible): LaML documents under the `laml-document` policy (no retry,
 * straight to the fallback with `ErrorCode`/`ErrorUrl`), `StatusCallback` for the events the call
 * asked for, signed `X-SignalWire-Signature`/`X-Twilio-Signature` (laml.md §2, §3).
 */
export const lamlDialect: VoiceDialect = {
  name: 'laml',
  signing: 'laml',
  documentProfile: 'laml-document',
  notificationProfile: 'laml-status',
  params: lamlVoiceParams,
  // The Recordings resource without a suffix, as SignalWire's media (laml.md §1.4): it serves the WAV
  // without credentials, and the MP3 when the app appends `.mp3`. LaML's <Record> has no format.
  recordingUrl: (publicUrl, accountSid, recordingId) => `${publicUrl}${lamlRecordingPath(accountSid, recordingId)}`,

  readDocument: readLamlResponse,

  unplayableAudio: (contentType) => (playableType(contentType) ? null : PLAY_NOT_AUDIO),

  fallbackParams: (failure) => ({ ErrorCode: lamlErrorCode(failure), ErrorUrl: failure.url }),

  // The engine's causes (ADR 0006); the timeline names the LaML error.
  documentFailure: (role, failure) => ({ hangup: documentFailureHangup(role, failure), code: lamlErrorCode(failure) }),

  changed(call, change, now) {
    const { call: counted, callback } = lamlStatusCallback(call, change, now);
    return { call: counted, notifications: callback ? [callback] : [] };
  },
};

/** SignalWire's webhook error codes (laml.md §2.3). */
export function lamlErrorCode(failure: DocumentFailure): string {
  switch (failure.outcome.kind) {
    case 'rejected':
      return failure.outcome.code ?? '12100';
    case 'response-too-large':
      return '11750';
    case 'too-many-redirects':
      return '11215';
    case 'http-status':
      return '11217';
    default:
      return '11200';
  }
}

/** Where the instructions of a response that is not a document come from, for the timeline. */
const WHOLE_RESPONSE: Omit<InstructionSource, 'element'> = { line: 1, column: 1 };

/**
 * A voice response as its Content-Type makes it (domain/laml-content-type.ts): a document is read as
 * LaML; audio is played and the call hung up; plain text is said and the call hung up (Twilio's
 * "Your Response"); anything else is refused with 12300.
 */
function readLamlResponse(body: string, documentUrl: string, contentType: string | null): ReadDocument {
  const hangUp: Instruction = { kind: 'hangup', source: { element: 'Hangup', ...WHOLE_RESPONSE }, reason: null, scheduleMs: null, answersFirst: true, rejectsUnanswered: false };
  switch (lamlBodyKind(contentType, body)) {
    case 'laml': {
      const read = readLamlDocument(body, documentUrl);
      if (read.ok) return read;
      return { ok: false, reason: read.error.message, ...(read.error.code ? { code: String(read.error.code) } : {}) };
    }
    case 'audio':
      return { ok: true, instructions: [{ kind: 'play', source: { element: 'Play', ...WHOLE_RESPONSE }, url: documentUrl, loop: 1 }, hangUp], warnings: [] };
    case 'text':
      return {
        ok: true,
        instructions: [{ kind: 'speak', source: { element: 'Say', ...WHOLE_RESPONSE }, text: body.trim(), voice: 'woman', language: 'en-US', loop: 1 }, hangUp],
        warnings: [],
      };
    case 'unsupported':
      return { ok: false, reason: invalidContentType(contentType), code: INVALID_CONTENT_TYPE };
  }
}
