import { describe, expect, it } from 'vitest';
import { advance, FROM, lamlSetUp, TO } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface Timeline {
  call: { status: string };
  events: Array<{ type: string; message: string; data?: Record<string, unknown> }>;
}

async function errorsOf(app: Awaited<ReturnType<typeof lamlSetUp>>['app'], sid: string) {
  const { body } = await app.control<Timeline>('GET', `/calls/${sid}/timeline`);
  return body.events.filter((event) => event.type === 'error' || event.type === 'warning');
}

/**
 * An inline `Twiml` document has no URL of its own: its relative URLs, and Gather's default action
 * (the document's URL), have nothing to resolve against. Each is Twilio's 11100, never a crash.
 */
describe('Relative URLs in an inline LaML document', () => {
  it('ends the call with 11100 on the timeline at a relative Redirect, leaving other calls running', async () => {
    const { app, signalwire, twilio } = await lamlSetUp(rig);
    const relative = await twilio.calls.create({ to: TO, from: FROM, twiml: '<Response><Redirect>/next</Redirect></Response>'});
    const healthy = await twilio.calls.create({ to: '+14155550198', from: FROM, twiml: '<Response><Pause length="20"/></Response>' });
    await advance(app, 3_000);
    expect((await signalwire.calls(relative.sid).fetch()).status).toBe('completed');
    expect(await errorsOf(app, relative.sid)).toEqual([expect.objectContaining({ type: 'error', message: expect.stringContaining('"/next" is not an absolute URL'), data: expect.objectContaining({ errorCode: '11100' }) })]);
    expect((await signalwire.calls(healthy.sid).fetch()).status).toBe('in-progress');
    await advance(app, 20_000);
  });

  it('ends the call with 11100 when a Gather without action gets its digits', async () => {
    const { app, twilio } = await lamlSetUp(rig);
    const made = await twilio.calls.create({ to: TO, from: FROM, twiml: '<Response><Gather numDigits="1"/></Response>' });
    await advance(app, 3_000);
    await app.control('POST', `/calls/${made.sid}/digits`, { digits: '1' });
    await advance(app, 0);
    expect((await errorsOf(app, made.sid)).map((event) => event.data?.errorCode)).toEqual(['11100']);
    expect((await twilio.calls(made.sid).fetch()).status).toBe('completed');
  });

  it('plays a relative Play URL as silence with a warning, and sends nothing to a relative status callback', async () => {
    const { app, twilio } = await lamlSetUp(rig);
    const made = await twilio.calls.create({ to: TO, from: FROM, twiml: '<Response><Play>/hold.mp3</Play><Dial><Number statusCallback="/dialled">+14155550111</Number></Dial></Response>' });
    await advance(app, 3_000 + 5_000 + 2_000 + 10_000); // answered, five seconds of silence, ringing, ten seconds of talk
    const problems = await errorsOf(app, made.sid);
    expect(problems.map((event) => [event.type, event.message.includes('11100')])).toEqual([
      ['warning', true],
      ['error', true],
    ]);
    expect((await twilio.calls(made.sid).fetch()).status).toBe('completed');
  });
});
