import type { CallbackParams } from '../../domain/callback.js';
import { lamlCallParams } from '../../domain/laml-call.js';
import type { CallSession } from './call-session.js';
import type { DialResult, VoiceParams } from './verb.js';

/**
 * What LaML verbs send on top of the call's standard set (laml.md §3.1, §6.1): `Digits` or
 * `SpeechResult`/`Confidence` from Gather, `RecordingUrl`… from Record, `DialCallStatus`… from Dial.
 */
export const lamlVoiceParams: VoiceParams = {
  answer: (session) => standard(session),
  document: (session) => standard(session),

  collect(session, result) {
    if (result.inputType === 'speech') return { ...standard(session), SpeechResult: result.speech, Confidence: result.speech ? '0.9' : '0' };
    return { ...standard(session), Digits: result.digits };
  },

  // Undocumented by SignalWire; Twilio's names (laml.md §6.1).
  interimSpeech: (session, partial, sequence) => ({
    ...standard(session),
    StableSpeechResult: partial,
    UnstableSpeechResult: '',
    Stability: '0.9',
    SequenceNumber: String(sequence),
  }),

  record(session, recording, withDigits): CallbackParams {
    const durationS = String(Math.round(recording.durationMs / 1000));
    if (withDigits) {
      // The action: `Digits` is the key that ended it, `hangup` when the caller hung up (Twilio).
      const digits = recording.digits || (session.interrupted ? 'hangup' : '');
      return { ...standard(session), RecordingUrl: recording.url, RecordingSid: recording.id, RecordingDuration: durationS, Digits: digits };
    }
    return {
      AccountSid: session.call.accountId,
      CallSid: session.uuid,
      RecordingSid: recording.id,
      RecordingUrl: recording.url,
      RecordingStatus: 'completed',
      RecordingDuration: durationS,
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
    };
  },

  // The recording status set; Twilio names a recording started through its API `StartCallRecordingAPI`.
  apiRecording: (session, recording) => ({ ...lamlVoiceParams.record(session, recording, false), RecordingSource: 'StartCallRecordingAPI' }),

  dialAction: (session, dial) => {
    const params: Record<string, string> = { ...standard(session), DialCallStatus: dialCallStatus(dial) };
    if (dial.bLegUuid) params.DialCallSid = dial.bLegUuid;
    params.DialCallDuration = String(dial.durationS ?? 0);
    return params;
  },

  dialEvent: (session) => standard(session),

  conferenceEvent: (session, event) => ({ ...standard(session), ConferenceSid: event.conferenceUuid, FriendlyName: event.room }),

  conferenceAction: (session, _room, result) => ({ ...standard(session), DialCallStatus: 'answered', ConferenceSid: result.conferenceUuid }),

  // laml.md §3.5: `AnsweredBy` on the asynchronous detection callback.
  machineDetected: (session) => ({ ...standard(session), AnsweredBy: 'machine_start' }),
};

function standard(session: CallSession): Record<string, string> {
  return lamlCallParams(session.call);
}

/** `DialCallStatus` (laml.md §6.1): the engine's outcome in LaML words. */
function dialCallStatus(dial: DialResult): string {
  switch (dial.status) {
    case 'cancel':
      return 'canceled';
    case 'timeout':
      return 'no-answer';
    default:
      return dial.status;
  }
}
