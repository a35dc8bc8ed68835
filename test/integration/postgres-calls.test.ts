/**
 * Live calls across API nodes on one PostgreSQL database: a call (an A leg or a Dial's B leg) lives in
 * the process that runs it, requests about it reach that process from any node, every node lists the
 * live calls of all, and when that process dies another node ends its calls with 5010 and delivers
 * their hangup callbacks from the outbox.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess, killAll } from '../support/cli-process.js';
import { control, lamlApi, plivoApi } from '../support/node-api.js';
import { Receiver, type ReceivedRequest, type Reply } from '../support/receiver.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL call ownership tests');

const ACCOUNT = { id: 'MAPGCALLS00000000001', token: 'pgcallstokenpgcallstokenpgcallstoken01' };
const PROJECT = { id: '5f0c1d7e-3b9a-4c21-9a51-2f6b0e8d4c11', token: 'PSKpgcallsprojecttokenpgcallsproj01' };
const plivo = plivoApi(ACCOUNT);
const laml = lamlApi(PROJECT);
const FROM = '14155550100';
/** A magic number whose phone rings until the Dial's timeout: a B leg that stays ringing. */
const RINGS_ON = '15551010000';
const NODE_LEASE_MS = 2000;

const document = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0"?><Response>${body}</Response>` });

describe.skipIf(!available)('live calls on API nodes sharing PostgreSQL', () => {
  const processes: ServeProcess[] = [];
  let receiver: Receiver | null = null;
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    await killAll(processes);
    await receiver?.stop();
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  async function nodes(count: number): Promise<ServeProcess[]> {
    const database = await createTestDatabase();
    databases.push(database);
    const args = ['--store', database.url, '--account', `${ACCOUNT.id}:${ACCOUNT.token}`, '--account', `${PROJECT.id}:${PROJECT.token}`];
    const started = await Promise.all(Array.from({ length: count }, () => spawnServe([...args, '--node-lease', String(NODE_LEASE_MS), '--log-level', 'warn'])));
    processes.push(...started);
    return started;
  }

  /** The user's app: the documents it answers by path (any other request gets a bare 200). */
  async function app(routes: (app: Receiver) => Record<string, Reply>): Promise<Receiver> {
    let byPath: Record<string, Reply> = {};
    receiver = await new Receiver((req) => byPath[req.url.split('?')[0] as string] ?? { status: 200 }).start();
    byPath = routes(receiver);
    return receiver;
  }

  it('reaches a call from any node, and ends the calls of a killed node with 5010 and their hangup callbacks', async () => {
    // The app keeps every call on the line until something ends it.
    const receiver = await app(() => ({ '/answer': document('<Wait length="3600"/>') }));
    const [owner, other] = (await nodes(2)) as [ServeProcess, ServeProcess];

    const hungUp = await dial(owner, receiver, '14155550201');
    const orphaned = await dial(owner, receiver, '14155550202');
    await expect.poll(() => requestsTo(receiver, '/answer').length, { timeout: 20_000 }).toBe(2);

    // Asked on the other node, which does not run them, the calls answer as their owner has them.
    const live = await plivo(other, 'GET', `/Call/${orphaned}/?status=live`);
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    expect(live.body).toMatchObject({ call_uuid: orphaned, call_status: 'in-progress' });
    const steps = await control(other, 'GET', `/calls/${orphaned}/timeline`);
    expect(steps.status).toBe(200);
    expect(steps.body).toMatchObject({ call: { uuid: orphaned, status: 'in-progress' } });
    expect((await control(other, 'POST', `/calls/${orphaned}/digits`, { digits: '5' })).status).toBe(200);

    // Hung up through the other node: the owner ends it as for its own request.
    expect((await plivo(other, 'DELETE', `/Call/${hungUp}/`)).status).toBe(204);
    await expect.poll(() => hangupOf(receiver, hungUp)?.params.HangupCauseCode, { timeout: 20_000 }).toBe('4000');

    owner.child.kill('SIGKILL');
    await owner.exited;
    // Until the owner's lease runs out the call is still its own; then the other node ends it.
    await expect.poll(() => hangupOf(receiver, orphaned)?.params, { timeout: 30_000, interval: 200 }).toMatchObject({
      CallUUID: orphaned,
      HangupCauseCode: '5010',
      CallStatus: 'completed',
    });
    const record = await plivo(other, 'GET', `/Call/${orphaned}/`);
    expect(record.body).toMatchObject({ call_uuid: orphaned, hangup_cause_code: 5010 });
    expect(requestsTo(receiver, '/hangup').filter((r) => r.params.CallUUID === orphaned)).toHaveLength(1);
    expect(other.output()).toMatch(/took over the live calls of a node whose lease ran out/);
  }, 120_000);

  it('reaches a Dial’s B leg from any node, lists every node’s live calls on each, and ends a killed node’s B legs with 5010', async () => {
    const receiver = await app((self) => ({
      // Rings for up to ten minutes: the B leg is still ringing when its node is killed, however slow the machine.
      '/dialling': document(`<Dial callbackUrl="${self.url('/dial')}" timeout="600"><Number>${RINGS_ON}</Number></Dial>`),
      '/waiting': document('<Wait length="3600"/>'),
    }));
    const [owner, other] = (await nodes(2)) as [ServeProcess, ServeProcess];

    const bridged = await dial(owner, receiver, '14155550301', '/dialling');
    const orphaned = await dial(owner, receiver, '14155550302', '/dialling');
    const elsewhere = await dial(other, receiver, '14155550303', '/waiting');
    const bridgedB = await bLegOf(other, bridged);
    const orphanedB = await bLegOf(other, orphaned);

    // Each node lists the live calls of both, B legs included, whichever runs them.
    const everyLiveCall = [bridged, orphaned, elsewhere, bridgedB, orphanedB].sort();
    for (const node of [owner, other]) {
      await expect.poll(async () => ((await plivo(node, 'GET', '/Call/?status=live')).body as { calls: string[] }).calls.sort(), { timeout: 20_000 }).toEqual(everyLiveCall);
    }
    const ringing = await control(other, 'GET', '/calls?status=ringing');
    expect((ringing.body as { calls: Array<{ uuid: string }> }).calls.map((c) => c.uuid).sort()).toEqual([bridgedB, orphanedB].sort());

    // The B leg answers as its owner has it, and the far end's control and a hangup reach it there.
    const live = await plivo(other, 'GET', `/Call/${bridgedB}/?status=live`);
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    expect(live.body).toMatchObject({ call_uuid: bridgedB, call_status: 'ringing' });
    expect((await control(other, 'POST', `/calls/${bridgedB}/answer`)).status).toBe(200);
    await expect.poll(() => dialEvent(receiver, bridgedB, 'answer'), { timeout: 20_000 }).toBeDefined();
    expect((await control(other, 'POST', `/calls/${bridgedB}/digits`, { digits: '7' })).status).toBe(200);
    expect((await plivo(other, 'DELETE', `/Call/${bridgedB}/`)).status).toBe(204);
    await expect.poll(() => dialEvent(receiver, bridgedB, 'hangup')?.params.DialBLegStatus, { timeout: 20_000 }).toBe('completed');
    expect((await plivo(other, 'GET', `/Call/${bridgedB}/`)).body).toMatchObject({ call_uuid: bridgedB, hangup_cause_code: 4000 });

    owner.child.kill('SIGKILL');
    await owner.exited;
    // The dead node's ringing B leg ends with its A leg once the lease runs out.
    await expect.poll(async () => (await plivo(other, 'GET', `/Call/${orphanedB}/`)).body, { timeout: 30_000, interval: 200 }).toMatchObject({
      call_uuid: orphanedB,
      hangup_cause_code: 5010,
      parent_call_uuid: orphaned,
    });
    await expect.poll(() => hangupOf(receiver, orphaned)?.params.HangupCauseCode, { timeout: 30_000 }).toBe('5010');
    await expect.poll(async () => ((await plivo(other, 'GET', '/Call/?status=live')).body as { calls: string[] }).calls, { timeout: 20_000 }).toEqual([elsewhere]);
  }, 120_000);

  it('fetches, redirects and ends a LaML call from a node that does not run it, and lists every node’s calls in progress', async () => {
    const receiver = await app(() => ({ '/voice': document('<Pause length="3600"/>'), '/moved': document('<Say>moved</Say><Pause length="3600"/>') }));
    const [owner, other] = (await nodes(2)) as [ServeProcess, ServeProcess];
    const create = async (node: ServeProcess, to: string): Promise<string> => {
      const made = await laml(node, 'POST', '/Calls.json', { To: `+${to}`, From: `+${FROM}`, Url: receiver.url('/voice'), StatusCallback: receiver.url('/status') });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      return (made.body as { sid: string }).sid;
    };
    const sid = await create(owner, '14155550401');
    const elsewhere = await create(other, '14155550402');
    await expect.poll(() => requestsTo(receiver, '/voice').length, { timeout: 20_000 }).toBe(2);

    for (const node of [owner, other]) {
      const page = await laml(node, 'GET', '/Calls.json?Status=in-progress');
      expect((page.body as { calls: Array<{ sid: string }> }).calls.map((c) => c.sid).sort()).toEqual([sid, elsewhere].sort());
    }
    const fetched = await laml(other, 'GET', `/Calls/${sid}.json`);
    expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
    expect(fetched.body).toMatchObject({ sid, status: 'in-progress' });

    // The owner refuses as it would if asked directly, in LaML's error shape.
    const refused = await laml(other, 'POST', `/Calls/${sid}.json`, { Status: 'canceled' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 10000 });

    const redirected = await laml(other, 'POST', `/Calls/${sid}.json`, { Url: receiver.url('/moved') });
    expect(redirected.status, JSON.stringify(redirected.body)).toBe(200);
    await expect.poll(() => requestsTo(receiver, '/moved').map((r) => r.params.CallSid), { timeout: 20_000 }).toEqual([sid]);

    const ended = await laml(other, 'POST', `/Calls/${sid}.json`, { Status: 'completed' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    await expect.poll(() => requestsTo(receiver, '/status').find((r) => r.params.CallSid === sid)?.params.CallStatus, { timeout: 20_000 }).toBe('completed');
    expect((await laml(other, 'GET', `/Calls/${sid}.json`)).body).toMatchObject({ sid, status: 'completed' });
    const stillInProgress = await laml(owner, 'GET', '/Calls.json?Status=in-progress');
    expect((stillInProgress.body as { calls: Array<{ sid: string }> }).calls.map((c) => c.sid)).toEqual([elsewhere]);
  }, 120_000);
});

function requestsTo(receiver: Receiver, path: string): ReceivedRequest[] {
  return receiver.requests.filter((r) => r.url.split('?')[0] === path);
}

function hangupOf(receiver: Receiver, uuid: string): ReceivedRequest | undefined {
  return requestsTo(receiver, '/hangup').find((r) => r.params.CallUUID === uuid);
}

function dialEvent(receiver: Receiver, bLeg: string, action: string): ReceivedRequest | undefined {
  return requestsTo(receiver, '/dial').find((r) => r.params.DialBLegUUID === bLeg && r.params.DialAction === action);
}

async function dial(node: ServeProcess, app: Receiver, to: string, answer = '/answer'): Promise<string> {
  const made = await plivo(node, 'POST', '/Call/', { from: FROM, to, answer_url: app.url(answer), hangup_url: app.url('/hangup') });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return (made.body as { request_uuid: string }).request_uuid;
}

/** The B leg an A leg's Dial started, from the A leg's timeline, asked on `node`. */
async function bLegOf(node: ServeProcess, aLeg: string): Promise<string> {
  let bLeg: string | undefined;
  await expect
    .poll(
      async () => {
        const { body } = await control(node, 'GET', `/calls/${aLeg}/timeline`);
        bLeg = (body as { events?: Array<{ data?: { bLegUuid?: string } }> }).events?.find((event) => event.data?.bLegUuid)?.data?.bLegUuid;
        return bLeg;
      },
      { timeout: 20_000 },
    )
    .toBeDefined();
  return bLeg as string;
}
