/**
 * Reads an MP3 as a player would, frame by frame from the sync words (ISO 11172-3 / 13818-3 headers),
 * without trusting the encoder that wrote it: a file is valid when its frames follow one another to
 * the last byte, and its length is the frames' samples over the sample rate.
 */
export interface Mp3Summary {
  readonly frames: number;
  readonly sampleRate: number;
  readonly kbps: number;
  readonly channels: 1 | 2;
  readonly durationMs: number;
}

const LAYER3_KBPS = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] };

export function readMp3(file: Buffer): Mp3Summary {
  let offset = 0;
  if (file.toString('latin1', 0, 3) === 'ID3') offset = 10 + ((file[6]! << 21) | (file[7]! << 14) | (file[8]! << 7) | file[9]!);
  let frames = 0;
  let samples = 0;
  let first: Omit<Mp3Summary, 'frames' | 'durationMs'> | null = null;
  while (offset < file.length) {
    if (offset + 4 > file.length) throw new Error(`${file.length - offset} stray bytes at the end`);
    const header = file.readUInt32BE(offset);
    if (header >>> 21 !== 0x7ff) throw new Error(`no frame sync at byte ${offset}`);
    const version = (header >>> 19) & 3;
    const layer = (header >>> 17) & 3;
    if (version === 1 || layer !== 1) throw new Error(`frame at byte ${offset} is not MPEG Layer III`);
    const kbps = (version === 3 ? LAYER3_KBPS.mpeg1 : LAYER3_KBPS.mpeg2)[(header >>> 12) & 15];
    const sampleRate = SAMPLE_RATES[version]![(header >>> 10) & 3];
    if (!kbps || !sampleRate) throw new Error(`frame at byte ${offset} has a bad bitrate or sample rate`);
    const padding = (header >>> 9) & 1;
    const frameSamples = version === 3 ? 1152 : 576;
    const length = Math.floor(((frameSamples / 8) * kbps * 1000) / sampleRate) + padding;
    first ??= { sampleRate, kbps, channels: ((header >>> 6) & 3) === 3 ? 1 : 2 };
    frames++;
    samples += frameSamples;
    offset += length;
  }
  if (!first) throw new Error('no MP3 frames');
  if (offset !== file.length) throw new Error(`the last frame runs ${offset - file.length} bytes past the end`);
  return { ...first, frames, durationMs: Math.round((samples / first.sampleRate) * 1000) };
}
