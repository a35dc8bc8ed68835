import { Mp3Encoder } from '@breezystack/lamejs';

/**
 * Telephone audio as MP3: 8 kHz mono at 32 kbps, what a carrier's voice recordings carry. lamejs is a
 * pure-JS port of LAME (no native build, no binary to fetch); at 8 kHz it writes MPEG-2.5 Layer III.
 */
const KBPS = 32;
/** Samples per Layer III frame at MPEG-2/2.5 rates; the encoder takes them in these steps. */
const FRAME_SAMPLES = 576;
/**
 * About 10 s of 8 kHz audio, some tens of ms of CPU: the encoder hands the event loop back between
 * slices, so a long recording being encoded never stalls the calls and callbacks this process runs.
 */
const SLICE_SAMPLES = FRAME_SAMPLES * 139;

export async function encodeMp3(samples: Int16Array, sampleRate: number): Promise<Buffer> {
  const encoder = new Mp3Encoder(1, sampleRate, KBPS);
  const parts: Uint8Array[] = [];
  for (let slice = 0; slice < samples.length; slice += SLICE_SAMPLES) {
    if (slice > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = Math.min(samples.length, slice + SLICE_SAMPLES);
    for (let frame = slice; frame < end; frame += FRAME_SAMPLES) parts.push(encoder.encodeBuffer(samples.subarray(frame, Math.min(end, frame + FRAME_SAMPLES))));
  }
  parts.push(encoder.flush());
  // lamejs hands back Int8Arrays whatever its types say: view their bytes as they are.
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
}
