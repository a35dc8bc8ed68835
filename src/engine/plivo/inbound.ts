import { InputError } from '../../domain/errors.js';
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

  /** Throws InputError: 404 when nobody rents `to`, 409 when it leads to no message_url. */
  async receive(sms: IncomingSms): Promise<{ readonly message: PlivoMessage; readonly application: PlivoApplication & { readonly messageUrl: string } }> {
    const { messages } = this.deps;
    const { number, application } = await routeToApplication(this.deps, sms.to);
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
    const message = await messages.receive({
      accountId: number.accountId,
      from: digitsOf(sms.from),
      to: number.number,
      text: sms.text,
      messageUrl,
      messageMethod: application.messageMethod,
      type: sms.type,
      ...(sms.type === 'mms' ? { mediaUrls: sms.mediaUrls ?? [] } : {}),
    });
    return { message, application: { ...application, messageUrl } };
  }
}

/**
 * The number an account rents and the application it leads to (its own, or the account's default
 * number application). Throws InputError 404 when nobody rents `to`.
 */
async function routeToApplication(
  deps: { readonly numbers: Numbers; readonly applications: Applications },
  to: string,
): Promise<{ readonly number: PlivoNumber; readonly application: PlivoApplication | null }> {
  const number = await deps.numbers.find(to);
  if (!number) {
    throw new InputError(`no account rents ${to}`, 'to', 'rent it with POST /hookline/v1/numbers or POST /v1/Account/{auth_id}/PhoneNumber/{number}/', 404, 'not_found');
  }
  const application = number.appId ? await deps.applications.get(number.accountId, number.appId) : await deps.applications.defaultNumberApp(number.accountId);
  return { number, application };
}

/**
 * A phone calling one of the accounts' numbers: routed like an SMS, then rung into the application's
 * answer_url (with its fallback_answer_url and hangup_url, which defaults to the answer_url).
 */
export class InboundCalls {
  constructor(
    private readonly deps: { readonly numbers: Numbers; readonly applications: Applications; readonly calls: CallEngine; readonly accounts: AccountDirectory },
  ) {}

  /** Throws InputError: 404 when nobody rents `to`, 409 when it leads to no answer_url. */
  async receive(call: { readonly from: string; readonly to: string }): Promise<{ readonly call: PlivoCall; readonly application: PlivoApplication & { readonly answerUrl: string } }> {
    const { number, application } = await routeToApplication(this.deps, call.to);
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
    const account = this.deps.accounts.get(number.accountId);
    const started = await this.deps.calls.receive({
      accountId: number.accountId,
      parentAuthId: account?.parentId ?? number.accountId,
      from: digitsOf(call.from),
      to: number.number,
      answerUrl: { url: answerUrl, method: application.answerMethod },
      fallbackUrl: application.fallbackAnswerUrl ? { url: application.fallbackAnswerUrl, method: application.fallbackMethod } : null,
      hangupUrl: { url: application.hangupUrl ?? answerUrl, method: application.hangupUrl ? application.hangupMethod : application.answerMethod },
    });
    return { call: started, application: { ...application, answerUrl } };
  }
}
