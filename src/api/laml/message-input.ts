import { checkHttpUrl } from '../../domain/http-url.js';
import { lamlMessageSettings } from '../../domain/laml-message.js';
import { isE164 } from '../../domain/phone-numbers.js';
import type { SendSms } from '../../engine/plivo/message-service.js';
import { LamlApiError } from './errors.js';
import { all, flag, optional, target, type Form } from './params.js';

/**
 * `POST …/Messages.json` (laml.md §1.3) parsed into one message, or refused with the documented code
 * and nothing stored: 21604/21211 To, 21603/21212 From, 21602 no Body nor MediaUrl, 21617 Body too
 * long, 21620/21623 media, 21402 StatusCallback, 21209 its method.
 */

/** laml.md §1.3: Body up to 1600 characters. */
const MAX_BODY_CHARS = 1600;
/** Twilio's and SignalWire's `<Media>` limit (laml.md §1.3, §5.3). */
const MAX_MEDIA = 10;
/** Short codes: five or six digits (laml.md §1.3 "owned E.164 (or short code)"). */
const SHORT_CODE = /^\d{5,6}$/;

export function parseCreateMessage(accountId: string, form: Form): SendSms {
  const to = optional(form, 'To');
  if (to === undefined) throw new LamlApiError(400, 21604, "A 'To' phone number is required");
  if (!isE164(to)) throw new LamlApiError(400, 21211, `The 'To' number ${to} is not a valid phone number`);
  const messagingServiceSid = optional(form, 'MessagingServiceSid') ?? null;
  const from = optional(form, 'From');
  if (from === undefined) {
    // A messaging service picks its sender from its number pool; hookline has no pools yet.
    if (messagingServiceSid !== null) throw new LamlApiError(400, 21705, `MessagingServiceSid ${messagingServiceSid} has no numbers here; give From as well`);
    throw new LamlApiError(400, 21603, "A 'From' phone number is required");
  }
  if (!isE164(from) && !SHORT_CODE.test(from)) throw new LamlApiError(400, 21212, `The 'From' number ${from} is not a valid phone number or short code`);
  const body = optional(form, 'Body') ?? '';
  const mediaUrls = all(form, 'MediaUrl').filter((url) => url !== '');
  if (body === '' && mediaUrls.length === 0) throw new LamlApiError(400, 21602, 'Message body is required (or at least one MediaUrl)');
  if ([...body].length > MAX_BODY_CHARS) throw new LamlApiError(400, 21617, `The concatenated message body exceeds the ${MAX_BODY_CHARS} character limit`);
  if (mediaUrls.length > MAX_MEDIA) throw new LamlApiError(400, 21623, `At most ${MAX_MEDIA} MediaUrl may be given, not ${mediaUrls.length}`);
  const badMedia = mediaUrls.find((url) => !checkHttpUrl(url).ok);
  if (badMedia !== undefined) throw new LamlApiError(400, 21620, `MediaUrl "${badMedia}" is not an absolute http or https URL`);
  const statusCallback = target(form, 'StatusCallback', 'StatusCallbackMethod', 21402);
  const mms = mediaUrls.length > 0 || flag(form, 'SendAsMms');
  return {
    accountId,
    from,
    to: [to],
    text: body,
    type: mms ? 'mms' : 'sms',
    ...(mms ? { mediaUrls } : {}),
    url: statusCallback?.url ?? null,
    method: statusCallback?.method ?? 'POST',
    log: true,
    laml: lamlMessageSettings('outbound-api', messagingServiceSid),
  };
}
