import type { HttpMethod } from '../domain/callback.js';
import type { XmlElement } from './element-tree.js';
import { replyRoot } from './reply-root.js';

/** One `<Message>` of an application's reply to an inbound SMS. */
export interface ReplyMessage {
  readonly src: string;
  /** Several destinations joined by `<`, as in the API. */
  readonly dst: string;
  readonly text: string;
  readonly callbackUrl: string | null;
  readonly callbackMethod: HttpMethod;
}

export type MessageReply = { readonly ok: true; readonly messages: readonly ReplyMessage[] } | { readonly ok: false; readonly reason: string };

const MESSAGE_ATTRIBUTES = new Set(['src', 'dst', 'type', 'callbackUrl', 'callbackMethod']);

/**
 * An application's answer to an inbound SMS: `<Response>` holding only `<Message src dst>text</Message>`
 * elements (plivo.md §3.5). An empty body or an empty `<Response/>` sends nothing. Anything else is
 * refused with the line and column of what is wrong.
 */
export function parseMessageReply(body: string): MessageReply {
  const read = replyRoot(body);
  if (!read.ok) return read;
  const root = read.root;
  if (!root) return { ok: true, messages: [] };
  const messages: ReplyMessage[] = [];
  for (const element of root.children) {
    if (element.name !== 'Message') return refuse(element, `<${element.name}> is not allowed in a reply to a message; only <Message> is`);
    const unknown = Object.keys(element.attributes).find((name) => !MESSAGE_ATTRIBUTES.has(name));
    if (unknown) return refuse(element, `<Message> has no attribute "${unknown}"`);
    const { src, dst, type, callbackUrl, callbackMethod } = element.attributes;
    if (!src || !dst) return refuse(element, '<Message> needs both src and dst');
    if (type && type !== 'sms') return refuse(element, `<Message type="${type}"> is not simulated yet; use sms`);
    const method = (callbackMethod ?? 'POST').toUpperCase();
    if (method !== 'GET' && method !== 'POST') return refuse(element, `callbackMethod "${callbackMethod}" is not GET or POST`);
    const text = element.text.trim();
    if (!text) return refuse(element, '<Message> has no text');
    messages.push({ src, dst, text, callbackUrl: callbackUrl ?? null, callbackMethod: method });
  }
  return { ok: true, messages };
}

function refuse(element: XmlElement, reason: string): MessageReply {
  return { ok: false, reason: `line ${element.line}, column ${element.column}: ${reason}` };
}
