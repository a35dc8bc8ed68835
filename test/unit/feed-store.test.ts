import { describe, expect, it } from 'vitest';
import type { Attempt, Delivery, DeliveryEvent } from '../../web/src/api/types.js';
import { FeedStore, MAX_ROWS, NO_FILTER } from '../../web/src/feed/feed-store.js';

let nextSeq = 1;

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  const seq = overrides.seq ?? nextSeq++;
  return {
    id: `d-${seq}`,
    seq,
    accountId: 'MA1',
    dialect: 'plivo',
    kind: 'notification',
    url: `http://127.0.0.1:9/cb/${seq}`,
    method: 'POST',
    params: {},
    policy: {
      profile: 'plivo-messaging',
      connectTimeoutMs: 1,
      readTimeoutMs: 1,
      totalTimeoutMs: 1,
      retryDelaysMs: [],
      retryOn: [],
      maxRetryAfterMs: 0,
      maxRedirects: 0,
      maxResponseBytes: 1,
      sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' },
    },
    warnings: [],
    resource: null,
    status: 'pending',
    dueAt: 0,
    createdAt: 0,
    updatedAt: seq,
    attemptCount: 0,
    roundAttempts: 0,
    replayCount: 0,
    lastOutcome: null,
    ...overrides,
  };
}

function event(d: Delivery): DeliveryEvent {
  return { type: 'delivery', delivery: d };
}

function attempt(deliveryId: string, number: number, status: number): DeliveryEvent {
  const sent: Attempt = {
    deliveryId,
    number,
    startedAt: 0,
    durationMs: 12,
    request: { method: 'POST', url: 'http://x/', headers: {}, body: '' },
    response: { status, headers: {}, body: '', bodyTruncated: false },
    outcome: { kind: status < 300 ? 'success' : 'http-status', status },
    nextAttemptAt: null,
  };
  return { type: 'attempt', accountId: 'MA1', attempt: sent };
}

const ids = (store: FeedStore): string[] => store.visible.map((row) => row.delivery.id);

describe('the feed store', () => {
  it('keeps deliveries newest first, whatever order their events come in', () => {
    const store = new FeedStore();
    const [a, b, c] = [delivery({ seq: 10 }), delivery({ seq: 11 }), delivery({ seq: 12 })];
    store.apply([event(b), event(c)]);
    store.apply([event(a)]);
    expect(ids(store)).toEqual(['d-12', 'd-11', 'd-10']);
  });

  it("updates a delivery in place with its latest state and attempt, ignoring a stale one", () => {
    const store = new FeedStore();
    const first = delivery({ seq: 20, updatedAt: 100 });
    store.apply([event(first), attempt(first.id, 1, 500)]);
    store.apply([event({ ...first, status: 'succeeded', updatedAt: 300 }), attempt(first.id, 2, 200)]);
    store.apply([event({ ...first, status: 'in-flight', updatedAt: 200 }), attempt(first.id, 1, 500)]);

    const row = store.row(first.id);
    expect(row?.delivery.status).toBe('succeeded');
    expect(row?.lastAttempt?.number).toBe(2);
    expect(store.total).toBe(1);
  });

  it('moves a delivery into a status filter when its status changes to match', () => {
    const store = new FeedStore();
    const pending = delivery({ seq: 30 });
    store.apply([event(pending), event(delivery({ seq: 31, status: 'failed', updatedAt: 31 }))]);
    store.setFilter({ ...NO_FILTER, status: 'succeeded' });
    expect(ids(store)).toEqual([]);

    store.apply([event({ ...pending, status: 'succeeded', updatedAt: 1_000 })]);
    expect(ids(store)).toEqual(['d-30']);
  });

  it('filters by account, dialect, URL, message id and an id fragment, and shows new matches only', () => {
    const store = new FeedStore();
    store.apply([event(delivery({ seq: 40, accountId: 'MA2', resource: 'message:abc' })), event(delivery({ seq: 41, params: { MessageUUID: 'xyz' } }))]);
    store.setFilter({ ...NO_FILTER, accountId: 'MA2' });
    expect(ids(store)).toEqual(['d-40']);
    store.setFilter({ ...NO_FILTER, resourceId: 'xyz' });
    expect(ids(store)).toEqual(['d-41']);
    store.setFilter({ ...NO_FILTER, resourceId: 'abc' });
    expect(ids(store)).toEqual(['d-40']);
    store.setFilter({ ...NO_FILTER, dialect: 'laml' });
    expect(ids(store)).toEqual([]);
    store.setFilter({ ...NO_FILTER, url: '/cb/41' });
    expect(ids(store)).toEqual(['d-41']);

    store.apply([event(delivery({ seq: 42, url: 'http://127.0.0.1:9/cb/41-again' })), event(delivery({ seq: 43 }))]);
    expect(ids(store)).toEqual(['d-42', 'd-41']);
    store.setFilter({ ...NO_FILTER, search: 'D-4' });
    expect(ids(store)).toEqual(['d-43', 'd-42', 'd-41', 'd-40']);
  });

  it(`keeps the newest ${MAX_ROWS} deliveries and lets the oldest go`, () => {
    const store = new FeedStore();
    const base = 100_000;
    store.apply(Array.from({ length: MAX_ROWS + 5 }, (_, i) => event(delivery({ seq: base + i }))));
    expect(store.total).toBe(MAX_ROWS);
    expect(store.visible).toHaveLength(MAX_ROWS);
    expect(store.visible[0]?.delivery.seq).toBe(base + MAX_ROWS + 4);
    expect(store.row(`d-${base}`)).toBeUndefined();
  });
});
