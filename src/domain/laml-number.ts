import type { UrlTarget } from './instructions.js';
import { LAML_API_VERSION, lamlAccountPath, rfc2822 } from './laml-call.js';

/**
 * Where a LaML-routed number sends its inbound traffic (laml.md §1.5): the document URLs of calls and
 * messages with their fallbacks, and the calls' status callback. Pure data, stored on the number.
 */
export interface LamlNumberSettings {
  /** The IncomingPhoneNumber's sid (a UUID, as every SignalWire sid). */
  readonly sid: string;
  readonly friendlyName: string;
  readonly voiceUrl: UrlTarget | null;
  readonly voiceFallbackUrl: UrlTarget | null;
  readonly statusCallback: UrlTarget | null;
  readonly smsUrl: UrlTarget | null;
  readonly smsFallbackUrl: UrlTarget | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type LamlNumberChange = Partial<Omit<LamlNumberSettings, 'sid' | 'createdAt' | 'updatedAt'>>;

/** `+14155550100` for the digits a number is stored under. */
export const e164Of = (digits: string): string => `+${digits}`;

/** `(415) 555-0100` for a North American number; others as E.164. */
function friendly(digits: string): string {
  const nanp = /^1(\d{3})(\d{3})(\d{4})$/.exec(digits);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : e164Of(digits);
}

export function defaultFriendlyName(digits: string): string {
  return friendly(digits);
}

/** A number as `GET …/IncomingPhoneNumbers/{sid}.json` shows it (SW-OAS `IncomingPhoneNumberResponse`). */
export function lamlNumberRecord(accountSid: string, digits: string, settings: LamlNumberSettings): Record<string, unknown> {
  const uri = `${lamlAccountPath(accountSid)}/IncomingPhoneNumbers/${settings.sid}`;
  return {
    sid: settings.sid,
    account_sid: accountSid,
    friendly_name: settings.friendlyName,
    phone_number: e164Of(digits),
    voice_url: settings.voiceUrl?.url ?? null,
    voice_method: settings.voiceUrl?.method ?? 'POST',
    voice_fallback_url: settings.voiceFallbackUrl?.url ?? null,
    voice_fallback_method: settings.voiceFallbackUrl?.method ?? 'POST',
    voice_caller_id_lookup: false,
    voice_application_sid: null,
    voice_receive_mode: 'voice',
    status_callback: settings.statusCallback?.url ?? null,
    status_callback_method: settings.statusCallback?.method ?? 'POST',
    sms_url: settings.smsUrl?.url ?? null,
    sms_method: settings.smsUrl?.method ?? 'POST',
    sms_fallback_url: settings.smsFallbackUrl?.url ?? null,
    sms_fallback_method: settings.smsFallbackUrl?.method ?? 'POST',
    sms_application_sid: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822(settings.createdAt),
    date_updated: rfc2822(settings.updatedAt),
    api_version: LAML_API_VERSION,
    address_requirements: 'none',
    beta: false,
    trunk_sid: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    status: 'in-use',
    uri: `${uri}.json`,
  };
}
