import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, postForm, PROJECT, refusal, requestsTo, TO } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  call: { status: string };
  events: Array<{ type: string; message: string; data?: { errorCode?: string } }>;
}

describe('LaML method values', () => {
  it('refuses a StatusCallbackMethod, FallbackMethod or number method other than GET or POST with 21209, creating nothing', async () => {
    const { app, appServer, signalwire, twilio } = await lamlSetUp(rig);
    const url = appServer.url('/voice');
    expect(await refusal(signalwire.calls.create({ to: TO, from: FROM, url, statusCallback: url, statusCallbackMethod: 'PUT' }))).toMatchObject({ status: 400, code: 21209 });
    expect(await refusal(twilio.calls.create({ to: TO, from: FROM, url, fallbackUrl: url, fallbackMethod: 'DELETE' }))).toMatchObject({ status: 400, code: 21209 });
    expect(await postForm(app, `/2010-04-01/Accounts/${PROJECT}/Messages.json`, { To: TO, From: FROM, Body: 'hi', StatusCallback: url, StatusCallbackMethod: 'PATCH' })).toMatchObject({ status: 400, body: { code: 21209 } });
    expect(await refusal(signalwire.incomingPhoneNumbers.create({ phoneNumber: '+14155550142', voiceUrl: url, voiceMethod: 'PUT' }))).toMatchObject({ status: 400, code: 21209 });
    expect(await signalwire.calls.list()).toEqual([]);
    expect(await signalwire.messages.list()).toEqual([]);
    expect(await signalwire.incomingPhoneNumbers.list()).toEqual([]);
  });

  it('refuses a document whose verb has a method other than GET or POST with 13221: the fallback gets it as ErrorCode and nothing asks the action', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig, {
      '/voice': () => laml('<Gather action="/menu" method="PUT" numDigits="1"/>'),
      '/fallback': () => laml('<Redirect method="get">/next</Redirect>'),
      '/next': () => laml('<Hangup/>'),
    });
    const made = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), fallbackUrl: appServer.url('/fallback') });
    await advance(app, 10_000);
    expect(requestsTo(appServer.requests, '/fallback')[0]!.params).toMatchObject({ ErrorCode: '13221', ErrorUrl: appServer.url('/voice') });
    // The fallback's own document breaks the same rule: with no fallback left, the call ends.
    expect(requestsTo(appServer.requests, '/menu')).toEqual([]);
    expect(requestsTo(appServer.requests, '/next')).toEqual([]);
    const { body } = await app.control<Timeline>('GET', `/calls/${made.sid}/timeline`);
    expect(body.call.status).toBe('completed');
    expect(body.events.filter((event) => event.type === 'error').map((event) => event.data?.errorCode)).toEqual(['13221', '13221']);
    expect(body.events.filter((event) => event.type === 'error').map((event) => event.message)).toEqual([expect.stringMatching(/<Gather method="PUT">/), expect.stringMatching(/<Redirect method="get">/)]);
  });
});
