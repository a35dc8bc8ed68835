import { describe, expect, it } from 'vitest';
import { plivoClient } from '../support/plivo-sdk.js';
import { useRig } from '../support/rig.js';

const ACCOUNT = 'MAHOOKLINECALLLIST01';
const TOKEN = 'calllisttokencalllisttokencalllisttok001';
const OTHER = 'MAHOOKLINECALLLIST02';
const OTHER_TOKEN = 'othercalllisttokenothercalllisttoken0002';

const rig = useRig();

interface CallSummary {
  uuid: string;
  accountId: string;
  status: string;
  hangupCause: string | null;
  endedAt: number | null;
}

describe('GET /hookline/v1/calls', () => {
  it("lists every account's calls newest first, filtered by account and status, with how each ended", async () => {
    const app = await rig.app({ clock: 'virtual', account: [`${ACCOUNT}:${TOKEN}`, `${OTHER}:${OTHER_TOKEN}`] });
    const appServer = await rig.receiver(() => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<Response><Wait length="60"/></Response>' }));
    const first = await plivoClient(app.url, ACCOUNT, TOKEN).calls.create('14155550100', '14155550199', appServer.url('/answer'));
    await app.control('POST', '/clock/advance', { ms: 1 });
    const second = await plivoClient(app.url, OTHER, OTHER_TOKEN).calls.create('14155550100', '14155550198', appServer.url('/answer'));
    await app.control('POST', '/clock/advance', { ms: 3_000 });
    expect((await app.control('POST', `/calls/${first.requestUuid as string}/hangup`)).status).toBe(200);
    await app.control('POST', '/clock/advance', { ms: 0 });

    const all = await app.control<{ calls: CallSummary[]; total: number }>('GET', '/calls');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.calls.map((call) => call.uuid)).toEqual([second.requestUuid, first.requestUuid]);
    const ended = all.body.calls[1]!;
    expect(ended).toMatchObject({ status: 'completed', hangupCause: '4000 Normal Hangup (Callee)' });
    expect(ended.endedAt).not.toBeNull();

    const one = await app.control<{ calls: CallSummary[] }>('GET', `/calls?accountId=${OTHER}`);
    expect(one.body.calls.map((call) => call.uuid)).toEqual([second.requestUuid]);
    const live = await app.control<{ calls: CallSummary[] }>('GET', '/calls?status=in-progress');
    expect(live.body.calls.map((call) => call.uuid)).toEqual([second.requestUuid]);
  });

  it('refuses an unknown status with the field named', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const refused = await app.control<{ error: { field: string } }>('GET', '/calls?status=dancing');
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('status');
  });

  it('refuses a misspelt filter with 400 naming it and the filters there are, instead of listing every call', async () => {
    const app = await rig.app({ clock: 'virtual' });
    const refused = await app.control<{ error: { field: string; fix: string } }>('GET', '/calls?account=MAELSEWHERE');
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('account');
    expect(refused.body.error.fix).toContain('accountId');
  });
});
