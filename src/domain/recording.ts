import type { RecordingSource } from './instructions.js';

/**
 * A recording's record, kept beside its audio file so the LaML Recordings resource can list and show
 * it (laml.md §1.4). Clock times in ms.
 */
export interface StoredRecording {
  readonly id: string;
  readonly accountId: string;
  readonly callUuid: string;
  /**
   * `in-progress` while a whole-call recording runs; `completed` once its file holds the audio; `absent`
   * when it ended with no audio (under a second).
   */
  readonly status: RecordingStatus;
  readonly durationMs: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** What started it; absent on records stored before recordings had one (all `<Record>`'s). */
  readonly source?: RecordingSource;
  readonly channels?: 1 | 2;
}

export type RecordingStatus = 'in-progress' | 'completed' | 'absent';

/** Shorter than this, a recording holds nothing worth keeping: `absent` (laml.md §4). */
export const SHORTEST_RECORDING_MS = 1_000;

export function finishedRecordingStatus(durationMs: number): RecordingStatus {
  return durationMs < SHORTEST_RECORDING_MS ? 'absent' : 'completed';
}

export const RECORDING_RESOURCE = 'recording';

/** The formats a recording is served in: Plivo's `fileFormat`/`file_format`, LaML's media suffix. */
export type RecordingFormat = 'mp3' | 'wav';

/**
 * The media types recordings are served with, as Twilio documents them for its Recording media
 * (`audio/x-wav` without a suffix or with `.wav`, `audio/mpeg` with `.mp3`); Plivo names none, so its
 * files are served the same way.
 */
export const RECORDING_MEDIA_TYPE: Readonly<Record<RecordingFormat, string>> = { mp3: 'audio/mpeg', wav: 'audio/x-wav' };
