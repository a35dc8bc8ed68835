/**
 * A recording as a real audio file: 8 kHz, 16-bit mono PCM in a RIFF/WAVE container, the telephone
 * format. The far end's "voice" is a soft tone, so a player shows and plays the right length.
 */
const SAMPLE_RATE = 8_000;
const BYTES_PER_SAMPLE = 2;
const HEADER_BYTES = 44;

export function wavRecording(durationMs: number): Buffer {
  const samples = Math.max(0, Math.round((durationMs / 1000) * SAMPLE_RATE));
  const dataBytes = samples * BYTES_PER_SAMPLE;
  const file = Buffer.alloc(HEADER_BYTES + dataBytes);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVE', 8, 'ascii');
  file.write('fmt ', 12, 'ascii');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20); // PCM
  file.writeUInt16LE(1, 22); // mono
  file.writeUInt32LE(SAMPLE_RATE, 24);
  file.writeUInt32LE(SAMPLE_RATE * BYTES_PER_SAMPLE, 28);
  file.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'ascii');
  file.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) file.writeInt16LE(Math.round(2_000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), HEADER_BYTES + i * 2);
  return file;
}

/** The length of a WAV file from its header, or null when it is not one. */
export function wavDurationMs(file: Uint8Array): number | null {
  const found = dataChunk(file);
  return found && found.byteRate > 0 ? Math.round((found.size / found.byteRate) * 1000) : null;
}

/** The samples of a 16-bit mono PCM WAV (the kind `wavRecording` writes), or null for anything else. */
export function wavSamples(file: Uint8Array): { readonly sampleRate: number; readonly samples: Int16Array } | null {
  const found = dataChunk(file);
  if (!found || found.format !== 1 || found.channels !== 1 || found.bitsPerSample !== 16) return null;
  const buffer = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const count = Math.floor(Math.min(found.size, buffer.length - found.offset) / BYTES_PER_SAMPLE);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = buffer.readInt16LE(found.offset + i * BYTES_PER_SAMPLE);
  return { sampleRate: found.sampleRate, samples };
}

interface DataChunk {
  readonly format: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly byteRate: number;
  readonly bitsPerSample: number;
  /** Where the samples start in the file, and how many bytes they take. */
  readonly offset: number;
  readonly size: number;
}

function dataChunk(file: Uint8Array): DataChunk | null {
  const buffer = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') return null;
  const header = { format: buffer.readUInt16LE(20), channels: buffer.readUInt16LE(22), sampleRate: buffer.readUInt32LE(24), byteRate: buffer.readUInt32LE(28), bitsPerSample: buffer.readUInt16LE(34) };
  let offset = 12;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    if (id === 'data') return { ...header, offset: offset + 8, size };
    offset += 8 + size + (size % 2);
  }
  return null;
}
