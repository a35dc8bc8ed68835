import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/app.js';
import { plivo, plivoClient, type PlivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const MAIN_ID = 'MAHOOKLINESUBTEST001';
const MAIN_TOKEN = 'maintokenmaintokenmaintokenmaintoken0001';

const rig = useRig();

function client(app: RunningApp, id: string, token: string): PlivoClient {
  return plivoClient(app.url, id, token);
}

async function setUp() {
  const app = await rig.app({ clock: 'virtual', account: [`${MAIN_ID}:${MAIN_TOKEN}`] });
  return { app, main: client(app, MAIN_ID, MAIN_TOKEN) };
}

describe('Plivo sub-accounts through the real plivo SDK', () => {
  it('creates a sub-account with its own SA auth id and token, and reads, lists, renames and deletes it', async () => {
    const { main } = await setUp();

    const created = await main.subaccounts.create('team-a', true);
    expect(created.message).toBe('created');
    expect(created.authId).toMatch(/^SA[A-Z0-9]{18}$/);
    expect(created.authToken).toMatch(/^[A-Za-z0-9]{40}$/);

    expect(await main.subaccounts.get(created.authId)).toMatchObject({
      authId: created.authId,
      authToken: created.authToken,
      name: 'team-a',
      enabled: true,
      account: `/v1/Account/${MAIN_ID}/`,
      resourceUri: `/v1/Account/${MAIN_ID}/Subaccount/${created.authId}/`,
    });
    await main.subaccounts.create('team-b');
    const listed = await main.subaccounts.list();
    expect(listed.map((s) => s.name)).toEqual(['team-a', 'team-b']);
    expect(listed.meta).toMatchObject({ totalCount: 2 });

    await main.subaccounts.update(created.authId, 'renamed', false);
    expect(await main.subaccounts.get(created.authId)).toMatchObject({ name: 'renamed', enabled: false });
    expect(await main.subaccounts.delete(created.authId)).toBe(true);
    await expect(main.subaccounts.get(created.authId)).rejects.toThrow();
  });

  it('signs a sub-account’s callbacks with its token, and the Ma headers with the main account’s', async () => {
    const { app, main } = await setUp();
    const sink = await rig.receiver();
    const sub = await main.subaccounts.create('signing', true);

    await client(app, sub.authId, sub.authToken).messages.create({ src: '14155550000', dst: '14155551111', text: 'from a sub', url: sink.url('/sub/status') });
    await sink.waitFor(1);

    const [request] = sink.requests;
    const h = request!.headers;
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, sub.authToken, h['x-plivo-signature-v3']!, request!.params)).toBe(true);
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, MAIN_TOKEN, h['x-plivo-signature-ma-v3']!, request!.params)).toBe(true);
    expect(plivo.validateSignature(request!.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-v2']!, sub.authToken)).toBe(true);
    expect(plivo.validateSignature(request!.fullUrl, h['x-plivo-signature-v2-nonce']!, h['x-plivo-signature-ma-v2']!, MAIN_TOKEN)).toBe(true);
    // And not the other way round: the sub-account's own header is not the main account's.
    expect(plivo.validateV3Signature('POST', request!.fullUrl, h['x-plivo-signature-v3-nonce']!, MAIN_TOKEN, h['x-plivo-signature-v3']!, request!.params)).toBe(false);
  });

  it('lets the main account work in a sub-account’s path, but not a sub-account in its sibling’s or its parent’s', async () => {
    const { app, main } = await setUp();
    const a = await main.subaccounts.create('a', true);
    const b = await main.subaccounts.create('b', true);

    const asMain = plivoClient(app.url, MAIN_ID, MAIN_TOKEN, a.authId);
    expect((await asMain.messages.create({ src: '14155550000', dst: '14155551111', text: 'for a' })).messageUuid).toHaveLength(1);
    const aInB = plivoClient(app.url, a.authId, a.authToken, b.authId);
    await expect(aInB.messages.create({ src: '14155550000', dst: '14155551111', text: 'no' })).rejects.toThrow();
    await expect(client(app, a.authId, a.authToken).subaccounts.create('nested')).rejects.toThrow();
  });

  it('refuses a disabled sub-account’s credentials until it is enabled again', async () => {
    const { app, main } = await setUp();
    const sub = await main.subaccounts.create('sleepy', false);
    const asSub = client(app, sub.authId, sub.authToken);

    await expect(asSub.messages.create({ src: '14155550000', dst: '14155551111', text: 'asleep' })).rejects.toThrow(/disabled/);
    await main.subaccounts.update(sub.authId, 'sleepy', true);
    expect((await asSub.messages.create({ src: '14155550000', dst: '14155551111', text: 'awake' })).messageUuid).toHaveLength(1);
  });

  it('keeps sub-accounts across a restart on the same data directory', async () => {
    const { app, main } = await setUp();
    const sub = await main.subaccounts.create('durable', true);
    await app.app.close();

    const again = await rig.app({ clock: 'virtual', data: app.dataDir, account: [`${MAIN_ID}:${MAIN_TOKEN}`] });
    expect((await client(again, sub.authId, sub.authToken).messages.create({ src: '14155550000', dst: '14155551111', text: 'still here' })).messageUuid).toHaveLength(1);
  });
});
