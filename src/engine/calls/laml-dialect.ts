import type { DocumentFailure } from '../../delivery/document-fetcher.js';
import { lamlStatusCallback } from '../../domain/laml-call.js';
import { lamlRecordingPath } from '../../domain/laml-recording.js';
import { readLamlDocument } from '../../xml/laml-instructions.js';
import { lamlVoiceParams } from './laml-voice-params.js';
import { documentFailureHangup, type VoiceDialect } from './voice-dialect.js';

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
  recordingUrl: (publicUrl, accountId, recordingId) => `${publicUrl}${lamlRecordingPath(accountId, recordingId)}`,

  readDocument(body, documentUrl) {
    const read = readLamlDocument(body, documentUrl);
    return read.ok ? read : { ok: false, reason: read.error.message };
  },

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
      return '12100';
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
