import { InputError } from '../../domain/errors.js';
import { LAML_API_VERSION } from '../../domain/laml-call.js';
import { lamlMessageSettings } from '../../domain/laml-message.js';
import { e164Of } from '../../domain/laml-number.js';
import { digitsOf } from '../../domain/phone-numbers.js';
import type { MessageType, PlivoMessage } from '../../domain/plivo-message.js';
import type { Applications, PlivoApplication } from './applications.js';
import type { MessageService } from './message-service.js';
import type { Numbers, PlivoNumber } from './numbers.js';
import type { CallEngine } from '../calls/call-engine.js';
import type { PlivoCall } from '../../domain/plivo-call.js';
import type { AccountDirectory } from '../../delivery/account-directory.js';

export interface IncomingSms {
  readonly from: string;
  /** A number an account rents. */
  readonly to: string;
  readonly text: string;
  readonly type: MessageType;
  readonly mediaUrls?: readonly string[];
}

/**
 * The far end sending in: an SMS or MMS to one of the accounts' numbers, routed as Plivo routes it —
 * to the number's application, or to the account's default number application — and handed to the
 * message service, which requests the application's message_url.
 */
export class InboundSms {
  constructor(private readonly deps: { readonly numbers: Numbers; readonly applications: Applications; readonly messages: MessageService }) {}

  /**
   * Throws InputError: 404 when nobody rents `to`, 409 when it leads to no message_url (a LaML-routed
   * number: no SmsUrl).
   */
  async receive(sms: IncomingSms): Promise<InboundRoute & { readonly message: PlivoMessage; readonly messageUrl: string }> {
    const { messages } = this.deps;
    const number = await rentedNumber(this.deps.numbers, sms.to);
    const content = { from: digitsOf(sms.from), to: number.number, text: sms.text, type: sms.type, ...(sms.type === 'mms' ? { mediaUrls: sms.mediaUrls ?? [] } : {}) };
    if (number.laml) {
      const smsUrl = number.laml.smsUrl;
      if (!smsUrl) throw new InputError(`${e164Of(number.number)} has no SmsUrl`, 'to', 'set its SmsUrl with POST …/IncomingPhoneNumbers/{sid}.json', 409, 'no_sms_url');
      // LaML messages are shown with a +, as the SignalWire sender and recipient are (laml.md §1.1).
      const message = await messages.receive({
        ...content,
        from: e164Of(content.from),
        to: e164Of(number.number),
        accountId: number.accountId,
        messageUrl: smsUrl.url,
        messageMethod: smsUrl.method,
        fallback: number.laml.smsFallbackUrl,
        laml: lamlMessageSettings('inbound'),
      });
      return { message, dialect: 'laml', appId: null, messageUrl: smsUrl.url };
    }
    const application = await applicationOf(this.deps.applications, number);
    const messageUrl = application?.messageUrl;
    if (!application || !messageUrl) {
      throw new InputError(
        `${number.number} leads to no application with a message_url`,
        'to',
        'point the number at an application with a message_url, or make one the default number application',
        409,
        'no_message_url',
      );
    }
    const message = await messages.receive({ ...content, accountId: number.accountId, messageUrl, messageMethod: application.messageMethod });
    return { message, dialect: 'plivo', appId: application.appId, messageUrl };
  }
}

/** Where inbound traffic went: a Plivo application, or a LaML-routed number's own URLs. */
export interface InboundRoute {
  readonly dialect: 'plivo' | 'laml';
  /** The Plivo application; null for a LaML-routed number. */
  readonly appId: string | null;
}

/** The number, whoever rents it. Throws InputError 404 when nobody does. */
async function rentedNumber(numbers: Numbers, to: string): Promise<PlivoNumber> {
  const number = await numbers.find(to);
  if (!number) {
    throw new InputError(`no account rents ${to}`, 'to', 'rent it with POST /hookline/v1/numbers, POST /v1/Account/{auth_id}/PhoneNumber/{number}/ or POST …/IncomingPhoneNumbers.json', 404, 'not_found');
  }
  return number;
}

/** The application a Plivo-routed number leads to: its own, or the account's default number application. */
function applicationOf(applications: Applications, number: PlivoNumber): Promise<PlivoApplication | null> {
  return number.appId ? applications.get(number.accountId, number.appId) : applications.defaultNumberApp(number.accountId);
}

/**
 * A phone calling one of the accounts' numbers: routed like an SMS, then rung into the application's
 * answer_url (with its fallback_answer_url and hangup_url, which defaults to the answer_url).
 */
export class InboundCalls {
  constructor(
    private readonly deps: { readonly numbers: Numbers; readonly applications: Applications; readonly calls: CallEngine; readonly accounts: AccountDirectory },
  ) {}

  /**
   * Throws InputError: 404 when nobody rents `to`, 409 when it leads to no answer_url (a LaML-routed
   * number: no VoiceUrl).
   */
  async receive(call: { readonly from: string; readonly to: string; readonly forwardedFrom?: string | undefined; readonly callerName?: string | undefined }): Promise<InboundRoute & { readonly call: PlivoCall; readonly answerUrl: string }> {
    const number = await rentedNumber(this.deps.numbers, call.to);
    const account = this.deps.accounts.get(number.accountId);
    const parties = { accountId: number.accountId, parentAuthId: account?.parentId ?? number.accountId, callerName: call.callerName ?? '' };
    if (number.laml) {
      const { voiceUrl, voiceFallbackUrl, statusCallback } = number.laml;
      if (!voiceUrl) throw new InputError(`${e164Of(number.number)} has no VoiceUrl`, 'to', 'set its VoiceUrl with POST …/IncomingPhoneNumbers/{sid}.json', 409, 'no_voice_url');
      const started = await this.deps.calls.receive({
        ...parties,
        ...(call.forwardedFrom === undefined ? {} : { forwardedFrom: e164Of(digitsOf(call.forwardedFrom)) }),
        from: e164Of(digitsOf(call.from)),
        to: e164Of(number.number),
        answerUrl: voiceUrl,
        fallbackUrl: voiceFallbackUrl,
        hangupUrl: null,
        dialect: 'laml',
        // The number's StatusCallback hears of the end of each call (laml.md §1.5).
        laml: { statusCallback, statusCallbackEvents: ['completed'], nextSequenceNumber: 0, apiVersion: LAML_API_VERSION },
      });
      return { call: started, dialect: 'laml', appId: null, answerUrl: voiceUrl.url };
    }
    const application = await applicationOf(this.deps.applications, number);
    const answerUrl = application?.answerUrl;
    if (!application || !answerUrl) {
      throw new InputError(
        `${number.number} leads to no application with an answer_url`,
        'to',
        'point the number at an application with an answer_url, or make one the default number application',
        409,
        'no_answer_url',
      );
    }
    const started = await this.deps.calls.receive({
      ...parties,
      ...(call.forwardedFrom === undefined ? {} : { forwardedFrom: digitsOf(call.forwardedFrom) }),
      from: digitsOf(call.from),
      to: number.number,
      answerUrl: { url: answerUrl, method: application.answerMethod },
      fallbackUrl: application.fallbackAnswerUrl ? { url: application.fallbackAnswerUrl, method: application.fallbackMethod } : null,
      hangupUrl: { url: application.hangupUrl ?? answerUrl, method: application.hangupUrl ? application.hangupMethod : application.answerMethod },
    });
    return { call: started, dialect: 'plivo', appId: application.appId, answerUrl };
  }
}
