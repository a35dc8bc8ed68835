import { digitsOf, isE164, splitDestinations } from '../../domain/phone-numbers.js';
import { segmentSms } from '../../domain/sms-segments.js';
import type { MessageFilter, SendSms } from '../../engine/plivo/message-service.js';
import { PlivoApiError } from './errors.js';
import { httpUrl, optionalMethod, optionalText, pageOf, paramsOf, requiredText, type Params } from './params.js';

/**
 * `POST Message/` parameters as the Plivo SDKs send them (JSON, or a form), parsed into a typed
 * request or refused with Plivo's 400 naming the parameter. Unknown parameters are ignored, as Plivo
 * ignores them.
 */

/** Plivo's documented ceiling on one message's text (plivo.md §3.1). */
const MAX_GSM_CHARACTERS = 1600;
const MAX_UCS2_CHARACTERS = 737;
/** Destinations in one request (plivo.md §3.1: "up to 1000"). */
const MAX_DESTINATIONS = 1000;

/** An alphanumeric sender ID: up to 11 letters, digits and spaces, with at least one letter. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export function parseSendSms(accountId: string, body: unknown): SendSms {
  const fields = paramsOf(body);
  const from = requiredText(fields, 'src');
  if (!isE164(from) && !SENDER_ID.test(from)) {
    throw new PlivoApiError(400, `src "${from}" is neither an E.164 number nor an alphanumeric sender ID`);
  }
  const to = destinations(requiredText(fields, 'dst'));
  if (to.includes(digitsOf(from))) throw new PlivoApiError(400, 'src and dst cannot be the same number');
  const type = optionalText(fields, 'type')?.toLowerCase() ?? 'sms';
  if (type !== 'sms' && type !== 'mms') throw new PlivoApiError(400, `type "${type}" is not simulated yet; send sms or mms`);
  const base = { accountId, from, to, url: optionalText(fields, 'url') ?? null, method: optionalMethod(fields, 'method') ?? 'POST', log: log(fields) };
  if (type === 'sms') {
    const text = requiredText(fields, 'text');
    checkLength(text);
    return { ...base, text };
  }
  const mediaUrls = media(fields);
  const text = optionalText(fields, 'text') ?? '';
  if (!text && mediaUrls.length === 0) throw new PlivoApiError(400, 'an mms needs text or media_urls');
  checkLength(text);
  return { ...base, text, type: 'mms', mediaUrls };
}

export function parseMessageFilter(query: unknown): { filter: MessageFilter; limit: number; offset: number } {
  const fields = paramsOf(query);
  const status = optionalText(fields, 'message_state');
  const direction = optionalText(fields, 'message_direction');
  if (status && !['queued', 'sent', 'delivered', 'undelivered', 'failed'].includes(status)) {
    throw new PlivoApiError(400, `message_state "${status}" is not one of queued, sent, delivered, undelivered, failed`);
  }
  if (direction && direction !== 'outbound' && direction !== 'inbound') throw new PlivoApiError(400, `message_direction "${direction}" is not outbound or inbound`);
  const filter: MessageFilter = {
    ...(status ? { status: status as NonNullable<MessageFilter['status']> } : {}),
    ...(direction ? { direction: direction as NonNullable<MessageFilter['direction']> } : {}),
  };
  return { filter, ...pageOf(fields) };
}

function destinations(dst: string): string[] {
  const numbers = [...new Set(splitDestinations(dst))];
  const bad = numbers.find((n) => !isE164(n));
  if (bad !== undefined) throw new PlivoApiError(400, `dst "${bad}" is not an E.164 number`);
  if (numbers.length > MAX_DESTINATIONS) throw new PlivoApiError(400, `dst has ${numbers.length} numbers; at most ${MAX_DESTINATIONS} in one request`);
  return numbers;
}

/** Plivo's limit on the media of one MMS. */
const MAX_MEDIA = 10;

/** `media_urls` as a JSON array, or one string (a form sends repeated keys as an array too). */
function media(fields: Params): string[] {
  const raw = fields.media_urls;
  if (raw === undefined || raw === null || raw === '') return [];
  const urls = Array.isArray(raw) ? raw : [raw];
  if (urls.length > MAX_MEDIA) throw new PlivoApiError(400, `media_urls has ${urls.length} URLs; at most ${MAX_MEDIA}`);
  return urls.map((url) => {
    if (typeof url !== 'string') throw new PlivoApiError(400, 'media_urls must be URLs');
    return httpUrl('media_urls', url);
  });
}

function checkLength(text: string): void {
  const { encoding } = segmentSms(text);
  const characters = [...text].length;
  const max = encoding === 'GSM' ? MAX_GSM_CHARACTERS : MAX_UCS2_CHARACTERS;
  if (characters > max) throw new PlivoApiError(400, `text has ${characters} characters; at most ${max} in ${encoding === 'GSM' ? 'GSM' : 'Unicode'} text`);
}

function log(fields: Params): boolean {
  // Plivo also takes content_only / number_only here; anything but false keeps the log.
  return optionalText(fields, 'log')?.toLowerCase() !== 'false';
}

