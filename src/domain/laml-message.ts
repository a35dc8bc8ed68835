import type { CallbackParams } from './callback.js';
import { LAML_API_VERSION, lamlAccountPath, rfc2822 } from './laml-call.js';
import { farEndScript, RATE_PER_UNIT, type FarEndScript, type MessageStatus, type MessageType, type PlivoMessage } from './plivo-message.js';

/**
 * What a LaML message carries beyond the message record both dialects share, and what it sends
 * (laml.md §1.3, §5). Pure: the status callbacks and the REST record are built here from one snapshot.
 */

/** How the message came to be (laml.md §1.3): REST, `<Sms>` in a call, `<Message>` in a reply, or a phone. */
export type LamlMessageDirection = 'outbound-api' | 'outbound-call' | 'outbound-reply' | 'inbound';

export interface LamlMessageSettings {
  readonly direction: LamlMessageDirection;
  /** `ApiVersion` on every request: the REST version that made the message. */
  readonly apiVersion: string;
  readonly messagingServiceSid: string | null;
}

export const lamlMessageSettings = (direction: LamlMessageDirection, messagingServiceSid: string | null = null): LamlMessageSettings => ({
  direction,
  apiVersion: LAML_API_VERSION,
  messagingServiceSid,
});

/** SignalWire's messaging error codes (laml.md §5.2), for the API's `error_message`. */
export const LAML_SMS_ERROR_CODES: Readonly<Record<number, string>> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Carrier violation',
  30008: 'Unknown error',
  30009: 'Missing segment',
  30010: 'Message price exceeds max price',
};

/**
 * The far end's magic numbers are Plivo's (docs/plivo-messaging.md), so one number means one outcome
 * whichever door sent the message; their Plivo code is reported as the LaML code that means the same.
 */
const LAML_CODE_OF_PLIVO_CODE: Readonly<Record<number, number>> = {
  10: 30007,
  20: 30008,
  30: 30007,
  40: 30008,
  50: 30005,
  60: 30008,
  70: 30005,
  80: 30003,
  90: 30006,
  100: 30007,
  110: 30008,
  200: 30004,
  201: 30004,
  900: 30002,
  1000: 30008,
};

/** The LaML `ErrorCode` of a stored code: Plivo's mapped, a LaML one (set by live control) as it is. */
export function lamlErrorCode(code: number | null): number | null {
  if (code === null) return null;
  return LAML_CODE_OF_PLIVO_CODE[code] ?? code;
}

/**
 * The far end's script for a LaML message: the shared magic numbers, except that an MMS never gets a
 * delivery receipt and stays `sent` (laml.md §5.2), unless its number fails it.
 */
export function lamlFarEndScript(destination: string, type: MessageType): FarEndScript {
  const script = farEndScript(destination);
  return type === 'mms' && script.final !== 'failed' ? { final: 'sent', errorCode: null } : script;
}

/**
 * The `MessageStatus` values a move to `status` reports, in order: `sent` is reported as `sending`
 * then `sent`, the sequence SignalWire documents (laml.md §5.2); an inbound message reports nothing.
 * Nor does a new message's `queued`: callbacks report a change of status, and `queued` is where a
 * message starts. SignalWire's status callback is sent "when the status of an SMS/MMS message
 * changes"; Twilio says it outright: "a status callback request is not sent for the initial status
 * of a newly created Message resource" (Outbound Message Status in Status Callbacks), for REST and
 * TwiML-made messages alike. The API's answer to the create already says `queued`.
 */
export function lamlCallbackStatuses(status: MessageStatus): readonly string[] {
  switch (status) {
    case 'received':
    case 'queued':
      return [];
    case 'sent':
      return ['sending', 'sent'];
    default:
      return [status];
  }
}

/** The status callback for one `MessageStatus` (laml.md §5.2, with Twilio's `SmsSid`/`SmsStatus`/`ApiVersion`). */
export function lamlMessageStatusParams(message: PlivoMessage, messageStatus: string): CallbackParams {
  const params: Record<string, string> = {
    ...lamlMessageParams(message),
    MessageStatus: messageStatus,
    SmsStatus: messageStatus,
  };
  const errorCode = lamlErrorCode(message.errorCode);
  if (errorCode !== null && (messageStatus === 'undelivered' || messageStatus === 'failed')) params.ErrorCode = String(errorCode);
  return params;
}

/** The standard messaging parameters (laml.md §5.1): who, what, and how many parts. */
export function lamlMessageParams(message: PlivoMessage): Record<string, string> {
  const media = message.mediaUrls ?? [];
  return {
    MessageSid: message.uuid,
    SmsSid: message.uuid,
    SmsMessageSid: message.uuid,
    AccountSid: message.accountId,
    From: message.from,
    To: message.to,
    Body: message.text,
    NumMedia: String(media.length),
    NumSegments: String(message.units),
    ApiVersion: message.laml?.apiVersion ?? LAML_API_VERSION,
    ...Object.fromEntries(media.flatMap((url, i) => [[`MediaUrl${i}`, url], [`MediaContentType${i}`, contentTypeOf(url)]])),
  };
}

/** What an inbound message's `SmsUrl` receives (laml.md §5.1, §5.4). */
export function lamlInboundParams(message: PlivoMessage): CallbackParams {
  return { ...lamlMessageParams(message), SmsStatus: 'received' };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  vcf: 'text/vcard',
  txt: 'text/plain',
  pdf: 'application/pdf',
};

/** The media type a simulated carrier would report, from the URL's extension (nothing is fetched). */
function contentTypeOf(url: string): string {
  const extension = /\.([A-Za-z0-9]+)(?:[?#].*)?$/.exec(url)?.[1]?.toLowerCase();
  return (extension && CONTENT_TYPES[extension]) ?? 'application/octet-stream';
}

/** The resource status (laml.md §1.3): an inbound message stays `received` whatever its app answered. */
function lamlMessageStatus(message: PlivoMessage): string {
  return message.direction === 'inbound' ? 'received' : message.status;
}

/** A message as `GET …/Messages/{MessageSid}.json` shows it in the project `accountSid` (laml.md §1.3, SW-OAS `MessageResponse`). */
export function lamlMessageRecord(message: PlivoMessage, accountSid: string): Record<string, unknown> {
  const uri = `${lamlAccountPath(accountSid)}/Messages/${message.uuid}`;
  const errorCode = lamlErrorCode(message.errorCode);
  const charged = message.sentAt !== null || message.direction === 'inbound';
  return {
    sid: message.uuid,
    account_sid: accountSid,
    api_version: message.laml?.apiVersion ?? LAML_API_VERSION,
    body: message.text,
    num_segments: message.units,
    num_media: (message.mediaUrls ?? []).length,
    date_created: rfc2822(message.queuedAt),
    date_sent: message.sentAt === null ? null : rfc2822(message.sentAt),
    date_updated: rfc2822(message.updatedAt),
    direction: message.laml?.direction ?? (message.direction === 'inbound' ? 'inbound' : 'outbound-api'),
    error_code: errorCode === null ? null : String(errorCode),
    error_message: errorCode === null ? null : (LAML_SMS_ERROR_CODES[errorCode] ?? null),
    from: message.from,
    to: message.to,
    messaging_service_sid: message.laml?.messagingServiceSid ?? null,
    // SignalWire reports a number (laml.md §1.3); the simulated rate is Plivo's, known once sent.
    price: charged ? Number((Number(RATE_PER_UNIT[message.type]) * message.units).toFixed(5)) : null,
    price_unit: 'USD',
    status: lamlMessageStatus(message),
    uri: `${uri}.json`,
    subresource_uris: { media: `${uri}/Media.json` },
  };
}
