import type { CallbackParams, HttpMethod } from './callback.js';
import { digitsOf } from './phone-numbers.js';
import type { LamlMessageSettings } from './laml-message.js';
import { segmentSms, type SmsEncoding } from './sms-segments.js';

/**
 * A Plivo SMS as the carrier simulator keeps it, and everything Plivo derives from it: the status
 * callback's parameters (plivo.md §3.3), the message detail record the API returns (§3.1) and the
 * far end's script (docs/plivo-messaging.md). Pure: the service around it does the storing and timing.
 */

/** `received` is an inbound message's first status: it becomes delivered when the app's message_url answers 2xx. */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['delivered', 'undelivered', 'failed']);

/** Plivo's documented SMS error codes (plivo.md §3.4). */
export const SMS_ERROR_CODES: Readonly<Record<number, string>> = {
  10: 'Invalid Message',
  20: 'Network Error',
  30: 'Spam Detected',
  40: 'Invalid Source Number',
  50: 'Invalid Destination Number',
  60: 'Loop Detected',
  70: 'Destination Permanently Unavailable',
  80: 'Destination Temporarily Unavailable',
  90: 'No Route Available',
  100: 'Prohibited by Carrier',
  110: 'Message Too Long',
  200: 'Source number blocked by STOP from destination number',
  201: 'Outbound messages from US toll-free numbers to Canadian destination numbers are blocked',
  900: 'Insufficient Credit',
  1000: 'Unknown Error',
};

/** What the far end will do with a message: where it ends, and with which error code. */
export interface FarEndScript {
  readonly final: 'delivered' | 'undelivered' | 'failed' | 'sent';
  readonly errorCode: number | null;
}

/** The default timeline, in clock ms: sent 1 s after queueing, the delivery report 2 s after that. */
export const SENT_AFTER_MS = 1000;
export const REPORTED_AFTER_SENT_MS = 2000;

/**
 * Magic destination numbers (docs/plivo-messaging.md): `1555001` + a four-digit error code ends
 * undelivered with that code, `1555002` + code ends failed (never reaching a carrier), and
 * `15550030000` stays sent with no delivery report. Any other number is delivered.
 */
export function farEndScript(destination: string): FarEndScript {
  const digits = digitsOf(destination);
  const magic = /^155500([123])(\d{4})$/.exec(digits);
  if (!magic) return { final: 'delivered', errorCode: null };
  const code = Number(magic[2]);
  if (magic[1] === '3') return { final: 'sent', errorCode: null };
  const errorCode = SMS_ERROR_CODES[code] ? code : 1000;
  return { final: magic[1] === '1' ? 'undelivered' : 'failed', errorCode };
}

export interface PlivoMessage {
  readonly uuid: string;
  readonly accountId: string;
  /**
   * The front door whose callbacks the message sends; absent on Plivo's (and on messages stored before
   * messages had one). One record serves both, as calls do (docs/adr/0010-messaging-dialects.md).
   */
  readonly dialect?: 'laml';
  /** A LaML message's own settings (its direction as LaML names it, `ApiVersion`…). */
  readonly laml?: LamlMessageSettings;
  readonly direction: 'outbound' | 'inbound';
  readonly type: MessageType;
  /** MMS only: the media sent with it (absent on messages stored before MMS was simulated). */
  readonly mediaUrls?: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly encoding: SmsEncoding;
  readonly units: number;
  /** Status callback URL (fragment and all), or null when the sender gave none. */
  readonly url: string | null;
  readonly method: HttpMethod;
  /** `log=false`: Plivo masks the text and destination in its logs; kept for the record. */
  readonly log: boolean;
  readonly status: MessageStatus;
  readonly errorCode: number | null;
  /** Status callbacks generated so far; the next one carries `Sequence` = this + 1. */
  readonly sequence: number;
  /** Clock times (ms). */
  readonly queuedAt: number;
  readonly sentAt: number | null;
  readonly reportedAt: number | null;
  readonly updatedAt: number;
  readonly script: FarEndScript;
  /** The next step of the far end's script, or null once it has nothing more to do. */
  readonly next: { readonly status: MessageStatus; readonly at: number } | null;
}

export type MessageType = 'sms' | 'mms';

/** Simulated prices per unit, in USD, with Plivo's five decimals. An MMS is one unit whatever its size. */
export const RATE_PER_UNIT: Readonly<Record<MessageType, string>> = { sms: '0.00500', mms: '0.01800' };

export interface NewOutboundSms {
  readonly uuid: string;
  readonly accountId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly log: boolean;
  readonly now: number;
  /** `mms` with its media; `sms` when left out. */
  readonly type?: MessageType;
  readonly mediaUrls?: readonly string[];
  /** A LaML message: its settings. */
  readonly laml?: LamlMessageSettings;
  /** What the far end does with it, when the dialect decides otherwise than the magic numbers. */
  readonly script?: FarEndScript;
}

export function queuedSms(input: NewOutboundSms): PlivoMessage {
  const script = input.script ?? farEndScript(input.to);
  return freshSms(input, {
    direction: 'outbound',
    status: 'queued',
    script,
    next: { status: script.final === 'failed' ? 'failed' : 'sent', at: input.now + SENT_AFTER_MS },
  });
}

/** A message as first stored: nothing has happened to it yet. */
function freshSms(
  input: Pick<NewOutboundSms, 'uuid' | 'accountId' | 'from' | 'to' | 'text' | 'url' | 'method' | 'log' | 'now' | 'type' | 'mediaUrls' | 'laml'>,
  state: Pick<PlivoMessage, 'direction' | 'status' | 'script' | 'next'>,
): PlivoMessage {
  const type = input.type ?? 'sms';
  const segmented = segmentSms(input.text);
  return {
    uuid: input.uuid,
    accountId: input.accountId,
    ...(input.laml ? { dialect: 'laml' as const, laml: input.laml } : {}),
    direction: state.direction,
    type,
    ...(type === 'mms' ? { mediaUrls: input.mediaUrls ?? [] } : {}),
    from: input.from,
    to: input.to,
    text: input.text,
    encoding: segmented.encoding,
    units: type === 'mms' ? 1 : segmented.units,
    url: input.url,
    method: input.method,
    log: input.log,
    status: state.status,
    errorCode: null,
    sequence: 0,
    queuedAt: input.now,
    sentAt: null,
    reportedAt: null,
    updatedAt: input.now,
    script: state.script,
    next: state.next,
  };
}

/** The statuses a message can move to from its current one. */
export function allowedNext(status: MessageStatus): readonly MessageStatus[] {
  switch (status) {
    case 'queued':
      return ['sent', 'failed'];
    case 'sent':
      return ['delivered', 'undelivered', 'failed'];
    case 'received':
      return ['delivered', 'undelivered'];
    default:
      return [];
  }
}

export class MessageTransitionError extends Error {
  constructor(
    readonly from: MessageStatus,
    readonly to: MessageStatus,
  ) {
    super(`a ${from} message cannot become ${to}${FINAL_STATUSES.has(from) ? `: ${from} is final` : ''}`);
    this.name = 'MessageTransitionError';
  }
}

/**
 * Move a message to `status` at clock time `at`. Each move is one status callback (`sequence` counts
 * them). `errorCode` applies to undelivered and failed; without one the script's, else 1000.
 */
export function moveMessage(message: PlivoMessage, status: MessageStatus, at: number, errorCode?: number | null): PlivoMessage {
  if (!allowedNext(message.status).includes(status)) throw new MessageTransitionError(message.status, status);
  const failing = status === 'undelivered' || status === 'failed';
  return {
    ...message,
    status,
    errorCode: failing ? (errorCode ?? message.script.errorCode ?? 1000) : null,
    sequence: message.sequence + 1,
    sentAt: status === 'sent' ? at : message.sentAt,
    reportedAt: status === 'delivered' || status === 'undelivered' ? at : message.reportedAt,
    updatedAt: at,
    next: nextStep(message.script, status, at),
  };
}

/** Record that the queued callback was generated (the message itself does not change status). */
export function countQueuedCallback(message: PlivoMessage): PlivoMessage {
  return { ...message, sequence: message.sequence + 1 };
}

/** After `sent`, the delivery report the script calls for; nothing after any other status. */
function nextStep(script: FarEndScript, status: MessageStatus, at: number): PlivoMessage['next'] {
  if (status !== 'sent') return null;
  if (script.final !== 'delivered' && script.final !== 'undelivered') return null;
  return { status: script.final, at: at + REPORTED_AFTER_SENT_MS };
}

/** `YYYY-mm-dd HH:MM:SS.ffffff`, UTC: the callbacks' time format (plivo.md §3.3). */
export function plivoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`;
}

function totalAmount(message: PlivoMessage): string {
  return (Number(RATE_PER_UNIT[message.type]) * message.units).toFixed(5);
}

/** Mobile country and network codes of the destination, as the simulator pretends to look them up. */
export function networkOf(destination: string): { mcc: string; mnc: string } {
  const digits = digitsOf(destination);
  if (digits.startsWith('1')) return { mcc: '310', mnc: '410' };
  if (digits.startsWith('44')) return { mcc: '234', mnc: '15' };
  if (digits.startsWith('91')) return { mcc: '404', mnc: '45' };
  return { mcc: '000', mnc: '00' };
}

/** The status callback for the message's current status (plivo.md §3.3). */
export function statusCallbackParams(message: PlivoMessage): CallbackParams {
  const { mcc, mnc } = networkOf(message.to);
  return {
    MessageUUID: message.uuid,
    ParentMessageUUID: message.uuid,
    PartInfo: '',
    From: message.from,
    To: message.to,
    Type: message.type,
    Status: message.status,
    ErrorCode: message.errorCode === null ? '' : String(message.errorCode),
    Units: String(message.units),
    TotalRate: RATE_PER_UNIT[message.type],
    TotalAmount: totalAmount(message),
    MCC: mcc,
    MNC: mnc,
    Sequence: String(message.sequence),
    MessageTime: plivoTime(message.queuedAt),
    QueuedTime: plivoTime(message.queuedAt),
    SentTime: message.sentAt === null ? '' : plivoTime(message.sentAt),
    DeliveryReportTime: message.reportedAt === null ? '' : plivoTime(message.reportedAt),
    PowerpackUUID: '',
    requester_ip: '127.0.0.1',
  };
}

/** The message detail record `GET Message/{uuid}/` returns (snake_case, Plivo's formats). */
export function messageRecord(message: PlivoMessage): Record<string, string | number | null> {
  return {
    error_code: message.errorCode === null ? null : String(message.errorCode),
    error_message: message.errorCode === null ? null : (SMS_ERROR_CODES[message.errorCode] ?? null),
    from_number: message.from,
    message_direction: message.direction,
    message_state: message.status,
    message_time: `${plivoTime(message.queuedAt)}+00:00`,
    message_sent_time: message.sentAt === null ? null : `${plivoTime(message.sentAt)}+00:00`,
    message_updated_time: `${plivoTime(message.updatedAt)}+00:00`,
    message_type: message.type,
    message_uuid: message.uuid,
    resource_uri: `/v1/Account/${message.accountId}/Message/${message.uuid}/`,
    to_number: message.log ? message.to : maskNumber(message.to),
    total_amount: totalAmount(message),
    total_rate: RATE_PER_UNIT[message.type],
    units: message.units,
  };
}

/** `log=false` hides the destination in Plivo's records, all but the first digits. */
function maskNumber(number: string): string {
  return number.length <= 5 ? 'xxxxx' : `${number.slice(0, 5)}${'x'.repeat(number.length - 5)}`;
}

export interface NewInboundSms {
  readonly uuid: string;
  readonly accountId: string;
  readonly from: string;
  /** The account's number it was sent to. */
  readonly to: string;
  readonly text: string;
  readonly messageUrl: string;
  readonly messageMethod: HttpMethod;
  readonly now: number;
  readonly type?: MessageType;
  readonly mediaUrls?: readonly string[];
  /** A message to a LaML-routed number: its settings. */
  readonly laml?: LamlMessageSettings;
}

/** A message from a phone to one of the account's numbers, on its way to the application's message_url. */
export function receivedSms(input: NewInboundSms): PlivoMessage {
  return freshSms(
    { ...input, url: input.messageUrl, method: input.messageMethod, log: true },
    { direction: 'inbound', status: 'received', script: { final: 'delivered', errorCode: null }, next: null },
  );
}

/** STOP, START and HELP keywords as carriers classify them (Plivo's `MessageIntent`). */
function intentOf(text: string): string {
  const word = text.trim().toUpperCase();
  if (['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'].includes(word)) return 'optout';
  if (['START', 'YES', 'UNSTOP'].includes(word)) return 'optin';
  if (['HELP', 'INFO'].includes(word)) return 'help';
  return '';
}

/** What the application's message_url receives for an inbound SMS (plivo.md §3.5). */
export function inboundSmsParams(message: PlivoMessage): CallbackParams {
  // An MMS carries its text as Body and its media as MediaCount, Media1…MediaN (plivo.md §3.5).
  const media = message.mediaUrls ?? [];
  const content: CallbackParams =
    message.type === 'mms'
      ? { Body: message.text, MediaCount: String(media.length), ...Object.fromEntries(media.map((url, i) => [`Media${i + 1}`, url])) }
      : { Text: message.text };
  return {
    From: message.from,
    To: message.to,
    ...content,
    Type: message.type,
    MessageUUID: message.uuid,
    Units: String(message.units),
    TotalRate: '0.00000',
    TotalAmount: '0.00000',
    MessageIntent: intentOf(message.text),
    PowerpackUUID: '',
  };
}
