import type { FastifyInstance } from 'fastify';
import { RECORDING_MEDIA_TYPE, type RecordingFormat } from '../domain/recording.js';
import type { Recordings } from '../engine/calls/recordings.js';
import { ApiError } from './errors.js';

/**
 * Recordings as the app downloads them from `RecordUrl`: public like a carrier's media URL (the id is
 * an unguessable UUID), so the app needs no credentials, and outside the control API's token. The
 * suffix is the format: `.mp3` (Plivo's default `fileFormat`) or `.wav`.
 */
export function registerRecordingMedia(server: FastifyInstance, recordings: Recordings): void {
  server.get<{ Params: { file: string } }>('/media/recordings/:file', async (request, reply) => {
    const match = /^([0-9a-f-]{36})\.(mp3|wav)$/.exec(request.params.file);
    const format = match?.[2] as RecordingFormat | undefined;
    const file = match && format ? await recordings.read(match[1] as string, format) : null;
    if (!file || !format) throw new ApiError(404, 'not_found', `recording ${request.params.file} not found`, null, 'use the RecordUrl a Record element reported');
    return reply.type(RECORDING_MEDIA_TYPE[format]).header('content-length', file.length).send(file);
  });
}
