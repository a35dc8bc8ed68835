import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { DEFAULT_POLICY_SETTINGS } from '../../src/domain/fragment-policy.js';
import { InputError } from '../../src/domain/errors.js';
import { AccountDirectory } from '../../src/delivery/account-directory.js';
import { DeliveryEvents } from '../../src/delivery/events.js';
import { Outbox } from '../../src/delivery/outbox.js';
import { SsrfGuard, type SsrfMode } from '../../src/delivery/ssrf-guard.js';
import type { Account, Store } from '../../src/store/ports.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const ACCOUNT: Account = { id: 'MAOUTBOXTEST000000000', authToken: 'token', lamlProjectId: '11111111-2222-4333-8444-555555555555', signingKey: 'PSK_testkeytestkeytestkey0', parentId: null, name: 'test', createdAt: 0 };

describe('outbox', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function outbox(ssrf: SsrfMode = 'dev'): Promise<Outbox> {
    store = await openSqliteStore({ path: ':memory:' });
    await store.accounts.put(ACCOUNT);
    return new Outbox({
      store,
      clock: new VirtualClock(1_700_000_000_000),
      accounts: new AccountDirectory([ACCOUNT]),
      events: new DeliveryEvents(),
      ssrf: new SsrfGuard(ssrf),
      policySettings: DEFAULT_POLICY_SETTINGS,
      defaultAccountId: ACCOUNT.id,
      wake: () => undefined,
    });
  }

  it('gives each callback the policy of its own profile and fragment, however often a URL repeats', async () => {
    const callbacks = await outbox();
    const url = 'https://app.example/status#rt=300&zz=1';
    const base = { url, method: 'POST' as const, params: {}, dialect: 'plivo' as const };

    const [messaging, answer, again, plain] = await callbacks.enqueueMany([
      { ...base, profile: 'plivo-messaging' },
      { ...base, profile: 'plivo-voice' },
      { ...base, profile: 'plivo-messaging' },
      { ...base, url: 'https://app.example/status', profile: 'plivo-messaging' },
    ]);

    expect(messaging?.policy.retryDelaysMs).toEqual([60_000, 120_000, 240_000]);
    expect(answer?.policy.profile).toBe('plivo-voice');
    expect(answer?.policy.readTimeoutMs).toBe(300);
    expect(again?.policy).toEqual(messaging?.policy);
    expect(again?.warnings).toEqual(messaging?.warnings);
    expect(messaging?.warnings.join()).toContain('zz');
    expect(plain?.warnings).toEqual([]);
    // Stored as resolved, not just returned so.
    expect((await store?.deliveries.get(answer?.id ?? ''))?.policy).toEqual(answer?.policy);
  });

  it('refuses a loopback URL in strict mode every time it is offered, storing nothing', async () => {
    const callbacks = await outbox('strict');
    const refused = { url: 'http://127.0.0.1:9/hook', method: 'POST' as const, params: {}, dialect: 'standard' as const };

    for (let i = 0; i < 2; i++) await expect(callbacks.enqueue(refused)).rejects.toBeInstanceOf(InputError);

    expect(await store?.deliveries.countByStatus()).toMatchObject({ pending: 0 });
  });
});
