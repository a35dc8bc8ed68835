import type { UrlTarget } from '../domain/instructions.js';
import { checkHttpUrl } from '../domain/http-url.js';
import type { HttpMethod } from '../domain/callback.js';
import type { XmlElement } from './element-tree.js';
import { replyRoot } from './reply-root.js';
import { messageText, resolveAgainst } from './laml-instructions.js';

/** One `<Message>` of an app's answer to an inbound message, its ends defaulted (laml.md §5.3). */
export interface LamlReplyMessage {
  readonly kind: 'message';
  readonly to: string;
  readonly from: string;
  readonly text: string;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: UrlTarget | null;
  /** The document to ask for once the message is sent: control passes to it (laml.md §5.3). */
  readonly action: UrlTarget | null;
}

/** `<Redirect>`: control passes to the document at `target`. */
export interface LamlReplyRedirect {
  readonly kind: 'redirect';
  readonly target: UrlTarget;
}

export type LamlReplyVerb = LamlReplyMessage | LamlReplyRedirect;

export type LamlMessageReply =
  | { readonly ok: true; readonly verbs: readonly LamlReplyVerb[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** The ends a reply's messages default to: back to the sender, from the number that received it. */
export interface ReplyEnds {
  readonly from: string;
  readonly to: string;
}

/** laml.md §5.3: a body of at most 1600 characters and at most 10 `<Media>`. */
const MAX_BODY_CHARS = 1600;
const MAX_MEDIA = 10;
const MESSAGE_ATTRIBUTES = new Set(['to', 'from', 'action', 'method', 'statusCallback']);
const REDIRECT_ATTRIBUTES = new Set(['method']);

/**
 * An app's LaML answer to an inbound message (laml.md §5.3): `<Response>` with `<Message>` elements,
 * their text plain or in `<Body>`, with `<Media>`, and `<Redirect>`. `to` defaults to the sender and
 * `from` to the number that received it. A `<Message action>` or a `<Redirect>` hands control to
 * another document, so what follows it never runs: it is dropped with a warning. An empty body or
 * `<Response/>` sends nothing. Anything else is refused naming its line and column.
 */
export function parseLamlMessageReply(body: string, inbound: ReplyEnds, documentUrl: string): LamlMessageReply {
  const read = replyRoot(body);
  if (!read.ok) return read;
  const root = read.root;
  if (!root) return { ok: true, verbs: [], warnings: [] };
  const resolve = resolveAgainst(documentUrl);
  const verbs: LamlReplyVerb[] = [];
  for (const [index, element] of root.children.entries()) {
    const verb = element.name === 'Redirect' ? readRedirect(element, resolve) : element.name === 'Message' ? readMessage(element, inbound, resolve) : null;
    if (verb === null) return refuse(element, `<${element.name}> is not a messaging verb; use <Message> or <Redirect>`);
    if (typeof verb === 'string') return refuse(element, verb);
    verbs.push(verb);
    const rest = root.children.length - index - 1;
    if (rest > 0 && (verb.kind === 'redirect' || verb.action)) {
      const handover = verb.kind === 'redirect' ? '<Redirect>' : '<Message action>';
      return { ok: true, verbs, warnings: [`${at(element)}: control passes on at this ${handover}; the ${rest} verb(s) after it never run`] };
    }
  }
  return { ok: true, verbs, warnings: [] };
}

/** The message, or why it cannot be sent. */
function readMessage(element: XmlElement, inbound: ReplyEnds, resolve: (url: string) => string): LamlReplyMessage | string {
  const unknown = Object.keys(element.attributes).find((name) => !MESSAGE_ATTRIBUTES.has(name));
  if (unknown) return `<Message> has no attribute "${unknown}"`;
  const unknownNoun = element.children.find((child) => child.name !== 'Body' && child.name !== 'Media');
  if (unknownNoun) return `<${unknownNoun.name}> is not allowed in <Message>; use <Body> and <Media>`;
  const text = messageText(element);
  const mediaUrls = element.children.filter((child) => child.name === 'Media').map((child) => resolve(child.text.trim()));
  if (text === '' && mediaUrls.length === 0) return '<Message> has neither text nor <Media>';
  if ([...text].length > MAX_BODY_CHARS) return `the body is over ${MAX_BODY_CHARS} characters`;
  if (mediaUrls.length > MAX_MEDIA) return `at most ${MAX_MEDIA} <Media> are allowed`;
  const badMedia = mediaUrls.find((url) => !checkHttpUrl(url).ok);
  if (badMedia !== undefined) return `<Media> "${badMedia}" is not an http or https URL`;
  const { to, from, action, method, statusCallback } = element.attributes;
  const actionMethod = methodOf(method);
  if (!actionMethod) return `method "${method}" is not GET or POST`;
  return {
    kind: 'message',
    to: to ?? inbound.from,
    from: from ?? inbound.to,
    text,
    mediaUrls,
    statusCallback: statusCallback ? { url: resolve(statusCallback), method: 'POST' } : null,
    action: action ? { url: resolve(action), method: actionMethod } : null,
  };
}

function readRedirect(element: XmlElement, resolve: (url: string) => string): LamlReplyRedirect | string {
  const unknown = Object.keys(element.attributes).find((name) => !REDIRECT_ATTRIBUTES.has(name));
  if (unknown) return `<Redirect> has no attribute "${unknown}"`;
  const url = element.text.trim();
  if (url === '') return '<Redirect> has no URL';
  const method = methodOf(element.attributes.method);
  if (!method) return `method "${element.attributes.method}" is not GET or POST`;
  return { kind: 'redirect', target: { url: resolve(url), method } };
}

/** `method` as given, POST when left out; null when it is neither GET nor POST. */
function methodOf(method: string | undefined): HttpMethod | null {
  const upper = (method ?? 'POST').toUpperCase();
  return upper === 'GET' || upper === 'POST' ? upper : null;
}

const at = (element: XmlElement): string => `line ${element.line}, column ${element.column}`;

function refuse(element: XmlElement, reason: string): LamlMessageReply {
  return { ok: false, reason: `${at(element)}: ${reason}` };
}
