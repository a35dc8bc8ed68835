import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { advance, FROM, laml, lamlSetUp, OTHER, OTHER_TOKEN, PROJECT, refusal, requestsTo, TO } from '../support/laml-project.js';
import { signalwireClient } from '../support/laml-sdk.js';
import { readMp3 } from '../support/mp3-frames.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

/** A call that records four seconds ended by `#`, and the sids of the call and its recording. */
async function recordedCall() {
  const setUp = await lamlSetUp(rig, {
    '/voice': () => laml('<Record action="/recorded" recordingStatusCallback="/recording-status" finishOnKey="#"/>'),
    '/recorded': () => laml('<Hangup/>'),
  });
  const { app, appServer, signalwire } = setUp;
  const call = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') });
  await advance(app, 3_000);
  await advance(app, 4_000);
  await app.control('POST', `/calls/${call.sid}/digits`, { digits: '#' });
  await advance(app, 1_000);
  const recorded = requestsTo(appServer.requests, '/recorded')[0]!;
  return { ...setUp, callSid: call.sid, recordingSid: recorded.params.RecordingSid as string, recordingUrl: recorded.params.RecordingUrl as string };
}

describe('LaML recordings', () => {
  it('points RecordingUrl at the Recordings resource, which serves the WAV without credentials', async () => {
    const { app, appServer, recordingSid, recordingUrl } = await recordedCall();
    expect(recordingUrl).toBe(`${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Recordings/${recordingSid}`);
    expect(requestsTo(appServer.requests, '/recording-status')[0]!.params.RecordingUrl).toBe(recordingUrl);
    for (const url of [recordingUrl, `${recordingUrl}.wav`, `${app.url}/2010-04-01/Accounts/${PROJECT}/Recordings/${recordingSid}.wav`]) {
      const audio = await request(url);
      expect(audio.statusCode, url).toBe(200);
      expect(audio.headers['content-type']).toBe('audio/x-wav');
      const bytes = Buffer.from(await audio.body.arrayBuffer());
      expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
      expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
    }
    const elsewhere = await request(`${app.url}/api/laml/2010-04-01/Accounts/${OTHER}/Recordings/${recordingSid}.wav`);
    expect(elsewhere.statusCode).toBe(404);
    await elsewhere.body.dump();
  });

  it('serves the recording as MP3 at RecordingUrl with .mp3', async () => {
    const { app, recordingSid, recordingUrl } = await recordedCall();
    const audio = await request(`${recordingUrl}.mp3`);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/mpeg');
    const mp3 = readMp3(Buffer.from(await audio.body.arrayBuffer()));
    expect(mp3).toMatchObject({ sampleRate: 8_000, channels: 1 });
    expect(mp3.durationMs).toBeGreaterThanOrEqual(4_000); // the 4 s recorded, and LAME's delay and padding
    expect(mp3.durationMs).toBeLessThanOrEqual(4_300);
    const elsewhere = await request(`${app.url}/api/laml/2010-04-01/Accounts/${OTHER}/Recordings/${recordingSid}.mp3`);
    expect(elsewhere.statusCode).toBe(404);
    await elsewhere.body.dump();
  });

  it('lists and fetches recordings, the project’s and a call’s, through the SDKs', async () => {
    const { app, signalwire, twilio, callSid, recordingSid } = await recordedCall();
    const [listed] = await signalwire.recordings.list();
    expect(listed).toMatchObject({ sid: recordingSid, accountSid: PROJECT, callSid, status: 'completed', duration: '4', source: 'RecordVerb' });
    expect(listed!.dateCreated).toBeInstanceOf(Date);
    expect(listed!.uri).toBe(`/api/laml/2010-04-01/Accounts/${PROJECT}/Recordings/${recordingSid}.json`);
    expect(await twilio.recordings(recordingSid).fetch()).toMatchObject({ sid: recordingSid, callSid });
    expect((await twilio.calls(callSid).recordings.list()).map((recording) => recording.sid)).toEqual([recordingSid]);

    const other = signalwireClient(app.url, OTHER, OTHER_TOKEN);
    expect(await other.recordings.list()).toEqual([]);
    expect(await refusal(other.recordings(recordingSid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await refusal(other.calls(callSid).recordings.list())).toMatchObject({ status: 404, code: 20404 });
  });
});
