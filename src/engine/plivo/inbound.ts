import { InputError } from '../../domain/errors.js';
import { digitsOf } from '../../domain/phone-numbers.js';
import type { MessageType, PlivoMessage } from '../../domain/plivo-message.js';
import type { Applications, PlivoApplication } from './applications.js';
import type { MessageService } from './message-service.js';
import type { Numbers } from './numbers.js';

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
    const { numbers, applications, messages } = this.deps;
    const number = await numbers.find(sms.to);
    if (!number) {
      throw new InputError(`no account rents ${sms.to}`, 'to', 'rent it with POST /hookline/v1/numbers or POST /v1/Account/{auth_id}/PhoneNumber/{number}/', 404, 'not_found');
    }
    const application = number.appId ? await applications.get(number.accountId, number.appId) : await applications.defaultNumberApp(number.accountId);
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
