import type { CallbackParams, Dialect } from '../../domain/callback.js';
import type { UrlTarget } from '../../domain/instructions.js';
import { lamlCallbackStatuses, lamlInboundParams, lamlMessageSettings, lamlMessageStatusParams, type LamlMessageSettings } from '../../domain/laml-message.js';
import { splitDestinations } from '../../domain/phone-numbers.js';
import { inboundSmsParams, statusCallbackParams, type MessageType, type PlivoMessage } from '../../domain/plivo-message.js';
import type { PolicyProfile } from '../../domain/policy.js';
import { parseLamlMessageReply } from '../../xml/laml-message-reply.js';
import { parseMessageReply } from '../../xml/plivo-message-reply.js';

/** A message an app's answer to an inbound message asks to send. */
export interface OutgoingReply {
  readonly from: string;
  readonly to: readonly string[];
  readonly text: string;
  readonly type: MessageType;
  readonly mediaUrls: readonly string[];
  readonly callback: UrlTarget | null;
  readonly laml?: LamlMessageSettings;
}

export type ReadReply =
  | { readonly ok: true; readonly replies: readonly OutgoingReply[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Everything about a message that depends on the front door that made it or the number it came in
 * on. The lifecycle (queued, sent, the delivery report, live control) and the outbox are shared; the
 * dialect names the callbacks a change causes and signs them (docs/adr/0010-messaging-dialects.md).
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
  /** The app's answer to an inbound message: the messages to send, or why none is. */
  readReply(body: string, inbound: PlivoMessage): ReadReply;
}

const plivoMessages: MessageDialect = {
  signing: 'plivo',
  statusProfile: 'plivo-messaging',
  inboundProfile: 'plivo-messaging',
  statusCallbacks: (message) => [statusCallbackParams(message)],
  inboundParams: inboundSmsParams,
  readReply(body) {
    const reply = parseMessageReply(body);
    if (!reply.ok) return reply;
    const replies = reply.messages.map((message): OutgoingReply => ({
      from: message.src,
      to: splitDestinations(message.dst),
      text: message.text,
      type: 'sms',
      mediaUrls: [],
      callback: message.callbackUrl ? { url: message.callbackUrl, method: message.callbackMethod } : null,
    }));
    return { ok: true, replies, warnings: [] };
  },
};

const lamlMessages: MessageDialect = {
  signing: 'laml',
  statusProfile: 'laml-status',
  // SmsUrl is a document: one attempt under the document's connection policy (laml.md §2.3).
  inboundProfile: 'laml-document',
  statusCallbacks: (message) => lamlCallbackStatuses(message.status).map((status) => lamlMessageStatusParams(message, status)),
  inboundParams: lamlInboundParams,
  readReply(body, inbound) {
    const reply = parseLamlMessageReply(body, inbound, inbound.url ?? '');
    if (!reply.ok) return reply;
    const replies = reply.messages.map((message): OutgoingReply => ({
      from: message.from,
      to: [message.to],
      text: message.text,
      type: message.mediaUrls.length > 0 ? 'mms' : 'sms',
      mediaUrls: message.mediaUrls,
      callback: message.statusCallback,
      laml: lamlMessageSettings('outbound-reply'),
    }));
    return { ok: true, replies, warnings: reply.warnings };
  },
};

/** The message's dialect: the only place that looks at `message.dialect`. */
export function messageDialectOf(message: PlivoMessage): MessageDialect {
  return message.dialect === 'laml' ? lamlMessages : plivoMessages;
}
