import { describe, expect, it } from 'vitest';
import { audioLength } from '../../src/engine/calls/audio-length.js';
import { encodeMp3 } from '../../src/engine/calls/mp3-encoder.js';

function wav(sampleRate: number, channels: number, seconds: number): Buffer {
  const data = sampleRate * channels * 2 * seconds;
  const file = Buffer.alloc(44 + data);
  file.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  file.writeUInt32LE(36 + data, 4);
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20);
  file.writeUInt16LE(channels, 22);
  file.writeUInt32LE(sampleRate, 24);
  file.writeUInt32LE(sampleRate * channels * 2, 28);
  file.writeUInt16LE(channels * 2, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'latin1');
  file.writeUInt32LE(data, 40);
  return file;
}

describe('audioLength', () => {
  it('reads a WAV file’s length from its header, whatever its rate and channels', async () => {
    await expect(audioLength(wav(44_100, 2, 2), 'audio/wav', null)).resolves.toMatchObject({ ms: 2_000, source: 'file' });
    await expect(audioLength(wav(8_000, 1, 3), 'text/plain', null)).resolves.toMatchObject({ ms: 3_000, source: 'file' });
  });

  it('reads an MP3 file’s length from its frames, not from a guessed bit rate', async () => {
    const mp3 = await encodeMp3(new Int16Array(8_000 * 4), 8_000);
    const length = await audioLength(mp3, 'audio/mpeg', mp3.length);
    expect(length).toMatchObject({ source: 'file', codec: 'MPEG 2.5 Layer 3' });
    expect(length.ms).toBeGreaterThanOrEqual(4_000);
    expect(length.ms).toBeLessThan(4_300);
  });

  it('estimates from the size what cannot be read as audio, and falls back to the default', async () => {
    await expect(audioLength(Buffer.alloc(32_000, 0x55), 'audio/mpeg', 32_000)).resolves.toMatchObject({ ms: 2_000, source: 'size' });
    await expect(audioLength(Buffer.from('<html>not found</html>'), 'text/html', null)).resolves.toMatchObject({ ms: 5_000, source: 'default' });
    await expect(audioLength(Buffer.alloc(0), null, null)).resolves.toMatchObject({ ms: 5_000, source: 'default' });
  });
});
