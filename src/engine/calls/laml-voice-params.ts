import type { CallbackParams } from '../../domain/callback.js';
import { lamlCallParams, recordingParams, rfc2822 } from '../../domain/laml-call.js';
import type { CallSession } from './call-session.js';
import type { DialResult, QueueEvent, VoiceParams } from './verb.js';

/**
 * What LaML verbs send on top of the call's standard set (laml.md §3.1, §6.1): `Digits` or
 * `SpeechResult`/`Confidence` from Gather, `RecordingUrl`… from Record, `DialCallStatus`… from Dial.
 * Fields are added to the fresh standard set with `Object.assign`, not spread after it (see
 * plivo-voice-params.ts: V8's slow path for a spread followed by new properties).
 */
export const lamlVoiceParams: VoiceParams = {
  // Blocking machine detection's verdict rides on the first document request (laml.md §3.5).
  answer: (session) => Object.assign(standard(session), answeredBy(session)),
  document: (session) => standard(session),

  collect(session, result) {
    if (result.inputType === 'speech') return Object.assign(standard(session), { SpeechResult: result.speech, Confidence: result.speech ? '0.9' : '0' });
    return Object.assign(standard(session), { Digits: result.digits });
  },

  // Undocumented by SignalWire; Twilio's names (laml.md §6.1).
  interimSpeech: (session, partial, sequence) =>
    Object.assign(standard(session), {
      StableSpeechResult: partial.stable,
      UnstableSpeechResult: partial.unstable,
      Stability: '0.9',
      SequenceNumber: String(sequence),
    }),

  // laml.md §6.1 (`<Sms>`): `sending` once it is on its way, `invalid` when it could not be sent.
  messageAction: (session, messageUuid) => Object.assign(standard(session), { SmsSid: messageUuid ?? '', SmsStatus: messageUuid ? 'sending' : 'invalid' }),

  record(session, recording, withDigits): CallbackParams {
    const durationS = String(Math.round(recording.durationMs / 1000));
    if (withDigits) {
      // The action: `Digits` is the key that ended it, `hangup` when the caller hung up (Twilio).
      const digits = recording.digits || (session.interrupted ? 'hangup' : '');
      return Object.assign(standard(session), { RecordingUrl: recording.url, RecordingSid: recording.id, RecordingDuration: durationS, Digits: digits });
    }
    return {
      AccountSid: session.call.accountId,
      CallSid: session.uuid,
      RecordingSid: recording.id,
      RecordingUrl: recording.url,
      RecordingStatus: recording.status,
      RecordingDuration: durationS,
      RecordingChannels: String(recording.channels),
      RecordingSource: recording.source,
    };
  },

  // The recording status set; Twilio names a recording started through its API `StartCallRecordingAPI`.
  apiRecording: (session, recording) => Object.assign(lamlVoiceParams.record(session, recording, false), { RecordingSource: 'StartCallRecordingAPI' }),

  dialAction: (session, dial) => {
    const params = Object.assign(standard(session), { DialCallStatus: dialCallStatus(dial) });
    if (dial.bLegUuid) params.DialCallSid = dial.bLegUuid;
    params.DialCallDuration = String(dial.durationS ?? 0);
    if (dial.recording) Object.assign(params, recordingParams(dial.recording.id, dial.recording.url, dial.recording.durationMs));
    return params;
  },

  dialEvent: (session) => standard(session),

  // The room's status callback (laml.md §6.1, SignalWire's Conference noun): the member whose call caused
  // the event, its settings, and the room's own SequenceNumber.
  conferenceEvent: (session, event) =>
    Object.assign(standard(session), {
      ConferenceSid: event.conferenceUuid,
      FriendlyName: event.room,
      StatusCallbackEvent: CONFERENCE_EVENT_NAMES[event.action],
      Timestamp: rfc2822(session.now()),
      SequenceNumber: String(event.sequence),
      Muted: String(event.muted),
      Hold: 'false',
      Coaching: 'false',
      EndConferenceOnExit: String(event.endOnExit),
      StartConferenceOnEnter: String(event.startOnEnter),
    }),

  conferenceAction: (session, _room, result) => Object.assign(standard(session), { DialCallStatus: 'answered', ConferenceSid: result.conferenceUuid }),

  // laml.md §3.5: Twilio's asynchronous detection callback, `AsyncAmdStatusCallback`.
  machineDetected: (session) => ({ AccountSid: session.call.accountId, CallSid: session.uuid, ...answeredBy(session) }),

  queue: queueParams,
};

/** laml.md §6.1: `<Enqueue waitUrl>`, its `action`, and the `<Queue url>` of the Dial that dequeues. */
function queueParams(session: CallSession, event: QueueEvent): CallbackParams {
  const params = Object.assign(standard(session), { QueueSid: event.queueUuid, QueueTime: String(Math.round(event.waitedMs / 1000)) });
  switch (event.kind) {
    case 'wait':
      return Object.assign(params, { QueuePosition: String(event.position), AvgQueueTime: String(Math.round(event.averageWaitMs / 1000)), CurrentQueueSize: String(event.size) });
    case 'left':
      return Object.assign(params, { QueueResult: event.result });
    case 'dequeued':
      return Object.assign(params, { DequeingCallSid: event.dequeuedBy });
  }
}

const CONFERENCE_EVENT_NAMES = { enter: 'participant-join', exit: 'participant-leave', start: 'conference-start', end: 'conference-end' } as const;

function answeredBy(session: CallSession): Record<string, string> {
  const detected = session.call.answeredBy;
  return detected ? { AnsweredBy: detected.verdict, MachineDetectionDuration: String(detected.afterMs) } : {};
}

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
