/**
 * What the Content-Type of a LaML document's response makes of its body. Twilio documents it for voice
 * and messaging alike ("Your Response": `text/xml`, `application/xml` and `text/html` are TwiML; audio
 * is played on a call; `text/plain` is said on a call and sent back as a message), and anything else
 * is error 12300 "Invalid Content-Type" (laml.md §2.2; SignalWire lists 12300 with the same meaning).
 *
 * - `laml`: parse the body as a document. A `text/plain` body that is XML is read as one too: web
 *   frameworks answer text/plain by default, and the app plainly meant a document.
 * - `audio`, `text`: the body is content, not instructions (what becomes of it is the dialect's).
 * - `unsupported`: 12300.
 *
 * No Content-Type at all is read as a document: an empty 200 is how many apps say "nothing to do",
 * and refusing a well-formed document for a missing header would help no one test anything.
 */
export type LamlBodyKind = 'laml' | 'audio' | 'text' | 'unsupported';

const DOCUMENT_TYPES = new Set(['text/xml', 'application/xml', 'text/html']);

export function lamlBodyKind(contentType: string | null, body: string): LamlBodyKind {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === '' || DOCUMENT_TYPES.has(mediaType) || mediaType.endsWith('+xml')) return 'laml';
  if (mediaType === 'text/plain') return body.trimStart().startsWith('<') ? 'laml' : 'text';
  if (mediaType.startsWith('audio/')) return 'audio';
  return 'unsupported';
}

/** Error 12300's reason, naming the type that was refused. */
export function invalidContentType(contentType: string | null): string {
  return `the response's Content-Type "${contentType ?? ''}" is not a LaML document (text/xml, application/xml, text/html or text/plain)`;
}

export const INVALID_CONTENT_TYPE = '12300';

/** SignalWire's warning for a `<Play>` URL that "does not return audio" or "has an invalid content type". */
export const PLAY_NOT_AUDIO = 13420;

/**
 * Whether a `<Play>` URL's Content-Type is audio: `audio/*`, and the generic types many servers send
 * audio files as (`application/octet-stream`, `application/ogg`, none at all). A web page, a document
 * or JSON is not.
 */
export function playableType(contentType: string | null): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === '' || mediaType.startsWith('audio/') || mediaType === 'application/octet-stream' || mediaType === 'application/ogg';
}
