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
