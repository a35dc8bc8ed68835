import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recordings } from '../../src/engine/calls/recordings.js';
import { readMp3 } from '../support/mp3-frames.js';

const directories: string[] = [];

async function onDisk(): Promise<{ recordings: Recordings; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'hookline-recordings-'));
  directories.push(directory);
  return { recordings: new Recordings(directory), directory };
}

afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** LAME's encoder delay and last-frame padding add a little under 0.2 s at 8 kHz. */
function expectLength(durationMs: number, recordedMs: number): void {
  expect(durationMs).toBeGreaterThanOrEqual(recordedMs);
  expect(durationMs).toBeLessThanOrEqual(recordedMs + 300);
}

describe('recordings as MP3', () => {
  it('encodes a recording as 8 kHz mono MP3 frames as long as the WAV', async () => {
    const recordings = new Recordings(null);
    const id = await recordings.save(4_000);
    const mp3 = readMp3((await recordings.read(id, 'mp3'))!);
    expect(mp3).toMatchObject({ sampleRate: 8_000, channels: 1, kbps: 32 });
    expectLength(mp3.durationMs, 4_000);
  });

  it('encodes once, on the first download, and keeps the MP3 beside the WAV', async () => {
    const { recordings, directory } = await onDisk();
    const id = await recordings.save(2_000);
    expect(await readdir(directory)).toEqual([`${id}.wav`]);
    const [first, concurrent] = await Promise.all([recordings.read(id, 'mp3'), recordings.read(id, 'mp3')]);
    expect(first).toBe(concurrent);
    expect((await readdir(directory)).sort()).toEqual([`${id}.mp3`, `${id}.wav`]);
    expect((await new Recordings(directory).read(id, 'mp3'))?.equals(first!)).toBe(true);
  });

  it('encodes again once a whole-call recording is filled in', async () => {
    const recordings = new Recordings(null);
    const id = await recordings.save(0);
    await recordings.read(id, 'mp3');
    await recordings.save(6_000, id);
    expectLength(readMp3((await recordings.read(id, 'mp3'))!).durationMs, 6_000);
  });

  it('has no MP3 of a recording that does not exist', async () => {
    const { recordings } = await onDisk();
    expect(await recordings.read('00000000-0000-0000-0000-000000000000', 'mp3')).toBeNull();
  });
});
