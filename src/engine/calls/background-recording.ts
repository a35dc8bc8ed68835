import type { BackgroundRecording, RecordingCallback } from '../../domain/instructions.js';
import { finishedRecordingStatus } from '../../domain/recording.js';
import type { CallSession } from './call-session.js';
import type { CallServices, RecordingResult } from './verb.js';

/** Ends a background recording (once; later calls give the same result). */
export type StopRecording = () => Promise<RecordingResult>;

/**
 * A recording that runs while the call goes on (LaML `Record=true`, `<Dial record>`): stored and
 * announced `in-progress` at once, then `completed` when stopped, or `absent` when it holds under a
 * second of audio (laml.md §4). Each event reaches the status callback if it asked for that event.
 */
export async function startBackgroundRecording(session: CallSession, services: CallServices, request: BackgroundRecording): Promise<StopRecording> {
  const { source, channels } = request;
  const startMs = session.now();
  const pending = await services.saveRecording(session, 0, 'wav', { status: 'in-progress', source, channels });
  session.note('recording', `recording started (${source})`, { recordingId: pending.id });
  await reportRecording(session, services, request.callback, Object.assign({}, pending, { durationMs: 0, startMs, endMs: startMs, digits: '', status: 'in-progress', source, channels } as const));

  let stopped: Promise<RecordingResult> | null = null;
  const finish = async (): Promise<RecordingResult> => {
    const endMs = session.now();
    const durationMs = endMs - startMs;
    const status = finishedRecordingStatus(durationMs);
    const saved = await services.saveRecording(session, durationMs, 'wav', { id: pending.id, status, source, channels });
    const recording: RecordingResult = Object.assign(saved, { durationMs, startMs, endMs, digits: '', status, source, channels });
    session.note('recording', `recording ${status} (${source}): ${Math.round(durationMs / 1000)} s`, { recordingId: saved.id, recordUrl: saved.url });
    await reportRecording(session, services, request.callback, recording);
    return recording;
  };
  return () => (stopped ??= finish());
}

/** The recording status callback, if it asked for the recording's status. */
export async function reportRecording(session: CallSession, services: CallServices, callback: RecordingCallback | null, recording: RecordingResult): Promise<void> {
  if (callback?.events.includes(recording.status)) await services.notify(session, callback.target, services.params.record(session, recording, false));
}
