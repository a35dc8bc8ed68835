import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEELEMENTS01';
const AUTH_TOKEN = 'elementstokenelementstokenelements000001';
const NUMBER = '14155550123';
const CALLER = '14155559999';

const rig = useRig();

async function setUp(routes: Record<string, (request: ReceivedRequest) => Reply>) {
  const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`] });
  const appServer = await rig.receiver((request) => {
    const route = routes[request.url.split('?')[0] as string];
    return route ? { headers: { 'content-type': 'application/xml' }, ...route(request) } : { status: 200 };
  });
  const client = plivoClient(app.url, AUTH_ID, AUTH_TOKEN);
  const application = await client.applications.create('ivr', { answerUrl: appServer.url('/in/answer'), hangupUrl: appServer.url('/in/hangup') });
  await client.numbers.buy(NUMBER, application.appId);
  return { app, appServer, client };
}

const xml = (body: string): Reply => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>` });

async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

async function ringIn(app: RunningApp): Promise<string> {
  const rung = await app.control<{ uuid: string }>('POST', '/inbound/calls', { from: CALLER, to: NUMBER });
  expect(rung.status).toBe(202);
  return rung.body.uuid;
}

function hangupOf(requests: readonly ReceivedRequest[]): Record<string, string> | undefined {
  return requests.find((request) => request.url.split('?')[0] === '/in/hangup')?.params;
}

describe('Plivo XML elements on an inbound call', () => {
  it('rejects an inbound call whose answer XML starts with a bare <Hangup/> (3020), unanswered', async () => {
    const { app, appServer } = await setUp({ '/in/answer': () => xml('<Hangup/>') });
    await ringIn(app);
    await advance(app, 1_000);

    expect(hangupOf(appServer.requests)).toMatchObject({ HangupCauseCode: '3020', HangupCauseName: 'Rejected', HangupSource: 'Answer XML', CallStatus: 'busy', AnswerTime: '', Duration: '0' });
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
});
