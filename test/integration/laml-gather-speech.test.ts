import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, requestsTo, SIGNING_KEY, TO } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

/** Four words take 1.6 s to say (150 words a minute): one every 400 ms. */
const PHRASE = 'I need billing help';

/** An answered call whose document is `gather`, and the app server that hears about it. */
async function gathering(gather: string) {
  const { app, appServer, signalwire } = await lamlSetUp(rig, { '/voice': () => laml(gather), '/heard': () => laml('<Hangup/>') });
  const made = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') });
  await advance(app, 3_000); // set-up, two seconds of ringing, answered
  return { app, appServer, sid: made.sid };
}

async function say(app: RunningApp, sid: string, text: string): Promise<void> {
  expect((await app.control('POST', `/calls/${sid}/speech`, { text })).status).toBe(200);
}

describe('LaML Gather with speech', () => {
  it('sends each word to partialResultCallback as it is said, then SpeechResult and Confidence a second after the phrase with speechTimeout auto', async () => {
    const { app, appServer, sid } = await gathering('<Gather input="speech" action="/heard" partialResultCallback="/partial" speechTimeout="auto"/>');
    await say(app, sid, PHRASE);
    await advance(app, 399);
    expect(requestsTo(appServer.requests, '/partial')).toHaveLength(0);
    await advance(app, 1);
    expect(requestsTo(appServer.requests, '/partial')[0]!.params).toMatchObject({ CallSid: sid, StableSpeechResult: '', UnstableSpeechResult: 'I', SequenceNumber: '1' });

    await advance(app, 1_200);
    const partials = requestsTo(appServer.requests, '/partial');
    expect(partials.map((partial) => [partial.params.SequenceNumber, partial.params.StableSpeechResult, partial.params.UnstableSpeechResult])).toEqual([
      ['1', '', 'I'],
      ['2', 'I', 'need'],
      ['3', 'I need', 'billing'],
      ['4', 'I need billing', 'help'],
    ]);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);

    await advance(app, 999);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
    await advance(app, 1);
    const [heard] = requestsTo(appServer.requests, '/heard');
    expect(heard!.params).toMatchObject({ CallSid: sid, CallStatus: 'in-progress', SpeechResult: PHRASE });
    expect(Number(heard!.params.Confidence)).toBeGreaterThan(0);
    expect(Number(heard!.params.Confidence)).toBeLessThanOrEqual(1);
    expect(heard!.params).not.toHaveProperty('Digits');
    for (const received of [...partials, heard!]) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('waits speechTimeout seconds of silence after the last word before the action', async () => {
    const { app, appServer, sid } = await gathering('<Gather input="speech" action="/heard" speechTimeout="3"/>');
    await say(app, sid, PHRASE);
    await advance(app, 1_600 + 2_999);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
    await advance(app, 1);
    expect(requestsTo(appServer.requests, '/heard')[0]!.params).toMatchObject({ SpeechResult: PHRASE });
  });

  it('waits Gather’s timeout after the last word when speechTimeout is not set', async () => {
    const { app, appServer, sid } = await gathering('<Gather input="dtmf speech" action="/heard" timeout="2"/>');
    await say(app, sid, PHRASE);
    await advance(app, 1_600 + 1_999);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
    await advance(app, 1);
    expect(requestsTo(appServer.requests, '/heard')[0]!.params).toMatchObject({ SpeechResult: PHRASE });
  });

  it('sends no action when the caller hangs up in the middle of the phrase', async () => {
    const { app, appServer, sid } = await gathering('<Gather input="speech" action="/heard" partialResultCallback="/partial" speechTimeout="auto"/>');
    await say(app, sid, PHRASE);
    await advance(app, 800);
    expect((await app.control('POST', `/calls/${sid}/hangup`, {})).status).toBe(200);
    await advance(app, 5_000);
    expect(requestsTo(appServer.requests, '/partial')).toHaveLength(2);
    expect(requestsTo(appServer.requests, '/heard')).toHaveLength(0);
  });
});
