import type { UrlTarget } from '../domain/instructions.js';
import { checkHttpUrl } from '../domain/http-url.js';
import type { XmlElement } from './element-tree.js';
import { replyRoot } from './reply-root.js';
import { messageText, resolveAgainst } from './laml-instructions.js';

/** One `<Message>` of an app's answer to an inbound message, its ends defaulted (laml.md §5.3). */
export interface LamlReplyMessage {
  readonly to: string;
  readonly from: string;
  readonly text: string;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: UrlTarget | null;
}

export type LamlMessageReply =
  | { readonly ok: true; readonly messages: readonly LamlReplyMessage[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** laml.md §5.3: a body of at most 1600 characters and at most 10 `<Media>`. */
const MAX_BODY_CHARS = 1600;
const MAX_MEDIA = 10;
const MESSAGE_ATTRIBUTES = new Set(['to', 'from', 'action', 'method', 'statusCallback']);

/**
 * An app's LaML answer to an inbound message (laml.md §5.3): `<Response>` with `<Message>` elements,
 * their text plain or in `<Body>`, with `<Media>`; `to` defaults to the sender and `from` to the number
 * that received it. An empty body or `<Response/>` sends nothing. `<Redirect>` and `action` are not
 * simulated: noted as warnings. Anything else is refused naming its line and column.
 */
export function parseLamlMessageReply(body: string, inbound: { readonly from: string; readonly to: string }, documentUrl: string): LamlMessageReply {
  const read = replyRoot(body);
  if (!read.ok) return read;
  const root = read.root;
  if (!root) return { ok: true, messages: [], warnings: [] };
  const resolve = resolveAgainst(documentUrl);
  const messages: LamlReplyMessage[] = [];
  const warnings: string[] = [];
  for (const element of root.children) {
    if (element.name === 'Redirect') {
      warnings.push(`${at(element)}: <Redirect> in a messaging reply is not simulated; the rest of the reply was skipped`);
      break;
    }
    if (element.name !== 'Message') return refuse(element, `<${element.name}> is not a messaging verb; use <Message> or <Redirect>`);
    const unknown = Object.keys(element.attributes).find((name) => !MESSAGE_ATTRIBUTES.has(name));
    if (unknown) return refuse(element, `<Message> has no attribute "${unknown}"`);
    const unknownNoun = element.children.find((child) => child.name !== 'Body' && child.name !== 'Media');
    if (unknownNoun) return refuse(unknownNoun, `<${unknownNoun.name}> is not allowed in <Message>; use <Body> and <Media>`);
    const text = messageText(element);
    const mediaUrls = element.children.filter((child) => child.name === 'Media').map((child) => resolve(child.text.trim()));
    if (text === '' && mediaUrls.length === 0) return refuse(element, '<Message> has neither text nor <Media>');
    if ([...text].length > MAX_BODY_CHARS) return refuse(element, `the body is over ${MAX_BODY_CHARS} characters`);
    if (mediaUrls.length > MAX_MEDIA) return refuse(element, `at most ${MAX_MEDIA} <Media> are allowed`);
    const badMedia = mediaUrls.find((url) => !checkHttpUrl(url).ok);
    if (badMedia !== undefined) return refuse(element, `<Media> "${badMedia}" is not an http or https URL`);
    const { to, from, action, method, statusCallback } = element.attributes;
    const callbackMethod = (method ?? 'POST').toUpperCase();
    if (callbackMethod !== 'GET' && callbackMethod !== 'POST') return refuse(element, `method "${method}" is not GET or POST`);
    if (action) warnings.push(`${at(element)}: <Message action> is not simulated; the message is sent without it`);
    messages.push({
      to: to ?? inbound.from,
      from: from ?? inbound.to,
      text,
      mediaUrls,
      statusCallback: statusCallback ? { url: resolve(statusCallback), method: 'POST' } : null,
    });
  }
  return { ok: true, messages, warnings };
}

const at = (element: XmlElement): string => `line ${element.line}, column ${element.column}`;

function refuse(element: XmlElement, reason: string): LamlMessageReply {
  return { ok: false, reason: `${at(element)}: ${reason}` };
}
