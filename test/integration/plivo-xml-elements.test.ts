import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { advance, plivoVoiceSetUp, xml } from '../support/plivo-voice.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEELEMENTS01';
const AUTH_TOKEN = 'elementstokenelementstokenelements000001';
const NUMBER = '14155550123';
const CALLER = '14155559999';

const rig = useRig();

async function setUp(routes: Record<string, (request: ReceivedRequest) => Reply>) {
  const set = await plivoVoiceSetUp(rig, { authId: AUTH_ID, authToken: AUTH_TOKEN }, routes);
  const application = await set.client.applications.create('ivr', { answerUrl: set.appServer.url('/in/answer'), hangupUrl: set.appServer.url('/in/hangup') });
  await set.client.numbers.buy(NUMBER, application.appId);
  return set;
}



async function ringIn(app: RunningApp): Promise<string> {
  const rung = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: CALLER, to: NUMBER });
  expect(rung.status).toBe(202);
  return rung.body.uuid;
}

function hangupOf(requests: readonly ReceivedRequest[]): Record<string, string> | undefined {
  return requests.find((request) => request.url.split('?')[0] === '/in/hangup')?.params;
}

describe('Plivo XML elements', () => {
  it('rejects an inbound call whose answer XML starts with a bare <Hangup/> (3020), unanswered', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<Hangup/>') });
    await ringIn(app);
    await advance(app, 1_000);

    expect(hangupOf(appServer.requests)).toMatchObject({ HangupCauseCode: '3020', HangupCauseName: 'Rejected', HangupSource: 'Answer XML', CallStatus: 'busy', AnswerTime: '', Duration: '0' });
  });

  it('plays <PreAnswer> to an inbound call still ringing, answering it with the first element after', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<PreAnswer><Speak>Calls may be recorded</Speak><Wait length="2"/></PreAnswer><Speak>Hello</Speak>') });
    const uuid = await ringIn(app);
    await advance(app, 10_000);

    expect(hangupOf(appServer.requests)).toMatchObject({ CallStatus: 'completed', HangupCauseCode: '4010', Duration: '1' });
    const { body } = await app.control<{ events: Array<{ at: number; type: string; message: string }> }>('GET', `/calls/${uuid}/timeline`);
    const steps = body.events.filter((event) => event.type === 'instruction' || event.type === 'status');
    expect(steps.map((event) => event.message.split(' (')[0])).toEqual(['ringing', '<PreAnswer>', '<Speak>', '<Wait>', 'answered', '<Speak>', 'no instructions left']);
    // "Calls may be recorded": four words at 150 a minute, 1.6 s, then the 2 s Wait; then the answer.
    const at = (message: string) => steps.find((event) => event.message === message)!.at;
    expect(at('answered') - at('ringing')).toBe(3_600);
  });

  it('ends an inbound call with a normal hangup (4000) when its <Hangup/> comes after early media, unanswered', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<PreAnswer><Speak>We are closed</Speak></PreAnswer><Hangup/>') });
    await ringIn(app);
    await advance(app, 5_000);

    expect(hangupOf(appServer.requests)).toMatchObject({ HangupCauseCode: '4000', HangupCauseName: 'Normal Hangup', HangupSource: 'Answer XML', AnswerTime: '' });
  });

  it('ends an answered call with a bare <Hangup/> as a normal hangup (4000)', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<Speak>Goodbye</Speak><Hangup/>') });
    await ringIn(app);
    await advance(app, 5_000);

    expect(hangupOf(appServer.requests)).toMatchObject({ HangupCauseCode: '4000', HangupCauseName: 'Normal Hangup', HangupSource: 'Answer XML', CallStatus: 'completed' });
  });

  it('keeps an inbound call ringing through a <Wait> that comes first, and answers it after', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<Wait length="5"/><Speak>Hello there</Speak><Wait length="3"/>') });
    await ringIn(app);
    await advance(app, 20_000);

    const hangup = hangupOf(appServer.requests)!;
    const seconds = (time: string | undefined) => Date.parse(`${time ?? ''}Z`) / 1000;
    expect(seconds(hangup.AnswerTime) - seconds(hangup.StartTime)).toBe(5);
    // Speak (at least 1 s) and the second Wait (3 s) are talk time; the first Wait was not.
    expect(hangup).toMatchObject({ HangupCauseCode: '4010', CallStatus: 'completed', Duration: '4' });
  });

  it('requests waitSound for a member waiting for a moderator, noting elements other than Play, Speak and Wait as ignored', async () => {
    const { app, appServer, client } = await setUp({
      '/waiter': () => xml(`<Conference waitSound="${appServer.url('/wait')}" startConferenceOnEnter="false">standup</Conference>`),
      '/moderator': () => xml(`<Conference waitSound="${appServer.url('/wait')}">standup</Conference>`),
      '/wait': () => xml('<Speak>Please hold</Speak><Dial><Number>14155550000</Number></Dial>'),
    });
    const waiter = await client.calls.create(CALLER, '14155550201', appServer.url('/waiter'));
    await advance(app, 3_000);
    const waits = appServer.requests.filter((request) => request.url === '/wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ method: 'POST', params: { CallUUID: waiter.requestUuid } });
    const { body } = await app.control<{ events: Array<{ type: string; message: string }> }>('GET', `/calls/${waiter.requestUuid as string}/timeline`);
    expect(body.events.filter((event) => event.type === 'warning').map((event) => event.message)).toContainEqual(expect.stringContaining('<Dial> is ignored in a waitSound document'));

    // The moderator starts the room: nobody waits, so nothing is requested for it.
    await client.calls.create(CALLER, '14155550202', appServer.url('/moderator'));
    await advance(app, 3_000);
    expect(appServer.requests.filter((request) => request.url === '/wait')).toHaveLength(1);
  });

  it('reports a digitsMatch pattern the caller presses, and a digitsMatchBLeg one the callee presses, to the Dial callbackUrl', async () => {
    const { app, appServer, client } = await setUp({
      '/dial': () => xml(`<Dial callbackUrl="${appServer.url('/dial-events')}" digitsMatch="123,*9" digitsMatchBLeg="#0"><Number>14155550777</Number></Dial>`),
    });
    const made = await client.calls.create(CALLER, '14155550201', appServer.url('/dial'));
    await advance(app, 5_000);
    const events = () => appServer.requests.filter((request) => request.url === '/dial-events').map((request) => request.params);
    const bLeg = events().find((params) => params.DialAction === 'answer')?.DialBLegUUID;
    expect(bLeg).toBeDefined();

    expect((await app.control('POST', `/calls/${made.requestUuid as string}/digits`, { digits: '5123' })).status).toBe(200);
    await advance(app, 500);
    expect((await app.control('POST', `/calls/${bLeg!}/digits`, { digits: '#0' })).status).toBe(200);
    await advance(app, 500);

    const matches = events().filter((params) => params.DialAction === 'digits');
    expect(matches).toEqual([
      expect.objectContaining({ Event: 'DialDigitsMatch', DialDigitsMatch: '123', DialDigitsPressedBy: 'ALeg', DialALegUUID: made.requestUuid, DialBLegUUID: bLeg }),
      expect.objectContaining({ Event: 'DialDigitsMatch', DialDigitsMatch: '#0', DialDigitsPressedBy: 'BLeg', DialBLegUUID: bLeg }),
    ]);
  });

  it('requests enterSound when a member enters, and exitSound when it leaves others behind', async () => {
    const { app, appServer, client } = await setUp({
      '/member': () => xml(`<Conference enterSound="${appServer.url('/enter')}" exitSound="${appServer.url('/exit')}" hangupOnStar="true">standup</Conference>`),
      '/plain': () => xml('<Conference enterSound="beep:1">standup</Conference>'),
      '/enter': () => xml('<Play>https://app.example/chime.mp3</Play>'),
      '/exit': () => xml('<Speak>A member left</Speak>'),
    });
    const member = await client.calls.create(CALLER, '14155550201', appServer.url('/member'));
    await client.calls.create(CALLER, '14155550202', appServer.url('/plain'));
    await advance(app, 3_000);
    const requested = (path: string) => appServer.requests.filter((request) => request.url === path);
    expect(requested('/enter').map((request) => [request.method, request.params.CallUUID])).toEqual([['POST', member.requestUuid]]);
    expect(requested('/exit')).toHaveLength(0);

    expect((await app.control('POST', `/calls/${member.requestUuid as string}/digits`, { digits: '*' })).status).toBe(200);
    await advance(app, 1_000);
    expect(requested('/exit').map((request) => [request.method, request.params.CallUUID])).toEqual([['POST', member.requestUuid]]);
  });

  it('shows the Dial callerId and callerName to the callee: its live call record carries them', async () => {
    const { app, appServer, client } = await setUp({
      '/dial': () => xml(`<Dial callbackUrl="${appServer.url('/dial-events')}" callerId="14155550300" callerName="Front Desk"><Number>14155550777</Number></Dial>`),
    });
    await client.calls.create(CALLER, '14155550201', appServer.url('/dial'));
    await advance(app, 5_000);
    const bLeg = appServer.requests.find((request) => request.url === '/dial-events' && request.params.DialAction === 'answer')?.params.DialBLegUUID;

    const live = await client.calls.getLiveCall(bLeg!);
    expect(live).toMatchObject({ callerName: 'Front Desk', from: '14155550300', to: '14155550777' });
  });

  it('plays a Dial confirmSound to the callee without a confirmKey too, bridging once it has played', async () => {
    const { app, appServer, client } = await setUp({
      '/dial': () => xml(`<Dial callbackUrl="${appServer.url('/dial-events')}" confirmSound="${appServer.url('/confirm')}"><Number>14155550777</Number></Dial>`),
      '/confirm': () => xml('<Speak>This call is from the front desk</Speak>'),
    });
    const made = await client.calls.create(CALLER, '14155550201', appServer.url('/dial'));
    await advance(app, 10_000);

    const bLeg = appServer.requests.find((request) => request.url === '/dial-events' && request.params.DialAction === 'answer')?.params.DialBLegUUID;
    expect(appServer.requests.filter((request) => request.url === '/confirm').map((request) => [request.method, request.params.CallUUID])).toEqual([['POST', bLeg]]);
    const { body } = await app.control<{ events: Array<{ at: number; type: string; message: string }> }>('GET', `/calls/${made.requestUuid as string}/timeline`);
    const at = (start: string) => body.events.find((event) => event.message.startsWith(start))!.at;
    // Seven words at 150 a minute: 2.8 s between the callee's answer (after 2 s of ringing) and the bridge.
    expect(at('14155550777 answered; bridged') - at('dialling 14155550777')).toBe(2_000 + 2_800);
  });
});
