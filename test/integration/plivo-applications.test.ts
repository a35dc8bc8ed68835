import { describe, expect, it } from 'vitest';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const AUTH_ID = 'MAHOOKLINEAPPTEST001';
const AUTH_TOKEN = 'apptokenapptokenapptokenapptokenapptoken';
const OTHER_ID = 'MAHOOKLINEAPPTEST002';
const OTHER_TOKEN = 'othertokenothertokenothertokenothertoken';

const rig = useRig();

async function rawGet(base: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}` } });
  return (await response.json()) as Record<string, unknown>;
}

async function setUp() {
  const app = await rig.app({ account: [`${AUTH_ID}:${AUTH_TOKEN}`, `${OTHER_ID}:${OTHER_TOKEN}`] });
  return { app, client: plivoClient(app.url, AUTH_ID, AUTH_TOKEN) };
}

describe('Plivo applications through the real plivo SDK', () => {
  it('creates an application and reads, lists, updates and deletes it', async () => {
    const { app, client } = await setUp();

    const created = await client.applications.create('sms-app', { messageUrl: 'https://app.example/sms', messageMethod: 'GET', answerUrl: 'https://app.example/answer' });
    expect(created).toMatchObject({ message: 'created', appId: expect.stringMatching(/^\d{18}$/) });

    // The SDK's application object has no messageUrl; the raw answer has message_url.
    expect(await rawGet(app.url, `/v1/Account/${AUTH_ID}/Application/${created.appId}/`)).toMatchObject({ message_url: 'https://app.example/sms' });
    expect(await client.applications.get(created.appId)).toMatchObject({
      appId: created.appId,
      appName: 'sms-app',
      messageMethod: 'GET',
      answerUrl: 'https://app.example/answer',
      answerMethod: 'POST',
      defaultApp: false,
      resourceUri: `/v1/Account/${AUTH_ID}/Application/${created.appId}/`,
    });
    expect((await client.applications.list()).map((a) => a.appName)).toEqual(['sms-app']);

    await client.applications.update(created.appId, { messageUrl: 'https://app.example/sms2', defaultNumberApp: true });
    expect(await client.applications.get(created.appId)).toMatchObject({ defaultApp: true, appName: 'sms-app' });
    expect(await rawGet(app.url, `/v1/Account/${AUTH_ID}/Application/${created.appId}/`)).toMatchObject({ message_url: 'https://app.example/sms2' });

    await client.applications.delete(created.appId);
    await expect(client.applications.get(created.appId)).rejects.toThrow();
  });

  it('keeps one default number application per account', async () => {
    const { client } = await setUp();
    const first = await client.applications.create('first', { defaultNumberApp: true });
    const second = await client.applications.create('second', { defaultNumberApp: true });

    expect(await client.applications.get(first.appId)).toMatchObject({ defaultApp: false });
    expect(await client.applications.get(second.appId)).toMatchObject({ defaultApp: true });
  });

  it('refuses a bad URL or method, and hides another account’s application', async () => {
    const { app, client } = await setUp();
    await expect(client.applications.create('bad', { messageUrl: 'ftp://app.example/sms' })).rejects.toThrow(/message_url/);
    await expect(client.applications.create('bad', { answerMethod: 'PUT' })).rejects.toThrow(/answer_method/);
    const created = await client.applications.create('mine');
    await expect(plivoClient(app.url, OTHER_ID, OTHER_TOKEN).applications.get(created.appId)).rejects.toThrow(/not found/);
  });
});

describe('Plivo numbers through the real plivo SDK', () => {
  it('rents a number pointing at an application, lists, re-points and unrents it', async () => {
    const { client } = await setUp();
    const sms = await client.applications.create('sms');

    const bought = await client.numbers.buy('14155550100', sms.appId);
    expect(bought).toMatchObject({ message: 'created', status: 'fulfilled' });

    expect(await client.numbers.get('14155550100')).toMatchObject({
      number: '14155550100',
      application: `/v1/Account/${AUTH_ID}/Application/${sms.appId}/`,
      smsEnabled: true,
      resourceUri: `/v1/Account/${AUTH_ID}/Number/14155550100/`,
    });
    expect((await client.numbers.list()).map((n) => n.number)).toEqual(['14155550100']);

    const other = await client.applications.create('other');
    await client.numbers.update('14155550100', { appId: other.appId, alias: 'support line' });
    expect(await client.numbers.get('14155550100')).toMatchObject({ application: `/v1/Account/${AUTH_ID}/Application/${other.appId}/`, alias: 'support line' });

    await client.numbers.unrent('14155550100');
    await expect(client.numbers.get('14155550100')).rejects.toThrow();
  });

  it('will not rent a number another account has, nor point it at an unknown application', async () => {
    const { app, client } = await setUp();
    await client.numbers.buy('14155550101');
    await expect(plivoClient(app.url, OTHER_ID, OTHER_TOKEN).numbers.buy('14155550101')).rejects.toThrow(/not available/);
    await expect(client.numbers.buy('14155550102', '123456789012345678')).rejects.toThrow(/application/);
  });
});

describe('numbers through the control API', () => {
  it('gives the dev account or a named account a number in one call, and refuses a taken one', async () => {
    const { app, client } = await setUp();
    const sms = await client.applications.create('sms');

    const added = await app.control('POST', '/numbers', { number: '+14155550109', accountId: AUTH_ID, appId: sms.appId });
    expect(added).toEqual({ status: 201, body: { number: '14155550109', accountId: AUTH_ID, appId: sms.appId } });
    expect(await client.numbers.get('14155550109')).toMatchObject({ application: `/v1/Account/${AUTH_ID}/Application/${sms.appId}/` });

    expect((await app.control('POST', '/numbers', { number: '14155550109', accountId: OTHER_ID })).status).toBe(400);
    expect((await app.control('POST', '/numbers', { number: '14155550110', accountId: AUTH_ID, appId: 'nope' })).status).toBe(404);
    expect((await app.control('POST', '/numbers', { number: 'call me' })).status).toBe(400);
    expect(await app.control('POST', '/numbers', { number: '14155550111' })).toMatchObject({ status: 201, body: { accountId: AUTH_ID } });
  });
});
