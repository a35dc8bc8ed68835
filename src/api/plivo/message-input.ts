import type { HttpMethod } from '../../domain/callback.js';
import { segmentSms } from '../../domain/sms-segments.js';
import type { MessageFilter, SendSms } from '../../plivo/message-service.js';
import { PlivoApiError } from './errors.js';

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

const E164 = /^\+?[1-9]\d{6,14}$/;
/** An alphanumeric sender ID: up to 11 letters, digits and spaces, with at least one letter. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

type Body = Record<string, unknown>;

export function parseSendSms(accountId: string, body: unknown): SendSms {
  const fields = asBody(body);
  const from = requiredText(fields, 'src');
  if (!E164.test(from) && !SENDER_ID.test(from)) {
    throw new PlivoApiError(400, `src "${from}" is neither an E.164 number nor an alphanumeric sender ID`);
  }
  const to = destinations(requiredText(fields, 'dst'));
  if (to.includes(from.replace(/^\+/, ''))) throw new PlivoApiError(400, 'src and dst cannot be the same number');
  const type = optionalText(fields, 'type')?.toLowerCase() ?? 'sms';
  if (type !== 'sms') throw new PlivoApiError(400, `type "${type}" is not simulated yet; send type sms`);
  const text = requiredText(fields, 'text');
  checkLength(text);
  return { accountId, from, to, text, url: optionalText(fields, 'url') ?? null, method: method(fields), log: log(fields) };
}

export function parseMessageFilter(query: unknown): { filter: MessageFilter; limit: number; offset: number } {
  const fields = asBody(query);
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
  return { filter, limit: integer(fields, 'limit', 20, 1, 20), offset: integer(fields, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

function asBody(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new PlivoApiError(400, 'the request body must be a JSON object or a form');
  return body as Body;
}

/** Strings, and numbers as the SDKs sometimes send them (`"src": 14155550000`). */
function optionalText(fields: Body, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PlivoApiError(400, `${name} must be a string`);
}

function requiredText(fields: Body, name: string): string {
  const value = optionalText(fields, name);
  if (value === undefined) throw new PlivoApiError(400, `${name} parameter is missing`);
  return value;
}

function destinations(dst: string): string[] {
  const numbers = [...new Set(dst.split('<').map((n) => n.trim().replace(/^\+/, '')))];
  const bad = numbers.find((n) => !E164.test(n));
  if (bad !== undefined) throw new PlivoApiError(400, `dst "${bad}" is not an E.164 number`);
  if (numbers.length > MAX_DESTINATIONS) throw new PlivoApiError(400, `dst has ${numbers.length} numbers; at most ${MAX_DESTINATIONS} in one request`);
  return numbers;
}

function checkLength(text: string): void {
  const { encoding } = segmentSms(text);
  const characters = [...text].length;
  const max = encoding === 'GSM' ? MAX_GSM_CHARACTERS : MAX_UCS2_CHARACTERS;
  if (characters > max) throw new PlivoApiError(400, `text has ${characters} characters; at most ${max} in ${encoding === 'GSM' ? 'GSM' : 'Unicode'} text`);
}

function method(fields: Body): HttpMethod {
  const value = optionalText(fields, 'method')?.toUpperCase() ?? 'POST';
  if (value !== 'GET' && value !== 'POST') throw new PlivoApiError(400, `method "${value}" is not GET or POST`);
  return value;
}

function log(fields: Body): boolean {
  const value = optionalText(fields, 'log')?.toLowerCase() ?? 'true';
  return value !== 'false';
}

function integer(fields: Body, name: string, fallback: number, min: number, max: number): number {
  const text = optionalText(fields, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new PlivoApiError(400, `${name} must be a whole number from ${min} to ${max}`);
  return value;
}
