/**
 * Live calls across API nodes on one PostgreSQL database: a call lives in the process that runs it,
 * requests about it reach that process from any node, and when that process dies another node ends the
 * call with 5010 and delivers its hangup callback from the outbox.
 */
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess, killAll } from '../support/cli-process.js';
import { Receiver, type ReceivedRequest } from '../support/receiver.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL call ownership tests');

const AUTH_ID = 'MAPGCALLS00000000001';
const AUTH_TOKEN = 'pgcallstokenpgcallstokenpgcallstoken01';
const FROM = '14155550100';
const NODE_LEASE_MS = 2000;

describe.skipIf(!available)('live calls on API nodes sharing PostgreSQL', () => {
  const processes: ServeProcess[] = [];
  let receiver: Receiver | null = null;
  let database: TestDatabase | null = null;
  afterEach(async () => {
    await killAll(processes);
    await receiver?.stop();
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function node(url: string): Promise<ServeProcess> {
    const args = ['--store', url, '--account', `${AUTH_ID}:${AUTH_TOKEN}`, '--node-lease', String(NODE_LEASE_MS), '--log-level', 'warn'];
    const started = await spawnServe(args);
    processes.push(started);
    return started;
  }

  it('reaches a call from any node, and ends the calls of a killed node with 5010 and their hangup callbacks', async () => {
    database = await createTestDatabase();
    // The app keeps every call on the line until something ends it.
    receiver = await new Receiver((req) =>
      req.url.startsWith('/answer')
        ? { status: 200, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><Response><Wait length="3600"/></Response>' }
        : { status: 200 },
    ).start();
    const app = receiver;
    const [owner, other] = await Promise.all([node(database.url), node(database.url)]);

    const hungUp = await dial(owner, app, '14155550201');
    const orphaned = await dial(owner, app, '14155550202');
    await expect.poll(() => requestsTo(app, '/answer').length, { timeout: 20_000 }).toBe(2);

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
    await expect.poll(() => hangupOf(app, hungUp)?.params.HangupCauseCode, { timeout: 20_000 }).toBe('4000');

    owner.child.kill('SIGKILL');
    await owner.exited;
    // Until the owner's lease runs out the call is still its own; then the other node ends it.
    await expect.poll(() => hangupOf(app, orphaned)?.params, { timeout: 30_000, interval: 200 }).toMatchObject({
      CallUUID: orphaned,
      HangupCauseCode: '5010',
      CallStatus: 'completed',
    });
    const record = await plivo(other, 'GET', `/Call/${orphaned}/`);
    expect(record.body).toMatchObject({ call_uuid: orphaned, hangup_cause_code: 5010 });
    expect(requestsTo(app, '/hangup').filter((r) => r.params.CallUUID === orphaned)).toHaveLength(1);
    expect(other.output()).toMatch(/took over the live calls of a node whose lease ran out/);
  }, 120_000);
});

function requestsTo(receiver: Receiver, path: string): ReceivedRequest[] {
  return receiver.requests.filter((r) => r.url.split('?')[0] === path);
}

function hangupOf(receiver: Receiver, uuid: string): ReceivedRequest | undefined {
  return requestsTo(receiver, '/hangup').find((r) => r.params.CallUUID === uuid);
}

async function dial(node: ServeProcess, app: Receiver, to: string): Promise<string> {
  const made = await plivo(node, 'POST', '/Call/', { from: FROM, to, answer_url: app.url('/answer'), hangup_url: app.url('/hangup') });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return (made.body as { request_uuid: string }).request_uuid;
}

async function plivo(node: ServeProcess, method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<{ status: number; body: unknown }> {
  return call(`${node.url}/v1/Account/${AUTH_ID}${path}`, method, body, { authorization: `Basic ${Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString('base64')}` });
}

async function control(node: ServeProcess, method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: unknown }> {
  return call(`${node.url}/hookline/v1${path}`, method, body, {});
}

async function call(url: string, method: 'GET' | 'POST' | 'DELETE', body: object | undefined, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const response = await request(url, {
    method,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : null };
}
