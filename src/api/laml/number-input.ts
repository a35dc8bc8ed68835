import type { UrlTarget } from '../../domain/instructions.js';
import type { LamlNumberChange, LamlNumberSettings } from '../../domain/laml-number.js';
import { isE164 } from '../../domain/phone-numbers.js';
import { LamlApiError } from './errors.js';
import { method, optional, target, type Form } from './params.js';

/**
 * `POST …/IncomingPhoneNumbers.json` and `…/IncomingPhoneNumbers/{sid}.json` (laml.md §1.5) parsed into
 * a change of the number's routing, or refused with nothing stored: 21421 PhoneNumber, 21402 a URL,
 * 21209 a method.
 */

/** The URL settings and the request parameters that set them, URL then method. */
const URL_PARAMETERS = [
  ['voiceUrl', 'VoiceUrl', 'VoiceMethod'],
  ['voiceFallbackUrl', 'VoiceFallbackUrl', 'VoiceFallbackMethod'],
  ['statusCallback', 'StatusCallback', 'StatusCallbackMethod'],
  ['smsUrl', 'SmsUrl', 'SmsMethod'],
  ['smsFallbackUrl', 'SmsFallbackUrl', 'SmsFallbackMethod'],
] as const;

export function parsePhoneNumber(form: Form): string {
  const number = optional(form, 'PhoneNumber');
  if (number === undefined) throw new LamlApiError(400, 21421, 'PhoneNumber is required');
  if (!isE164(number)) throw new LamlApiError(400, 21421, `PhoneNumber ${number} is not an E.164 number`);
  return number;
}

/**
 * What the request changes, against the number's current settings (none for a new number): a URL
 * given sets it, an empty one clears it, a method alone re-points the URL already there.
 */
export function parseNumberChange(form: Form, current: LamlNumberSettings | null): LamlNumberChange {
  const change: Record<string, UrlTarget | null | string> = {};
  for (const [setting, urlName, methodName] of URL_PARAMETERS) {
    const given = target(form, urlName, methodName, 21402);
    if (given) change[setting] = given;
    else if (form[urlName] !== undefined) change[setting] = null;
    else if (optional(form, methodName) !== undefined && current?.[setting]) change[setting] = { url: current[setting].url, method: method(form, methodName) };
  }
  const friendlyName = optional(form, 'FriendlyName');
  if (friendlyName !== undefined) {
    if (friendlyName.length > 64) throw new LamlApiError(400, 10000, 'FriendlyName must be at most 64 characters');
    change.friendlyName = friendlyName;
  }
  return change as LamlNumberChange;
}
