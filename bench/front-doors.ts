import type { RestRequest } from './rest-client.js';
import { basicAuthorization, benchNumber } from './rest-client.js';

/**
 * The two front doors the dialect figures go through, each with the account the engine is started
 * with and the requests its SDK would send: so Plivo and LaML are measured on the same path.
 */
export interface FrontDoor {
  readonly dialect: 'plivo' | 'laml';
  /** `--account` for the engine. */
  readonly account: string;
  /** Send one SMS to the `n`-th bench number, its status callbacks to `statusUrl`. */
  sendMessage(n: number, statusUrl: string): RestRequest;
  /** Status callbacks one delivered SMS causes (Plivo's queued, sent, delivered; LaML's sending, sent, delivered). */
  readonly callbacksPerMessage: number;
  /** Place one call to the `n`-th bench number, run by the IVR application at `appUrl`. */
  placeCall(n: number, appUrl: string): RestRequest;
}

const PLIVO_ID = 'MABENCHPLIVO00000001';
const PLIVO_TOKEN = 'benchtokenbenchtokenbenchtokenbenchtoken';
const LAML_PROJECT = 'b3877c40-da60-4998-90ad-b792e98472af';
const LAML_TOKEN = 'PSKbenchtokenbenchtokenbenchtoken';
const FROM = '14155550000';

const json = (value: unknown) => ({ contentType: 'application/json', text: JSON.stringify(value) });
const form = (fields: Record<string, string>) => ({ contentType: 'application/x-www-form-urlencoded', text: new URLSearchParams(fields).toString() });

export const PLIVO_DOOR: FrontDoor = {
  dialect: 'plivo',
  account: `${PLIVO_ID}:${PLIVO_TOKEN}`,
  callbacksPerMessage: 3,
  sendMessage: (n, statusUrl) => ({
    method: 'POST',
    path: `/v1/Account/${PLIVO_ID}/Message/`,
    authorization: basicAuthorization(PLIVO_ID, PLIVO_TOKEN),
    body: json({ src: FROM, dst: benchNumber(n), text: `bench message ${n}`, url: statusUrl }),
    expected: 202,
  }),
  placeCall: (n, appUrl) => ({
    method: 'POST',
    path: `/v1/Account/${PLIVO_ID}/Call/`,
    authorization: basicAuthorization(PLIVO_ID, PLIVO_TOKEN),
    body: json({ from: FROM, to: benchNumber(n), answer_url: `${appUrl}/answer`, ring_url: `${appUrl}/ring`, hangup_url: `${appUrl}/hangup` }),
    expected: 201,
  }),
};

export const LAML_DOOR: FrontDoor = {
  dialect: 'laml',
  account: `${LAML_PROJECT}:${LAML_TOKEN}`,
  callbacksPerMessage: 3,
  sendMessage: (n, statusUrl) => ({
    method: 'POST',
    path: `/2010-04-01/Accounts/${LAML_PROJECT}/Messages.json`,
    authorization: basicAuthorization(LAML_PROJECT, LAML_TOKEN),
    body: form({ From: `+${FROM}`, To: `+${benchNumber(n)}`, Body: `bench message ${n}`, StatusCallback: statusUrl }),
    expected: 201,
  }),
  placeCall: (n, appUrl) => ({
    method: 'POST',
    path: `/2010-04-01/Accounts/${LAML_PROJECT}/Calls.json`,
    authorization: basicAuthorization(LAML_PROJECT, LAML_TOKEN),
    body: form({
      From: `+${FROM}`,
      To: `+${benchNumber(n)}`,
      Url: `${appUrl}/answer`,
      StatusCallback: `${appUrl}/status`,
      // Plivo's ring_url and hangup_url, one for one.
      StatusCallbackEvent: 'ringing completed',
    }),
    expected: 201,
  }),
};
