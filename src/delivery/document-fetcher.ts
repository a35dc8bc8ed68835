import type { Logger } from 'pino';
import type { CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import type { Clock } from '../domain/clock.js';
import { deliveryIn, type Attempt, type NewDelivery } from '../domain/delivery.js';
import { resolveCallbackUrl, type PolicySettings } from '../domain/fragment-policy.js';
import { newDeliveryId } from '../domain/ids.js';
import type { AttemptOutcome } from '../domain/outcome.js';
import type { PolicyProfile } from '../domain/policy.js';
import { decideAfterAttempt } from '../domain/retry.js';
import { parseRetryAfter } from '../domain/retry-after.js';
import type { Store } from '../store/ports.js';
import { AttemptSender, type AttemptSenderDeps } from './attempt-sender.js';
import type { DeliveryEvents } from './events.js';

const EMPTY = Buffer.alloc(0);

/** One URL to fetch a document from. */
export interface DocumentTarget {
  /** As the user gave it, policy fragment included. */
  readonly url: string;
  readonly method: HttpMethod;
}

/**
 * What the caller says of a 2xx body: a document it can run, or why not (invalid XML, a Content-Type
 * that is no document…), with the dialect's own code for the refusal when it names one (LaML 12300).
 */
export type BodyVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly code?: string };

export interface DocumentRequest {
  readonly accountId: string;
  readonly dialect: Dialect;
  /** `plivo-voice` or `laml-document` in practice. */
  readonly profile: PolicyProfile;
  readonly target: DocumentTarget;
  readonly params: CallbackParams;
  /** Tried under its own policy when the target fails. */
  readonly fallback?: DocumentTarget | null;
  /** Extra params for the fallback request, from how the target failed (LaML `ErrorCode`, `ErrorUrl`). */
  readonly fallbackParams?: (failure: DocumentFailure) => CallbackParams;
  /**
   * Judges a 2xx body; a rejected body counts as a failure of that URL (and moves to the fallback).
   * `url` is the URL that answered, fragment removed: what relative URLs in the body resolve against.
   */
  readonly accept?: (body: string, contentType: string | null, url: string) => BodyVerdict;
  readonly resource?: string | null;
}

/** Why a URL gave no usable document. */
export interface DocumentFailure {
  readonly url: string;
  readonly deliveryId: string;
  /** The last attempt's outcome; `rejected` when a 2xx body was refused by `accept`. */
  readonly outcome: AttemptOutcome | { readonly kind: 'rejected'; readonly status: number; readonly reason: string; readonly code?: string };
}

export type DocumentResult =
  | {
      readonly ok: true;
      readonly body: string;
      /** The body as received, for a caller that reads it as something other than text (audio). */
      readonly bytes: Buffer;
      readonly contentType: string | null;
      /** The response's Content-Length, when it gave one. */
      readonly contentLength: number | null;
      /** The URL that answered, without fragment. */
      readonly url: string;
      readonly deliveryId: string;
      readonly usedFallback: boolean;
      /** Failure of the target when the fallback answered. */
      readonly targetFailure: DocumentFailure | null;
    }
  | {
      readonly ok: false;
      readonly target: DocumentFailure;
      readonly fallback: DocumentFailure | null;
    };

/** What it sends with (sender, accounts, user agent, log size, LaML headers) is the AttemptSender's. */
export interface DocumentFetcherDeps extends AttemptSenderDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly events: DeliveryEvents;
  readonly logger: Logger;
  readonly policySettings: PolicySettings;
}

type SeriesResult =
  | { readonly ok: true; readonly body: string; readonly bytes: Buffer; readonly contentType: string | null; readonly contentLength: number | null; readonly url: string; readonly deliveryId: string }
  | { readonly ok: false; readonly failure: DocumentFailure };

/**
 * Fetches the documents that drive a call (answer_url, action, Redirect…): at once and in process,
 * retried under the URL's own policy inside its total timeout, then the fallback URL under its own.
 * Every attempt is recorded as a finished delivery, so the inspector and replay see them like any other.
 */
export class DocumentFetcher {
  private readonly attempts: AttemptSender;

  constructor(private readonly deps: DocumentFetcherDeps) {
    this.attempts = new AttemptSender(deps);
  }

  async fetchDocument(request: DocumentRequest): Promise<DocumentResult> {
    const first = await this.fetchSeries(request, request.target, request.params);
    // Object.assign, not a spread with new fields: V8's slow path (plivo-voice-params.ts).
    if (first.ok) return Object.assign(first, { usedFallback: false, targetFailure: null });
    if (!request.fallback) return { ok: false, target: first.failure, fallback: null };
    const params = request.fallbackParams ? Object.assign({}, request.params, request.fallbackParams(first.failure)) : request.params;
    const second = await this.fetchSeries(request, request.fallback, params);
    if (second.ok) return Object.assign(second, { usedFallback: true, targetFailure: first.failure });
    return { ok: false, target: first.failure, fallback: second.failure };
  }

  private async fetchSeries(request: DocumentRequest, target: DocumentTarget, given: CallbackParams): Promise<SeriesResult> {
    const { clock } = this.deps;
    const params = this.deps.accounts.dialectParams(request.dialect, request.accountId, given);
    const resolved = resolveCallbackUrl(target.url, request.profile, this.deps.policySettings);
    const { policy } = resolved;
    const delivery: NewDelivery = {
      id: newDeliveryId(clock.now()),
      accountId: request.accountId,
      dialect: request.dialect,
      kind: 'document',
      url: resolved.url,
      method: target.method,
      params,
      policy,
      warnings: resolved.warnings,
      resource: request.resource ?? null,
      dueAt: clock.now(),
      createdAt: clock.now(),
    };
    const attempts: Attempt[] = [];
    const seriesStart = performance.now();
    let failure: DocumentFailure | null = null;
    let document: { body: string; bytes: Buffer; contentType: string | null; contentLength: number | null } | null = null;

    for (let n = 1; ; n++) {
      const remaining = policy.totalTimeoutMs - (performance.now() - seriesStart);
      const startedAt = clock.now();
      const sent = await this.attempts.send(
        {
          deliveryId: delivery.id,
          accountId: request.accountId,
          dialect: request.dialect,
          method: target.method,
          wireUrl: resolved.wireUrl,
          params,
          policy,
          kind: 'document',
        },
        n,
        remaining,
      );

      let verdict: BodyVerdict = { ok: true };
      if (sent.outcome.kind === 'success' && request.accept) {
        verdict = request.accept(sent.body ?? '', sent.response?.headers['content-type'] ?? null, resolved.wireUrl);
      }
      const decision =
        sent.outcome.kind === 'success' && !verdict.ok
          ? ({ action: 'finish', status: 'failed', reason: verdict.reason } as const)
          : decideAfterAttempt({
              policy,
              outcome: sent.outcome,
              attemptsInRound: n,
              retryAfterMs: parseRetryAfter(sent.retryAfter, Date.now()),
              remainingTotalMs: policy.totalTimeoutMs - (performance.now() - seriesStart),
            });
      attempts.push({
        deliveryId: delivery.id,
        number: n,
        startedAt,
        durationMs: sent.durationMs,
        request: sent.request,
        response: sent.response,
        outcome: sent.outcome,
        nextAttemptAt: decision.action === 'retry' ? startedAt + decision.delayMs : null,
      });

      if (decision.action === 'retry') {
        // In-process retries wait in wall time: tt is a wall-clock budget on a live call.
        if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
        continue;
      }
      if (decision.status === 'succeeded') {
        const length = Number(sent.response?.headers['content-length'] ?? Number.NaN);
        document = { body: sent.body ?? '', bytes: sent.bodyBytes ?? EMPTY, contentType: sent.response?.headers['content-type'] ?? null, contentLength: Number.isFinite(length) ? length : null };
      } else {
        failure = {
          url: resolved.wireUrl,
          deliveryId: delivery.id,
          outcome:
            sent.outcome.kind === 'success' && !verdict.ok
              ? { kind: 'rejected', status: sent.outcome.status, reason: verdict.reason, ...(verdict.code ? { code: verdict.code } : {}) }
              : sent.outcome,
        };
      }
      break;
    }

    const status = document ? 'succeeded' : 'failed';
    await this.record(delivery, status, attempts);
    if (document) return { ok: true, ...document, url: resolved.wireUrl, deliveryId: delivery.id };
    return { ok: false, failure: failure as DocumentFailure };
  }

  private async record(delivery: NewDelivery, status: 'succeeded' | 'failed', attempts: readonly Attempt[]): Promise<void> {
    const { store, events } = this.deps;
    await store.deliveries.recordFinished({ delivery, status, attempts });
    if (events.listenerCount === 0) return;
    const last = attempts[attempts.length - 1];
    for (const attempt of attempts) events.publish({ type: 'attempt', accountId: delivery.accountId, attempt });
    events.publish({
      type: 'delivery',
      delivery: deliveryIn(delivery, {
        seq: 0,
        status,
        dueAt: delivery.dueAt,
        attemptCount: attempts.length,
        roundAttempts: attempts.length,
        replayCount: 0,
        lastOutcome: last?.outcome ?? null,
        updatedAt: last?.startedAt ?? delivery.createdAt,
      }),
    });
  }
}
