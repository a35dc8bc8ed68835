/**
 * The far end of messages across API nodes on one PostgreSQL database: one node drives each message
 * (queued, sent, the delivery report), so each gets exactly one sequence of status callbacks, whether
 * its node stays up while others start, is told to move the message from another node, or dies.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess, killAll } from '../support/cli-process.js';
import { control, plivoApi } from '../support/node-api.js';
import { Receiver, type ReceivedRequest } from '../support/receiver.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../store/postgres-server.js';

const available = await postgresAvailable('the PostgreSQL message ownership tests');

const ACCOUNT = { id: 'MAPGMESSAGES00000001', token: 'pgmessagestokenpgmessagestokenpgmsg01' };
const plivo = plivoApi(ACCOUNT);
const FROM = '14155550100';
const NODE_LEASE_MS = 2000;
/** How long after the last report the test keeps listening for a second sequence. */
const QUIET_MS = 4000;

describe.skipIf(!available)('messages on API nodes sharing PostgreSQL', () => {
  const processes: ServeProcess[] = [];
  const databases: TestDatabase[] = [];
  let receiver: Receiver | null = null;
  afterEach(async () => {
    await killAll(processes);
    await receiver?.stop();
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  async function database(): Promise<string> {
    const created = await createTestDatabase();
    databases.push(created);
    return created.url;
  }

  async function nodes(url: string, count: number, ...extra: string[]): Promise<ServeProcess[]> {
    const args = ['--store', url, '--account', `${ACCOUNT.id}:${ACCOUNT.token}`, '--node-lease', String(NODE_LEASE_MS), '--log-level', 'warn', ...extra];
    const started = await Promise.all(Array.from({ length: count }, () => spawnServe(args)));
    processes.push(...started);
    return started;
  }

  async function send(node: ServeProcess, app: Receiver, count: number): Promise<string[]> {
    const dst = Array.from({ length: count }, (_, i) => `1415555${String(1000 + i)}`).join('<');
    const sent = await plivo(node, 'POST', '/Message/', { src: FROM, dst, text: 'one driver', url: app.url('/status') });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return (sent.body as { message_uuid: string[] }).message_uuid;
  }

  it('leaves a live node’s messages to it when other nodes start, and moves one only through its driver', async () => {
    receiver = await new Receiver().start();
    const url = await database();
    // Virtual clocks, so the messages wait for the other nodes: the first start saves its time in the
    // store and the later ones start from it, and each is moved on by the same amount.
    const [driver] = (await nodes(url, 1, '--clock', 'virtual')) as [ServeProcess];
    const messages = await send(driver, receiver, 10);
    // Two nodes start while the first drives its messages: an old node resumed every unfinished one.
    const others = await nodes(url, 2, '--clock', 'virtual');
    const [moved] = (await send(driver, receiver, 1)) as [string];
    const undelivered = await control(others[0] as ServeProcess, 'POST', `/messages/${moved}/status`, { status: 'undelivered', errorCode: 30 });
    expect(undelivered.status, JSON.stringify(undelivered.body)).toBe(200);

    for (const node of [driver, ...others]) expect((await control(node, 'POST', '/clock/advance', { ms: 10_000 })).status).toBe(200);

    const expected = new Map(messages.map((uuid) => [uuid, ['queued', 'sent', 'delivered']]));
    expected.set(moved, ['queued', 'sent', 'undelivered']);
    await expectOneSequenceEach(receiver, expected);
  }, 90_000);

  it('goes on with a killed node’s messages from one other node, however many start', async () => {
    receiver = await new Receiver().start();
    const url = await database();
    // Its callbacks are sent by the other nodes' dispatchers, so none is left in flight under its lease.
    const [dying] = (await nodes(url, 1, '--no-dispatch')) as [ServeProcess];
    const messages = await send(dying, receiver, 20);
    dying.child.kill('SIGKILL');
    await dying.exited;

    const survivors = await nodes(url, 2);

    await expectOneSequenceEach(receiver, new Map(messages.map((uuid) => [uuid, ['queued', 'sent', 'delivered']])));
    const takers = survivors.filter((node) => /took over the messages of a node whose lease ran out/.test(node.output()));
    expect(takers.length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

/**
 * Every message gets its statuses in order, each from one delivery (a delivery sent twice by a dying
 * dispatcher keeps its id; a message driven twice would make a second one), and nothing more comes.
 */
async function expectOneSequenceEach(receiver: Receiver, expected: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const last = (uuid: string): string | undefined => sequenceOf(receiver.requests, uuid).at(-1);
  await expect.poll(() => [...expected].filter(([uuid, statuses]) => last(uuid) !== statuses.at(-1)).length, { timeout: 45_000, interval: 250 }).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  for (const [uuid, statuses] of expected) expect(sequenceOf(receiver.requests, uuid), uuid).toEqual(statuses);
}

/**
 * The statuses one message's callbacks reported, one per delivery, in the order of their Sequence
 * (several can be due at once after a takeover, and go out side by side).
 */
function sequenceOf(requests: readonly ReceivedRequest[], uuid: string): string[] {
  const byDelivery = new Map<string, { status: string; sequence: number }>();
  for (const { params, headers } of requests) {
    if (params.MessageUUID !== uuid) continue;
    byDelivery.set(headers['x-hookline-delivery-id'] as string, { status: params.Status as string, sequence: Number(params.Sequence) });
  }
  return [...byDelivery.values()].sort((a, b) => a.sequence - b.sequence).map((callback) => callback.status);
}
