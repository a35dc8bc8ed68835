import type { FastifyInstance, FastifyRequest } from 'fastify';
import { lamlAccountPath } from '../../domain/laml-call.js';
import { lamlRecordingRecord } from '../../domain/laml-recording.js';
import { RECORDING_MEDIA_TYPE, type RecordingFormat } from '../../domain/recording.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import type { RecordingRecords } from '../../engine/calls/recording-records.js';
import type { Recordings } from '../../engine/calls/recordings.js';
import type { Account } from '../../store/ports.js';
import { accountOf } from './context.js';
import { notFound } from './errors.js';
import { formOf, listPage, readPage, sidOf } from './params.js';

export interface LamlRecordingDeps {
  /** The account a media URL's `AccountSid` names: it is fetched without credentials. */
  readonly accountNamed: (accountSid: string) => Account | undefined;
  readonly records: RecordingRecords;
  readonly files: Recordings;
  readonly calls: CallEngine;
}

/** `Recordings/{sid}`, `Recordings/{sid}.wav` and `Recordings/{sid}.mp3`: the audio itself. */
const MEDIA = /\/Recordings\/([0-9a-f-]{36})(\.wav|\.mp3)?$/;

/**
 * The audio is public, as a carrier's media URL is: the app downloads `RecordingUrl` with no
 * credentials, and the UUID is what keeps it private (laml.md §1.4).
 */
export function isRecordingMedia(request: FastifyRequest): boolean {
  return request.method === 'GET' && MEDIA.test(request.url.split('?')[0] ?? '');
}

/**
 * LaML recordings (laml.md §1.4): list the project's or one call's, fetch one (`.json`), and download
 * its audio: WAV with no suffix or `.wav`, MP3 with `.mp3`, as SignalWire and Twilio document it.
 */
export function lamlRecordingRoutes(instance: FastifyInstance, deps: LamlRecordingDeps): void {
  const page = async (request: FastifyRequest, account: Account, path: string, callUuid?: string) => {
    const { items, position } = await readPage(formOf(request.query), async (window) => {
      const { recordings, total } = await deps.records.list(account.id, callUuid ? { callUuid } : {}, window);
      return { items: recordings, total };
    });
    return { ...listPage(path, position), recordings: items.map((recording) => lamlRecordingRecord(recording, account.lamlProjectId)) };
  };

  for (const path of ['/Recordings', '/Recordings.json']) {
    instance.get(path, async (request) => {
      const account = accountOf(request);
      return page(request, account, `${lamlAccountPath(account.lamlProjectId)}/Recordings.json`);
    });
  }

  for (const path of ['/Calls/:sid/Recordings', '/Calls/:sid/Recordings.json']) {
    instance.get<{ Params: { sid: string } }>(path, async (request) => {
      const account = accountOf(request);
      const call = await deps.calls.get(account.id, request.params.sid);
      if (!call) throw notFound('Calls', request.params.sid);
      return page(request, account, `${lamlAccountPath(account.lamlProjectId)}/Calls/${call.uuid}/Recordings.json`, call.uuid);
    });
  }

  instance.get<{ Params: { accountSid: string; sid: string } }>('/Recordings/:sid', async (request, reply) => {
    const media = MEDIA.exec(request.url.split('?')[0] ?? '');
    if (!media) {
      const account = accountOf(request);
      const sid = sidOf(request.params.sid);
      const recording = await deps.records.get(account.id, sid);
      if (!recording) throw notFound('Recordings', sid);
      return lamlRecordingRecord(recording, account.lamlProjectId);
    }
    const [, sid, extension] = media as unknown as [string, string, string | undefined];
    const format: RecordingFormat = extension === '.mp3' ? 'mp3' : 'wav';
    const owner = deps.accountNamed(request.params.accountSid);
    const recording = owner ? await deps.records.get(owner.id, sid) : null;
    const file = recording ? await deps.files.read(sid, format) : null;
    if (!file) throw notFound('Recordings', sid);
    return reply.type(RECORDING_MEDIA_TYPE[format]).header('content-length', file.length).send(file);
  });
}
