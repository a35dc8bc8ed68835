import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_SETTINGS, resolveCallbackUrl } from '../../src/domain/fragment-policy.js';
import type { AttemptOutcome } from '../../src/domain/outcome.js';
import { decideAfterAttempt } from '../../src/domain/retry.js';
import { parseRetryAfter } from '../../src/domain/retry-after.js';

const messaging = resolveCallbackUrl('https://a.example/sms', 'plivo-messaging', DEFAULT_POLICY_SETTINGS).policy;
const voice = resolveCallbackUrl('https://a.example/answer#rc=2&rp=5xx', 'plivo-voice', DEFAULT_POLICY_SETTINGS).policy;
const status = (code: number): AttemptOutcome => ({ kind: code < 300 ? 'success' : 'http-status', status: code }) as AttemptOutcome;

describe('decideAfterAttempt', () => {
  it('retries a message status callback at +60 s, +120 s, +240 s, then fails it', () => {
    const decisions = [1, 2, 3, 4].map((n) => decideAfterAttempt({ policy: messaging, outcome: status(500), attemptsInRound: n, retryAfterMs: null }));
    expect(decisions.map((d) => (d.action === 'retry' ? d.delayMs : d.status))).toEqual([60_000, 120_000, 240_000, 'failed']);
  });

  it('ends the delivery on a 2xx', () => {
    expect(decideAfterAttempt({ policy: messaging, outcome: status(204), attemptsInRound: 1, retryAfterMs: null })).toMatchObject({
      action: 'finish',
      status: 'succeeded',
    });
  });

  it('retries only the failure classes named in rp', () => {
    expect(decideAfterAttempt({ policy: voice, outcome: status(503), attemptsInRound: 1, retryAfterMs: null })).toEqual({ action: 'retry', delayMs: 0 });
    expect(decideAfterAttempt({ policy: voice, outcome: status(404), attemptsInRound: 1, retryAfterMs: null })).toMatchObject({ status: 'failed' });
    const readTimeout: AttemptOutcome = { kind: 'read-timeout', detail: 'no headers in 200 ms' };
    expect(decideAfterAttempt({ policy: voice, outcome: readTimeout, attemptsInRound: 1, retryAfterMs: null })).toMatchObject({ status: 'failed' });
  });

  it('never retries a partial response, even under rp=all', () => {
    const all = resolveCallbackUrl('https://a.example/answer#rc=5&rp=all', 'plivo-voice', DEFAULT_POLICY_SETTINGS).policy;
    const partial: AttemptOutcome = { kind: 'partial-response', status: 200, detail: 'connection closed mid-body' };
    expect(decideAfterAttempt({ policy: all, outcome: partial, attemptsInRound: 1, retryAfterMs: null })).toMatchObject({ action: 'finish', status: 'failed' });
  });

  it('waits for Retry-After when it is later than the schedule, up to the policy cap', () => {
    const later = decideAfterAttempt({ policy: messaging, outcome: status(429), attemptsInRound: 1, retryAfterMs: 300_000 });
    expect(later).toEqual({ action: 'retry', delayMs: 300_000 });
    const sooner = decideAfterAttempt({ policy: messaging, outcome: status(503), attemptsInRound: 1, retryAfterMs: 5_000 });
    expect(sooner).toEqual({ action: 'retry', delayMs: 60_000 });
    const huge = decideAfterAttempt({ policy: messaging, outcome: status(503), attemptsInRound: 1, retryAfterMs: 86_400_000 });
    expect(huge).toEqual({ action: 'retry', delayMs: messaging.maxRetryAfterMs });
  });

  it('stops a document series when tt leaves no time for the next attempt', () => {
    const decision = decideAfterAttempt({ policy: voice, outcome: status(500), attemptsInRound: 1, retryAfterMs: 2_000, remainingTotalMs: 1_000 });
    expect(decision).toMatchObject({ action: 'finish', status: 'failed' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
