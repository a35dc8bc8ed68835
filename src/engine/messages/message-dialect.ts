import type { DocumentFailure } from '../../delivery/document-fetcher.js';
import type { CallbackParams, Dialect } from '../../domain/callback.js';
import type { UrlTarget } from '../../domain/instructions.js';
import { INVALID_CONTENT_TYPE, invalidContentType, lamlBodyKind } from '../../domain/laml-content-type.js';
import { lamlCallbackStatuses, lamlInboundParams, lamlMessageParams, lamlMessageSettings, lamlMessageStatusParams, type LamlMessageSettings } from '../../domain/laml-message.js';
import { splitDestinations } from '../../domain/phone-numbers.js';
import { inboundSmsParams, statusCallbackParams, type MessageType, type PlivoMessage } from '../../domain/plivo-message.js';
import type { PolicyProfile } from '../../domain/policy.js';
import { parseLamlMessageReply, type LamlReplyVerb } from '../../xml/laml-message-reply.js';
import { parseMessageReply } from '../../xml/plivo-message-reply.js';
import { lamlErrorCode } from '../calls/laml-dialect.js';

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

/**
 * One step of an app's answer, in order: a message to send (with `action`, the document to ask for
 * once it is sent, which takes over), or a hand-over to another document.
 */
export type ReplyStep =
  | { readonly kind: 'send'; readonly message: OutgoingReply; readonly action: UrlTarget | null }
  | { readonly kind: 'redirect'; readonly target: UrlTarget };

export type ReadReply =
  | { readonly ok: true; readonly steps: readonly ReplyStep[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly code?: string };

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
  /**
   * How the app hears of an inbound message: a `notification` stored with the message and delivered
   * by the outbox, its answer read when the delivery finishes (Plivo's message_url, retried as status
   * callbacks are); or a `document` fetched at once with its fallback, whose answer may hand over to
   * more documents (LaML's SmsUrl, laml.md §2.2–§2.4, §5.3).
   */
  readonly inboundRequest: 'notification' | 'document';
  /** The status callbacks the message's latest change causes, in order (LaML reports `sent` as two). */
  statusCallbacks(message: PlivoMessage): readonly CallbackParams[];
  /** What the app's message URL receives for an inbound message (and a messaging `<Redirect>` too). */
  inboundParams(message: PlivoMessage): CallbackParams;
  /** What a fallback request adds, from how the first URL failed (LaML `ErrorCode`, `ErrorUrl`). */
  fallbackParams(failure: DocumentFailure): CallbackParams;
  /**
   * What a `<Message action>` receives once the message is on its way: the sent message's params
   * with its `MessageStatus`, or the inbound message's with `invalid` when it could not be sent.
   */
  actionParams(sent: PlivoMessage | null, inbound: PlivoMessage): CallbackParams;
  /** The app's answer to an inbound message: the steps it asks for, or why it cannot be run. */
  readReply(body: string, contentType: string | null, inbound: PlivoMessage, documentUrl: string): ReadReply;
}

const plivoMessages: MessageDialect = {
  signing: 'plivo',
  statusProfile: 'plivo-messaging',
  inboundProfile: 'plivo-messaging',
  inboundRequest: 'notification',
  statusCallbacks: (message) => [statusCallbackParams(message)],
  inboundParams: inboundSmsParams,
  fallbackParams: () => ({}),
  actionParams: () => ({}),
  readReply(body) {
    const reply = parseMessageReply(body);
    if (!reply.ok) return reply;
    const steps = reply.messages.map((message): ReplyStep => ({
      kind: 'send',
      message: {
        from: message.src,
        to: splitDestinations(message.dst),
        text: message.text,
        type: 'sms',
        mediaUrls: [],
        callback: message.callbackUrl ? { url: message.callbackUrl, method: message.callbackMethod } : null,
      },
      action: null,
    }));
    return { ok: true, steps, warnings: [] };
  },
};

/** Twilio's "Invalid 'To' Phone Number", for a `<Message>` whose `to` hookline cannot send to. */
const INVALID_TO = '21211';

const lamlMessages: MessageDialect = {
  signing: 'laml',
  statusProfile: 'laml-status',
  // SmsUrl is a document: one attempt under the document's connection policy (laml.md §2.3).
  inboundProfile: 'laml-document',
  inboundRequest: 'document',
  statusCallbacks: (message) => lamlCallbackStatuses(message.status).map((status) => lamlMessageStatusParams(message, status)),
  inboundParams: lamlInboundParams,
  fallbackParams: (failure) => ({ ErrorCode: lamlErrorCode(failure), ErrorUrl: failure.url }),
  // SignalWire: "the Standard Messaging Request Parameters as well as MessageStatus and ErrorCode",
  // the status `invalid`, `sending` or `failed` (laml.md §5.3); the message was just handed on.
  actionParams: (sent, inbound) =>
    sent
      ? Object.assign(lamlMessageParams(sent), { MessageStatus: 'sending', SmsStatus: 'sending', ErrorCode: '' })
      : Object.assign(lamlMessageParams(inbound), { MessageStatus: 'invalid', SmsStatus: 'invalid', ErrorCode: INVALID_TO }),
  readReply(body, contentType, inbound, documentUrl) {
    const ends = { from: inbound.from, to: inbound.to };
    switch (lamlBodyKind(contentType, body)) {
      case 'unsupported':
      case 'audio':
        return { ok: false, reason: invalidContentType(contentType), code: INVALID_CONTENT_TYPE };
      case 'text':
        // Twilio sends a text/plain answer back to the sender as a message ("Your Response").
        return { ok: true, steps: [lamlStep({ kind: 'message', to: inbound.from, from: inbound.to, text: body.trim(), mediaUrls: [], statusCallback: null, action: null })], warnings: [] };
      case 'laml': {
        const reply = parseLamlMessageReply(body, ends, documentUrl);
        return reply.ok ? { ok: true, steps: reply.verbs.map(lamlStep), warnings: reply.warnings } : reply;
      }
    }
  },
};

function lamlStep(verb: LamlReplyVerb): ReplyStep {
  if (verb.kind === 'redirect') return verb;
  return {
    kind: 'send',
    message: {
      from: verb.from,
      to: [verb.to],
      text: verb.text,
      type: verb.mediaUrls.length > 0 ? 'mms' : 'sms',
      mediaUrls: verb.mediaUrls,
      callback: verb.statusCallback,
      laml: lamlMessageSettings('outbound-reply'),
    },
    action: verb.action,
  };
}

/** The message's dialect: the only place that looks at `message.dialect`. */
export function messageDialectOf(message: PlivoMessage): MessageDialect {
  return message.dialect === 'laml' ? lamlMessages : plivoMessages;
}
