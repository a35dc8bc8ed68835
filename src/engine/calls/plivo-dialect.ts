import { hangupCallbackParams, ringParams } from '../../domain/plivo-call.js';
import { readPlivoDocument } from '../../xml/plivo-instructions.js';
import { plivoVoiceParams } from './plivo-voice-params.js';
import { documentFailureHangup, type CallNotification, type VoiceDialect } from './voice-dialect.js';

/**
 * Plivo voice (plivo.md §1–§2): Plivo XML, `Event=StartApp` on the answer URL, ring_url and hangup_url
 * as the call's notifications, hangup causes 7011–8014 when a document fails, no fallback extras.
 */
export const plivoDialect: VoiceDialect = {
  name: 'plivo',
  signing: 'plivo',
  documentProfile: 'plivo-voice',
  notificationProfile: 'plivo-voice',
  params: plivoVoiceParams,
  // The suffix says the format, as on Plivo's own media URLs (`…/{id}.mp3`, plivo.md §2.3 Record).
  recordingUrl: (publicUrl, _lamlAccountSid, recordingId, format) => `${publicUrl}/media/recordings/${recordingId}.${format}`,

  readDocument(body) {
    const read = readPlivoDocument(body);
    return read.ok ? read : { ok: false, reason: read.error.message };
  },

  // Plivo documents nothing for audio served as another type: its length is estimated as ever.
  unplayableAudio: () => null,

  fallbackParams: () => ({}),

  documentFailure: (role, failure) => ({ hangup: documentFailureHangup(role, failure), code: null }),

  changed(call, change) {
    const notifications: CallNotification[] = [];
    if (change === 'ringing' && call.ringUrl) notifications.push({ target: call.ringUrl, params: ringParams(call) });
    if (change === 'ended' && call.hangupUrl) notifications.push({ target: call.hangupUrl, params: hangupCallbackParams(call) });
    return { call, notifications };
  },
};
