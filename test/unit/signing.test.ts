import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { CallbackParams, HttpMethod } from '../../src/domain/callback.js';
import { hmacBase64 } from '../../src/signing/hmac.js';
import { signatureHeaders, type SignInput } from '../../src/signing/headers.js';
import { bodySha256Url, signLaml } from '../../src/signing/laml.js';
import { plivoV3SignedString, signPlivoV1, signPlivoV2, signPlivoV3 } from '../../src/signing/plivo.js';
import { signStandardWebhook } from '../../src/signing/standard-webhooks.js';
import { verifyCallback, type VerifyInput } from '../../src/signing/verify.js';

const require = createRequire(import.meta.url);
const plivo = require('plivo') as {
  validateV3Signature(method: string, uri: string, nonce: string, token: string, signature: string, params?: object): boolean;
};
const compat = require('@signalwire/compatibility-api') as {
  RestClient: { validateRequest(key: string, signature: string, url: string, params: object): boolean };
};
const twilio = require('twilio') as { validateRequest(token: string, signature: string, url: string, params: object): boolean };

interface Vectors {
  plivo_v3: Array<{ name: string; method: HttpMethod; url: string; nonce: string; token: string; params: CallbackParams; signature: string }>;
  plivo_v2: Array<{ name: string; url: string; nonce: string; token: string; signature: string }>;
  plivo_v1: Array<{ name: string; url: string; token: string; params: CallbackParams; signature: string }>;
  laml_sha1: Array<{ name: string; url: string; key: string; params: CallbackParams; signature: string }>;
  laml_sha1_repeated_names: Array<{
    name: string;
    url: string;
    key: string;
    params: Record<string, string | string[]>;
    signature_as_received: string;
    signature_sorted_unique: string;
  }>;
  laml_body_sha256: Array<{ name: string; url: string; key: string; body: string; signature: string }>;
  standard_webhooks: Array<{ name: string; id: string; timestamp: number; secret: string; body: string; signature: string }>;
}

const vectors = JSON.parse(readFileSync(new URL('../vectors/signatures.json', import.meta.url), 'utf8')) as Vectors;

describe('signature vectors (test/vectors/signatures.json)', () => {
  it.each(vectors.plivo_v3.map((v) => [v.name, v] as const))('reproduces Plivo V3: %s', (_name, v) => {
    expect(signPlivoV3({ method: v.method, url: v.url, params: v.params, nonce: v.nonce, authToken: v.token })).toBe(v.signature);
    expect(plivo.validateV3Signature(v.method, v.url, v.nonce, v.token, v.signature, v.params)).toBe(true);
  });

  it.each(vectors.plivo_v2.map((v) => [v.name, v] as const))('reproduces Plivo V2: %s', (_name, v) => {
    expect(signPlivoV2({ url: v.url, nonce: v.nonce, authToken: v.token })).toBe(v.signature);
  });

  it.each(vectors.plivo_v1.map((v) => [v.name, v] as const))('reproduces legacy Plivo V1: %s', (_name, v) => {
    expect(signPlivoV1({ url: v.url, params: v.params, authToken: v.token })).toBe(v.signature);
  });

  it.each(vectors.laml_sha1.map((v) => [v.name, v] as const))('reproduces LaML (Twilio scheme): %s', (_name, v) => {
    expect(signLaml({ url: v.url, params: v.params, key: v.key })).toBe(v.signature);
    expect(twilio.validateRequest(v.key, v.signature, v.url, v.params)).toBe(true);
  });

  it.each(vectors.laml_body_sha256.map((v) => [v.name, v] as const))('reproduces LaML bodySHA256: %s', (_name, v) => {
    const withoutHash = v.url.replace(/[?&]bodySHA256=[0-9a-f]+$/, '');
    expect(bodySha256Url(withoutHash, v.body)).toBe(v.url);
    expect(signLaml({ url: v.url, params: null, key: v.key })).toBe(v.signature);
  });

  it.each(vectors.standard_webhooks.map((v) => [v.name, v] as const))('reproduces Standard Webhooks: %s', (_name, v) => {
    expect(signStandardWebhook({ id: v.id, timestampSeconds: v.timestamp, body: v.body, secret: v.secret })).toBe(v.signature);
  });

  it.each(vectors.laml_sha1_repeated_names.map((v) => [v.name, v] as const))(
    'accepts a repeated-name LaML request signed in either SDK order: %s',
    (_name, v) => {
      for (const signature of [v.signature_as_received, v.signature_sorted_unique]) {
        const result = verifyCallback({ method: 'POST', url: v.url, params: v.params, headers: { 'X-Twilio-Signature': signature }, token: v.key });
        expect(result.valid).toBe(true);
      }
      expect(compat.RestClient.validateRequest(v.key, v.signature_as_received, v.url, v.params)).toBe(true);
      expect(twilio.validateRequest(v.key, v.signature_sorted_unique, v.url, v.params)).toBe(true);
    },
  );

  it.each(vectors.plivo_v1.map((v) => [v.name, v] as const))('verifies legacy Plivo V1 with the same code: %s', (_name, v) => {
    const received = { method: 'POST', url: v.url, params: v.params, headers: { 'X-Plivo-Signature': v.signature } };
    expect(verifyCallback({ ...received, token: v.token })).toMatchObject({ valid: true, scheme: 'plivo', checks: [{ header: 'X-Plivo-Signature', valid: true }] });
    expect(verifyCallback({ ...received, token: `${v.token}x` })).toMatchObject({ valid: false, reason: expect.stringContaining('X-Plivo-Signature') });
  });

  it.each(vectors.plivo_v3.map((v) => [v.name, v] as const))('verifies Plivo V3 with the same code: %s', (_name, v) => {
    const headers = { 'X-Plivo-Signature-V3': v.signature, 'X-Plivo-Signature-V3-Nonce': v.nonce };
    expect(verifyCallback({ method: v.method, url: v.url, params: v.params, headers, token: v.token }).valid).toBe(true);
  });

  it('builds the V3 string of the Plivo docs: decoded values, sorted, `.` between query and params', () => {
    const signed = plivoV3SignedString({
      method: 'POST',
      url: 'https://example.com/abcd?foo=bar',
      params: { To: '+15555555555', CallUuid: '4vbcpem8-0u46-x1ha-9af1-438vc92bf374', From: '+15551111111', Digits: '1234' },
      nonce: 'kjsdhfsd87sd7yisud2',
    });
    expect(signed).toBe(
      'https://example.com/abcd?foo=bar.CallUuid4vbcpem8-0u46-x1ha-9af1-438vc92bf374Digits1234From+15551111111To+15555555555.kjsdhfsd87sd7yisud2',
    );
  });


  it('signs a POST whose form repeats a name as plivo-node does: names sorted, then each name’s values', () => {
    const params = { Zeta: 'last', Digits: ['9', '10', '1'], alpha: 'lower after upper' };
    const input = { method: 'POST' as const, url: 'https://example.com/action', params, nonce: '55' };
    const signed = plivoV3SignedString(input);
    expect(signed).toBe('https://example.com/action?Digits1Digits10Digits9Zetalastalphalower after upper.55');
    const signature = hmacBase64('sha256', 'token_0001', signed);
    expect(plivo.validateV3Signature('POST', input.url, input.nonce, 'token_0001', signature, { ...params, Digits: [...params.Digits] })).toBe(true);
  });
  it('keeps a Plivo URL without a path without a slash, and its port', () => {
    expect(plivoV3SignedString({ method: 'POST', url: 'https://answer.url:8000', params: {}, nonce: '1' })).toBe('https://answer.url:8000.1');
  });
});

const subAccount = { authToken: 'sub_account_token_0001', mainAuthToken: 'main_account_token_0001' };

function signInput(overrides: Partial<SignInput>): SignInput {
  return {
    dialect: 'plivo',
    method: 'POST',
    url: 'http://127.0.0.1:8080/status?tenant=7',
    params: { MessageUUID: 'd9f1c6a2-5b8e-4f3e-9a41-0c2b7e6f1a11', Status: 'delivered', Units: '1' },
    body: 'MessageUUID=d9f1c6a2-5b8e-4f3e-9a41-0c2b7e6f1a11&Status=delivered&Units=1',
    ...subAccount,
    nonce: '31627761595286130198',
    deliveryId: '0194a3c2-7d1e-7b2a-9c4f-1e2d3c4b5a69',
    timestampSeconds: 1_767_225_600,
    ...overrides,
  };
}

describe('signatureHeaders', () => {
  it('signs a Plivo callback with all six headers, the -Ma- ones with the main account token', () => {
    const input = signInput({ dialect: 'plivo' });
    const headers = signatureHeaders(input);
    expect(Object.keys(headers).sort()).toEqual([
      'X-Plivo-Signature-Ma-V2',
      'X-Plivo-Signature-Ma-V3',
      'X-Plivo-Signature-V2',
      'X-Plivo-Signature-V2-Nonce',
      'X-Plivo-Signature-V3',
      'X-Plivo-Signature-V3-Nonce',
    ]);
    const v3 = { method: input.method, url: input.url, params: input.params, nonce: input.nonce };
    expect(headers['X-Plivo-Signature-V3']).toBe(signPlivoV3({ ...v3, authToken: subAccount.authToken }));
    expect(headers['X-Plivo-Signature-Ma-V3']).toBe(signPlivoV3({ ...v3, authToken: subAccount.mainAuthToken }));
    expect(headers['X-Plivo-Signature-V2']).toBe(signPlivoV2({ url: input.url, nonce: input.nonce, authToken: subAccount.authToken }));
    expect(headers['X-Plivo-Signature-Ma-V2']).toBe(signPlivoV2({ url: input.url, nonce: input.nonce, authToken: subAccount.mainAuthToken }));
    expect(headers['X-Plivo-Signature-V3']).not.toBe(headers['X-Plivo-Signature-Ma-V3']);
    expect(headers['X-Plivo-Signature-V3-Nonce']).toBe(input.nonce);
    expect(headers['X-Plivo-Signature-V2-Nonce']).toBe(input.nonce);
  });

  it('signs a LaML POST with the same HMAC-SHA1 in X-SignalWire-Signature and X-Twilio-Signature', () => {
    const input = signInput({ dialect: 'laml' });
    const headers = signatureHeaders(input);
    expect(Object.keys(headers).sort()).toEqual(['X-SignalWire-Signature', 'X-Twilio-Signature']);
    expect(headers['X-SignalWire-Signature']).toBe(signLaml({ url: input.url, params: input.params, key: input.authToken }));
    expect(headers['X-Twilio-Signature']).toBe(headers['X-SignalWire-Signature']);
  });

  it('signs a LaML GET over the URL alone', () => {
    const url = 'https://example.com/gather-action?Digits=1234&CallSid=abc&From=%2B15551230000';
    const headers = signatureHeaders(signInput({ dialect: 'laml', method: 'GET', url, params: {}, body: '', authToken: 'key123' }));
    expect(headers['X-SignalWire-Signature']).toBe('Fl0eKuK7xXySNOtH4Z4Y1M06MsA=');
  });

  it('signs a Standard Webhooks callback with the delivery id as webhook-id', () => {
    const input = signInput({ dialect: 'standard' });
    expect(signatureHeaders(input)).toEqual({
      'webhook-id': input.deliveryId,
      'webhook-timestamp': '1767225600',
      'webhook-signature': signStandardWebhook({ id: input.deliveryId, timestampSeconds: input.timestampSeconds, body: input.body, secret: input.authToken }),
    });
  });
});

describe('verifyCallback', () => {
  const nowSeconds = 1_767_225_600;

  function signed(dialect: SignInput['dialect'], method: HttpMethod = 'POST'): VerifyInput {
    const input = signInput(
      method === 'GET'
        ? { dialect, method, url: 'http://127.0.0.1:8080/hangup?tenant=7&CallUUID=abc&Event=Hangup', params: {}, body: '' }
        : { dialect, method },
    );
    return {
      method,
      url: input.url,
      params: { ...input.params },
      headers: signatureHeaders(input),
      token: subAccount.authToken,
      mainToken: subAccount.mainAuthToken,
      body: input.body,
      nowSeconds,
    };
  }

  it.each([
    ['plivo', 'POST'],
    ['plivo', 'GET'],
    ['laml', 'POST'],
    ['laml', 'GET'],
    ['standard', 'POST'],
    ['standard', 'GET'],
  ] as const)('accepts a %s %s callback signed by hookline', (dialect, method) => {
    const result = verifyCallback(signed(dialect, method));
    expect(result).toMatchObject({ valid: true, scheme: dialect, reason: null });
    expect(result.checks.length).toBeGreaterThan(0);
    expect(result.checks.every((check) => check.valid)).toBe(true);
  });

  it('checks all four Plivo signatures, the -Ma- ones against the main token', () => {
    const result = verifyCallback(signed('plivo'));
    expect(result.checks).toEqual([
      { header: 'X-Plivo-Signature-V3', valid: true },
      { header: 'X-Plivo-Signature-Ma-V3', valid: true },
      { header: 'X-Plivo-Signature-V2', valid: true },
      { header: 'X-Plivo-Signature-Ma-V2', valid: true },
    ]);
  });

  it('reads headers in any case, as node lower-cases them', () => {
    const input = signed('laml');
    const lower = Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(verifyCallback({ ...input, headers: lower }).valid).toBe(true);
  });

  it.each(['plivo', 'laml', 'standard'] as const)('rejects a %s callback whose param was tampered with', (dialect) => {
    const input = signed(dialect);
    const tampered = { ...input, params: { ...input.params, Status: 'failed' }, body: input.body!.replace('delivered', 'failed') };
    const result = verifyCallback(tampered);
    expect(result.valid).toBe(false);
    expect(result.scheme).toBe(dialect);
    expect(result.reason).toMatch(/does not match|no v1 signature matching/);
  });

  it('rejects a Plivo GET whose query was tampered with', () => {
    const input = signed('plivo', 'GET');
    expect(verifyCallback({ ...input, url: input.url.replace('Event=Hangup', 'Event=Ring') }).valid).toBe(false);
  });

  it.each(['plivo', 'laml', 'standard'] as const)('rejects a %s callback checked with the wrong token', (dialect) => {
    const result = verifyCallback({ ...signed(dialect), token: 'not_the_token', mainToken: 'not_the_main_token' });
    expect(result.valid).toBe(false);
    expect(result.checks.every((check) => !check.valid)).toBe(true);
    expect(result.reason).not.toBeNull();
  });

  it('rejects a Plivo -Ma- signature checked without the main account token', () => {
    const input = signed('plivo');
    const { mainToken: _mainToken, ...withoutMain } = input;
    const result = verifyCallback(withoutMain);
    expect(result.valid).toBe(false);
    expect(result.checks.filter((check) => !check.valid).map((check) => check.header)).toEqual(['X-Plivo-Signature-Ma-V3', 'X-Plivo-Signature-Ma-V2']);
    expect(result.reason).toMatch(/X-Plivo-Signature-Ma-V3 does not match the main account token/);
  });

  it('rejects a Standard Webhooks callback whose timestamp is older than the window', () => {
    const result = verifyCallback({ ...signed('standard'), nowSeconds: nowSeconds + 301 });
    expect(result).toMatchObject({ valid: false, scheme: 'standard' });
    expect(result.reason).toBe('webhook-timestamp is 301 s old, outside the 300 s window');
    expect(verifyCallback({ ...signed('standard'), nowSeconds: nowSeconds + 300 }).valid).toBe(true);
  });

  it('honours a custom Standard Webhooks tolerance', () => {
    expect(verifyCallback({ ...signed('standard'), nowSeconds: nowSeconds + 61, toleranceSeconds: 60 }).valid).toBe(false);
  });

  it('rejects a request with no signature header, saying so', () => {
    const result = verifyCallback({ ...signed('plivo'), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(result).toEqual({ valid: false, scheme: null, checks: [], reason: expect.stringMatching(/^no signature header/) });
  });

  it('rejects a Plivo signature that came without its nonce', () => {
    const input = signed('plivo');
    const headers = { ...input.headers, 'X-Plivo-Signature-V3-Nonce': undefined };
    const result = verifyCallback({ ...input, headers });
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('X-Plivo-Signature-V3 came without X-Plivo-Signature-V3-Nonce');
  });

  it('accepts a comma-separated X-Plivo-Signature-V3 list when one entry matches', () => {
    const input = signed('plivo');
    const headers = { 'X-Plivo-Signature-V3': `bm90LWl0,${input.headers['X-Plivo-Signature-V3'] as string}`, 'X-Plivo-Signature-V3-Nonce': '31627761595286130198' };
    expect(verifyCallback({ ...input, headers }).valid).toBe(true);
    expect(verifyCallback({ ...input, headers: { ...headers, 'X-Plivo-Signature-V3': 'bm90LWl0,YWxzby1ub3Q=' } }).valid).toBe(false);
  });

  it('accepts a Standard Webhooks header holding several space-separated signatures', () => {
    const input = signed('standard');
    const headers = { ...input.headers, 'webhook-signature': `v1,bm90LWl0 ${input.headers['webhook-signature'] as string}` };
    expect(verifyCallback({ ...input, headers }).valid).toBe(true);
  });

  it('accepts a LaML signature whether the receiver sees the URL with or without its default port', () => {
    const v = vectors.laml_sha1.find((vector) => vector.signature === 'muUMpldcBHlzuXGZ5gbw1ETZCYA=')!;
    const withPort = v.url.replace('.app/', '.app:443/');
    const result = verifyCallback({ method: 'POST', url: withPort, params: v.params, headers: { 'X-SignalWire-Signature': v.signature }, token: v.key });
    expect(result.valid).toBe(true);
  });

  it('checks a LaML bodySHA256 URL against the raw body', () => {
    const v = vectors.laml_body_sha256[0]!;
    const input: VerifyInput = { method: 'POST', url: v.url, params: {}, headers: { 'X-Twilio-Signature': v.signature }, token: v.key, body: v.body };
    expect(verifyCallback(input).valid).toBe(true);
    expect(verifyCallback({ ...input, body: '{"property": "other", "boolean": true}' }).reason).toBe(
      "X-Twilio-Signature: the body does not match the URL's bodySHA256",
    );
  });
});
