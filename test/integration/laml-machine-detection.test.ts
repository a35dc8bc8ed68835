import { describe, expect, it } from 'vitest';
import { signedForBoth } from '../support/laml-sdk.js';
import { advance, FROM, laml, lamlSetUp, PROJECT, refusal, requestsTo, TO, SIGNING_KEY } from '../support/laml-project.js';
import { useRig } from '../support/rig.js';

const rig = useRig();
/** The far end's magic number for an answering machine (docs/plivo-voice.md). */
const MACHINE = '+15551030000';

describe('LaML answering machine detection', () => {
  it('holds the Url request until the verdict and sends AnsweredBy with it: a person, a machine, the end of its greeting', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, { '/voice': () => laml('<Hangup/>') });
    const human = await twilio.calls.create({ to: TO, from: FROM, url: appServer.url('/voice'), machineDetection: 'Enable' });
    const machine = await twilio.calls.create({ to: MACHINE, from: FROM, url: appServer.url('/voice'), machineDetection: 'Enable' });
    const greeting = await twilio.calls.create({ to: '+15551030001', from: FROM, url: appServer.url('/voice'), machineDetection: 'DetectMessageEnd' });
    const impatient = await twilio.calls.create({ to: '+15551030002', from: FROM, url: appServer.url('/voice'), machineDetection: 'DetectMessageEnd', machineDetectionTimeout: 5 });
    const answers = () => new Map(requestsTo(appServer.requests, '/voice').map((r) => [r.params.CallSid, r.params]));

    await advance(app, 3_000); // all four are answered; detection listens
    expect(answers().size).toBe(0);
    await advance(app, 2_000);
    expect([...answers().keys()]).toEqual([human.sid]);
    expect(answers().get(human.sid)).toEqual({
      AccountSid: PROJECT,
      ApiVersion: '2010-04-01',
      CallSid: human.sid,
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
      From: FROM,
      To: TO,
      AnsweredBy: 'human',
      MachineDetectionDuration: '2000',
    });
    await advance(app, 1_000);
    expect(answers().get(machine.sid)).toMatchObject({ AnsweredBy: 'machine_start', MachineDetectionDuration: '3000' });
    await advance(app, 2_000);
    expect(answers().get(impatient.sid)).toMatchObject({ AnsweredBy: 'unknown', MachineDetectionDuration: '5000' });
    await advance(app, 3_000);
    expect(answers().get(greeting.sid)).toMatchObject({ AnsweredBy: 'machine_end_beep', MachineDetectionDuration: '8000' });
    expect((await twilio.calls(machine.sid).fetch()) as unknown).toMatchObject({ answeredBy: 'machine_start' });
    for (const received of appServer.requests) expect(signedForBoth(SIGNING_KEY, received), `${received.url} is signed`).toEqual({ signalwire: true, twilio: true });
  });

  it('runs the document at once with AsyncAmd and posts the verdict to AsyncAmdStatusCallback', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig, { '/voice': () => laml('<Pause length="10"/>') });
    const made = await signalwire.calls.create({
      to: MACHINE,
      from: FROM,
      url: appServer.url('/voice'),
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: appServer.url('/amd'),
    });
    await advance(app, 3_000);
    const voice = requestsTo(appServer.requests, '/voice');
    expect(voice).toHaveLength(1);
    expect(voice[0]!.params.AnsweredBy).toBeUndefined();
    expect(requestsTo(appServer.requests, '/amd')).toEqual([]);
    await advance(app, 3_000);
    const amd = requestsTo(appServer.requests, '/amd');
    expect(amd.map((r) => r.params)).toEqual([{ AccountSid: PROJECT, CallSid: made.sid, AnsweredBy: 'machine_start', MachineDetectionDuration: '3000' }]);
    expect(signedForBoth(SIGNING_KEY, amd[0]!)).toEqual({ signalwire: true, twilio: true });
    await advance(app, 10_000);
  });

  it('refuses bad detection options with the documented codes', async () => {
    const { app, appServer, twilio } = await lamlSetUp(rig, {});
    const url = appServer.url('/voice');
    expect(await refusal(twilio.calls.create({ to: TO, from: FROM, url, machineDetection: 'Maybe' }))).toMatchObject({ status: 400, code: 21234 });
    expect(await refusal(twilio.calls.create({ to: TO, from: FROM, url, machineDetection: 'Enable', machineDetectionTimeout: 0 }))).toMatchObject({ status: 400, code: 21234 });
    expect(await refusal(twilio.calls.create({ to: TO, from: FROM, url, machineDetection: 'Enable', asyncAmd: 'true' }))).toMatchObject({ status: 400, code: 21262 });
    expect(await twilio.calls.list()).toEqual([]);
    await advance(app, 0);
  });
});
