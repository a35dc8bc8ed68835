import type { CallbackKind, CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import { newNonce } from '../domain/ids.js';
import type { DeliveryPolicy } from '../domain/policy.js';
import type { AccountDirectory } from './account-directory.js';
import type { SendResult, Sender } from './sender.js';
import { buildOutboundRequest } from './wire.js';

/** What one attempt of a callback needs, whichever path (outbox or document fetch) it comes from. */
export interface AttemptTarget {
  readonly deliveryId: string;
  readonly accountId: string;
  readonly dialect: Dialect;
  readonly method: HttpMethod;
  /** Fragment already removed. */
  readonly wireUrl: string;
  readonly params: CallbackParams;
  readonly policy: DeliveryPolicy;
  /** A document's body is what it is asked for; a notification's is only logged (SendLimits.oversizeBody). */
  readonly kind: CallbackKind;
}

export interface AttemptSenderDeps {
  readonly sender: Sender;
  readonly accounts: AccountDirectory;
  readonly userAgent: string;
  /** Response bytes kept per attempt in the log. */
  readonly recordBodyBytes: number;
  /** LaML webhooks carry `X-Twilio-Signature` too (config `twilioSignature`); default true. */
  readonly twilioSignature?: boolean;
}

/**
 * Signs and sends one attempt under its policy: the one place where a callback becomes an HTTP
 * request, so notifications and documents are signed, timed and classified alike.
 */
export class AttemptSender {
  constructor(private readonly deps: AttemptSenderDeps) {}

  /**
   * `budgetMs` caps this attempt below the policy's total timeout: a document series passes what is
   * left of `tt`, so the last attempt cannot run past it.
   */
  send(target: AttemptTarget, attemptNumber: number, budgetMs = target.policy.totalTimeoutMs): Promise<SendResult> {
    const { sender, accounts, userAgent, recordBodyBytes, twilioSignature = true } = this.deps;
    // An account deleted after its callback was queued still gets its callback, unsigned.
    const keys = accounts.signingKeys(target.accountId, target.dialect) ?? { key: '', mainKey: '' };
    const request = buildOutboundRequest({
      deliveryId: target.deliveryId,
      attemptNumber,
      dialect: target.dialect,
      method: target.method,
      wireUrl: target.wireUrl,
      params: target.params,
      authToken: keys.key,
      mainAuthToken: keys.mainKey,
      twilioSignature,
      nonce: newNonce(),
      // Wall time, not clock time: receivers check webhook-timestamp against their own clock (Standard
      // Webhooks: within 5 minutes), and a virtual or sped-up clock soon leaves that window.
      timestampSeconds: Math.floor(Date.now() / 1000),
      userAgent,
    });
    const { policy } = target;
    const budget = Math.max(1, Math.min(budgetMs, policy.totalTimeoutMs));
    return sender.send(request, {
      connectTimeoutMs: Math.min(policy.connectTimeoutMs, budget),
      readTimeoutMs: policy.readTimeoutMs,
      totalTimeoutMs: budget,
      maxRedirects: policy.maxRedirects,
      maxResponseBytes: policy.maxResponseBytes,
      recordBodyBytes,
      oversizeBody: target.kind === 'document' ? 'refuse' : 'truncate',
    });
  }
}
