import { expect } from 'vitest';
import { request } from 'undici';
import type { RunningApp } from './app.js';
import { signalwireClient, twilioClient, type SdkError } from './laml-sdk.js';
import type { ReceivedRequest, Reply } from './receiver.js';
import type { useRig } from './rig.js';

/**
 * Two accounts as LaML projects, each with a Plivo-style auth id that is not its project id and a
 * signing key that is not its token, so every LaML test shows which one SignalWire puts where: the
 * project id in paths, Basic auth and `AccountSid`; the token as the Basic password; the key on webhooks.
 */
export const AUTH_ID = 'MALAMLPROJECTAUTH001';
export const PROJECT = 'b3877c40-da60-4998-90ad-b792e98472af';
export const TOKEN = 'lamltokenlamltokenlamltokenlamltoken0001';
/** The key LaML webhooks to `PROJECT`'s app are signed with (not `TOKEN`). */
export const SIGNING_KEY = 'PSK_V3bF8oyeRNpJWGoRWHNYQMUU';
export const OTHER_AUTH_ID = 'MALAMLPROJECTAUTH002';
export const OTHER = '6bfbbe86-a901-4197-8759-2a0de1fa319d';
export const OTHER_TOKEN = 'othertokenothertokenothertokenothertok01';
export const OTHER_SIGNING_KEY = 'PSK_7TruNcSNTxp4zNrykMj4EPzF';
export const FROM = '+14155550100';
export const TO = '+14155550199';

/** `--account` values for both projects: AUTH_ID:AUTH_TOKEN:PROJECT_ID:SIGNING_KEY. */
export const LAML_ACCOUNTS = [`${AUTH_ID}:${TOKEN}:${PROJECT}:${SIGNING_KEY}`, `${OTHER_AUTH_ID}:${OTHER_TOKEN}:${OTHER}:${OTHER_SIGNING_KEY}`];

export async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

/** The error an SDK call was refused with. */
export async function refusal(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the request to be refused');
}

/** A form POST as a hand-written client sends it, repeated keys and all, with `PROJECT`'s credentials. */
export async function postForm(app: RunningApp, path: string, fields: Record<string, string> | Array<[string, string]>): Promise<{ status: number; body: unknown }> {
  const response = await request(`${app.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${PROJECT}:${TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.statusCode, body: await response.body.json() };
}

/**
 * A hookline on the virtual clock with both projects, an app server answering `routes` by path (LaML
 * documents) and 200 elsewhere, and both SDKs as `PROJECT`.
 */
export async function lamlSetUp(rig: ReturnType<typeof useRig>, routes: Record<string, (request: ReceivedRequest) => Reply> = {}) {
  const app = await rig.app({ clock: 'virtual', account: LAML_ACCOUNTS });
  const appServer = await rig.receiver((received) => {
    const route = routes[received.url.split('?')[0] as string];
    return route ? { headers: { 'content-type': 'application/xml' }, ...route(received) } : { status: 200 };
  });
  return { app, appServer, signalwire: signalwireClient(app.url, PROJECT, TOKEN), twilio: twilioClient(app.url, PROJECT, TOKEN) };
}

/** A LaML document answer. */
export const laml = (body: string): Reply => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>` });

/** The requests an app server received on `path`, query aside. */
export function requestsTo(requests: readonly ReceivedRequest[], path: string): ReceivedRequest[] {
  return requests.filter((received) => received.url.split('?')[0] === path);
}

/** What a number's SmsUrl receives for a text from `from` to `to` (laml.md §5.1): one segment, no media. */
export const inboundSmsParams = (sid: string, text: { from: string; to: string; body: string }) => ({
  MessageSid: sid,
  SmsSid: sid,
  SmsMessageSid: sid,
  SmsStatus: 'received',
  AccountSid: PROJECT,
  From: text.from,
  To: text.to,
  Body: text.body,
  NumMedia: '0',
  NumSegments: '1',
  ApiVersion: '2010-04-01',
});
