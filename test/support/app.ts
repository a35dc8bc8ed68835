import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { createApp, type HooklineApp } from '../../src/app.js';
import { configSchema, type HooklineConfig } from '../../src/config/schema.js';

export interface RunningApp {
  readonly app: HooklineApp;
  readonly url: string;
  readonly dataDir: string;
  /** JSON request to the control API; returns status and parsed body. */
  control<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** A real hookline on 127.0.0.1 with a real SQLite file in a fresh temp directory. */
export async function startApp(overrides: Partial<HooklineConfig> = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
  const config = configSchema.parse({ port: 0, data: dataDir, logLevel: 'silent', ...overrides });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  const { url } = await app.listen();
  return {
    app,
    url,
    dataDir,
    async control<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
      const response = await request(`${url}/hookline/v1${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T };
    },
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
