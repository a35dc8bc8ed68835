import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { advance, plivoVoiceSetUp, requestsTo, xml } from '../support/plivo-voice.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINECALLREQ001';
const AUTH_TOKEN = 'callreqtokencallreqtokencallreqtoken0001';
const FROM = '14155550100';
const TO = '14155550199';
const BASIC = `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}`;

const rig = useRig();

function setUp(routes: Record<string, (request: ReceivedRequest) => Reply>) {
  return plivoVoiceSetUp(rig, { authId: AUTH_ID, authToken: AUTH_TOKEN }, routes);
}




function postCall(app: RunningApp, body: object): Promise<Response> {
  return fetch(`${app.url}/v1/Account/${AUTH_ID}/Call/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: BASIC }, body: JSON.stringify(body) });
}

/** Every call the account has, in any state: the call records, and the live and queued lists. */
async function callCount(app: RunningApp): Promise<number> {
  const get = async (query: string) => (await fetch(`${app.url}/v1/Account/${AUTH_ID}/Call/${query}`, { headers: { authorization: BASIC } })).json();
  const records = (await get('')) as { meta: { total_count: number } };
  const live = (await get('?status=live')) as { calls: string[] };
  const queued = (await get('?status=queued')) as { calls: string[] };
  return records.meta.total_count + live.calls.length + queued.calls.length;
}

describe('Plivo POST Call/ parameters', () => {
  it('sends each of sip_headers as X-PH-<name> on every request about the call: ring, answer, action, machine detection and hangup', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<GetDigits action="${appServer.url('/menu')}" timeout="1"><Speak>Press a key</Speak></GetDigits>`),
      '/menu': () => xml('<Hangup/>'),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { ringUrl: appServer.url('/ring'), hangupUrl: appServer.url('/hangup'), sipHeaders: 'CustomerId=123,Plan=gold%20plus' });
    await client.calls.create(FROM, '15551030001', appServer.url('/answer'), { machineDetection: 'true', machineDetectionTime: 2000, machineDetectionUrl: appServer.url('/machine'), sipHeaders: 'CustomerId=123,Plan=gold%20plus' });
    await advance(app, 4_000);
    expect((await app.control('POST', `/calls/${made.requestUuid as string}/digits`, { digits: '7' })).status).toBe(200);
    await advance(app, 5_000);

    for (const path of ['/ring', '/answer', '/menu', '/hangup', '/machine']) {
      const [request] = requestsTo(appServer.requests, path);
      expect(request?.params, path).toMatchObject({ 'X-PH-CustomerId': '123', 'X-PH-Plan': 'gold%20plus' });
    }
  });

  it('refuses sip_headers that are not name=value pairs of the allowed characters, starting nothing', async () => {
    const { app } = await setUp({});
    for (const sipHeaders of ['Customer-Id=1', 'CustomerId', 'a=b c', 'a=1=2']) {
      const refused = await postCall(app, { from: FROM, to: TO, answer_url: 'http://127.0.0.1/answer', sip_headers: sipHeaders });
      expect(refused.status, sipHeaders).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toContain('sip_headers');
    }
    expect(await callCount(app)).toBe(0);
  });

  it('lists only calls that have ended, as Plivo’s call records are, and a live call once it ends', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="60"/>') });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const uuid = made.requestUuid as string;
    await advance(app, 5_000);
    expect((await client.calls.listLiveCalls()).map((call) => call.callUuid)).toEqual([uuid]);
    expect(await client.calls.list()).toHaveLength(0);
    expect(await callCount(app)).toBe(1);
    await client.calls.hangup(uuid);
    await advance(app, 0);
    expect((await client.calls.list()).map((call) => call.callUuid)).toEqual([uuid]);
    expect(await client.calls.listLiveCalls()).toEqual([]);
  });

  it('lists calls by from_number and to_number, exact or a prefix, and the B legs of a call by parent_call_uuid', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml('<Speak>Hello</Speak>'),
      '/dial': () => xml('<Dial><Number>14165550777</Number></Dial>'),
    });
    const first = await client.calls.create(FROM, '14155550201', appServer.url('/answer'));
    const second = await client.calls.create('14165550100', '+14155550202', appServer.url('/answer'));
    const dialling = await client.calls.create(FROM, '14165550203', appServer.url('/dial'));
    await advance(app, 20_000);

    const uuids = async (filters: Record<string, string>) => {
      const query = new URLSearchParams(filters).toString();
      const listed = await fetch(`${app.url}/v1/Account/${AUTH_ID}/Call/?${query}`, { headers: { authorization: BASIC } });
      expect(listed.status).toBe(200);
      return ((await listed.json()) as { objects: Array<{ call_uuid: string }> }).objects.map((call) => call.call_uuid).sort();
    };
    expect(await uuids({ to_number: '1415' })).toEqual([first.requestUuid, second.requestUuid].sort());
    expect(await uuids({ to_number: '+14155550202' })).toEqual([second.requestUuid]);
    expect(await uuids({ from_number: '1416' })).toEqual([second.requestUuid]);
    const bLegs = await uuids({ parent_call_uuid: dialling.requestUuid as string });
    expect(bLegs).toHaveLength(1);
    expect(bLegs[0]).not.toBe(dialling.requestUuid);
    expect(await uuids({ to_number: '1416', parent_call_uuid: dialling.requestUuid as string })).toEqual(bLegs);
  });

  it('plays send_digits to the far end once it answers, or while it rings with send_on_preanswer, and the sendDigits of a Dial Number once bridged', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml('<Speak>Hello</Speak>'),
      '/dial': () => xml('<Dial><Number sendDigits="wW42">14165550777</Number></Dial>'),
    });
    const answered = await client.calls.create(FROM, TO, appServer.url('/answer'), { sendDigits: '1w2@1000' });
    const early = await client.calls.create(FROM, '14155550198', appServer.url('/answer'), { sendDigits: '9', sendOnPreanswer: true });
    const dialling = await client.calls.create(FROM, '14155550197', appServer.url('/dial'));
    await advance(app, 8_000);

    const tones = async (uuid: string) => {
      const { body } = await app.control<{ events: Array<{ at: number; type: string; message: string }> }>('GET', `/calls/${uuid}/timeline`);
      const at = (type: string, message: string) => body.events.find((event) => event.type === type && event.message.startsWith(message))?.at;
      return { tones: body.events.filter((event) => event.message.startsWith('tones ')).map((event) => event.message), at };
    };
    const first = await tones(answered.requestUuid as string);
    expect(first.tones).toEqual(['tones 1w2@1000 sent to the far end (send_digits)']);
    expect(first.at('far-end', 'tones')).toBe(first.at('status', 'answered'));
    const second = await tones(early.requestUuid as string);
    expect(second.tones).toEqual(['tones 9 sent to the far end (send_digits)']);
    expect(second.at('far-end', 'tones')).toBe(second.at('status', 'ringing'));
    expect((await tones(dialling.requestUuid as string)).tones).toEqual(['tones wW42 sent to 14165550777 (sendDigits)']);

    const refused = await postCall(app, { from: FROM, to: TO, answer_url: 'http://127.0.0.1/answer', send_digits: '12a' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain('send_digits');
  });

  it('refuses machine_detection tuning outside the ranges Plivo documents, starting nothing, and takes it inside them', async () => {
    const { app } = await setUp({});
    const call = { from: FROM, to: TO, answer_url: 'http://127.0.0.1/answer', machine_detection: 'true' };
    for (const [name, value, range] of [
      ['machine_detection_maximum_speech_length', 7000, '1000 to 6000'],
      ['machine_detection_initial_silence', 1000, '2000 to 10000'],
      ['machine_detection_maximum_words', 11, '2 to 10'],
      ['machine_detection_initial_greeting', 500, '1000 to 5000'],
    ] as const) {
      const refused = await postCall(app, { ...call, [name]: value });
      expect(refused.status, name).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe(`${name} must be a whole number from ${range}`);
    }
    expect(await callCount(app)).toBe(0);
    const taken = await postCall(app, { ...call, machine_detection_maximum_speech_length: 3000, machine_detection_initial_silence: 4500, machine_detection_maximum_words: 3, machine_detection_initial_greeting: 1500 });
    expect(taken.status).toBe(201);
  });

  it('lists and reads a call through the SDK while it is queued, before it rings, and live once it rings', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="10"/>') });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const uuid = made.requestUuid as string;

    expect((await client.calls.listQueuedCalls()).map((call) => call.callUuid)).toEqual([uuid]);
    expect(await client.calls.getQueuedCall(uuid)).toMatchObject({ callUuid: uuid, callStatus: 'queued', direction: 'outbound', from: FROM, to: TO, requestUuid: uuid });
    expect(await client.calls.listLiveCalls()).toEqual([]);

    await advance(app, 1_000);
    expect(await client.calls.listQueuedCalls()).toEqual([]);
    await expect(client.calls.getQueuedCall(uuid)).rejects.toThrow();
    expect((await client.calls.listLiveCalls()).map((call) => call.callUuid)).toEqual([uuid]);
  });

  it('ends calls with the documented causes: 9100 for a machine with machine_detection=hangup, 8012/7012 for a bad action with redirect, 7014 for a Redirect nobody answers', async () => {
    const { app, appServer, client } = await setUp({
      '/wait': () => xml('<Wait length="20"/>'),
      '/menu': () => xml(`<GetDigits action="${appServer.url('/bad-action')}" timeout="1"><Speak>Press a key</Speak></GetDigits>`),
      '/menu-gone': () => xml(`<GetDigits action="${appServer.url('/gone')}" timeout="1"><Speak>Press a key</Speak></GetDigits>`),
      '/menu-ignored': () => xml(`<GetDigits action="${appServer.url('/bad-action')}" redirect="false" timeout="1"><Speak>Press a key</Speak></GetDigits><Speak>Carrying on</Speak>`),
      '/bad-action': () => ({ status: 200, body: 'not xml' }),
      '/gone': () => ({ status: 503 }),
      '/redirect': () => xml(`<Redirect>${appServer.url('/gone')}</Redirect>`),
    });
    const hangup = { hangupUrl: appServer.url('/hangup') };
    const machine = await client.calls.create(FROM, '15551030001', appServer.url('/wait'), { ...hangup, machineDetection: 'hangup', machineDetectionTime: 3000 });
    const invalid = await client.calls.create(FROM, '14155550201', appServer.url('/menu'), hangup);
    const unreachable = await client.calls.create(FROM, '14155550202', appServer.url('/menu-gone'), hangup);
    const ignored = await client.calls.create(FROM, '14155550203', appServer.url('/menu-ignored'), hangup);
    const redirected = await client.calls.create(FROM, '14155550204', appServer.url('/redirect'), hangup);
    await advance(app, 4_000);
    for (const call of [invalid, unreachable, ignored]) await app.control('POST', `/calls/${call.requestUuid as string}/digits`, { digits: '1#' });
    await advance(app, 30_000);

    const causes = new Map(requestsTo(appServer.requests, '/hangup').map((request) => [request.params.CallUUID, [request.params.HangupCauseCode, request.params.HangupSource]]));
    expect(causes.get(machine.requestUuid as string)).toEqual(['9100', 'Plivo']);
    expect(causes.get(invalid.requestUuid as string)).toEqual(['8012', 'Error']);
    expect(causes.get(unreachable.requestUuid as string)).toEqual(['7012', 'Error']);
    // redirect="false": the action is still asked, its answer ignored, and the next element runs.
    expect(causes.get(ignored.requestUuid as string)).toEqual(['4010', 'Plivo']);
    expect(requestsTo(appServer.requests, '/bad-action').map((request) => request.params.CallUUID)).toContain(ignored.requestUuid);
    expect(causes.get(redirected.requestUuid as string)).toEqual(['7014', 'Error']);
  });

  it('counts a key outside validDigits as a try after playing invalidDigitsSound, then takes the next try\'s digits', async () => {
    const { app, appServer, client } = await setUp({
      '/menu': () => xml(`<GetDigits action="${appServer.url('/chosen')}" validDigits="12" retries="2" timeout="3" invalidDigitsSound="${appServer.url('/invalid.wav')}"><Speak>Press one or two</Speak></GetDigits><Speak>Goodbye</Speak>`),
      '/chosen': () => xml('<Hangup/>'),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/menu'));
    await advance(app, 4_000);
    await app.control('POST', `/calls/${made.requestUuid as string}/digits`, { digits: '9' });
    // The sound (5 s: its file tells nothing) and the prompt again (1.6 s) follow the wrong key.
    await advance(app, 6_000);
    await app.control('POST', `/calls/${made.requestUuid as string}/digits`, { digits: '2' });
    await advance(app, 5_000);

    expect(requestsTo(appServer.requests, '/invalid.wav')).toHaveLength(1);
    expect(requestsTo(appServer.requests, '/chosen').map((request) => request.params.Digits)).toEqual(['2']);
    const { body } = await app.control<{ events: Array<{ message: string }> }>('GET', `/calls/${made.requestUuid as string}/timeline`);
    // The prompt plays again for the second try.
    expect(body.events.filter((event) => event.message.startsWith('<Speak>'))).toHaveLength(2);
  });

  it('dials numbers one after another with several Dials: a busy first, its action asked with redirect="false", then the next', async () => {
    const { app, appServer, client } = await setUp({
      '/dial': () => xml(`<Dial action="${appServer.url('/first')}" redirect="false"><Number>15551000001</Number></Dial><Dial action="${appServer.url('/second')}"><Number>14155550777</Number></Dial>`),
      '/second': () => xml('<Hangup/>'),
    });
    await client.calls.create(FROM, TO, appServer.url('/dial'));
    await advance(app, 30_000);

    expect(requestsTo(appServer.requests, '/first').map((request) => request.params)).toEqual([expect.objectContaining({ DialStatus: 'busy', DialBLegUUID: '' })]);
    expect(requestsTo(appServer.requests, '/second').map((request) => request.params)).toEqual([expect.objectContaining({ DialStatus: 'completed', DialHangupCause: 'NORMAL_CLEARING' })]);
  });
});
