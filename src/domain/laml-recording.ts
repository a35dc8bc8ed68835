import { LAML_API_VERSION, lamlAccountPath, rfc2822 } from './laml-call.js';
import type { StoredRecording } from './recording.js';

/** Where a LaML recording is shown and downloaded: `RecordingUrl` with no extension (laml.md §1.4, §4). */
export function lamlRecordingPath(accountSid: string, id: string): string {
  return `${lamlAccountPath(accountSid)}/Recordings/${id}`;
}

/** A recording as `GET …/Recordings/{RecordingSid}.json` shows it in the project `accountSid` (SW-OAS `RecordingResponse`). */
export function lamlRecordingRecord(recording: StoredRecording, accountSid: string): Record<string, unknown> {
  const path = lamlRecordingPath(accountSid, recording.id);
  return {
    sid: recording.id,
    account_sid: accountSid,
    api_version: LAML_API_VERSION,
    call_sid: recording.callUuid,
    conference_sid: null,
    channel: recording.channels ?? 1,
    channels: recording.channels ?? 1,
    date_created: rfc2822(recording.startedAt),
    date_updated: rfc2822(recording.updatedAt),
    start_time: rfc2822(recording.startedAt),
    end_time: recording.status === 'in-progress' ? null : rfc2822(recording.startedAt + recording.durationMs),
    duration: recording.status === 'in-progress' ? null : String(Math.round(recording.durationMs / 1000)),
    price: null,
    price_unit: 'USD',
    source: recording.source ?? 'RecordVerb',
    status: recording.status,
    error_code: null,
    encryption_details: null,
    trim: 'do-not-trim',
    media_url: `${path}.wav`,
    uri: `${path}.json`,
    subresource_uris: { transcriptions: `${path}/Transcriptions.json` },
  };
}
