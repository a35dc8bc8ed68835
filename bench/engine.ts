import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type HooklineApp } from '../dist/app.js';
import { configSchema, type HooklineConfig } from '../dist/config/schema.js';

/** A hookline engine as `hookline serve` would run it, on a real SQLite file in a fresh temp directory. */
export interface BenchEngine {
  readonly app: HooklineApp;
  readonly dataDir: string;
  /** Where it listens (`http://127.0.0.1:PORT`), when started with `listen`. */
  readonly url: string | null;
  /** Close the engine and delete its data directory. */
  stop(): Promise<void>;
}

/** The settings every figure runs with: defaults, except loopback receivers allowed and no logging. */
export function benchConfig(dataDir: string, overrides: Partial<HooklineConfig> = {}): HooklineConfig {
  return configSchema.parse({
    port: 0,
    host: '127.0.0.1',
    data: dataDir,
    clock: 'real',
    ssrf: 'dev',
    logLevel: 'silent',
    ...overrides,
  });
}

/** The engine's defaults, so baselines run at the same concurrency and connection count. */
export function engineDefaults(): { concurrency: number; connectionsPerOrigin: number } {
  const config = benchConfig(tmpdir());
  return { concurrency: config.concurrency, connectionsPerOrigin: config.connectionsPerOrigin };
}

export async function startEngine(options: { listen: boolean; overrides?: Partial<HooklineConfig> }): Promise<BenchEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const app = await createApp(benchConfig(dataDir, options.overrides), { logger: pino({ level: 'silent' }) });
  const url = options.listen ? (await app.listen()).url : null;
  return {
    app,
    dataDir,
    url,
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
