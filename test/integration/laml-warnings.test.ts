import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, requestsTo, TO } from '../support/laml-project.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
const CALLEE = '+14155550111';

interface Timeline {
  call: { status: string };
  events: Array<{ type: string; message: string; data?: { errorCode?: string } }>;
}

/**
 * A call through the twilio SDK whose documents are `routes`, run until it is over: the warnings on its
 * timeline, what it dialled and its end, as a SignalWire user reads them in the call's debug log.
 */
async function run(routes: Record<string, (request: ReceivedRequest) => Reply>, ms = 60_000) {
  const setUp = await lamlSetUp(rig, routes);
  const made = await setUp.twilio.calls.create({ to: TO, from: FROM, url: setUp.appServer.url('/voice') });
  await advance(setUp.app, ms);
  const { body } = await setUp.app.control<Timeline>('GET', `/calls/${made.sid}/timeline`);
  return {
    ...setUp,
    status: body.call.status,
    warnings: body.events.filter((event) => event.type === 'warning').map((event) => event.message),
    errors: body.events.filter((event) => event.type === 'error'),
    dialled: body.events.filter((event) => event.type === 'dial' && event.message.startsWith('dialling')).map((event) => event.message.split(' ')[1]),
  };
}

describe('LaML warnings: the part SignalWire warns of is left out and the call goes on', () => {
  it('skips Dial nouns that are not E.164 numbers (13223), malformed SIP URIs (13243) and elements a Dial cannot hold (13215), and dials the rest', async () => {
    const { appServer, warnings, errors, dialled, status } = await run({
      '/voice': () => laml(`<Dial action="/dialled"><Say>hi</Say><Number>call-me</Number><Sip>alice@example.com</Sip><Number>${CALLEE}</Number></Dial>`),
      '/dialled': () => laml('<Say>bye</Say>'),
    });
    expect(warnings).toEqual([
      expect.stringMatching(/^line 1, column \d+: <Say> cannot be inside <Dial>; warning 13215, it is skipped$/),
      expect.stringMatching(/^line 1, column \d+: <Number> holds "call-me", which is not an E\.164 number; warning 13223, it is skipped$/),
      expect.stringMatching(/^line 1, column \d+: <Sip> holds "alice@example.com", which is not a sip: URI; warning 13243, it is skipped$/),
    ]);
    expect(errors).toEqual([]);
    expect(dialled).toEqual([CALLEE]);
    expect(requestsTo(appServer.requests, '/dialled')[0]!.params.DialCallStatus).toBe('completed');
    expect(status).toBe('completed');
  });

  it('fails a Dial left with nothing to ring (DialCallStatus=failed), asks its action and runs on', async () => {
    const { appServer, warnings, errors, dialled, status } = await run({
      '/voice': () => laml('<Dial action="/dialled"><Number>0</Number><Sip></Sip></Dial>'),
      '/dialled': () => laml('<Redirect>/after</Redirect>'),
      '/after': () => laml('<Hangup/>'),
    });
    expect(warnings).toEqual([
      expect.stringMatching(/<Number> holds "0", which is not an E\.164 number; warning 13223, it is skipped$/),
      expect.stringMatching(/<Sip> has no SIP URI; warning 13254, it is skipped$/),
      expect.stringMatching(/^line 1, column \d+: <Dial> has no number to dial; it fails \(DialCallStatus=failed\); warning 13223$/),
    ]);
    expect(errors).toEqual([]);
    expect(dialled).toEqual([]);
    expect(requestsTo(appServer.requests, '/dialled')[0]!.params).toMatchObject({ DialCallStatus: 'failed', DialCallDuration: '0' });
    expect(requestsTo(appServer.requests, '/after')).toHaveLength(1);
    expect(status).toBe('completed');
  });

  it('without an action, a Dial with a bad number as its text fails and the next verb runs', async () => {
    const { appServer, warnings, status } = await run({
      '/voice': () => laml('<Dial>+1-call-me</Dial><Redirect>/after</Redirect>'),
      '/after': () => laml('<Hangup/>'),
    });
    expect(warnings).toEqual([expect.stringMatching(/the text of <Dial> "\+1-call-me" is not an E\.164 number; warning 13223, it is ignored$/), expect.stringMatching(/warning 13223$/)]);
    expect(requestsTo(appServer.requests, '/after')).toHaveLength(1);
    expect(status).toBe('completed');
  });

  it('joins the first Conference of a Dial and skips a Number mixed with it (13000)', async () => {
    const { appServer, warnings, dialled } = await run(
      {
        '/voice': () => laml(`<Dial><Conference statusCallback="/room" statusCallbackEvent="join">standup</Conference><Number>${CALLEE}</Number></Dial>`),
      },
      5_000,
    );
    expect(warnings).toEqual([expect.stringMatching(/<Number> cannot be mixed with <Conference>; warning 13000, it is skipped$/)]);
    expect(dialled).toEqual([]);
    expect(requestsTo(appServer.requests, '/room')[0]!.params).toMatchObject({ FriendlyName: 'standup', StatusCallbackEvent: 'participant-join' });
  });

  it('skips an Enqueue without a queue name (14204) and runs the next verb', async () => {
    const { appServer, warnings, errors, status } = await run({
      '/voice': () => laml('<Enqueue waitUrl="/hold"></Enqueue><Redirect>/after</Redirect>'),
      '/after': () => laml('<Hangup/>'),
    });
    expect(warnings).toEqual([expect.stringMatching(/^line 1, column \d+: <Enqueue> has no queue name; warning 14204, it is skipped$/)]);
    expect(errors).toEqual([]);
    expect(requestsTo(appServer.requests, '/hold')).toEqual([]);
    expect(requestsTo(appServer.requests, '/after')).toHaveLength(1);
    expect(status).toBe('completed');
  });

  it('skips a Play whose URL answers a page rather than audio (13420) and plays on at once; audio served as octet-stream still plays', async () => {
    const { appServer, warnings, errors } = await run(
      {
        '/voice': () => laml('<Play>/page</Play><Redirect>/after</Redirect>'),
        '/page': () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>not a sound</body></html>' }),
        '/after': () => laml('<Play>/tone</Play><Redirect>/end</Redirect>'),
        '/tone': () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(16_000 * 4) }),
        '/end': () => laml('<Hangup/>'),
      },
      3_000, // answered after two seconds of ringing; a played file would take longer than the rest
    );
    // The zeros of /tone are no audio file hookline can read: its length is a default, noted, not skipped.
    expect(warnings.filter((warning) => /warning \d+/.test(warning))).toEqual([expect.stringMatching(/^line 1, column \d+: <Play> http:\/\/[^ ]+\/page answered Content-Type "text\/html; charset=utf-8", which is not audio; warning 13420, it is skipped$/)]);
    expect(errors).toEqual([]);
    expect(requestsTo(appServer.requests, '/after')).toHaveLength(1);
    expect(requestsTo(appServer.requests, '/tone')).toHaveLength(1);
    expect(requestsTo(appServer.requests, '/end')).toEqual([]);
  });

  it('skips a Hangup and a Dial in a queue’s wait document (13238): the caller keeps waiting until the Leave after them', async () => {
    const { appServer, warnings, dialled } = await run(
      {
        '/voice': () => laml('<Enqueue action="/left" waitUrl="/hold">sales</Enqueue>'),
        '/hold': () => laml(`<Say>Please hold</Say><Hangup/><Dial>${CALLEE}</Dial><Leave/>`),
        '/left': () => laml('<Hangup/>'),
      },
      5_000,
    );
    expect(warnings).toEqual([
      expect.stringMatching(/^line 1, column \d+: <Hangup> cannot run in a waitUrl document; warning 13238, it is skipped$/),
      expect.stringMatching(/^line 1, column \d+: <Dial> cannot run in a waitUrl document; warning 13238, it is skipped$/),
    ]);
    expect(dialled).toEqual([]);
    expect(requestsTo(appServer.requests, '/left')[0]!.params).toMatchObject({ QueueResult: 'leave' });
  });

  it('warns of a Gather or Record in a conference’s waitUrl document (13238)', async () => {
    const { warnings } = await run(
      {
        '/voice': () => laml('<Dial><Conference startConferenceOnEnter="false" waitUrl="/wait">lobby</Conference></Dial>'),
        '/wait': () => laml('<Play>/music.mp3</Play><Gather numDigits="1"/><Record/>'),
      },
      5_000,
    );
    expect(warnings).toEqual([expect.stringMatching(/<Gather> cannot run in a waitUrl document; warning 13238/), expect.stringMatching(/<Record> cannot run in a waitUrl document; warning 13238/)]);
  });

  it('ends a call whose Record has a bad trim with error 13699, which the fallback gets as ErrorCode', async () => {
    const setUp = await lamlSetUp(rig, {
      '/voice': () => laml('<Record trim="yes"/>'),
      '/fallback': () => laml('<Say>Sorry</Say>'),
    });
    const made = await setUp.twilio.calls.create({ to: TO, from: FROM, url: setUp.appServer.url('/voice'), fallbackUrl: setUp.appServer.url('/fallback') });
    await advance(setUp.app, 10_000);
    expect(requestsTo(setUp.appServer.requests, '/fallback')[0]!.params).toMatchObject({ ErrorCode: '13699', ErrorUrl: setUp.appServer.url('/voice') });
    const { body } = await setUp.app.control<Timeline>('GET', `/calls/${made.sid}/timeline`);
    expect(body.events.filter((event) => event.type === 'error').map((event) => event.data?.errorCode)).toEqual(['13699']);
  });

  it('still ends the call with 12100 when the document is not well-formed', async () => {
    const { errors, status } = await run({ '/voice': () => ({ status: 200, body: '<Response><Dial><Number>+14155550111</Number></Dial>' }) });
    expect(errors.map((event) => event.data?.errorCode)).toEqual(['12100']);
    expect(status).not.toBe('in-progress');
  });
});
