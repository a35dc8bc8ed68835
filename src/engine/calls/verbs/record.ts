import { FAR_END_TALK_MS } from '../../../domain/call-far-end.js';
import type { RecordingCallback, RecordInstruction } from '../../../domain/instructions.js';
import { finishedRecordingStatus } from '../../../domain/recording.js';
import { reportRecording } from '../background-recording.js';
import { CONTINUE, HUNG_UP, type RecordingResult, type VerbContext, type VerbOutcome, type VerbRunner } from '../verb.js';
import { requestAction } from './action.js';

/**
 * Records the far end: it talks for a few seconds, then the recording stops after `timeout` of silence,
 * at `maxLength`, or when the far end presses the finish key. The file is real audio that hookline
 * serves at the `RecordUrl` it reports. On a hangup the recording is still saved and reported to
 * `callbackUrl`.
 */
export const record: VerbRunner<RecordInstruction> = async (instruction, context) => {
  if (instruction.wholeCall) return recordWholeCall(instruction, context);
  const { session, services } = context;
  const callback = recordingCallback(instruction);
  const startMs = session.now();
  const announced = await announce(context, instruction, callback);
  const stopAt = startMs + Math.min(instruction.maxLengthMs, FAR_END_TALK_MS + instruction.silenceTimeoutMs);
  let digits = '';
  let hungUp = false;
  while (session.now() < stopAt) {
    const waited = await session.wait(stopAt - session.now(), true);
    if (waited === 'time') break;
    if (waited === 'hangup') {
      hungUp = true;
      break;
    }
    let key = session.takeDigit();
    for (; key !== null && !instruction.finishOnKey.includes(key); key = session.takeDigit());
    session.takeSpeech();
    if (key !== null) {
      digits = key;
      break;
    }
  }
  const endMs = session.now();
  const status = finishedRecordingStatus(endMs - startMs);
  const saved = await services.saveRecording(session, endMs - startMs, instruction.fileFormat, { ...(announced ? { id: announced } : {}), status, source: 'RecordVerb', channels: 1 });
  const recording: RecordingResult = Object.assign(saved, { durationMs: endMs - startMs, startMs, endMs, digits, status, source: 'RecordVerb', channels: 1 } as const);
  session.note('recording', `recorded ${Math.round(recording.durationMs / 1000)} s`, { recordingId: saved.id, recordUrl: saved.url });
  await reportRecording(session, services, callback, recording);
  if (hungUp) return HUNG_UP;
  if (!instruction.action) return CONTINUE;
  return requestAction(context, instruction.action, instruction.redirect, services.params.record(session, recording, true));
};

/**
 * `recordSession` / `startOnDialAnswer`: the rest of the call is recorded in the background and the
 * next element runs at once. The action hears of it now with durations of -1; the file and its real
 * length go to `callbackUrl` when the call ends (plivo.md §2.3).
 */
async function recordWholeCall(instruction: RecordInstruction, context: VerbContext): Promise<VerbOutcome> {
  const { session, services } = context;
  const startMs = session.now();
  const pending = await services.saveRecording(session, 0, instruction.fileFormat, { status: 'in-progress' });
  session.note('recording', 'recording the rest of the call', { recordingId: pending.id });
  session.atEnd(async () => {
    const endMs = session.now();
    const saved = await services.saveRecording(session, endMs - startMs, instruction.fileFormat, { id: pending.id });
    const recording: RecordingResult = Object.assign(saved, { durationMs: endMs - startMs, startMs, endMs, digits: '', status: 'completed', source: 'RecordVerb', channels: 1 } as const);
    session.note('recording', `recorded the call: ${Math.round(recording.durationMs / 1000)} s`, { recordingId: saved.id, recordUrl: saved.url });
    if (instruction.callback) await services.notify(session, instruction.callback, services.params.record(session, recording, false));
  });
  if (!instruction.action) return CONTINUE;
  const running = Object.assign({}, pending, { durationMs: -1, startMs: -1, endMs: -1, digits: '', status: 'in-progress', source: 'RecordVerb', channels: 1 } as const);
  const params = Object.assign(services.params.record(session, running, true), { RecordingDuration: '-1' });
  return requestAction(context, instruction.action, false, params);
}

function recordingCallback(instruction: RecordInstruction): RecordingCallback | null {
  return instruction.callback ? { target: instruction.callback, events: instruction.callbackEvents } : null;
}

/**
 * A recording whose callback asked for `in-progress` is stored and announced as it starts; the id it
 * was given, or null when nobody asked.
 */
async function announce(context: VerbContext, instruction: RecordInstruction, callback: RecordingCallback | null): Promise<string | null> {
  if (!callback?.events.includes('in-progress')) return null;
  const { session, services } = context;
  const now = session.now();
  const pending = await services.saveRecording(session, 0, instruction.fileFormat, { status: 'in-progress', source: 'RecordVerb', channels: 1 });
  await reportRecording(session, services, callback, Object.assign(pending, { durationMs: 0, startMs: now, endMs: now, digits: '', status: 'in-progress', source: 'RecordVerb', channels: 1 } as const));
  return pending.id;
}
