import type { AttemptOutcome } from './outcome.js';
import type { DeliveryPolicy, RetryTrigger } from './policy.js';

export interface AttemptContext {
  readonly policy: DeliveryPolicy;
  readonly outcome: AttemptOutcome;
  /** Attempts made in this round, the one just finished included (1 after the first attempt). */
  readonly attemptsInRound: number;
  /** A 429/503 response's `Retry-After`, as a delay in ms from now; null when absent or unreadable. */
  readonly retryAfterMs: number | null;
  /** Document callbacks: what is left of `tt` for further attempts. Absent for notifications. */
  readonly remainingTotalMs?: number;
}

export type RetryDecision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'finish'; readonly status: 'succeeded' | 'failed'; readonly reason: string };

/**
 * What happens after an attempt: success ends the delivery; a failure the policy names in `rp` is
 * retried while the schedule has retries left (and, for documents, while `tt` has time left);
 * anything else fails at once. A partial response is never retried (Plivo callback-configurations).
 */
export function decideAfterAttempt(context: AttemptContext): RetryDecision {
  const { policy, outcome, attemptsInRound } = context;
  if (outcome.kind === 'success') return { action: 'finish', status: 'succeeded', reason: `answered ${outcome.status}` };
  const trigger = retryTrigger(outcome);
  if (trigger === null) return { action: 'finish', status: 'failed', reason: `${outcome.kind} is never retried` };
  if (!policy.retryOn.includes(trigger)) {
    return { action: 'finish', status: 'failed', reason: `${trigger} failures are not in the retry policy (${policy.retryOn.join(',') || 'none'})` };
  }
  const scheduled = policy.retryDelaysMs[attemptsInRound - 1];
  if (scheduled === undefined) {
    return { action: 'finish', status: 'failed', reason: `no retries left after ${attemptsInRound} attempt(s)` };
  }
  const delayMs = withRetryAfter(scheduled, context.retryAfterMs, policy.maxRetryAfterMs);
  if (context.remainingTotalMs !== undefined && delayMs >= context.remainingTotalMs) {
    return { action: 'finish', status: 'failed', reason: 'the total timeout (tt) leaves no time for another attempt' };
  }
  return { action: 'retry', delayMs };
}

/** The `rp` class of a failure, or null for failures no carrier retries. */
export function retryTrigger(outcome: AttemptOutcome): RetryTrigger | null {
  switch (outcome.kind) {
    case 'http-status':
      if (outcome.status >= 500) return '5xx';
      if (outcome.status >= 400) return '4xx';
      return null;
    case 'connect-failed':
    case 'connect-timeout':
      return 'ct';
    // One attempt of a notification is capped by tt: running out is "no response in time".
    case 'read-timeout':
    case 'total-timeout':
      return 'rt';
    case 'success':
    case 'partial-response':
    case 'response-too-large':
    case 'too-many-redirects':
    case 'refused':
      return null;
  }
}

/**
 * A server that says when to come back is believed, within bounds: the wait is the later of the
 * schedule and `Retry-After`, but never past the policy's cap.
 */
function withRetryAfter(scheduledMs: number, retryAfterMs: number | null, maxRetryAfterMs: number): number {
  if (retryAfterMs === null || retryAfterMs <= scheduledMs) return scheduledMs;
  return Math.max(scheduledMs, Math.min(retryAfterMs, maxRetryAfterMs));
}
