import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { configSchema } from '../../src/config/schema.js';
import { advance, AUTH_ID, FROM, lamlSetUp, OTHER, PROJECT, SIGNING_KEY, TO, TOKEN } from '../support/laml-project.js';
import { signalwireClient, signedForBoth, twilioClient } from '../support/laml-sdk.js';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const rig = useRig();

interface ListedAccount {
  authId: string;
  authToken: string;
  lamlProjectId: string;
  signingKey: string;
  parentId: string | null;
  name: string;
  enabled: boolean;
  dev: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function listAccounts(app: { control<T>(method: 'GET', path: string): Promise<{ status: number; body: T }> }): Promise<ListedAccount[]> {
  const listed = await app.control<{ accounts: ListedAccount[] }>('GET', '/accounts');
  expect(listed.status).toBe(200);
  return listed.body.accounts;
}

describe('LaML identity: project id and signing key', () => {
  it('signs a webhook with the signing key: both SDK validators accept it with the key and refuse it with the auth token', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig);
    await signalwire.messages.create({ to: TO, from: FROM, body: 'signed', statusCallback: appServer.url('/status') });
    await advance(app, 3_000);

    expect(appServer.requests.length).toBeGreaterThan(0);
    for (const received of appServer.requests) {
      expect(received.params.AccountSid).toBe(PROJECT);
      expect(signedForBoth(SIGNING_KEY, received)).toEqual({ signalwire: true, twilio: true });
      expect(signedForBoth(TOKEN, received)).toEqual({ signalwire: false, twilio: false });
    }
  });

  it('verifies a LaML delivery on the control API with the signing key, not the auth token', async () => {
    const { app, appServer, signalwire } = await lamlSetUp(rig);
    await signalwire.messages.create({ to: TO, from: FROM, body: 'verify me', statusCallback: appServer.url('/status') });
    await advance(app, 3_000);
    const deliveryId = appServer.requests[0]?.headers['x-hookline-delivery-id'];
    const verify = (token: string) => app.control<{ valid: boolean; scheme: string }>('POST', `/deliveries/${deliveryId}/attempts/1/verify`, { token });

    expect((await verify(SIGNING_KEY)).body).toMatchObject({ valid: true, scheme: 'laml' });
    expect((await verify(TOKEN)).body).toMatchObject({ valid: false, scheme: 'laml' });
  });

  it('takes the auth id as Basic user name and in the path, as setups made before project ids did, and still answers as the project', async () => {
    const { app } = await lamlSetUp(rig);
    const byAuthId = signalwireClient(app.url, AUTH_ID, TOKEN);

    const made = await byAuthId.messages.create({ to: TO, from: FROM, body: 'old setup' });

    expect(made).toMatchObject({ accountSid: PROJECT, uri: `/api/laml/2010-04-01/Accounts/${PROJECT}/Messages/${made.sid}.json` });
    expect(await twilioClient(app.url, PROJECT, TOKEN).messages(made.sid).fetch()).toMatchObject({ sid: made.sid, accountSid: PROJECT });
  });

  it('refuses the project id with another project’s token, and the signing key as a password', async () => {
    const { app } = await lamlSetUp(rig);
    const auth = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const path = `${app.url}/api/laml/2010-04-01/Accounts/${PROJECT}/Messages.json`;

    expect((await request(path, { headers: auth(PROJECT, SIGNING_KEY) })).statusCode).toBe(401);
    expect((await request(`${app.url}/api/laml/2010-04-01/Accounts/${OTHER}/Messages.json`, { headers: auth(PROJECT, TOKEN) })).statusCode).toBe(401);
    expect((await request(path, { headers: auth(PROJECT, TOKEN) })).statusCode).toBe(200);
  });

  it('gives the dev account a UUID project id and a PSK_ signing key that survive a restart on the same data file', async () => {
    const first = await rig.app({ clock: 'virtual' });
    const [dev] = await listAccounts(first);
    await first.app.close();

    const again = await rig.app({ clock: 'virtual', data: first.dataDir });
    const afterRestart = await listAccounts(again);

    expect(dev).toMatchObject({ authId: expect.stringMatching(/^MA[A-Z0-9]{18}$/), lamlProjectId: expect.stringMatching(UUID), signingKey: expect.stringMatching(/^PSK_[A-Za-z0-9]{24}$/), dev: true });
    expect(afterRestart).toEqual([dev]);
    const made = await signalwireClient(again.url, dev!.lamlProjectId, dev!.authToken).messages.create({ to: TO, from: FROM, body: 'dev' });
    expect(made.accountSid).toBe(dev!.lamlProjectId);
    rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('keeps the project id and key generated for a two-part --account across restarts, and lets a UUID auth id stand for its own project', async () => {
    const project = '0f8e4d2c-7b6a-4c1d-9e8f-1a2b3c4d5e6f';
    const accounts = ['MAGENERATED000000001:tok-one', `${project}:tok-two`];
    const first = await rig.app({ account: accounts });
    const before = await listAccounts(first);
    await first.app.close();
    const again = await rig.app({ account: accounts, data: first.dataDir });

    expect(before).toEqual([
      expect.objectContaining({ authId: 'MAGENERATED000000001', lamlProjectId: expect.stringMatching(UUID), signingKey: expect.stringMatching(/^PSK_/), dev: true }),
      expect.objectContaining({ authId: project, lamlProjectId: project, signingKey: expect.stringMatching(/^PSK_/), dev: false }),
    ]);
    expect(await listAccounts(again)).toEqual(before);
    rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('refuses to start with two accounts given one project id, naming both', async () => {
    const config = configSchema.parse({ data: ':memory:', account: [`MAFIRST:one:${PROJECT}`, `MASECOND:two:${PROJECT}:${SIGNING_KEY}`] });
    await expect(createApp(config, { logger: pino({ level: 'silent' }) })).rejects.toThrow(
      `--account: MAFIRST and MASECOND both have the LaML project id ${PROJECT}; give each account a project id of its own`,
    );
  });

  it('lists every account with its Plivo and LaML credentials, sub-accounts with their own identity', async () => {
    const { app } = await lamlSetUp(rig);
    const sub = await plivoClient(app.url, AUTH_ID, TOKEN).subaccounts.create('team-a', true);

    const accounts = await listAccounts(app);

    expect(accounts.slice(0, 1)).toEqual([{ authId: AUTH_ID, authToken: TOKEN, lamlProjectId: PROJECT, signingKey: SIGNING_KEY, parentId: null, name: AUTH_ID, enabled: true, dev: true }]);
    const listedSub = accounts.find((account) => account.authId === sub.authId);
    expect(listedSub).toMatchObject({ parentId: AUTH_ID, name: 'team-a', lamlProjectId: expect.stringMatching(UUID), signingKey: expect.stringMatching(/^PSK_/), dev: false });
    expect(new Set(accounts.map((account) => account.lamlProjectId)).size).toBe(accounts.length);
    expect(new Set(accounts.map((account) => account.signingKey)).size).toBe(accounts.length);

    // The main project reaches its sub-account's project by the sub's project id, shown as the sub's.
    const asMain = twilioClient(app.url, PROJECT, TOKEN);
    asMain.accountSid = listedSub!.lamlProjectId;
    const made = await asMain.messages.create({ to: TO, from: FROM, body: 'for team a' });
    expect(made).toMatchObject({ accountSid: listedSub!.lamlProjectId });
  });

  it('sends X-SignalWire-Signature alone with --no-twilio-signature, still valid for the signing key', async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${AUTH_ID}:${TOKEN}:${PROJECT}:${SIGNING_KEY}`], twilioSignature: false });
    const appServer = await rig.receiver();
    await signalwireClient(app.url, PROJECT, TOKEN).messages.create({ to: TO, from: FROM, body: 'one header', statusCallback: appServer.url('/status') });
    await advance(app, 3_000);

    expect(appServer.requests.length).toBeGreaterThan(0);
    for (const received of appServer.requests) {
      expect(received.headers['x-twilio-signature']).toBeUndefined();
      expect(signedForBoth(SIGNING_KEY, received).signalwire).toBe(true);
    }
  });
});
