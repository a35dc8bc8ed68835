import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivoClient } from '../support/plivo-sdk.js';
import type { ReceivedRequest, Reply } from '../support/receiver.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINESCENARIO01';
const AUTH_TOKEN = 'scenariotokenscenariotokenscenariotoken1';
const FROM = '14155550100';
const TO = '14155550199';

const rig = useRig();
const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<Response>${body}</Response>` });

async function advance(app: RunningApp, ms: number): Promise<void> {
  expect((await app.control('POST', '/clock/advance', { ms })).status).toBe(200);
}

function requestsTo(requests: readonly ReceivedRequest[], path: string): ReceivedRequest[] {
  return requests.filter((request) => request.url.split('?')[0] === path);
}

async function ivr(overrides: Record<string, unknown> = {}) {
  const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${AUTH_TOKEN}`], ...overrides });
  const appServer = await rig.receiver((request) => {
    const path = request.url.split('?')[0];
    if (path === '/answer') return xml(`<GetDigits action="${appServer.url('/menu')}" numDigits="1"><Speak>Press a key</Speak></GetDigits><Wait length="600"/>`);
    if (path === '/menu') return xml(`<Dial action="${appServer.url('/dialed')}"><Number>14155550111</Number></Dial><Wait length="600"/>`);
    if (path === '/dialed') return xml('<Wait length="600"/>');
    return { status: 200 };
  });
  return { app, appServer, client: plivoClient(app.url, AUTH_ID, AUTH_TOKEN) };
}

describe('far-end scenarios', () => {
  it('presses a key when GetDigits starts and hangs up 20 s after the answer', async () => {
    const { app, appServer, client } = await ivr();
    const put = await app.control('POST', '/scenarios', {
      name: 'presses-2',
      number: `+${TO}`,
      answer: { ringMs: 5_000 },
      steps: [
        { at: { element: 'GetDigits', afterMs: 500 }, do: { digits: '2' } },
        { at: { afterAnswerMs: 20_000 }, do: { hangup: true } },
      ],
      calls: 1,
    });
    expect(put.status).toBe(201);

    const made = await client.calls.create(FROM, TO, appServer.url('/answer'), { hangupUrl: appServer.url('/hangup') });
    await advance(app, 3_000);
    expect(requestsTo(appServer.requests, '/answer')).toHaveLength(0); // still ringing: the scenario rings 5 s
    await advance(app, 3_500);
    expect(requestsTo(appServer.requests, '/menu')[0]?.params).toMatchObject({ Digits: '2', CallUUID: made.requestUuid });
    await advance(app, 30_000);
    expect(requestsTo(appServer.requests, '/hangup')[0]?.params).toMatchObject({ HangupCauseCode: '4000', HangupSource: 'Callee', Duration: '20' });
    expect((await app.control<{ scenarios: unknown[] }>('GET', '/scenarios')).body.scenarios).toEqual([]); // calls: 1, used up
  });

  it('makes a Dial target busy, from a scenario file given at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-scenarios-'));
    const file = join(dir, 'scenarios.json');
    writeFileSync(file, JSON.stringify([
      { name: 'caller', number: TO, steps: [{ at: { element: 'GetDigits' }, do: { digits: '1' } }] },
      { name: 'sales-busy', number: '+14155550111', answer: { outcome: 'busy', ringMs: 1_000 } },
    ]));
    const { app, appServer, client } = await ivr({ scenarios: file });
    await client.calls.create(FROM, TO, appServer.url('/answer'));
    await advance(app, 3_000);
    await advance(app, 2_000);
    expect(requestsTo(appServer.requests, '/dialed')[0]?.params).toMatchObject({ DialStatus: 'busy', DialBLegUUID: '' });
    expect((await app.control<{ scenarios: Array<{ name: string }> }>('GET', '/scenarios')).body.scenarios.map((s) => s.name).sort()).toEqual(['caller', 'sales-busy']);
    expect((await app.control('DELETE', '/scenarios/caller')).status).toBe(204);
  });

  it('scripts the far end\'s sound: a short machine greeting and its beep, words that keep a silence Wait going', async () => {
    const { app } = await ivr();
    const appServer = await rig.receiver((request) =>
      xml(request.params.To === TO ? '<Wait length="30" beep="true"/><Speak>Message</Speak>' : '<Wait length="30" silence="true" minSilence="1000"/><Speak>Hello</Speak>'),
    );
    const client = plivoClient(app.url, AUTH_ID, AUTH_TOKEN);
    await app.control('POST', '/scenarios', { name: 'voicemail', number: `+${TO}`, answer: { machine: true, greetingMs: 3_000 } });
    await app.control('POST', '/scenarios', {
      name: 'talker',
      number: '+14155550188',
      answer: { greetingMs: 0 },
      steps: [{ at: { element: 'Wait', afterMs: 500 }, do: { speech: 'sorry who is this again' } }],
    });
    const machine = await client.calls.create(FROM, TO, appServer.url('/answer'));
    const talker = await client.calls.create(FROM, '14155550188', appServer.url('/answer'));
    await advance(app, 3_000); // both answer
    await advance(app, 3_499);
    // When Speak started, after the answer.
    const speakAt = async (uuid: string) => {
      const { events } = (await app.control<{ events: Array<{ at: number; data?: { element?: string; status?: string } }> }>('GET', `/calls/${uuid}/timeline`)).body;
      const speak = events.find((e) => e.data?.element === 'Speak');
      return speak && speak.at - events.find((e) => e.data?.status === 'in-progress')!.at;
    };
    expect(await speakAt(machine.requestUuid as string)).toBeUndefined();
    expect(await speakAt(talker.requestUuid as string)).toBeUndefined(); // five words from 0.5 s take 2 s: quiet from 2.5 s
    await advance(app, 1);
    expect(await speakAt(machine.requestUuid as string)).toBe(3_500); // 3 s of greeting, 0.5 s of beep
    expect(await speakAt(talker.requestUuid as string)).toBe(3_500); // then 1 s of silence
  });

  it('refuses a scenario with a bad number or step, naming the field', async () => {
    const { app } = await ivr();
    const bad = await app.control<{ error: { field: string } }>('POST', '/scenarios', { name: 'x', number: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('number');
    expect((await app.control('POST', '/scenarios', { name: 'x', number: '+14155550199', steps: [{ at: { afterAnswerMs: 1 }, do: { dance: true } }] })).status).toBe(400);
  });
});
