import { createRequire } from 'node:module';
import { request as httpRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackParams, Dialect, HttpMethod } from '../../src/domain/callback.js';
import { buildOutboundRequest, encodeForm, type WireInput } from '../../src/delivery/wire.js';
import type { OutboundRequest } from '../../src/delivery/sender.js';
import { verifyCallback } from '../../src/signing/verify.js';
import { Receiver } from '../support/receiver.js';

const require = createRequire(import.meta.url);
const plivo = require('plivo') as {
  validateV3Signature(method: string, uri: string, nonce: string, token: string, signature: string, params?: object): boolean;
  validateSignature(uri: string, nonce: string, signature: string, token: string): boolean;
};
const twilio = require('twilio') as { validateRequest(token: string, signature: string, url: string, params: object): boolean };
const compat = require('@signalwire/compatibility-api') as {
  RestClient: { validateRequest(key: string, signature: string, url: string, params: object): boolean };
};
const { Webhook } = require('standardwebhooks') as {
  Webhook: new (secret: string, options: { format: 'raw' }) => {
    verify(payload: string, headers: Record<string, string>, options?: { jsonParse?: boolean }): unknown;
  };
};

// A sub-account: the -Ma- headers must validate with the main account's token, the others with its own.
const authToken = 'sub_account_token_7Hq2';
const mainAuthToken = 'main_account_token_Zx81';

const statusParams: CallbackParams = {
  MessageUUID: 'd9f1c6a2-5b8e-4f3e-9a41-0c2b7e6f1a11',
  Status: 'delivered',
  From: '14155550100',
  To: '14155550199',
  MessageTime: '2026-11-22 10:00:00',
};

/** Values that break naive encoders: quote, space, plus, `&`/`=`, non-ASCII, astral. */
const awkwardParams: CallbackParams = {
  Speech: "It's a café, señor",
  From: '+14155550100',
  Note: 'a b&c=d%20e',
  Emoji: 'ok 😀',
  Empty: '',
};

function build(overrides: Partial<WireInput> = {}): OutboundRequest {
  return buildOutboundRequest({
    deliveryId: '0194a3c2-7d1e-7b2a-9c4f-1e2d3c4b5a69',
    attemptNumber: 1,
    dialect: 'plivo',
    method: 'POST',
    wireUrl: 'http://127.0.0.1:8080/sms/status?tenant=7',
    params: statusParams,
    authToken,
    mainAuthToken,
    nonce: '31627761595286130198',
    timestampSeconds: Math.floor(Date.now() / 1000),
    userAgent: 'hookline/0.1.0',
    ...overrides,
  });
}

/** What a receiver's framework hands its validator: the form body parsed for POST, nothing for GET. */
function receivedParams(outbound: OutboundRequest): Record<string, string> {
  return outbound.body === null ? {} : Object.fromEntries(new URLSearchParams(outbound.body));
}

describe('the request on the wire', () => {
  it('sends POST params as a form body, with the canonical headers', () => {
    const outbound = build();
    expect(outbound.method).toBe('POST');
    expect(outbound.url).toBe('http://127.0.0.1:8080/sms/status?tenant=7');
    expect(outbound.body).toBe('MessageUUID=d9f1c6a2-5b8e-4f3e-9a41-0c2b7e6f1a11&Status=delivered&From=14155550100&To=14155550199&MessageTime=2026-11-22+10%3A00%3A00');
    expect(Object.keys(outbound.headers)).toEqual([
      'User-Agent',
      'Content-Type',
      'X-Plivo-Signature-V2',
      'X-Plivo-Signature-Ma-V2',
      'X-Plivo-Signature-V2-Nonce',
      'X-Plivo-Signature-V3',
      'X-Plivo-Signature-Ma-V3',
      'X-Plivo-Signature-V3-Nonce',
      'X-Hookline-Delivery-Id',
      'X-Hookline-Attempt',
    ]);
    expect(outbound.headers['User-Agent']).toBe('hookline/0.1.0');
    expect(outbound.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(outbound.headers['X-Hookline-Delivery-Id']).toBe('0194a3c2-7d1e-7b2a-9c4f-1e2d3c4b5a69');
    expect(outbound.headers['X-Hookline-Attempt']).toBe('1');
  });

  it("appends GET params after the URL's own query, kept byte for byte, and sends no body", () => {
    const outbound = build({ method: 'GET', wireUrl: "http://127.0.0.1:8080/hangup?tenant=7&sig=a%2fb&q=It's", params: { CallUUID: 'abc', Event: 'Hangup' } });
    expect(outbound.url).toBe("http://127.0.0.1:8080/hangup?tenant=7&sig=a%2fb&q=It's&CallUUID=abc&Event=Hangup");
    expect(outbound.body).toBeNull();
    expect(outbound.headers['Content-Type']).toBeUndefined();
  });

  it.each([
    ['no query', 'http://127.0.0.1:8080/hangup', 'http://127.0.0.1:8080/hangup?CallUUID=abc'],
    ['an empty query', 'http://127.0.0.1:8080/hangup?', 'http://127.0.0.1:8080/hangup?CallUUID=abc'],
    ['a query ending in &', 'http://127.0.0.1:8080/hangup?a=1&', 'http://127.0.0.1:8080/hangup?a=1&CallUUID=abc'],
  ])('joins GET params to a URL with %s without an empty pair', (_case, wireUrl, expected) => {
    expect(build({ method: 'GET', wireUrl, params: { CallUUID: 'abc' } }).url).toBe(expected);
  });

  it('leaves a GET URL alone when there are no params', () => {
    expect(build({ method: 'GET', wireUrl: 'http://127.0.0.1:8080/ping?x=1', params: {} }).url).toBe('http://127.0.0.1:8080/ping?x=1');
  });

  it('keeps the delivery id across attempts and numbers each attempt', () => {
    const second = build({ attemptNumber: 2, nonce: '10000000000000000002' });
    expect(second.headers['X-Hookline-Delivery-Id']).toBe('0194a3c2-7d1e-7b2a-9c4f-1e2d3c4b5a69');
    expect(second.headers['X-Hookline-Attempt']).toBe('2');
    expect(second.headers['X-Plivo-Signature-V3-Nonce']).toBe('10000000000000000002');
    expect(second.headers['X-Plivo-Signature-V3']).not.toBe(build().headers['X-Plivo-Signature-V3']);
  });

  it('sends an empty path as / (what every HTTP client requests) and signs that', () => {
    expect(build({ wireUrl: 'https://hooks.example.com' }).url).toBe('https://hooks.example.com/');
    expect(build({ wireUrl: 'http://127.0.0.1:8080?tenant=7' }).url).toBe('http://127.0.0.1:8080/?tenant=7');
  });

  it('writes scheme and host in lower case and drops a default port, as the Host header will', () => {
    expect(build({ wireUrl: 'HTTPS://Hooks.Example.COM:443/Status?Q=A' }).url).toBe('https://hooks.example.com/Status?Q=A');
    expect(build({ wireUrl: 'http://user:PaSs@Example.com:80/x' }).url).toBe('http://user:PaSs@example.com/x');
    expect(build({ wireUrl: 'http://example.com:8443/x' }).url).toBe('http://example.com:8443/x');
  });

  it('carries the Standard Webhooks headers with the delivery id as webhook-id', () => {
    const outbound = build({ dialect: 'standard', timestampSeconds: 1_767_225_600 });
    expect(outbound.headers['webhook-id']).toBe('0194a3c2-7d1e-7b2a-9c4f-1e2d3c4b5a69');
    expect(outbound.headers['webhook-timestamp']).toBe('1767225600');
    expect(outbound.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('encodes params byte for byte as URLSearchParams does, so every form parser reads them back', () => {
    const tricky: CallbackParams = {
      ...awkwardParams,
      'SIP-H-To': '<sip:a@b;transport=udp>;tag=1',
      Symbols: "!'()*~-._ /?#[]@$,;:+",
      Lone: '\uD800x',
    };
    expect(encodeForm(tricky)).toBe(new URLSearchParams(tricky).toString());
    expect(Object.fromEntries(new URLSearchParams(encodeForm(awkwardParams)))).toEqual(awkwardParams);
  });
});

interface Case {
  readonly label: string;
  readonly wireUrl: string;
  readonly params: CallbackParams;
}

const cases: readonly Case[] = [
  { label: 'a port', wireUrl: 'http://127.0.0.1:8080/sms/status', params: statusParams },
  { label: 'a query', wireUrl: 'https://hooks.example.com/status?tenant=7&sig=a%2Fb', params: statusParams },
  { label: "unicode, spaces and ' in values", wireUrl: 'https://hooks.example.com/speech?lang=es', params: awkwardParams },
  { label: 'no path', wireUrl: 'https://hooks.example.com', params: statusParams },
  { label: 'no path but a query', wireUrl: 'http://127.0.0.1:8080?tenant=7', params: awkwardParams },
];
const methods: readonly HttpMethod[] = ['POST', 'GET'];
const matrix = cases.flatMap((c) => methods.map((method) => [c.label, method, c] as const));

describe('the official Plivo validators accept what hookline sends (sub-account: -Ma- with the main token)', () => {
  it.each(matrix)('URL with %s, %s', (_label, method, c) => {
    const outbound = build({ dialect: 'plivo', method, wireUrl: c.wireUrl, params: c.params });
    const h = outbound.headers;
    const params = receivedParams(outbound);
    const v3Nonce = h['X-Plivo-Signature-V3-Nonce']!;
    const v2Nonce = h['X-Plivo-Signature-V2-Nonce']!;
    expect(plivo.validateV3Signature(method, outbound.url, v3Nonce, authToken, h['X-Plivo-Signature-V3']!, params)).toBe(true);
    expect(plivo.validateV3Signature(method, outbound.url, v3Nonce, mainAuthToken, h['X-Plivo-Signature-Ma-V3']!, params)).toBe(true);
    expect(plivo.validateSignature(outbound.url, v2Nonce, h['X-Plivo-Signature-V2']!, authToken)).toBe(true);
    expect(plivo.validateSignature(outbound.url, v2Nonce, h['X-Plivo-Signature-Ma-V2']!, mainAuthToken)).toBe(true);
    // The -Ma- signature is really the main token's, not the sub-account's.
    expect(plivo.validateV3Signature(method, outbound.url, v3Nonce, authToken, h['X-Plivo-Signature-Ma-V3']!, params)).toBe(false);
  });

  it('rejects a POST whose param was changed after signing', () => {
    const outbound = build({ dialect: 'plivo' });
    const h = outbound.headers;
    const params = { ...receivedParams(outbound), Status: 'failed' };
    expect(plivo.validateV3Signature('POST', outbound.url, h['X-Plivo-Signature-V3-Nonce']!, authToken, h['X-Plivo-Signature-V3']!, params)).toBe(false);
  });

  it('rejects a GET whose query was changed after signing', () => {
    const outbound = build({ dialect: 'plivo', method: 'GET' });
    const h = outbound.headers;
    const url = outbound.url.replace('Status=delivered', 'Status=failed');
    expect(plivo.validateV3Signature('GET', url, h['X-Plivo-Signature-V3-Nonce']!, authToken, h['X-Plivo-Signature-V3']!, {})).toBe(false);
  });
});

describe('the official LaML validators accept what hookline sends', () => {
  it.each(matrix)('URL with %s, %s', (_label, method, c) => {
    const outbound = build({ dialect: 'laml', method, wireUrl: c.wireUrl, params: c.params });
    const params = receivedParams(outbound);
    for (const header of ['X-SignalWire-Signature', 'X-Twilio-Signature']) {
      const signature = outbound.headers[header]!;
      expect(twilio.validateRequest(authToken, signature, outbound.url, params)).toBe(true);
      expect(compat.RestClient.validateRequest(authToken, signature, outbound.url, params)).toBe(true);
    }
  });

  it('rejects a POST whose param was changed after signing', () => {
    const outbound = build({ dialect: 'laml' });
    const params = { ...receivedParams(outbound), Status: 'failed' };
    expect(twilio.validateRequest(authToken, outbound.headers['X-Twilio-Signature']!, outbound.url, params)).toBe(false);
    expect(compat.RestClient.validateRequest(authToken, outbound.headers['X-SignalWire-Signature']!, outbound.url, params)).toBe(false);
  });
});

describe('the official Standard Webhooks verifier accepts what hookline sends', () => {
  // hookline sends form bodies, so the SDK's default JSON.parse of the payload is turned off.
  it.each(matrix)('URL with %s, %s', (_label, method, c) => {
    const outbound = build({ dialect: 'standard', method, wireUrl: c.wireUrl, params: c.params });
    const webhook = new Webhook(authToken, { format: 'raw' });
    expect(() => webhook.verify(outbound.body ?? '', outbound.headers, { jsonParse: false })).not.toThrow();
  });

  it('rejects a body changed after signing', () => {
    const outbound = build({ dialect: 'standard' });
    const webhook = new Webhook(authToken, { format: 'raw' });
    expect(() => webhook.verify(outbound.body!.replace('delivered', 'failed'), outbound.headers, { jsonParse: false })).toThrow(/No matching signature/);
  });
});

describe('verifyCallback accepts what hookline sends', () => {
  const dialects: readonly Dialect[] = ['plivo', 'laml', 'standard'];
  it.each(dialects.flatMap((dialect) => matrix.map(([label, method, c]) => [dialect, label, method, c] as const)))(
    '%s, URL with %s, %s',
    (dialect, _label, method, c) => {
      const outbound = build({ dialect, method, wireUrl: c.wireUrl, params: c.params });
      const result = verifyCallback({
        method,
        url: outbound.url,
        params: receivedParams(outbound),
        headers: outbound.headers,
        token: authToken,
        mainToken: mainAuthToken,
        body: outbound.body ?? '',
      });
      expect(result).toMatchObject({ valid: true, scheme: dialect, reason: null });
    },
  );
});

describe('over a real HTTP hop to a loopback receiver', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  async function deliver(outbound: OutboundRequest) {
    const before = receiver.requests.length;
    const response = await httpRequest(outbound.url, {
      method: outbound.method,
      headers: outbound.headers,
      body: outbound.body ?? undefined,
    });
    await response.body.dump();
    await receiver.waitFor(before + 1);
    return receiver.requests[before]!;
  }

  it.each([
    ['POST', '/speech?lang=es'],
    ['GET', '/speech?lang=es'],
    ['POST', ''],
    ['GET', '?tenant=7'],
  ] as const)('is validated by every SDK from the URL the receiver saw: %s %s', async (method, suffix) => {
    const params = awkwardParams;
    const plivoOut = build({ dialect: 'plivo', method, wireUrl: receiver.origin + suffix, params });
    const lamlOut = build({ dialect: 'laml', method, wireUrl: receiver.origin + suffix, params });
    const plivoSeen = await deliver(plivoOut);
    const lamlSeen = await deliver(lamlOut);

    expect(plivoSeen.fullUrl).toBe(plivoOut.url);
    const expectedParams = method === 'GET' ? { ...Object.fromEntries(new URL(plivoOut.url).searchParams) } : params;
    expect(plivoSeen.params).toEqual(expectedParams);
    const plivoParams = method === 'GET' ? {} : plivoSeen.params;
    const h = plivoSeen.headers;
    expect(plivo.validateV3Signature(method, plivoSeen.fullUrl, h['x-plivo-signature-v3-nonce']!, authToken, h['x-plivo-signature-v3']!, plivoParams)).toBe(true);
    expect(plivo.validateV3Signature(method, plivoSeen.fullUrl, h['x-plivo-signature-v3-nonce']!, mainAuthToken, h['x-plivo-signature-ma-v3']!, plivoParams)).toBe(true);
    expect(plivo.validateSignature(plivoSeen.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, authToken)).toBe(true);

    const lamlParams = method === 'GET' ? {} : lamlSeen.params;
    expect(twilio.validateRequest(authToken, lamlSeen.headers['x-twilio-signature']!, lamlSeen.fullUrl, lamlParams)).toBe(true);
    expect(compat.RestClient.validateRequest(authToken, lamlSeen.headers['x-signalwire-signature']!, lamlSeen.fullUrl, lamlParams)).toBe(true);
  });
});
