import type { CallbackParams, Dialect } from '../../domain/callback.js';
import { lamlCallbackStatuses, lamlInboundParams, lamlMessageStatusParams } from '../../domain/laml-message.js';
import { inboundSmsParams, statusCallbackParams, type PlivoMessage } from '../../domain/plivo-message.js';
import type { PolicyProfile } from '../../domain/policy.js';

/**
 * Everything about a message that depends on the front door that made it or the number it came in
 * on. The lifecycle (queued, sent, the delivery report, live control) and the outbox are shared; the
 * dialect names the callbacks a change causes and signs them (docs/adr/0008-messaging-dialects.md).
 */
export interface MessageDialect {
  /** Who signs the callbacks. */
  readonly signing: Dialect;
  /** The policy status callbacks start from. */
  readonly statusProfile: PolicyProfile;
  /** The policy of the request an inbound message makes to its app. */
  readonly inboundProfile: PolicyProfile;
  /** The status callbacks the message's latest change causes, in order (LaML reports `sent` as two). */
  statusCallbacks(message: PlivoMessage): readonly CallbackParams[];
  /** What the app's message URL receives for an inbound message. */
  inboundParams(message: PlivoMessage): CallbackParams;
}

const plivoMessages: MessageDialect = {
  signing: 'plivo',
  statusProfile: 'plivo-messaging',
  inboundProfile: 'plivo-messaging',
  statusCallbacks: (message) => [statusCallbackParams(message)],
  inboundParams: inboundSmsParams,
};

const lamlMessages: MessageDialect = {
  signing: 'laml',
  statusProfile: 'laml-status',
  // SmsUrl is a document: one attempt under the document's connection policy (laml.md §2.3).
  inboundProfile: 'laml-document',
  statusCallbacks: (message) => lamlCallbackStatuses(message.status).map((status) => lamlMessageStatusParams(message, status)),
  inboundParams: lamlInboundParams,
};

/** The message's dialect: the only place that looks at `message.dialect`. */
export function messageDialectOf(message: PlivoMessage): MessageDialect {
  return message.dialect === 'laml' ? lamlMessages : plivoMessages;
}
