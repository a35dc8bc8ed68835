import { afterEach } from 'vitest';
import type { HooklineConfig } from '../../src/config/schema.js';
import { startApp, type RunningApp } from './app.js';
import { Receiver, type Responder } from './receiver.js';

/**
 * Real hooklines and loopback receivers for one test file, all stopped after each test. Call at the
 * top level of the file.
 */
export function useRig(): { app(overrides?: Partial<HooklineConfig>): Promise<RunningApp>; receiver(responder?: Responder): Promise<Receiver> } {
  const apps: RunningApp[] = [];
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
  });
  return {
    async app(overrides = {}) {
      const app = await startApp(overrides);
      apps.push(app);
      return app;
    },
    async receiver(responder) {
      const receiver = await new Receiver(responder).start();
      receivers.push(receiver);
      return receiver;
    },
  };
}
