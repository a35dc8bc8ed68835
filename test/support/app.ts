import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { createApp, type HooklineApp } from '../../src/app.js';
import { configSchema, type HooklineConfig } from '../../src/config/schema.js';

/** JSON request to the control API; returns status and parsed body. */
export type Control = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => Promise<{ status: number; body: T }>;

export interface RunningApp {
  readonly app: HooklineApp;
  readonly url: string;
  readonly dataDir: string;
  control: Control;
  stop(): Promise<void>;
}

/** The control API of a hookline at `url` (in this process or spawned). */
export function controlOf(url: string): Control {
  return async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => {
    const response = await request(`${url}/hookline/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T };
  };
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
    control: controlOf(url),
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
