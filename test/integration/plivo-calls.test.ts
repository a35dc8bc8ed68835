import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { encodeMp3 } from '../../src/engine/calls/mp3-encoder.js';
import { readMp3 } from '../support/mp3-frames.js';
import { plivo } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { advance, plivoVoiceSetUp, requestsTo, xml } from '../support/plivo-voice.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEVOICE00001';
const AUTH_TOKEN = 'voicetokenvoicetokenvoicetokenvoice00001';
const FROM = '14155550100';
const TO = '14155550199';

const rig = useRig();

interface Timeline {
  call: { status: string; hangupCauseCode: number | null };
  events: Array<{ at: number; type: string; message: string; data?: Record<string, unknown> }>;
}

function setUp(routes: Record<string, (request: ReceivedRequest) => Reply>) {
  return plivoVoiceSetUp(rig, { authId: AUTH_ID, authToken: AUTH_TOKEN }, routes);
}



async function timeline(app: RunningApp, uuid: string): Promise<Timeline> {
  const { status, body } = await app.control<Timeline>('GET', `/calls/${uuid}/timeline`);
  expect(status).toBe(200);
  return body;
}


function validV3(request: ReceivedRequest): boolean {
  const h = request.headers;
  // A GET carries its parameters in the URL already.
  const params = request.method === 'GET' ? {} : request.params;
  return plivo.validateV3Signature(request.method, request.fullUrl, h['x-plivo-signature-v3-nonce']!, AUTH_TOKEN, h['x-plivo-signature-v3']!, params);
}

describe('Plivo voice calls', () => {
  it('runs an IVR: GetDigits, Dial with its callbackUrl events, Record with a real MP3, Hangup, then hangup_url', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<GetDigits action="${appServerUrl('/menu')}" numDigits="1" timeout="10"><Speak>Press one for sales</Speak></GetDigits>`),
      '/menu': () => xml(`<Dial action="${appServerUrl('/after-dial')}" callbackUrl="${appServerUrl('/dial-events')}"><Number>14155550111</Number></Dial>`),
      '/after-dial': () => xml(`<Record action="${appServerUrl('/recorded')}" maxLength="30" finishOnKey="#"/>`),
      '/recorded': () => xml('<Speak>Thanks, goodbye</Speak><Hangup/>'),
    });
    function appServerUrl(path: string): string {
      return appServer.url(path);
    }

    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup'), ringUrl: appServer.url('/ring') });
    expect(made.message).toBe('call fired');
    const uuid = made.requestUuid as string;

    await advance(app, 3_000); // set-up, then two seconds of ringing: answered
    expect(requestsTo(appServer.requests, '/ring')[0]?.params).toMatchObject({ Event: 'Ring', CallStatus: 'ringing', CallUUID: uuid });
    const answer = requestsTo(appServer.requests, '/answer')[0]!;
    expect(answer.params).toMatchObject({ Event: 'StartApp', CallStatus: 'in-progress', CallUUID: uuid, RequestUUID: uuid, ALegUUID: uuid, From: FROM, To: TO, Direction: 'outbound' });
    expect((await client.calls.listLiveCalls()).map((call) => call.callUuid)).toEqual([uuid]);
    expect(await client.calls.getLiveCall(uuid)).toMatchObject({ callUuid: uuid, callStatus: "in-progress", direction: "outbound" });

    expect((await app.control('POST', `/calls/${uuid}/digits`, { digits: '1' })).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/menu')[0]?.params).toMatchObject({ Digits: '1', CallUUID: uuid });

    await advance(app, 2_000); // the B leg answers
    await advance(app, 10_000); // and hangs up after ten seconds of talk
    const events = requestsTo(appServer.requests, '/dial-events');
    expect(events.map((r) => r.params.DialAction)).toEqual(['answer', 'connected', 'hangup']);
    const bLeg = events[0]!.params.DialBLegUUID!;
    expect(events[2]!.params).toMatchObject({ DialBLegTo: '14155550111', DialBLegDuration: '10', DialBLegHangupCauseCode: '4000', DialALegUUID: uuid });
    expect(requestsTo(appServer.requests, '/after-dial')[0]?.params).toMatchObject({ DialStatus: 'completed', DialBLegUUID: bLeg, DialALegUUID: uuid, DialHangupCause: 'NORMAL_CLEARING' });

    await advance(app, 4_000);
    await app.control('POST', `/calls/${uuid}/digits`, { digits: '#' });
    await advance(app, 0);
    const recorded = requestsTo(appServer.requests, '/recorded')[0]!;
    expect(recorded.params).toMatchObject({ RecordingDuration: '4', RecordingDurationMs: '4000', Digits: '#' });
    expect(recorded.params.RecordUrl).toMatch(/\/media\/recordings\/[0-9a-f-]{36}\.mp3$/); // fileFormat defaults to mp3
    const audio = await fetch(recorded.params.RecordUrl!);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    const mp3 = readMp3(Buffer.from(await audio.arrayBuffer()));
    expect(mp3).toMatchObject({ sampleRate: 8_000, channels: 1 });
    expect(mp3.durationMs).toBeGreaterThanOrEqual(4_000); // 4 s, and LAME's encoder delay and padding
    expect(mp3.durationMs).toBeLessThanOrEqual(4_300);

    await advance(app, 5_000); // "Thanks, goodbye", then Hangup
    const hangup = requestsTo(appServer.requests, '/hangup')[0]!;
    expect(hangup.params).toMatchObject({ Event: 'Hangup', CallStatus: 'completed', HangupCauseCode: '4000', HangupCauseName: 'Normal Hangup', HangupSource: 'Answer XML', HangupCause: 'NORMAL_CLEARING' });
    expect(Number(hangup.params.Duration)).toBeGreaterThanOrEqual(16);
    expect(hangup.params.BillDuration).toBe('60');
    for (const request of appServer.requests) expect(validV3(request), `${request.url} is signed`).toBe(true);

    const record = await client.calls.get(uuid);
    expect(record).toMatchObject({ callUuid: uuid, callDirection: 'outbound', hangupCauseCode: 4000, fromNumber: FROM, toNumber: TO });
    const steps = await timeline(app, uuid);
    expect(steps.events.filter((e) => e.type === 'instruction' && e.data?.element).map((e) => e.data?.element)).toEqual(['GetDigits', 'Speak', 'Dial', 'Record', 'Speak', 'Hangup']);
    expect((await client.calls.get(bLeg)).parentCallUuid).toBe(uuid);
  });

  it('uses the fallback_url when answer_url answers 500, and hangs up with 7011 when both fail', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => ({ status: 500 }),
      '/fallback': () => xml('<Speak>Fallback speaking</Speak>'),
      '/broken': () => ({ status: 503 }),
    });
    const first = await client.calls.create(FROM, TO, appServer.url('/answer'), { fallbackUrl: appServer.url('/fallback'), hangupUrl: appServer.url('/hangup') });
    const second = await client.calls.create(FROM, '14155550198', appServer.url('/broken'), { fallbackUrl: appServer.url('/broken'), hangupUrl: appServer.url('/hangup') });
    await advance(app, 10_000);

    const hangups = requestsTo(appServer.requests, '/hangup');
    const byCall = new Map(hangups.map((r) => [r.params.CallUUID, r.params]));
    expect(byCall.get(first.requestUuid as string)).toMatchObject({ HangupCauseCode: '4010', HangupCauseName: 'End Of XML Instructions' });
    expect(byCall.get(second.requestUuid as string)).toMatchObject({ HangupCauseCode: '7011', HangupCauseName: 'Error Reaching Answer URL', CallStatus: 'completed' });
    expect(requestsTo(appServer.requests, '/fallback')[0]?.params).toMatchObject({ Event: 'StartApp', CallUUID: first.requestUuid });
  });

  it('hangs up with 8011 on invalid XML, naming the line and column on the timeline', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => ({ status: 200, body: '<Response>\n  <Say>Hello</Say>\n</Response>' }) });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 3_000);

    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '8011', HangupCauseName: 'Invalid Answer XML' });
    const steps = await timeline(app, made.requestUuid as string);
    const error = steps.events.find((e) => e.type === 'error');
    expect(error?.message).toContain('line 2, column 3');
    expect(error?.message).toContain('<Say> is not a Plivo XML element');
  });

  it('sends the busy and no-answer hangups without requesting answer_url', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Speak>never</Speak>') });
    const busy = await client.calls.create(FROM, '15551000001', appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    const unanswered = await client.calls.create(FROM, '15551010001', appServer.url('/answer'), { hangupUrl: appServer.url('/hangup'), ringTimeout: 30 });
    await advance(app, 40_000);

    const byCall = new Map(requestsTo(appServer.requests, '/hangup').map((r) => [r.params.CallUUID, r.params]));
    expect(byCall.get(busy.requestUuid as string)).toMatchObject({ CallStatus: 'busy', HangupCauseCode: '3010', HangupCauseName: 'Busy Line', HangupCause: 'USER_BUSY', AnswerTime: '', Duration: '0' });
    expect(byCall.get(unanswered.requestUuid as string)).toMatchObject({ CallStatus: 'timeout', HangupCauseCode: '6010', HangupCauseName: 'Ring Timeout Reached' });
    expect(requestsTo(appServer.requests, '/answer')).toHaveLength(0);
  });

  it('hangs up through the SDK, and cancels a request that is still ringing', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="60"/>') });
    const live = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    const ringing = await client.calls.create(FROM, '15551040001', appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 5_000);

    expect(await client.calls.hangup(live.requestUuid as string)).toBe(true);
    await client.calls.cancel(ringing.requestUuid as string);
    await advance(app, 0);

    const byCall = new Map(requestsTo(appServer.requests, '/hangup').map((r) => [r.params.CallUUID, r.params]));
    expect(byCall.get(live.requestUuid as string)).toMatchObject({ CallStatus: 'completed', HangupCauseCode: '4000', HangupSource: 'API Request', Duration: '2' });
    expect(byCall.get(ringing.requestUuid as string)).toMatchObject({ CallStatus: 'cancel', HangupCauseCode: '1000', HangupCauseName: 'Canceled' });
    await expect(client.calls.hangup(live.requestUuid as string)).rejects.toThrow();
  });

  it('refuses a call without answer_url, with a bad number or bad method, in Plivo’s error shape and with nothing started', async () => {
    const { app } = await setUp({});
    const post = (body: object) =>
      fetch(`${app.url}/v1/Account/${AUTH_ID}/Call/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}` },
        body: JSON.stringify(body),
      });
    const missing = await post({ from: FROM, to: TO });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'answer_url parameter is missing' });
    expect((await post({ from: FROM, to: 'not-a-number', answer_url: 'http://127.0.0.1/a' })).status).toBe(400);
    expect((await post({ from: FROM, to: TO, answer_url: 'http://127.0.0.1/a', answer_method: 'PUT' })).status).toBe(400);
    const list = await fetch(`${app.url}/v1/Account/${AUTH_ID}/Call/`, { headers: { authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}` } });
    expect(((await list.json()) as { meta: { total_count: number } }).meta.total_count).toBe(0);
    const unknown = await fetch(`${app.url}/v1/Account/MANOSUCHACCOUNT00000/Call/`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('MANOSUCHACCOUNT00000:x').toString('base64')}` } });
    expect(unknown.status).toBe(401);
  });

  it('follows #rc=2&rp=5xx,rt&rt=300 on answer_url: a slow attempt, then two 500s, three attempts in all, then 7011', async () => {
    const { app, appServer, client } = await setUp({});
    let answers = 0;
    appServer.respondWith((request) => {
      if (!request.url.startsWith('/answer')) return { status: 200 };
      answers++;
      return answers === 1 ? { status: 200, delayMs: 1_500, body: '<Response/>' } : { status: 500 };
    });
    const made = await client.calls.create(FROM, TO, `${appServer.url('/answer')}#rc=2&rp=5xx,rt&rt=300`, { hangupUrl: appServer.url('/hangup') });
    await advance(app, 3_000);

    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '7011' });
    expect(requestsTo(appServer.requests, '/answer')).toHaveLength(3);
    const { body } = await app.control<{ deliveries: Array<{ id: string; kind: string; url: string }> }>('GET', `/deliveries?resource=call:${made.requestUuid as string}`);
    const document = body.deliveries.find((d) => d.kind === 'document' && d.url.includes('/answer'))!;
    expect(document.url).toContain('#rc=2&rp=5xx,rt&rt=300');
    const attempts = (await app.control<{ attempts: Array<{ outcome: { kind: string; status?: number }; durationMs: number }> }>('GET', `/deliveries/${document.id}/attempts`)).body.attempts;
    expect(attempts.map((a) => a.outcome.kind)).toEqual(['read-timeout', 'http-status', 'http-status']);
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(290);
    expect(attempts[0]!.durationMs).toBeLessThan(1_400);
  });

  it('rings an inbound call into the number’s application, with the caller hanging up', async () => {
    const { app, appServer, client } = await setUp({ '/in/answer': () => xml('<Speak>Welcome</Speak><Wait length="30"/>') });
    const application = await client.applications.create('ivr', { answerUrl: appServer.url('/in/answer'), hangupUrl: appServer.url('/in/hangup') });
    await client.numbers.buy('14155550123', application.appId);

    const rung = await app.control<{ uuid: string; appId: string; direction: string }>('POST', '/inbound/calls', { from: '+14155559999', to: '+14155550123', forwardedFrom: '+14155550777' });
    expect(rung.status).toBe(202);
    expect(rung.body).toMatchObject({ appId: application.appId, direction: 'inbound' });
    await advance(app, 0);
    const answer = requestsTo(appServer.requests, '/in/answer')[0]!;
    expect(answer.params).toMatchObject({ Direction: 'inbound', From: '14155559999', To: '14155550123', ForwardedFrom: '14155550777', CallStatus: 'ringing', Event: 'StartApp' });
    expect(answer.params.ALegUUID).toBeUndefined();

    await advance(app, 5_000);
    expect((await app.control('POST', `/calls/${rung.body.uuid}/hangup`)).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/in/hangup')[0]?.params).toMatchObject({ Direction: 'inbound', ForwardedFrom: '14155550777', HangupCauseCode: '4000', HangupSource: 'Caller', Duration: '5', CallStatus: 'completed' });
    expect((await app.control('POST', `/calls/${rung.body.uuid}/digits`, { digits: '1' })).status).toBe(409);
    expect((await app.control('POST', '/inbound/calls', { from: '+14155559999', to: '+14155550000' })).status).toBe(404);
  });

  it('hears speech for GetInput and sends Speech with InputType speech', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<GetInput action="${appServer.url('/heard')}" inputType="speech"><Speak>What can I help you with</Speak></GetInput>`),
      '/heard': () => xml('<Hangup/>'),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'));
    await advance(app, 4_000);
    expect((await app.control('POST', `/calls/${made.requestUuid as string}/speech`, { text: 'billing please' })).status).toBe(200);
    // The words take a second to say, then `speechEndTimeout="auto"` waits out two seconds of silence.
    await advance(app, 2_999);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
    await advance(app, 1);
    expect(requestsTo(appServer.requests, '/heard')[0]?.params).toMatchObject({ InputType: 'speech', Speech: 'billing please', Digits: '' });
  });

  it('sends each word to interimSpeechResultsCallback as it is said, and the action after speechEndTimeout seconds of silence', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () =>
        xml(`<GetInput action="${appServer.url('/heard')}" inputType="speech" speechEndTimeout="5" interimSpeechResultsCallback="${appServer.url('/interim')}"/>`),
      '/heard': () => xml('<Hangup/>'),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'));
    await advance(app, 4_000); // rung and answered
    expect((await app.control('POST', `/calls/${made.requestUuid as string}/speech`, { text: 'my account balance' })).status).toBe(200);
    await advance(app, 1_200); // three words: 1.2 s, each heard when it ends
    const interim = requestsTo(appServer.requests, '/interim');
    expect(interim.map((request) => request.params)).toEqual([
      expect.objectContaining({ StableSpeech: '', UnstableSpeech: 'my', SequenceNumber: '1' }),
      expect.objectContaining({ StableSpeech: 'my', UnstableSpeech: 'account', SequenceNumber: '2' }),
      expect.objectContaining({ StableSpeech: 'my account', UnstableSpeech: 'balance', SequenceNumber: '3' }),
    ]);
    expect(interim.every(validV3)).toBe(true);
    await advance(app, 4_999);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
    await advance(app, 1);
    expect(requestsTo(appServer.requests, '/heard')[0]?.params).toMatchObject({ InputType: 'speech', Speech: 'my account balance', Digits: '' });
  });

  it('ends a call at time_limit with 6000 and reports an answering machine to machine_detection_url', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="120"/>') });
    await client.calls.create(FROM, '15551030001', appServer.url('/answer'), {
      hangupUrl: appServer.url('/hangup'),
      timeLimit: 20,
      machineDetection: 'true',
      machineDetectionUrl: appServer.url('/machine'),
    });
    await advance(app, 30_000);
    expect(requestsTo(appServer.requests, '/machine')[0]?.params).toMatchObject({ Machine: 'true', Event: 'MachineDetection' });
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '6000', HangupCauseName: 'Scheduled Hangup', Duration: '20' });
  });

  it('lets go of an ended call: its time limit is no longer on the clock once it has hung up', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Speak>Goodbye</Speak><Hangup/>') });
    const startedAt = (await app.control<{ now: number }>('GET', '/clock')).body.now;
    await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup'), timeLimit: 600 });
    await advance(app, 10_000);
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '4000' });
    // Hourly retention is the only timer left, not the call's 600 s limit.
    const { nextTimerAt } = (await app.control<{ nextTimerAt: number }>('GET', '/clock')).body;
    expect(nextTimerAt).toBeGreaterThanOrEqual(startedAt + 3_600_000);
  });

  it('runs 100 concurrent IVR calls on the virtual clock with every callback delivered', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<GetDigits action="${appServer.url('/menu')}" numDigits="1" timeout="5"><Speak>Press a key</Speak></GetDigits>`),
      '/menu': (request) => xml(`<Speak>You pressed ${request.params.Digits}</Speak><Hangup/>`),
    });
    const calls = await Promise.all(Array.from({ length: 100 }, (_, i) => client.calls.create(FROM, `1415556${String(i).padStart(4, '0')}`, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup'), ringUrl: appServer.url('/ring') })));
    await advance(app, 4_000);
    await Promise.all(calls.map((made, i) => app.control('POST', `/calls/${made.requestUuid as string}/digits`, { digits: String(i % 10) })));
    await advance(app, 10_000);

    const hangups = requestsTo(appServer.requests, '/hangup');
    expect(hangups).toHaveLength(100);
    expect(new Set(hangups.map((r) => r.params.CallUUID)).size).toBe(100);
    expect(hangups.every((r) => r.params.HangupCauseCode === '4000')).toBe(true);
    expect(requestsTo(appServer.requests, '/ring')).toHaveLength(100);
    expect(requestsTo(appServer.requests, '/menu')).toHaveLength(100);
    for (const [i, made] of calls.entries()) {
      expect(requestsTo(appServer.requests, '/menu').find((r) => r.params.CallUUID === made.requestUuid)?.params.Digits).toBe(String(i % 10));
    }
  });

  it('sends every hangup callback at the instant its calls ended, even when they queue for the dispatcher', async () => {
    // Four attempts at once, each taking 20 ms: most of the 60 hangups wait in the store for a slot, and
    // the dispatcher is still working through them long after the last call has handed over its own.
    const { app, appServer, client } = await plivoVoiceSetUp(rig, { authId: AUTH_ID, authToken: AUTH_TOKEN }, { '/answer': () => xml('<Hangup/>'), '/hangup': () => ({ status: 200, delayMs: 20 }) }, { concurrency: 4 });
    const calls = 60;
    for (let i = 0; i < calls; i++) await client.calls.create(FROM, `1415557${String(i).padStart(4, '0')}`, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 10_000);

    expect(requestsTo(appServer.requests, '/hangup')).toHaveLength(calls);
    const { body } = await app.control<{ deliveries: Array<{ createdAt: string; updatedAt: string; status: string }> }>('GET', '/deliveries?url=/hangup&limit=500');
    expect(body.deliveries).toHaveLength(calls);
    // Each was sent (and so last touched) at the clock time it was made: the clock did not move on
    // while any still waited, as it did when the dispatcher had been found idle once, before the calls
    // handed it their hangups.
    const late = body.deliveries.filter((delivery) => delivery.status !== 'succeeded' || delivery.updatedAt !== delivery.createdAt);
    expect(late).toEqual([]);
  });

  it('records the rest of the call with recordSession: -1 to the action at once, the file to callbackUrl at the end', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<Record recordSession="true" fileFormat="wav" action="${appServer.url('/started')}" callbackUrl="${appServer.url('/recording')}"/><Wait length="8"/>`),
      '/started': () => xml('<Speak>ignored, redirect is false here</Speak>'),
    });
    await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 3_000);
    const started = requestsTo(appServer.requests, '/started')[0]!;
    expect(started.params).toMatchObject({ RecordingDuration: '-1', RecordingDurationMs: '-1' });
    await advance(app, 10_000);
    const recording = requestsTo(appServer.requests, '/recording')[0]!;
    expect(recording.params).toMatchObject({ RecordingID: started.params.RecordingID, RecordingDuration: '8', RecordUrl: started.params.RecordUrl });
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '4010' });
    expect(recording.params.RecordUrl).toMatch(/\.wav$/);
    const download = await fetch(recording.params.RecordUrl!);
    expect(download.headers.get('content-type')).toBe('audio/x-wav');
    const audio = Buffer.from(await download.arrayBuffer());
    expect(audio.toString('ascii', 0, 4)).toBe('RIFF');
    expect(audio.readUInt32LE(40)).toBe(8 * 16_000); // 8 s of 8 kHz 16-bit mono
  });

  it('puts two calls in one conference room, with enter and exit events and the action when a member leaves', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<Conference callbackUrl="${appServer.url('/conf-events')}" action="${appServer.url('/left')}" hangupOnStar="true">standup</Conference>`),
      '/left': () => xml('<Hangup/>'),
    });
    const first = await client.calls.create(FROM, '14155550201', appServer.url('/answer'));
    const second = await client.calls.create(FROM, '14155550202', appServer.url('/answer'));
    await advance(app, 3_000);
    const enters = requestsTo(appServer.requests, '/conf-events').filter((r) => r.params.ConferenceAction === 'enter');
    expect(enters).toHaveLength(2);
    expect(new Set(enters.map((r) => r.params.ConferenceUUID)).size).toBe(1);
    expect(enters.map((r) => r.params.ConferenceMemberID).sort()).toEqual(['1', '2']);

    await app.control('POST', `/calls/${first.requestUuid as string}/digits`, { digits: '*' });
    await advance(app, 0);
    const left = requestsTo(appServer.requests, '/left');
    expect(left).toHaveLength(1);
    expect(left[0]!.params).toMatchObject({ CallUUID: first.requestUuid, ConferenceName: 'standup', ConferenceUUID: enters[0]!.params.ConferenceUUID });
    expect(requestsTo(appServer.requests, '/conf-events').filter((r) => r.params.ConferenceAction === 'exit').map((r) => r.params.CallUUID)).toEqual([first.requestUuid]);
    expect((await client.calls.getLiveCall(second.requestUuid as string)).callStatus).toBe('in-progress');
  });

  it('transfers a live call to another document, mixes API audio over it and records it through the API', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': () => xml('<Wait length="600"/>'),
      '/moved': () => xml('<Speak>You were transferred</Speak><Hangup/>'),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    const uuid = made.requestUuid as string;
    await advance(app, 3_000);

    expect(await client.calls.playMusic(uuid, 'http://127.0.0.1:1/hold.mp3')).toMatchObject({ message: 'play started' });
    expect(await client.calls.speakText(uuid, 'Please hold')).toMatchObject({ message: 'speak started' });
    expect(await client.calls.sendDigits(uuid, '12#')).toMatchObject({ message: 'digits sent' });
    const recording = await client.calls.record(uuid, { callbackUrl: appServer.url('/api-recording') });
    expect(recording).toMatchObject({ message: 'call recording started' });
    await advance(app, 6_000);
    await client.calls.stopRecording(uuid);
    await advance(app, 0);
    // The Record API's own callback set, snake_case, with the start request's api_id.
    expect(requestsTo(appServer.requests, '/api-recording')[0]?.params).toEqual({
      api_id: recording.apiId,
      record_url: recording.url,
      call_uuid: uuid,
      recording_id: recording.recordingId,
      recording_duration: '6',
      recording_duration_ms: '6000',
      recording_start_ms: expect.stringMatching(/^\d{13}$/),
      recording_end_ms: expect.stringMatching(/^\d{13}$/),
    });
    expect(recording.url).toMatch(/\.mp3$/); // file_format defaults to mp3
    expect((await client.calls.record(uuid, { fileFormat: 'wav' })).url).toMatch(/\.wav$/);
    await expect(client.calls.record(uuid, { fileFormat: 'ogg' })).rejects.toThrow(/file_format "ogg" is not one of mp3, wav/);
    const limited = await client.calls.record(uuid, { timeLimit: 2, callbackUrl: appServer.url('/limited') });
    await advance(app, 2_000);
    expect(requestsTo(appServer.requests, '/limited')[0]?.params).toMatchObject({ recording_id: limited.recordingId, recording_duration: '2' });
    const mp3 = readMp3(Buffer.from(await (await fetch(recording.url as string)).arrayBuffer()));
    expect(mp3.durationMs).toBeGreaterThanOrEqual(6_000);
    expect(mp3.durationMs).toBeLessThanOrEqual(6_300);

    expect(await client.calls.transfer(uuid, { legs: 'aleg', alegUrl: appServer.url('/moved') })).toMatchObject({ message: 'call transfered' });
    await advance(app, 5_000);
    expect(requestsTo(appServer.requests, '/moved')[0]?.params).toMatchObject({ CallUUID: uuid, CallStatus: 'in-progress' });
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '4000', HangupSource: 'Answer XML', Duration: '9' }); // 6 + 2 s recorded, then 1.2 s of speech
    const steps = (await timeline(app, uuid)).events.filter((e) => e.type === 'request').map((e) => e.message);
    expect(steps).toEqual(expect.arrayContaining(['API request: play http://127.0.0.1:1/hold.mp3', 'API request: speak "Please hold"', 'API request: send digits 12#']));
    await expect(client.calls.transfer('00000000-0000-0000-0000-000000000000', { legs: 'aleg', alegUrl: appServer.url('/moved') })).rejects.toThrow();
  });

  /** A call whose Dial has bridged 14155550111: answered at 3 s, the B leg at 5 s. */
  async function bridgedCall(routes: Record<string, (request: ReceivedRequest) => Reply>) {
    const rig = await setUp({
      '/answer': () => xml(`<Dial action="${rig.appServer.url('/dialed')}" callbackUrl="${rig.appServer.url('/dial-events')}"><Number>14155550111</Number></Dial><Speak>not reached</Speak>`),
      '/dialed': () => xml('<Wait length="4"/>'),
      ...routes,
    });
    const made = await rig.client.calls.create(FROM, TO, rig.appServer.url('/answer'), { hangupUrl: rig.appServer.url('/hangup') });
    const uuid = made.requestUuid as string;
    await advance(rig.app, 5_000);
    const connected = requestsTo(rig.appServer.requests, '/dial-events').find((r) => r.params.DialAction === 'connected')!;
    return { ...rig, uuid, bLeg: connected.params.DialBLegUUID! };
  }

  it('transfers the bridged B leg with legs=bleg: it leaves the bridge and runs bleg_url, the A leg goes on from its Dial', async () => {
    const { app, appServer, client, uuid, bLeg } = await bridgedCall({ '/b-moved': () => xml('<Speak>You are on your own now</Speak>') });
    await advance(app, 3_000);
    expect(await client.calls.transfer(uuid, { legs: 'bleg', blegUrl: appServer.url('/b-moved'), blegMethod: 'GET' })).toMatchObject({ message: 'call transfered' });
    await advance(app, 0);

    const moved = requestsTo(appServer.requests, '/b-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ method: 'GET' });
    expect(moved[0]!.params).toMatchObject({ CallUUID: bLeg, CallStatus: 'in-progress', To: '14155550111' });
    expect(requestsTo(appServer.requests, '/dialed')[0]?.params).toMatchObject({ CallUUID: uuid, DialStatus: 'completed', DialBLegUUID: bLeg });
    expect(requestsTo(appServer.requests, '/dial-events').map((r) => r.params.DialAction)).toEqual(['answer', 'connected']);

    await advance(app, 3_000); // the B leg's six words take 2.4 s, then its document ends
    expect(await client.calls.get(bLeg)).toMatchObject({ hangupCauseCode: 4010, parentCallUuid: uuid });
    expect((await client.calls.getLiveCall(uuid)).callStatus).toBe('in-progress'); // 3 s into its 4 s Wait
    await advance(app, 1_000);
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ CallUUID: uuid, HangupCauseCode: '4010' });
    expect((await timeline(app, bLeg)).events.find((e) => e.type === 'document')?.data).toMatchObject({ role: 'transfer' });
    for (const request of appServer.requests) expect(validV3(request), `${request.url} is signed`).toBe(true);
  });

  it('transfers both legs with legs=both: each runs its own document and the Dial action is never asked', async () => {
    const { app, appServer, client, uuid, bLeg } = await bridgedCall({
      '/a-moved': () => xml('<Speak>Back to the menu</Speak>'),
      '/b-moved': () => xml('<Speak>Goodbye from the B leg</Speak><Hangup/>'),
    });
    await client.calls.transfer(uuid, { legs: 'both', alegUrl: appServer.url('/a-moved'), blegUrl: appServer.url('/b-moved') });
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/a-moved').map((r) => r.params.CallUUID)).toEqual([uuid]);
    expect(requestsTo(appServer.requests, '/b-moved').map((r) => r.params.CallUUID)).toEqual([bLeg]);
    expect(requestsTo(appServer.requests, '/dialed')).toEqual([]);
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ CallUUID: uuid, HangupCauseCode: '4010' });
    expect(await client.calls.get(bLeg)).toMatchObject({ hangupCauseCode: 4000, hangupSource: 'Answer XML' });
  });

  it('refuses a B leg transfer without a bridged leg (404) or without bleg_url (400), and moves nothing', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="60"/>') });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const uuid = made.requestUuid as string;
    await advance(app, 3_000);
    await expect(client.calls.transfer(uuid, { legs: 'bleg', blegUrl: appServer.url('/b') })).rejects.toThrow(/no bridged B leg/);
    await expect(client.calls.transfer(uuid, { legs: 'both', alegUrl: appServer.url('/a') })).rejects.toThrow(/bleg_url parameter is missing/);
    await expect(client.calls.transfer(uuid, { legs: 'cleg', alegUrl: appServer.url('/a') })).rejects.toThrow(/legs "cleg"/);
    await advance(app, 1_000);
    expect(requestsTo(appServer.requests, '/a')).toEqual([]);
    expect((await client.calls.getLiveCall(uuid)).callStatus).toBe('in-progress');
  });

  /** How long after the answer each element of the call started, on the clock, by element name. */
  async function elementStarts(app: RunningApp, uuid: string): Promise<Array<[string, number]>> {
    const { events } = await timeline(app, uuid);
    const answeredAt = events.find((e) => e.type === 'status' && e.data?.status === 'in-progress')!.at;
    return events.filter((e) => e.type === 'instruction' && e.data?.element).map((e) => [e.data!.element as string, e.at - answeredAt]);
  }

  it('ends <Wait beep="true"> when an answering machine\'s beep is over, after its greeting; a person never beeps', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Wait length="30" beep="true"/><Speak>Hello, this is a message for you</Speak>') });
    const machine = await client.calls.create(FROM, '15551030001', appServer.url('/answer'));
    const person = await client.calls.create(FROM, TO, appServer.url('/answer'));
    await advance(app, 3_000 + 8_499);
    expect((await elementStarts(app, machine.requestUuid as string)).map(([element]) => element)).toEqual(['Wait']);
    await advance(app, 1);
    expect(await elementStarts(app, machine.requestUuid as string)).toEqual([['Wait', 0], ['Speak', 8_500]]); // 8 s of greeting, then 0.5 s of beep
    expect((await timeline(app, machine.requestUuid as string)).events.map((e) => e.message)).toContain('beep heard: the Wait ends');
    await advance(app, 30_000);
    expect(await elementStarts(app, person.requestUuid as string)).toEqual([['Wait', 0], ['Speak', 30_000]]);
  });

  it('ends <Wait silence="true"> once the far end has been quiet for minSilence, and a beep from live control ends <Wait beep>', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': (request) => xml(request.params.To === TO ? '<Wait length="10" silence="true" minSilence="2000"/><Speak>Hi</Speak>' : '<Wait length="60" beep="true"/><Speak>Hi</Speak>'),
    });
    const quiet = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const beeped = await client.calls.create(FROM, '14155550198', appServer.url('/answer'));
    await advance(app, 3_000 + 5_000);
    expect(await elementStarts(app, quiet.requestUuid as string)).toEqual([['Wait', 0], ['Speak', 3_500]]); // "Hello?" for 1.5 s, then 2 s of silence
    expect((await app.control('POST', `/calls/${beeped.requestUuid as string}/beep`)).status).toBe(200);
    await advance(app, 500);
    expect(await elementStarts(app, beeped.requestUuid as string)).toEqual([['Wait', 0], ['Speak', 5_500]]);
  });

  it('keeps other calls running when one gets hostile XML: entity expansion, deep nesting, a huge document', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Response><Speak>&lol2;</Speak></Response>';
    const deep = `<Response>${'<Speak>'.repeat(5_000)}x${'</Speak>'.repeat(5_000)}</Response>`;
    const huge = `<Response><Speak>${'a'.repeat(200 * 1024)}</Speak></Response>`;
    const { app, appServer, client } = await setUp({
      '/bomb': () => ({ status: 200, body: bomb }),
      '/deep': () => ({ status: 200, body: deep }),
      '/huge': () => ({ status: 200, body: huge }),
      '/fine': () => xml('<Speak>All is well here</Speak>'),
    });
    const made = await Promise.all(['/bomb', '/deep', '/huge', '/fine'].map((path, i) => client.calls.create(FROM, `141555503${i}0`, appServer.url(path), { hangupUrl: appServer.url(`/hangup${path}`) })));
    await advance(app, 10_000);
    for (const path of ['/bomb', '/deep', '/huge']) expect(requestsTo(appServer.requests, `/hangup${path}`)[0]?.params.HangupCauseCode, path).toBe('8011');
    expect(requestsTo(appServer.requests, '/hangup/fine')[0]?.params.HangupCauseCode).toBe('4010');
    const errors = await Promise.all(made.slice(0, 3).map(async (m) => (await timeline(app, m.requestUuid as string)).events.find((e) => e.type === 'error')?.message ?? ''));
    expect(errors[0]).toContain('DOCTYPE');
    expect(errors[2]).toMatch(/bytes|too large|100/);
  });

  it('publishes every step of a call on the event stream, for its own account', async () => {
    const { app, appServer, client } = await setUp({ '/answer': () => xml('<Speak>Hello</Speak>') });
    const seen: Array<{ type: string; accountId?: string; callUuid?: string; event?: { type: string; message: string } }> = [];
    const stop = app.app.events.subscribe((event) => seen.push(event as (typeof seen)[number]));
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 5_000);
    stop();
    const steps = seen.filter((e) => e.type === 'call' && e.callUuid === made.requestUuid);
    expect(steps.every((e) => e.accountId === AUTH_ID)).toBe(true);
    expect(steps.map((e) => e.event?.type)).toEqual(['request', 'status', 'status', 'document', 'instruction', 'instruction', 'hangup']);
    expect(steps.at(-1)?.event?.message).toContain('4010');
  });

  it('asks the callee for confirmKey after confirmSound: a person presses it and is bridged, a machine never does (9110)', async () => {
    const { app, appServer, client } = await setUp({
      '/answer': (request) =>
        xml(
          `<Dial action="${appServer.url('/dialed')}" callbackUrl="${appServer.url('/dial-events')}" confirmKey="5" confirmSound="${appServer.url('/confirm')}" confirmTimeout="10" dialMusic="${appServer.url('/music')}"><Number>${request.params.To === TO ? '14155550111' : '15551030001'}</Number></Dial>`,
        ),
      '/confirm': () => xml('<Speak>Press five to take this call</Speak>'),
      '/music': () => xml('<Play>http://127.0.0.1:1/ringback.mp3</Play>'),
      '/dialed': () => xml('<Hangup/>'),
    });
    const person = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const machine = await client.calls.create(FROM, '14155550198', appServer.url('/answer'));
    await advance(app, 30_000);

    const dialed = new Map(requestsTo(appServer.requests, '/dialed').map((r) => [r.params.CallUUID, r.params]));
    expect(dialed.get(person.requestUuid as string)).toMatchObject({ DialStatus: 'completed' });
    expect(dialed.get(machine.requestUuid as string)).toMatchObject({ DialStatus: 'failed', DialBLegUUID: '' });
    const machineEvents = requestsTo(appServer.requests, '/dial-events').filter((r) => r.params.CallUUID === machine.requestUuid);
    expect(machineEvents.map((r) => r.params.DialAction)).toEqual(['hangup']);
    expect(machineEvents[0]!.params).toMatchObject({ DialBLegHangupCauseCode: '9110', DialBLegHangupCauseName: 'Confirm Key Challenge Failed' });
    expect(requestsTo(appServer.requests, '/confirm')).toHaveLength(2);
    expect(requestsTo(appServer.requests, '/music')).toHaveLength(2);
  });

  it('plays each audio file for as long as the file lasts, read from its frames or header whatever the rate and Content-Type', async () => {
    // 12 s of 8 kHz MP3 at 32 kbps (a size-based 128 kbps guess would say 3 s), served as octet-stream,
    // then 6 s of 16 kHz WAV (a guess at 8 kHz would say 12 s).
    const mp3 = await encodeMp3(new Int16Array(8_000 * 12), 8_000);
    const wav = pcmWav(16_000, 6);
    const { app, appServer, client } = await setUp({
      '/answer': () => xml(`<Play>${appServer.url('/hold.mp3')}</Play><Play>${appServer.url('/notice.wav')}</Play>`),
      '/hold.mp3': () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: mp3 }),
      '/notice.wav': () => ({ status: 200, headers: { 'content-type': 'audio/wav' }, body: wav }),
    });
    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    const uuid = made.requestUuid as string;
    await advance(app, 3_000); // answered
    await advance(app, 17_000);
    expect(requestsTo(appServer.requests, '/hangup')).toEqual([]);
    await advance(app, 2_000);
    const hangup = requestsTo(appServer.requests, '/hangup')[0]!;
    expect(hangup.params).toMatchObject({ HangupCauseCode: '4010' });
    expect(Number(hangup.params.Duration)).toBeGreaterThanOrEqual(18);
    expect(Number(hangup.params.Duration)).toBeLessThanOrEqual(19);

    const notes = (await timeline(app, uuid)).events.filter((e) => e.data?.lengthFrom !== undefined);
    expect(notes.map((e) => e.data?.lengthFrom)).toEqual(['file', 'file']);
    expect(notes[0]!.message).toContain('MPEG 2.5 Layer 3');
    expect(Number(notes[0]!.data?.durationMs)).toBeGreaterThanOrEqual(12_000);
    expect(Number(notes[0]!.data?.durationMs)).toBeLessThan(12_300); // LAME's encoder delay and padding
    expect(notes[1]!.data?.durationMs).toBe(6_000);
  });
});

/** A silent 16-bit mono PCM WAV file. */
function pcmWav(sampleRate: number, seconds: number): Buffer {
  const data = sampleRate * 2 * seconds;
  const file = Buffer.alloc(44 + data);
  file.write('RIFF', 0, 'latin1');
  file.writeUInt32LE(36 + data, 4);
  file.write('WAVEfmt ', 8, 'latin1');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20); // PCM
  file.writeUInt16LE(1, 22); // mono
  file.writeUInt32LE(sampleRate, 24);
  file.writeUInt32LE(sampleRate * 2, 28);
  file.writeUInt16LE(2, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'latin1');
  file.writeUInt32LE(data, 40);
  return file;
}
