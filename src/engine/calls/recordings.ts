import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingFormat } from '../../domain/recording.js';
import { wavRecording, wavSamples } from '../../domain/wav.js';
import { encodeMp3 } from './mp3-encoder.js';

/**
 * Where recordings live: files under the data directory (`recordings/`), or memory for `--data
 * :memory:`. Ids are random UUIDs, as unguessable as the media URLs carriers hand out.
 *
 * The WAV is the recording; the MP3 is made from it on its first download and kept beside it. Not at
 * record end: the action request waits on the save, most recordings (tests, load runs) are never
 * downloaded, and a LaML recording may be fetched as either, so encoding every one up front would
 * cost every call CPU on its path for files nobody reads.
 */
export class Recordings {
  private readonly memory = new Map<string, Buffer>();
  private readonly memoryMp3 = new Map<string, Buffer>();
  /** Encodes under way, so concurrent first downloads share one. */
  private readonly encoding = new Map<string, Promise<Buffer | null>>();
  /** Bumped on every save, so an encode of the audio as it was is not kept once the audio changed. */
  private readonly versions = new Map<string, number>();

  constructor(private readonly directory: string | null) {}

  /** Store a recording; `id` names one handed out earlier (a whole-call recording's). */
  async save(durationMs: number, id: string = randomUUID()): Promise<string> {
    const file = wavRecording(durationMs);
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
    if (this.directory === null) {
      this.memory.set(id, file);
      this.memoryMp3.delete(id);
      return id;
    }
    await mkdir(this.directory, { recursive: true });
    await writeFile(join(this.directory, `${id}.wav`), file);
    await rm(join(this.directory, `${id}.mp3`), { force: true });
    return id;
  }

  /** The bytes of a recording in `format`, or null when there is no such recording. */
  async read(id: string, format: RecordingFormat = 'wav'): Promise<Buffer | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    if (format === 'wav') return this.readFile(id, 'wav');
    const cached = await this.readFile(id, 'mp3');
    if (cached) return cached;
    const running = this.encoding.get(id);
    if (running) return running;
    const encoded = this.encode(id).finally(() => this.encoding.delete(id));
    this.encoding.set(id, encoded);
    return encoded;
  }

  private async encode(id: string): Promise<Buffer | null> {
    const version = this.versions.get(id);
    const wav = await this.readFile(id, 'wav');
    const pcm = wav ? wavSamples(wav) : null;
    if (!pcm) return null;
    const mp3 = await encodeMp3(pcm.samples, pcm.sampleRate);
    if (this.versions.get(id) !== version) return mp3;
    if (this.directory === null) this.memoryMp3.set(id, mp3);
    else await writeFile(join(this.directory, `${id}.mp3`), mp3);
    return mp3;
  }

  private async readFile(id: string, format: RecordingFormat): Promise<Buffer | null> {
    if (this.directory === null) return (format === 'wav' ? this.memory : this.memoryMp3).get(id) ?? null;
    try {
      return await readFile(join(this.directory, `${id}.${format}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
