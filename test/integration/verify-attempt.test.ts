import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { useRig } from '../support/rig.js';

interface SignatureCheck {
  valid: boolean;
  scheme: string | null;
  checks: Array<{ header: string; valid: boolean }>;
  reason: string | null;
}

const rig = useRig();

/** Queues a callback to a fresh receiver and sends it once on the virtual clock. */
async function sentOnce(app: RunningApp, dialect: 'plivo' | 'laml' | 'standard', method: 'GET' | 'POST' = 'POST'): Promise<string> {
  const sink = await rig.receiver();
  const queued = await app.control<{ id: string }>('POST', '/callbacks', { url: sink.url('/status?x=1'), method, dialect, params: { MessageUUID: 'm-1', Status: 'sent' } });
  await app.control('POST', '/clock/advance', { ms: 0 });
  await sink.waitFor(1);
  return queued.body.id;
}

describe('POST /hookline/v1/deliveries/{id}/attempts/{number}/verify', () => {
  it("accepts every Plivo signature of a sent attempt with the account's token", async () => {
    const app = await rig.app({ clock: 'virtual' });
    const id = await sentOnce(app, 'plivo');
    const result = await app.control<SignatureCheck>('POST', `/deliveries/${id}/attempts/1/verify`, { token: app.app.devAccount.authToken });

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ valid: true, scheme: 'plivo', reason: null });
    expect(result.body.checks.map((c) => c.header)).toEqual(['X-Plivo-Signature-V3', 'X-Plivo-Signature-Ma-V3', 'X-Plivo-Signature-V2', 'X-Plivo-Signature-Ma-V2']);
  });

  it('says which header fails, and why, with a wrong token', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const id = await sentOnce(app, 'laml', 'GET');
    const result = await app.control<SignatureCheck>('POST', `/deliveries/${id}/attempts/1/verify`, { token: 'not-the-token' });

    expect(result.body.valid).toBe(false);
    expect(result.body.scheme).toBe('laml');
    expect(result.body.checks).toContainEqual({ header: 'X-Twilio-Signature', valid: false });
    expect(result.body.reason).toContain('does not match');
  });

  it('judges a Standard Webhooks timestamp at the time the attempt was sent, not now', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const id = await sentOnce(app, 'standard');
    await app.control('POST', '/clock/advance', { ms: 3_600_000 });
    const result = await app.control<SignatureCheck>('POST', `/deliveries/${id}/attempts/1/verify`, { token: app.app.devAccount.authToken });

    expect(result.body).toMatchObject({ valid: true, scheme: 'standard' });
  });

  it('accepts a Standard Webhooks attempt sent after the virtual clock moved hours ahead', async () => {
    const app = await rig.app({ clock: 'virtual' });
    await app.control('POST', '/clock/advance', { ms: 6 * 3_600_000 });
    const id = await sentOnce(app, 'standard');
    const result = await app.control<SignatureCheck>('POST', `/deliveries/${id}/attempts/1/verify`, { token: app.app.devAccount.authToken });

    expect(result.body).toMatchObject({ valid: true, scheme: 'standard' });
  });

  it('answers 404 for an attempt that never happened, and 400 without a token', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const id = await sentOnce(app, 'plivo');
    const missing = await app.control<{ error: { code: string } }>('POST', `/deliveries/${id}/attempts/2/verify`, { token: 't' });
    expect(missing.status).toBe(404);
    const noToken = await app.control<{ error: { field: string } }>('POST', `/deliveries/${id}/attempts/1/verify`, {});
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.field).toBe('token');
  });
});
