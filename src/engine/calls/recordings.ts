import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wavRecording } from '../../domain/wav.js';

/**
 * Where recordings live: files under the data directory (`recordings/`), or memory for `--data
 * :memory:`. Ids are random UUIDs, as unguessable as the media URLs carriers hand out.
 */
export class Recordings {
  private readonly memory = new Map<string, Buffer>();

  constructor(private readonly directory: string | null) {}

  /** Store a recording; `id` names one handed out earlier (a whole-call recording's). */
  async save(durationMs: number, id: string = randomUUID()): Promise<string> {
    const file = wavRecording(durationMs);
    if (this.directory === null) {
      this.memory.set(id, file);
      return id;
    }
    await mkdir(this.directory, { recursive: true });
    await writeFile(join(this.directory, `${id}.wav`), file);
    return id;
  }

  /** The WAV bytes of a recording, or null. */
  async read(id: string): Promise<Buffer | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    if (this.directory === null) return this.memory.get(id) ?? null;
    try {
      return await readFile(join(this.directory, `${id}.wav`));
    } catch {
      return null;
    }
  }
}
