import { parseBuffer } from 'music-metadata';
import { audioDurationMs, DEFAULT_AUDIO_MS } from '../../domain/call-far-end.js';

/** Where a Play's length came from, for the call's timeline. */
export type AudioLengthSource = 'file' | 'size' | 'default';

export interface AudioLength {
  readonly ms: number;
  readonly source: AudioLengthSource;
  /** What the file turned out to be (`MPEG 1 Layer 3`, `PCM`…), when it could be read. */
  readonly codec: string | null;
}

/**
 * How long a fetched audio file plays, read from the file itself: its WAV header or its MPEG frames,
 * whatever sample rate, channels and bit rate it was made with, and whatever Content-Type the server
 * gave it (many serve audio as `application/octet-stream`). A file that cannot be read as audio falls
 * back to an estimate from its size and declared type, then to the default length.
 */
export async function audioLength(bytes: Buffer, contentType: string | null, declaredLength: number | null): Promise<AudioLength> {
  if (bytes.length > 0) {
    const mimeType = contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
    try {
      const { format } = await parseBuffer(bytes, { mimeType, size: bytes.length }, { duration: true, skipCovers: true });
      if (format.duration !== undefined && Number.isFinite(format.duration) && format.duration > 0) {
        return { ms: Math.round(format.duration * 1000), source: 'file', codec: format.codec ?? format.container ?? null };
      }
    } catch {
      // Not audio the parser knows (or a damaged file): estimated below, as before the file was read.
    }
  }
  const ms = audioDurationMs(contentType, declaredLength ?? (bytes.length > 0 ? bytes.length : null));
  return { ms, source: ms === DEFAULT_AUDIO_MS ? 'default' : 'size', codec: null };
}
