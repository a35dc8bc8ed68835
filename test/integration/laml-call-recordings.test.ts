import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, PROJECT, postForm, refusal, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const setUp = (routes: Record<string, (request: ReceivedRequest) => Reply> = {}) => lamlSetUp(rig, routes);
const createRaw = (app: RunningApp, fields: Array<[string, string]>) => postForm(app, `/2010-04-01/Accounts/${PROJECT}/Calls.json`, fields);

/** Every request the app server got is signed for both SDKs' validators. */
function expectSigned(requests: readonly ReceivedRequest[]): void {
  for (const received of requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
}

describe('LaML recordings and their status callbacks', () => {
  it('records the whole call with Record=true: in-progress at the answer, completed at the end, and names it on the completed status callback', async () => {
    const { app, appServer, twilio } = await setUp({ '/voice': () => laml('<Pause length="5"/>') });
    const made = await twilio.calls.create({
      to: TO,
      from: FROM,
      url: appServer.url('/voice'),
      statusCallback: appServer.url('/status'),
      record: true,
      recordingStatusCallback: appServer.url('/recording'),
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
      recordingChannels: 'dual',
    });
    await advance(app, 3_000); // set-up, ringing, answered
    const recordings = () => requestsTo(appServer.requests, '/recording');
    expect(recordings().map((r) => r.params.RecordingStatus)).toEqual(['in-progress']);
    const sid = recordings()[0]!.params.RecordingSid as string;
    expect(recordings()[0]!.params).toEqual({
      AccountSid: PROJECT,
      CallSid: made.sid,
      RecordingSid: sid,
      RecordingUrl: `${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Recordings/${sid}`,
      RecordingStatus: 'in-progress',
      RecordingDuration: '0',
      RecordingChannels: '2',
      RecordingSource: 'OutboundAPI',
    });
    expect((await twilio.recordings(sid).fetch()).status).toBe('in-progress');

    await advance(app, 5_000); // the pause, then the document ends
    expect(recordings().map((r) => r.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
    expect(recordings()[1]!.params).toMatchObject({ RecordingSid: sid, RecordingStatus: 'completed', RecordingDuration: '5', RecordingChannels: '2', RecordingSource: 'OutboundAPI' });
    const completed = requestsTo(appServer.requests, '/status')[0]!.params;
    expect(completed).toMatchObject({ CallStatus: 'completed', CallDuration: '5', RecordingSid: sid, RecordingUrl: recordings()[0]!.params.RecordingUrl, RecordingDuration: '5' });
    expect(await twilio.recordings(sid).fetch()).toMatchObject({ status: 'completed', duration: '5', source: 'OutboundAPI', callSid: made.sid });
    const audio = await fetch(recordings()[1]!.params.RecordingUrl!);
    expect(Buffer.from(await audio.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');
    expectSigned(appServer.requests);
  });

  it('reports a whole-call recording with no audio as absent, and only the events asked for (space-separated)', async () => {
    const { app, appServer } = await setUp({ '/voice': () => laml('<Hangup/>') });
    const created = await createRaw(app, [
      ['To', TO],
      ['From', FROM],
      ['Url', appServer.url('/voice')],
      ['Record', 'true'],
      ['RecordingStatusCallback', appServer.url('/recording')],
      ['RecordingStatusCallbackMethod', 'GET'],
      ['RecordingStatusCallbackEvent', 'completed absent'],
    ]);
    expect(created.status).toBe(201);
    await advance(app, 3_000);
    await advance(app, 1_000);
    const recordings = requestsTo(appServer.requests, '/recording');
    expect(recordings.map((r) => [r.method, r.params.RecordingStatus, r.params.RecordingDuration])).toEqual([['GET', 'absent', '0']]);
    expectSigned(appServer.requests);
  });

  it('sends only the completed recording callback by default', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => laml('<Pause length="2"/>') });
    await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), record: true, recordingStatusCallback: appServer.url('/recording') });
    await advance(app, 3_000);
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/recording').map((r) => [r.params.RecordingStatus, r.params.RecordingDuration, r.params.RecordingChannels])).toEqual([['completed', '2', '1']]);
  });

  it('records a Dial from the answer, with RecordingUrl, RecordingSid and RecordingDuration on its action', async () => {
    const { app, appServer } = await setUp({
      '/voice': () =>
        laml('<Dial action="/dialed" record="record-from-answer" recordingStatusCallback="/recording" recordingStatusCallbackEvent="in-progress completed"><Number>+14155550111</Number></Dial>'),
      '/dialed': () => laml('<Hangup/>'),
    });
    const { body } = await createRaw(app, [
      ['To', TO],
      ['From', FROM],
      ['Url', appServer.url('/voice')],
    ]);
    const callSid = (body as { sid: string }).sid;
    await advance(app, 3_000); // the call is answered and dials
    await advance(app, 2_000); // the number answers
    const recordings = () => requestsTo(appServer.requests, '/recording');
    expect(recordings().map((r) => r.params.RecordingStatus)).toEqual(['in-progress']);
    await advance(app, 10_000); // the callee hangs up after ten seconds
    expect(recordings().map((r) => [r.params.RecordingStatus, r.params.RecordingSource, r.params.RecordingDuration, r.params.CallSid])).toEqual([
      ['in-progress', 'DialVerb', '0', callSid],
      ['completed', 'DialVerb', '10', callSid],
    ]);
    const dialed = requestsTo(appServer.requests, '/dialed')[0]!.params;
    expect(dialed).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '10', RecordingSid: recordings()[1]!.params.RecordingSid, RecordingUrl: recordings()[1]!.params.RecordingUrl, RecordingDuration: '10' });
    expectSigned(appServer.requests);
  });

  it('records a Dial from the first ring with record-from-ringing-dual', async () => {
    const { app, appServer } = await setUp({
      '/voice': () => laml('<Dial action="/dialed" record="record-from-ringing-dual" recordingStatusCallback="/recording"><Number>+14155550111</Number></Dial>'),
      '/dialed': () => laml('<Hangup/>'),
    });
    await createRaw(app, [
      ['To', TO],
      ['From', FROM],
      ['Url', appServer.url('/voice')],
    ]);
    await advance(app, 3_000);
    await advance(app, 12_000); // two seconds of ringing, ten of talk
    expect(requestsTo(appServer.requests, '/recording').map((r) => [r.params.RecordingStatus, r.params.RecordingDuration, r.params.RecordingChannels])).toEqual([['completed', '12', '2']]);
    expect(requestsTo(appServer.requests, '/dialed')[0]!.params).toMatchObject({ DialCallDuration: '10', RecordingDuration: '12' });
  });

  it('announces a <Record> in progress and reports one ended at once as absent, when asked', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/voice': () => laml('<Record action="/recorded" recordingStatusCallback="/recording" recordingStatusCallbackEvent="in-progress completed absent"/>'),
      '/recorded': () => laml('<Hangup/>'),
    });
    const made = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') });
    await advance(app, 3_000);
    await app.control('POST', `/calls/${made.sid}/digits`, { digits: '#' });
    await advance(app, 0);
    const recordings = requestsTo(appServer.requests, '/recording');
    expect(recordings.map((r) => [r.params.RecordingStatus, r.params.RecordingSource, r.params.RecordingDuration])).toEqual([
      ['in-progress', 'RecordVerb', '0'],
      ['absent', 'RecordVerb', '0'],
    ]);
    expect(recordings[1]!.params.RecordingSid).toBe(recordings[0]!.params.RecordingSid);
    expect(requestsTo(appServer.requests, '/recorded')[0]!.params).toMatchObject({ RecordingSid: recordings[0]!.params.RecordingSid, RecordingDuration: '0', Digits: '#' });
    expectSigned(appServer.requests);
  });

  it('refuses bad recording options with the documented codes', async () => {
    const { app, appServer, signalwire } = await setUp({});
    const url = appServer.url('/voice');
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, record: true, recordingStatusCallback: url, recordingStatusCallbackEvent: ['started'] }))).toMatchObject({ status: 400, code: 21626 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, record: true, recordingChannels: 'stereo' }))).toMatchObject({ status: 400, code: 10000 });
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, record: true, recordingStatusCallback: 'ftp://x.example/r' }))).toMatchObject({ status: 400, code: 21205 });
    expect(await signalwire.calls.list()).toEqual([]);
    await advance(app, 0);
  });
});
