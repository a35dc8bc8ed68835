import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { RunningApp } from '../support/app.js';
import { signalwireClient, signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, requestsTo, OTHER, OTHER_TOKEN, postForm, PROJECT, refusal, TO, TOKEN, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  call: { status: string };
  events: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
}

const setUp = (routes: Record<string, (request: ReceivedRequest) => Reply> = {}) => lamlSetUp(rig, routes);



const createRaw = (app: RunningApp, fields: Record<string, string>) => postForm(app, `/2010-04-01/Accounts/${PROJECT}/Calls.json`, fields);

describe('LaML calls', () => {
  it('runs Gather → Dial → Record for the SignalWire SDK, with every requested status callback in order and every webhook signed', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/voice': () => laml('<Gather action="/menu" numDigits="1"><Say>Press 1 for sales</Say></Gather>'),
      '/menu': () => laml('<Dial action="/dialed"><Number>+14155550111</Number></Dial>'),
      '/dialed': () => laml('<Record action="/recorded" recordingStatusCallback="/recording-status" finishOnKey="#"/>'),
      '/recorded': () => laml('<Say>Thanks, goodbye</Say><Hangup/>'),
    });
    const made = await signalwire.calls.create({
      to: TO,
      from: FROM,
      url: appServer.url('/voice'),
      statusCallback: appServer.url('/status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(made).toMatchObject({ status: 'queued', direction: 'outbound-api', to: TO, from: FROM, accountSid: PROJECT, apiVersion: '2010-04-01' });
    const sid = made.sid;
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);

    await advance(app, 3_000); // set-up, two seconds of ringing, answered
    const voice = requestsTo(appServer.requests, '/voice')[0]!;
    expect(voice.params).toEqual({ AccountSid: PROJECT, ApiVersion: '2010-04-01', CallSid: sid, CallStatus: 'in-progress', Direction: 'outbound-api', From: FROM, To: TO });

    expect((await app.control('POST', `/calls/${sid}/digits`, { digits: '1' })).status).toBe(200);
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/menu')[0]?.params).toMatchObject({ CallSid: sid, Digits: '1', CallStatus: 'in-progress' });

    await advance(app, 2_000); // the dialled number answers
    await advance(app, 10_000); // and hangs up after ten seconds
    const dialed = requestsTo(appServer.requests, '/dialed')[0]!;
    expect(dialed.params).toMatchObject({ CallSid: sid, DialCallStatus: 'completed', DialCallDuration: '10' });
    expect(dialed.params.DialCallSid).toMatch(/^[0-9a-f-]{36}$/);

    await advance(app, 4_000);
    await app.control('POST', `/calls/${sid}/digits`, { digits: '#' });
    await advance(app, 0);
    const recorded = requestsTo(appServer.requests, '/recorded')[0]!;
    expect(recorded.params).toMatchObject({ CallSid: sid, RecordingDuration: '4', Digits: '#' });
    const recordingStatus = requestsTo(appServer.requests, '/recording-status')[0]!;
    expect(recordingStatus.params).toMatchObject({ CallSid: sid, AccountSid: PROJECT, RecordingSid: recorded.params.RecordingSid, RecordingStatus: 'completed', RecordingDuration: '4', RecordingChannels: '1', RecordingSource: 'RecordVerb' });
    const audio = await fetch(recorded.params.RecordingUrl!);
    expect(Buffer.from(await audio.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');

    await advance(app, 5_000); // "Thanks, goodbye", then Hangup
    const statuses = requestsTo(appServer.requests, '/status');
    expect(statuses.map((r) => [r.params.CallStatus, r.params.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    const completed = statuses[3]!.params;
    expect(completed).toMatchObject({ CallSid: sid, AccountSid: PROJECT, CallbackSource: 'call-progress-events', Direction: 'outbound-api', ApiVersion: '2010-04-01' });
    expect(completed.CallDuration).toBe('17'); // 12 s of Dial, 4 s of Record, 1 s of goodbye
    expect(completed.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });

    const fetched = await signalwire.calls(sid).fetch();
    expect(fetched).toMatchObject({ sid, status: 'completed', direction: 'outbound-api' });
    expect(fetched.endTime).toBeInstanceOf(Date);
  });

  it('sends only the completed status callback when no StatusCallbackEvent is given', async () => {
    const { app, appServer, twilio } = await setUp({ '/voice': () => laml('<Say>Hello</Say>') });
    const made = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    await advance(app, 3_000);
    await advance(app, 2_000);
    const statuses = requestsTo(appServer.requests, '/status');
    expect(statuses.map((r) => r.params.CallStatus)).toEqual(['completed']);
    expect(statuses[0]!.params).toMatchObject({ CallSid: made.sid, SequenceNumber: '0', CallDuration: '1' });
  });

  it('reports a busy line and a call canceled while it rings with their own final status', async () => {
    const { app, appServer, twilio } = await setUp({ '/voice': () => laml('<Say>Hello</Say>') });
    const busy = await twilio.calls.create({ to: '+15551000000', from: FROM, url: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    const ringing = await twilio.calls.create({ to: '+15551010000', from: FROM, url: appServer.url('/voice'), statusCallback: appServer.url('/status'), statusCallbackEvent: 'ringing completed' });
    await advance(app, 1_500);
    const canceled = await twilio.calls(ringing.sid).update({ status: 'canceled' });
    expect(canceled.sid).toBe(ringing.sid);
    await advance(app, 2_000);
    const statuses = requestsTo(appServer.requests, '/status').map((r) => [r.params.CallSid, r.params.CallStatus]);
    expect(statuses).toContainEqual([busy.sid, 'busy']);
    expect(statuses.filter(([sid]) => sid === ringing.sid)).toEqual([
      [ringing.sid, 'ringing'],
      [ringing.sid, 'canceled'],
    ]);
    expect(requestsTo(appServer.requests, '/voice')).toEqual([]);
    expect((await twilio.calls(busy.sid).fetch()).status).toBe('busy');
  });

  it('lists, fetches, redirects and completes a live call through the twilio SDK', async () => {
    const { app, appServer, twilio } = await setUp({
      '/voice': () => laml('<Pause length="60"/>'),
      '/moved': () => laml('<Say>You were moved</Say><Pause length="60"/>'),
    });
    const made = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    await advance(app, 3_000);
    expect((await twilio.calls(made.sid).fetch()).status).toBe('in-progress');
    const listed = await twilio.calls.list({ status: 'in-progress' });
    expect(listed.map((call) => call.sid)).toEqual([made.sid]);

    await twilio.calls(made.sid).update({ url: appServer.url('/moved'), method: 'GET' });
    await advance(app, 0);
    const moved = requestsTo(appServer.requests, '/moved')[0]!;
    expect(moved.method).toBe('GET');
    expect(moved.params).toMatchObject({ CallSid: made.sid, CallStatus: 'in-progress' });

    await twilio.calls(made.sid).update({ status: 'completed' });
    await advance(app, 0);
    expect((await twilio.calls(made.sid).fetch()).status).toBe('completed');
    expect(requestsTo(appServer.requests, '/status').map((r) => r.params.CallStatus)).toEqual(['completed']);
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('pages through calls with PageSize and next_page_uri', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => laml('<Hangup/>') });
    for (let n = 0; n < 3; n++) await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') });
    const first = await signalwire.calls.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    expect(first.nextPageUrl).toContain('Page=1');
    expect(await signalwire.calls.list({ pageSize: 2 })).toHaveLength(3);
    await advance(app, 5_000);
  });

  it('runs an inline Twiml document instead of fetching a Url', async () => {
    const { app, appServer, twilio } = await setUp({});
    const made = await twilio.calls.create({ to: TO, from: FROM, twiml: `<Response><Gather action="${appServer.url('/menu')}" numDigits="1"/></Response>` });
    await advance(app, 3_000);
    await app.control('POST', `/calls/${made.sid}/digits`, { digits: '7' });
    await advance(app, 0);
    expect(requestsTo(appServer.requests, '/menu')[0]?.params).toMatchObject({ CallSid: made.sid, Digits: '7' });
  });

  it('goes to the FallbackUrl with ErrorCode and ErrorUrl when Url fails, without retrying Url', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/voice': () => ({ status: 500 }),
      '/fallback': () => laml('<Say>Fallback speaking</Say>'),
    });
    await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), fallbackUrl: appServer.url('/fallback') });
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/voice')).toHaveLength(1);
    expect(requestsTo(appServer.requests, '/fallback')[0]?.params).toMatchObject({ ErrorCode: '11217', ErrorUrl: appServer.url('/voice'), CallStatus: 'in-progress' });
    await advance(app, 2_000);
  });

  it('ends a call whose document is not LaML, naming 12100 on its timeline, and leaves other calls running', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/broken': () => laml('<Gather><Dial>+14155550000</Dial></Gather>'),
      '/voice': () => laml('<Pause length="30"/>'),
    });
    const broken = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/broken'), statusCallback: appServer.url('/status') });
    const healthy = await signalwire.calls.create({ to: '+14155550198', from: FROM, url: appServer.url('/voice') });
    await advance(app, 3_000);
    expect((await signalwire.calls(broken.sid).fetch()).status).toBe('completed');
    expect((await signalwire.calls(healthy.sid).fetch()).status).toBe('in-progress');
    const { body } = await app.control<Timeline>('GET', `/calls/${broken.sid}/timeline`);
    expect(body.events.find((event) => event.type === 'error')?.data).toMatchObject({ errorCode: '12100' });
    expect(requestsTo(appServer.requests, '/status').map((r) => r.params.CallStatus)).toEqual(['completed']);
    await advance(app, 30_000);
  });

  it('refuses bad requests with the documented codes and creates nothing', async () => {
    const { app, appServer, signalwire, twilio } = await setUp({});
    const url = appServer.url('/voice');
    // The SDKs insist on To and From themselves; a hand-written client may not.
    expect(await createRaw(app, { From: FROM, Url: url })).toMatchObject({ status: 400, body: { code: 21211, status: 400 } });
    expect(await createRaw(app, { To: TO, Url: url })).toMatchObject({ status: 400, body: { code: 21213 } });
    expect(await refusal(signalwire.calls.create({ to: 'not a number', from: FROM, url }))).toMatchObject({ status: 400, code: 21211 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM }))).toMatchObject({ status: 400, code: 21205 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url: 'ftp://x.example/doc' }))).toMatchObject({ status: 400, code: 21205 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, method: 'PUT' }))).toMatchObject({ status: 400, code: 21209 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, timeout: 601 }))).toMatchObject({ status: 400, code: 21208 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, statusCallback: url, statusCallbackEvent: ['hangup'] }))).toMatchObject({ status: 400, code: 21626 });
    expect(await refusal(twilio.calls('9d0d7f5c-0000-4000-8000-000000000000').fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await refusal(signalwireClient(app.url, PROJECT, 'wrong').calls.list())).toMatchObject({ status: 401, code: 20003 });
    expect(await signalwire.calls.list()).toEqual([]);

    const theirs = await signalwireClient(app.url, OTHER, OTHER_TOKEN).calls.create({ to: TO, from: FROM, url });
    expect(await refusal(signalwire.calls(theirs.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await refusal(signalwire.calls(theirs.sid).update({ status: 'canceled' }))).toMatchObject({ status: 404, code: 20404 });

    const raw = await request(`${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Calls`, { method: 'GET' });
    expect(raw.statusCode).toBe(401);
    expect(await raw.body.json()).toMatchObject({ code: 20003, status: 401, more_info: expect.stringContaining('20003') });
    await advance(app, 3_000);
  });

  it('serves the /api/laml prefix without .json, with form bodies of repeated keys', async () => {
    const { app, appServer } = await setUp({ '/voice': () => laml('<Hangup/>') });
    const form = new URLSearchParams([
      ['To', TO],
      ['From', FROM],
      ['Url', appServer.url('/voice')],
      ['StatusCallback', appServer.url('/status')],
      ['StatusCallbackEvent', 'initiated'],
      ['StatusCallbackEvent', 'completed'],
    ]);
    const auth = `Basic ${Buffer.from(`${PROJECT}:${TOKEN}`).toString('base64')}`;
    const created = await request(`${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Calls`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(created.statusCode).toBe(201);
    const call = (await created.body.json()) as { sid: string; uri: string; subresource_uris: { recordings: string } };
    expect(call.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Calls/${call.sid}.json`);
    const fetched = await request(`${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Calls/${call.sid}`, { headers: { authorization: auth } });
    expect(await fetched.body.json()).toMatchObject({ sid: call.sid, status: 'queued' });
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/status').map((r) => r.params.CallStatus)).toEqual(['initiated', 'completed']);
  });
});
