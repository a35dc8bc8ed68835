import { FAR_END_TALK_MS } from '../../../domain/call-far-end.js';
import type { RecordInstruction } from '../../../domain/instructions.js';
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
  const startMs = session.now();
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
  const saved = await services.saveRecording(session, endMs - startMs, instruction.fileFormat);
  const recording: RecordingResult = { ...saved, durationMs: endMs - startMs, startMs, endMs, digits };
  session.note('recording', `recorded ${Math.round(recording.durationMs / 1000)} s`, { recordingId: saved.id, recordUrl: saved.url });
  if (instruction.callback) await services.notify(session, instruction.callback, services.params.record(session, recording, false));
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
  const pending = await services.saveRecording(session, 0, instruction.fileFormat, undefined, 'in-progress');
  session.note('recording', 'recording the rest of the call', { recordingId: pending.id });
  session.atEnd(async () => {
    const endMs = session.now();
    const saved = await services.saveRecording(session, endMs - startMs, instruction.fileFormat, pending.id);
    const recording: RecordingResult = { ...saved, durationMs: endMs - startMs, startMs, endMs, digits: '' };
    session.note('recording', `recorded the call: ${Math.round(recording.durationMs / 1000)} s`, { recordingId: saved.id, recordUrl: saved.url });
    if (instruction.callback) await services.notify(session, instruction.callback, services.params.record(session, recording, false));
  });
  if (!instruction.action) return CONTINUE;
  const params = { ...services.params.record(session, { ...pending, durationMs: -1, startMs: -1, endMs: -1, digits: '' }, true), RecordingDuration: '-1' };
  return requestAction(context, instruction.action, false, params);
}
