import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { NewDelivery } from '../../src/domain/delivery.js';

/** A notification delivery as the outbox would build it, due at clock time 0 unless overridden. */
export function newDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id: randomUUID(),
    accountId: 'MA1',
    dialect: 'standard',
    kind: 'notification',
    url: 'https://app.example/hook',
    method: 'POST',
    params: { Status: 'delivered' },
    policy: {
      profile: 'standard',
      connectTimeoutMs: 5000,
      readTimeoutMs: 5000,
      totalTimeoutMs: 15000,
      retryDelaysMs: [60_000],
      retryOn: ['5xx'],
      maxRetryAfterMs: 60_000,
      maxRedirects: 0,
      maxResponseBytes: 65_536,
      sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' },
    },
    warnings: [],
    resource: null,
    dueAt: 0,
    createdAt: 0,
    ...overrides,
  };
}

export function tempDir(prefix = 'hookline-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Per-test cleanups, run newest first after each test, and fresh database paths in temp directories
 * that are removed with them. Call inside a describe block.
 */
export function useCleanups(): { cleanups: Array<() => unknown>; dbPath(): string } {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    cleanups,
    dbPath() {
      const dir = tempDir();
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return join(dir, 'hookline.db');
    },
  };
}
