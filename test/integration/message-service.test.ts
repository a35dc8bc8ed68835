import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { AccountDirectory } from '../../src/delivery/account-directory.js';
import { DeliveryEvents } from '../../src/delivery/events.js';
import { Outbox } from '../../src/delivery/outbox.js';
import { SsrfGuard } from '../../src/delivery/ssrf-guard.js';
import { DEFAULT_POLICY_SETTINGS } from '../../src/domain/fragment-policy.js';
import type { PlivoMessage } from '../../src/domain/plivo-message.js';
import { MESSAGE_RESOURCE, MessageService } from '../../src/engine/plivo/message-service.js';
import type { Account, Store } from '../../src/store/ports.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const ACCOUNT: Account = { id: 'MAMESSAGESERVICE0001', authToken: 'token', lamlProjectId: '11111111-2222-4333-8444-555555555555', signingKey: 'PSK_testkeytestkeytestkey0', parentId: null, name: 'test', createdAt: 0 };

describe('the far end of Plivo messages', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('does not play a step that a live status change overtook while its timer was firing', async () => {
    const base = (store = await openSqliteStore({ path: ':memory:' }));
    // Reads can be held, so the live change is still reading when the clock fires the step.
    let hold: Promise<void> | null = null;
    const slowStore: Store = Object.assign(Object.create(base) as Store, {
      getResource: async (type: string, id: string) => {
        if (hold) await hold;
        return base.getResource(type, id);
      },
    });
    const clock = new VirtualClock(1_700_000_000_000);
    const accounts = new AccountDirectory([ACCOUNT]);
    const outbox = new Outbox({
      store: slowStore,
      clock,
      accounts,
      events: new DeliveryEvents(),
      ssrf: new SsrfGuard('dev'),
      policySettings: DEFAULT_POLICY_SETTINGS,
      defaultAccountId: ACCOUNT.id,
      wake: () => undefined,
    });
    const documents = { fetchDocument: () => Promise.reject(new Error('this test asks for no documents')) };
    const messages = new MessageService({ store: slowStore, clock, callbacks: outbox, documents, logger: pino({ level: 'silent' }) });
    const [sent] = await messages.send({ accountId: ACCOUNT.id, from: '14155550000', to: ['14155551111'], text: 'race', url: null, method: 'POST', log: true });
    const uuid = (sent as PlivoMessage).uuid;

    let release: () => void = () => undefined;
    hold = new Promise((resolve) => (release = resolve));
    const changing = messages.setStatus(uuid, 'failed', 900);
    await clock.advance(1000);
    hold = null;
    release();
    await changing;
    await messages.idle();

    expect((await base.getResource(MESSAGE_RESOURCE, uuid))?.state).toMatchObject({ status: 'failed', errorCode: 900, next: null });
  });
});
