import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { resolveCallbackUrl, type PolicySettings } from '../../src/domain/fragment-policy.js';
import type { PolicyProfile } from '../../src/domain/policy.js';

interface PolicyVector {
  name: string;
  url: string;
  profile: PolicyProfile;
  expect: { wireUrl: string; ct: number; rt: number; tt: number; retryDelaysMs: number[]; retryOn: string[]; warnings: string[] };
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/fragment-policies.json', import.meta.url), 'utf8')) as {
  settings: PolicySettings;
  cases: PolicyVector[];
};

describe('fragment policies (test/vectors/fragment-policies.json)', () => {
  for (const vector of vectors.cases) {
    it(vector.name, () => {
      const resolved = resolveCallbackUrl(vector.url, vector.profile, vectors.settings);
      expect({
        wireUrl: resolved.wireUrl,
        ct: resolved.policy.connectTimeoutMs,
        rt: resolved.policy.readTimeoutMs,
        tt: resolved.policy.totalTimeoutMs,
        retryDelaysMs: resolved.policy.retryDelaysMs,
        retryOn: resolved.policy.retryOn,
        warnings: resolved.warnings,
      }).toEqual(vector.expect);
    });
  }
});

describe('resolveCallbackUrl', () => {
  const settings = vectors.settings;

  it('never puts the fragment on the wire', () => {
    expect(resolveCallbackUrl('https://a.example/x?y=1#ct=3000', 'plivo-voice', settings).wireUrl).toBe('https://a.example/x?y=1');
  });

  it('says where each value came from, so the inspector can explain it', () => {
    const { policy } = resolveCallbackUrl('https://a.example/x#ct=3000&rt=999999', 'plivo-voice', settings);
    expect(policy.sources).toEqual({ ct: 'fragment', rt: 'clamped', tt: 'default', rc: 'default', rp: 'default' });
  });

  it('follows the configured status schedule for messaging callbacks', () => {
    const { policy } = resolveCallbackUrl('https://a.example/sms', 'plivo-messaging', { statusTimeoutMs: 3_000, statusRetryDelaysMs: [10_000] });
    expect(policy.retryDelaysMs).toEqual([10_000]);
    expect(policy.readTimeoutMs).toBe(3_000);
  });

  it('refuses a URL that is not absolute http(s), naming the field', () => {
    expect(() => resolveCallbackUrl('/relative', 'standard', settings)).toThrow(InputError);
    try {
      resolveCallbackUrl('ftp://a.example/x', 'standard', settings);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('url');
      expect((error as InputError).message).toMatch(/ftp/);
    }
  });
});
