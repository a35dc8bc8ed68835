import type { CallbackParams } from '../../domain/callback.js';
import { hangupCauseInfo } from '../../domain/hangup-causes.js';
import { answerParams, callParams, sipHeaderParams } from '../../domain/plivo-call.js';
import type { VoiceParams } from './verb.js';

/**
 * What Plivo's elements send (plivo.md §2.3) on top of the call's standard set. `Event` on action and
 * Redirect requests is undocumented; `Redirect` is what they carry here (docs/plivo-voice.md).
 *
 * Each builder adds its fields to the fresh set `callParams` returns (`Object.assign`), never as
 * `{ ...callParams(…), Field: … }`: on Node 20's V8 a spread followed by properties the source lacks
 * takes a slow path that cost 16 µs for six fields (docs/benchmarks.md, 2026-12-06 afternoon).
 */
export const plivoVoiceParams: VoiceParams = {
  answer: (session) => answerParams(session.call),

  document: (session) => callParams(session.call, 'Redirect'),

  collect(session, result, element) {
    const base = callParams(session.call, 'Redirect');
    if (element === 'GetDigits') return Object.assign(base, { Digits: result.digits });
    return Object.assign(base, {
      InputType: result.inputType,
      Digits: result.digits,
      Speech: result.speech,
      SpeechConfidenceScore: result.inputType === 'speech' ? '0.9' : '',
      BilledAmount: '0.00000',
    });
  },

  interimSpeech: (session, partial, sequence) =>
    Object.assign(callParams(session.call, 'Redirect'), {
      StableSpeech: partial.stable,
      UnstableSpeech: partial.unstable,
      Stability: '0.9',
      SequenceNumber: String(sequence),
    }),

  // Plivo's <Message> has no action; the call's set, should one ever be asked.
  messageAction: (session) => callParams(session.call, 'Redirect'),

  record(session, recording, withDigits) {
    const params = Object.assign(callParams(session.call, withDigits ? 'Redirect' : 'Record'), {
      RecordUrl: recording.url,
      RecordingID: recording.id,
      RecordingDuration: String(Math.round(recording.durationMs / 1000)),
      RecordingDurationMs: String(recording.durationMs),
      RecordingStartMs: String(recording.startMs),
      RecordingEndMs: String(recording.endMs),
    });
    if (withDigits) params.Digits = recording.digits;
    return params;
  },

  // The Record API's callback_url gets its own snake_case set (plivo.md §1.9; Plivo's "Start recording
  // a call" page: api_id, record_url, call_uuid, recording_id, recording_duration(_ms), recording_start_ms, recording_end_ms).
  apiRecording: (session, recording, apiId) => ({
    api_id: apiId,
    record_url: recording.url,
    call_uuid: session.uuid,
    recording_id: recording.id,
    recording_duration: String(Math.round(recording.durationMs / 1000)),
    recording_duration_ms: String(recording.durationMs),
    recording_start_ms: String(recording.startMs),
    recording_end_ms: String(recording.endMs),
  }),

  dialAction: (session, dial) =>
    Object.assign(callParams(session.call, 'Redirect'), {
      DialStatus: dial.status,
      DialRingStatus: String(dial.rang),
      DialHangupCause: dial.hangupCause,
      DialALegUUID: session.uuid,
      DialBLegUUID: dial.bLegUuid ?? '',
    }),

  dialEvent(session, event) {
    const params: Record<string, string> = Object.assign(callParams(session.call, DIAL_EVENTS[event.action]), {
      DialAction: event.action,
      DialBLegStatus: event.bLegStatus,
      DialALegUUID: session.uuid,
      DialBLegUUID: event.bLegUuid,
      DialBLegFrom: event.from,
      DialBLegTo: event.to,
    });
    if (event.hangup) {
      const info = hangupCauseInfo(event.hangup.code);
      params.DialBLegDuration = String(event.durationS ?? 0);
      params.DialBLegBillDuration = String(Math.ceil((event.durationS ?? 0) / 60) * 60);
      params.DialBLegHangupCause = info.legacy;
      params.DialBLegHangupCauseName = info.name;
      params.DialBLegHangupCauseCode = String(event.hangup.code);
      params.DialBLegHangupSource = event.hangup.source;
    }
    if (event.digits) {
      params.DialDigitsMatch = event.digits;
      params.DialDigitsPressedBy = event.pressedBy ?? 'ALeg';
    }
    return params;
  },

  conferenceEvent: (session, event): CallbackParams =>
    Object.assign(callParams(session.call, 'Conference'), {
      ConferenceAction: event.action,
      ConferenceName: event.room,
      ConferenceUUID: event.conferenceUuid,
      ConferenceMemberID: event.memberId,
    }),

  conferenceAction: (session, room, result) =>
    Object.assign(callParams(session.call, 'Redirect'), {
      ConferenceName: room,
      ConferenceUUID: result.conferenceUuid,
      ConferenceMemberID: result.memberId,
      RecordUrl: '',
      RecordingID: '',
    }),

  // plivo.md §1.4: the fields of a machine_detection_url request.
  machineDetected: (session) => ({
    CallUUID: session.uuid,
    RequestUUID: session.call.requestUuid,
    From: session.call.from,
    To: session.call.to,
    Direction: session.call.direction,
    CallStatus: session.call.status,
    Event: 'MachineDetection',
    Machine: 'true',
    ...sipHeaderParams(session.call),
  }),

  // Plivo XML has no queues: its documents never ask. The call's standard set, should one.
  queue: (session) => callParams(session.call, 'Redirect'),
};

/** Only `DialHangup` is named in Plivo's docs; the others follow its pattern. */
const DIAL_EVENTS = { answer: 'DialAnswer', connected: 'DialConnected', hangup: 'DialHangup', digits: 'DialDigitsMatch' } as const;
