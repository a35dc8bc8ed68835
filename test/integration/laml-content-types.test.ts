import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import { signedForBoth } from '../support/laml-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  call: { status: string };
  events: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
}

const setUp = (routes: Record<string, (request: ReceivedRequest) => Reply> = {}) => lamlSetUp(rig, routes);
const answering = (contentType: string, body: string): Reply => ({ status: 200, headers: { 'content-type': contentType }, body });

describe('the Content-Type of a LaML voice document', () => {
  it('refuses a JSON answer with 12300 and goes to the FallbackUrl with ErrorCode 12300', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/voice': () => answering('application/json', '{"say":"hello"}'),
      '/fallback': () => laml('<Say>Fallback speaking</Say>'),
    });
    const call = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), fallbackUrl: appServer.url('/fallback') });
    await advance(app, 3_000);

    expect(requestsTo(appServer.requests, '/fallback')[0]?.params).toMatchObject({ CallSid: call.sid, ErrorCode: '12300', ErrorUrl: appServer.url('/voice') });
    const { body } = await app.control<Timeline>('GET', `/calls/${call.sid}/timeline`);
    const error = body.events.find((event) => event.type === 'error');
    expect(error?.data).toMatchObject({ errorCode: '12300', url: appServer.url('/voice') });
    expect(error?.message).toContain('Content-Type "application/json"');
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received)).toEqual({ signalwire: true, twilio: true });
  });

  it('ends a call whose only document is an image, naming 12300 on its timeline', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => answering('image/png', 'PNG') });
    const call = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), statusCallback: appServer.url('/status') });
    await advance(app, 3_000);

    expect((await signalwire.calls(call.sid).fetch()).status).toBe('completed');
    const { body } = await app.control<Timeline>('GET', `/calls/${call.sid}/timeline`);
    expect(body.events.filter((event) => event.type === 'error').map((event) => event.data?.errorCode)).toEqual(['12300']);
    expect(requestsTo(appServer.requests, '/status').map((received) => received.params.CallStatus)).toEqual(['completed']);
  });

  it('plays an audio answer and hangs up', async () => {
    const { app, appServer, signalwire } = await setUp({ '/voice': () => answering('audio/mpeg', 'ID3') });
    const call = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/voice') });
    await advance(app, 3_000);

    // The document request, then the audio fetched again to be played, as <Play> fetches it.
    expect(requestsTo(appServer.requests, '/voice').map((received) => received.method)).toEqual(['POST', 'GET']);
    await advance(app, 10_000);
    const { body } = await app.control<Timeline>('GET', `/calls/${call.sid}/timeline`);
    expect(body.events.some((event) => event.type === 'error')).toBe(false);
    expect((await signalwire.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('says a text/plain answer and hangs up, and runs a text/plain answer that is LaML', async () => {
    const { app, appServer, signalwire } = await setUp({
      '/words': () => answering('text/plain', 'Thanks for calling'),
      '/laml-as-text': () => answering('text/plain; charset=utf-8', `<Response><Redirect>${appServer.url('/next')}</Redirect></Response>`),
      '/next': () => laml('<Hangup/>'),
    });
    const said = await signalwire.calls.create({ to: TO, from: FROM, url: appServer.url('/words') });
    const redirected = await signalwire.calls.create({ to: '+14155550198', from: FROM, url: appServer.url('/laml-as-text') });
    await advance(app, 3_000);
    await advance(app, 10_000);

    expect((await signalwire.calls(said.sid).fetch()).status).toBe('completed');
    const { body } = await app.control<Timeline>('GET', `/calls/${said.sid}/timeline`);
    expect(body.events.some((event) => event.type === 'error')).toBe(false);
    expect(requestsTo(appServer.requests, '/next').map((received) => received.params.CallSid)).toEqual([redirected.sid]);
  });
});
