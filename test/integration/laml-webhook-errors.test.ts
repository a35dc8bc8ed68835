import { describe, expect, it } from 'vitest';
import { advance, FROM, laml, lamlSetUp, requestsTo, TO } from '../support/laml-project.js';
import type { Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  events: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
}

/** Each way a call's Url can fail, and SignalWire's webhook error code for it (laml.md §2.3, §2.4). */
const FAILURES: Array<[string, { reply?: Reply; url?: string }, string]> = [
  ['nothing listens at the Url', { url: 'http://127.0.0.1:1/voice' }, '11200'],
  ['the Url answers after its read timeout (#rt=200)', { reply: { delayMs: 600, ...laml('<Hangup/>') } }, '11200'],
  ['redirects loop past three', { reply: { status: 302, headers: { location: '/voice' } } }, '11215'],
  ['an HTTP error', { reply: { status: 404 } }, '11217'],
  ['the document is over 64 kB', { reply: laml(`<Say>${'a'.repeat(64 * 1024)}</Say>`) }, '11750'],
  ['the document is not LaML', { reply: laml('<Gather><Dial>+14155550000</Dial></Gather>') }, '12100'],
  ['the answer is JSON', { reply: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"say":"hi"}' } }, '12300'],
];

describe('A call’s Url failing', () => {
  for (const [what, { reply, url }, code] of FAILURES) {
    it(`names ${code} when ${what}: on the timeline and as ErrorCode to the FallbackUrl`, async () => {
      const { app, appServer, signalwire } = await lamlSetUp(rig, {
        ...(reply ? { '/voice': () => reply } : {}),
        '/fallback': () => laml('<Pause length="5"/>'),
      });
      const voiceUrl = url ?? appServer.url(`/voice${what.includes('#rt') ? '#rt=200' : ''}`);
      const made = await signalwire.calls.create({ to: TO, from: FROM, url: voiceUrl, fallbackUrl: appServer.url('/fallback') });
      await advance(app, 3_000);
      const [fallback] = requestsTo(appServer.requests, '/fallback');
      expect(fallback!.params).toMatchObject({ CallSid: made.sid, ErrorCode: code, ErrorUrl: voiceUrl.split('#')[0] });
      const { body } = await app.control<Timeline>('GET', `/calls/${made.sid}/timeline`);
      expect(body.events.filter((event) => event.type === 'error').map((event) => event.data?.errorCode)).toEqual([code]);
      expect((await signalwire.calls(made.sid).fetch()).status).toBe('in-progress'); // the fallback's document runs
      await advance(app, 5_000);
    });
  }
});
