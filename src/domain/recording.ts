/**
 * A recording's record, kept beside its audio file so the LaML Recordings resource can list and show
 * it (laml.md §1.4). Clock times in ms.
 */
export interface StoredRecording {
  readonly id: string;
  readonly accountId: string;
  readonly callUuid: string;
  /** `in-progress` while a whole-call recording runs; `completed` once its file holds the audio. */
  readonly status: 'in-progress' | 'completed';
  readonly durationMs: number;
  readonly startedAt: number;
  readonly updatedAt: number;
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
