import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { RealClock } from '../../src/clock/real-clock.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Clock } from '../../src/domain/clock.js';
import { DEFAULT_POLICY_SETTINGS } from '../../src/domain/fragment-policy.js';
import { AccountDirectory } from '../../src/delivery/account-directory.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { DeliveryEvents } from '../../src/delivery/events.js';
import { Outbox } from '../../src/delivery/outbox.js';
import type { OutboundRequest, Sender, SendResult } from '../../src/delivery/sender.js';
import { SsrfGuard } from '../../src/delivery/ssrf-guard.js';
import type { Account, DeliveryStore, Store } from '../../src/store/ports.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const ACCOUNT: Account = { id: 'MAWAKEUPTEST000000000', authToken: 'token', lamlProjectId: '11111111-2222-4333-8444-555555555555', signingKey: 'PSK_testkeytestkeytestkey0', parentId: null, name: 'test', createdAt: 0 };

/** Answers every request at once (200, or the status `answer` gives) and remembers it. */
class RecordingSender implements Sender {
  readonly sent: OutboundRequest[] = [];
  answer: (request: OutboundRequest) => number = () => 200;

  async send(request: OutboundRequest): Promise<SendResult> {
    this.sent.push(request);
    const status = this.answer(request);
    return {
      request: { method: request.method, url: request.url, headers: request.headers, body: request.body },
      response: { status, headers: {}, body: 'ok', bodyTruncated: false },
      body: 'ok',
      bodyBytes: Buffer.from('ok'),
      outcome: status < 300 ? { kind: 'success', status } : { kind: 'http-status', status },
      durationMs: 1,
      retryAfter: null,
      redirects: [],
    };
  }

  async close(): Promise<void> {}
}

/**
 * A store whose dispatcher turns can be intercepted once, after the store answered and before the
 * dispatcher sees the answer, to land a producer's commit or a shutdown at the moment the dispatcher
 * is waiting on the store, as happens with a store on another thread.
 */
function interceptingStore(store: Store, hooks: { afterTurn?: (claimed: number) => Promise<void> }): Store {
  const deliveries: DeliveryStore = Object.create(store.deliveries) as DeliveryStore;
  deliveries.recordAndClaim = async (results, claim) => {
    const answer = await store.deliveries.recordAndClaim(results, claim);
    const hook = hooks.afterTurn;
    hooks.afterTurn = undefined;
    await hook?.(answer.claimed.length);
    return answer;
  };
  return Object.assign(Object.create(store) as Store, { deliveries });
}

describe('dispatcher', () => {
  let cleanup: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  async function setUp(hooks: Parameters<typeof interceptingStore>[1], options: { handOff?: boolean; clock?: Clock } = {}) {
    const base = await openSqliteStore({ path: ':memory:' });
    await base.accounts.put(ACCOUNT);
    cleanup.push(() => base.close());
    const store = interceptingStore(base, hooks);
    const clock = options.clock ?? new RealClock();
    const accounts = new AccountDirectory([ACCOUNT]);
    const events = new DeliveryEvents();
    const sender = new RecordingSender();
    const dispatcher = new Dispatcher({
      store,
      clock,
      sender,
      accounts,
      events,
      logger: pino({ level: 'silent' }),
      concurrency: 16,
      recordBodyBytes: 65_536,
      userAgent: 'hookline/test',
      owner: 'dispatcher-test',
    });
    const outbox = new Outbox({
      store,
      clock,
      accounts,
      events,
      ssrf: new SsrfGuard('dev'),
      policySettings: DEFAULT_POLICY_SETTINGS,
      defaultAccountId: ACCOUNT.id,
      wake: () => dispatcher.wake(),
      ...(options.handOff ? { handOff: dispatcher } : {}),
    });
    cleanup.push(() => dispatcher.stop());
    return { base, dispatcher, outbox, sender };
  }

  const callback = (n: number) => ({ url: `http://127.0.0.1:9/cb/${n}`, method: 'POST' as const, params: { N: String(n) }, dialect: 'plivo' as const });

  it('sends a callback enqueued while its turn in the store says nothing is pending', async () => {
    const late: { outbox?: Outbox } = {};
    // The store answers "nothing pending" while the commit lands: the wake it sends must not be lost.
    const { sender, outbox, dispatcher } = await setUp({ afterTurn: async () => void (await late.outbox?.enqueue(callback(1))) });
    late.outbox = outbox;
    dispatcher.start();

    await vi.waitFor(() => expect(sender.sent.map((r) => r.body)).toEqual(['N=1']), { timeout: 2000, interval: 10 });
    await dispatcher.idle();
  });

  it('sends a fresh callback straight after its commit while a turn is held up in the store, and records it meanwhile', async () => {
    let releaseTurn: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseTurn = resolve));
    const { base, sender, outbox, dispatcher } = await setUp({ afterTurn: () => held }, { handOff: true });
    dispatcher.start();

    const [delivery] = await outbox.enqueueMany([callback(3)]);

    expect(delivery?.status).toBe('in-flight');
    await vi.waitFor(() => expect(sender.sent.map((r) => r.body)).toEqual(['N=3']), { timeout: 2000, interval: 10 });
    // The slow turn does not hold back the record of an attempt that ended behind it.
    await vi.waitFor(async () => expect(await base.deliveries.get(delivery?.id ?? '')).toMatchObject({ status: 'succeeded', attemptCount: 1 }), { timeout: 2000, interval: 10 });
    releaseTurn();
    await dispatcher.idle();
  });

  it('sends a retry that came due while the turn recording its failure was on its way back', async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const hooks: Parameters<typeof interceptingStore>[1] = {};
    const { sender, outbox, dispatcher } = await setUp(hooks, { clock });
    sender.answer = () => {
      if (sender.sent.length > 1) return 200;
      // The turn that records this failure is the next: its answer (retry due in a minute) reaches the
      // dispatcher only after the minute has passed, so no timer is left to wait for.
      hooks.afterTurn = () => clock.advance(10 * 60_000);
      return 500;
    };
    dispatcher.start();

    await outbox.enqueue(callback(6));

    await vi.waitFor(() => expect(sender.sent.map((r) => r.body)).toEqual(['N=6', 'N=6']), { timeout: 2000, interval: 10 });
    await dispatcher.idle();
  });

  it('finishes and records the deliveries of a claim that was under way when stop was called', async () => {
    const late: { dispatcher?: Dispatcher } = {};
    let stopped: Promise<void> | undefined;
    const setup = await setUp({
      afterTurn: async (claimed) => {
        expect(claimed).toBe(1);
        stopped = late.dispatcher?.stop();
      },
    });
    late.dispatcher = setup.dispatcher;
    const [delivery] = await setup.outbox.enqueueMany([callback(2)]);
    setup.dispatcher.start();

    await vi.waitFor(() => expect(stopped).toBeDefined(), { timeout: 2000, interval: 5 });
    await stopped;

    // Stop returned: the attempt it let through is on record, not still being written.
    const attempts = await setup.base.deliveries.attempts(delivery!.id);
    expect(attempts.map((a) => a.outcome.kind)).toEqual(['success']);
    expect((await setup.base.deliveries.get(delivery!.id))?.status).toBe('succeeded');
  });
});
