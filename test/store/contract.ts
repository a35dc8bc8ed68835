import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attempt, Delivery, DeliveryStatus, NewDelivery } from '../../src/domain/delivery.js';
import type { AttemptOutcome } from '../../src/domain/outcome.js';
import type { DeliveryPolicy } from '../../src/domain/policy.js';
import type { AttemptResult, DeliveryFilter, SinkRequest, Store } from '../../src/store/ports.js';

/** A store opened for one test of the contract. */
export interface ContractStore {
  readonly store: Store;
  /** Close the store (again, if the test closed it) and remove its data. */
  cleanup(): Promise<void>;
  /** Open another store on the same data, as a restarted process would; absent for a throwaway store. */
  reopen?(): Promise<Store>;
}

/**
 * The storage contract: every behaviour the outbox, the dispatcher, the document fetcher, the control
 * API and retention rely on, written against the Store ports only, so the SQLite and PostgreSQL stores
 * run the same suite. `open` must return an empty store; `cleanup` closes it and removes its data.
 * `persistent` says whether `open` gives a `reopen` (false for a throwaway store such as `:memory:`).
 */
export function describeStoreContract(name: string, open: () => Promise<ContractStore>, options: { persistent: boolean } = { persistent: true }): void {
  describe(`${name}: storage contract`, () => {
    let store: Store;
    let opened: ContractStore;
    const reopened: Store[] = [];

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      for (const other of reopened.splice(0)) await other.close();
      await opened.cleanup();
    });

    /** Another store on this test's data, closed after the test. */
    async function reopen(): Promise<Store> {
      if (!opened.reopen) throw new Error(`${name} was declared persistent but its open() gives no reopen()`);
      const other = await opened.reopen();
      reopened.push(other);
      return other;
    }

    /** Commit deliveries (one transaction) and read them back as stored. */
    async function enqueue(...overrides: Array<Partial<NewDelivery>>): Promise<Delivery[]> {
      const fresh = overrides.map((o) => newDelivery(o));
      await store.commit({ deliveries: fresh });
      return Promise.all(fresh.map(async (d) => must(await store.deliveries.get(d.id), d.id)));
    }

    async function claimAll(owner = 'owner-a', now = T0 + HOUR): Promise<Delivery[]> {
      return store.deliveries.claimDue({ now, limit: 1000, owner, leaseUntil: WALL + 60_000 });
    }

    /** Take a delivery through one attempt that ends as `next` says. */
    async function attemptOnce(delivery: Delivery, next: AttemptResult['next'], outcome: AttemptOutcome, startedAt = T0): Promise<Attempt> {
      const [claimed] = await store.deliveries.claimDue({ now: delivery.dueAt, limit: 1, owner: 'owner-a', leaseUntil: WALL + 60_000 });
      expect(claimed?.id).toBe(delivery.id);
      const attempt = attemptFor(must(claimed, delivery.id), { outcome, startedAt, nextAttemptAt: next.status === 'pending' ? next.dueAt : null });
      await store.deliveries.recordAttempts([{ attempt, next }], 'owner-a');
      return attempt;
    }

    describe('the transactional outbox (commit)', () => {
      it('stores a change set’s resource and its deliveries, giving the deliveries increasing seqs in order', async () => {
        const first = newDelivery({ resource: 'message:m1' });
        const second = newDelivery({ resource: 'message:m1' });
        const result = await store.commit({
          resources: [{ type: 'message', id: 'm1', accountId: ACCOUNT, state: { status: 'queued' }, updatedAt: T0 }],
          deliveries: [first, second],
        });

        expect(result.deliverySeqs).toHaveLength(2);
        const [seq1, seq2] = result.deliverySeqs as [number, number];
        expect(seq2).toBeGreaterThan(seq1);
        expect((await store.deliveries.get(first.id))?.seq).toBe(seq1);
        expect((await store.deliveries.get(second.id))?.seq).toBe(seq2);
        expect(await store.getResource('message', 'm1')).toEqual({
          type: 'message',
          id: 'm1',
          accountId: ACCOUNT,
          state: { status: 'queued' },
          updatedAt: T0,
        });
      });

      it('stores a new delivery as pending with every field as given and no attempts', async () => {
        const fresh = newDelivery({ url: 'https://app.example/status?x=1#rc=3&rt=5000', resource: 'call:c1', warnings: ['rt clamped to 5000'] });
        await store.commit({ deliveries: [fresh] });

        const stored = must(await store.deliveries.get(fresh.id), fresh.id);
        expect(stored).toEqual({
          ...fresh,
          seq: stored.seq,
          status: 'pending',
          attemptCount: 0,
          roundAttempts: 0,
          replayCount: 0,
          lastOutcome: null,
          updatedAt: fresh.createdAt,
        });
        expect(await store.deliveries.attempts(fresh.id)).toEqual([]);
      });

      it('gives later commits higher seqs', async () => {
        const a = await store.commit({ deliveries: [newDelivery()] });
        const b = await store.commit({ deliveries: [newDelivery()] });
        expect(b.deliverySeqs[0]).toBeGreaterThan(a.deliverySeqs[0] as number);
      });

      it('stores nothing from a change set whose second delivery violates a constraint', async () => {
        const [existing] = await enqueue({});
        const ok = newDelivery();
        const clash = newDelivery({ id: must(existing, 'existing').id });

        await expect(
          store.commit({
            resources: [{ type: 'message', id: 'm-doomed', accountId: ACCOUNT, state: { status: 'sent' }, updatedAt: T0 }],
            deliveries: [ok, clash],
          }),
        ).rejects.toThrow();

        expect(await store.getResource('message', 'm-doomed')).toBeNull();
        expect(await store.deliveries.get(ok.id)).toBeNull();
        expect((await store.deliveries.list({}, { limit: 10 })).items.map((d) => d.id)).toEqual([existing?.id]);
        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 1 }));
      });

      it('stores nothing from a change set that repeats a delivery id within itself', async () => {
        const twice = newDelivery();
        await expect(store.commit({ deliveries: [twice, { ...twice }] })).rejects.toThrow();
        expect(await store.deliveries.get(twice.id)).toBeNull();
      });

      it('commits concurrent change sets independently: one that fails takes none of the others with it', async () => {
        const [existing] = await enqueue({});
        const first = newDelivery();
        const doomed = newDelivery();
        const clash = newDelivery({ id: must(existing, 'existing').id });

        const results = await Promise.allSettled([
          store.commit({ deliveries: [first] }),
          store.commit({
            resources: [{ type: 'message', id: 'm-doomed', accountId: ACCOUNT, state: {}, updatedAt: T0 }],
            deliveries: [doomed, clash],
          }),
          store.commit({ resources: [{ type: 'message', id: 'm-ok', accountId: ACCOUNT, state: { ok: true }, updatedAt: T0 }] }),
        ]);

        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((await store.deliveries.get(first.id))?.status).toBe('pending');
        expect(await store.deliveries.get(doomed.id)).toBeNull();
        expect(await store.getResource('message', 'm-doomed')).toBeNull();
        expect((await store.getResource('message', 'm-ok'))?.state).toEqual({ ok: true });
      });

      it('gives concurrent commits distinct seqs', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.commit({ deliveries: [newDelivery(), newDelivery()] })));
        const seqs = results.flatMap((r) => r.deliverySeqs);
        expect(new Set(seqs).size).toBe(40);
      });

      it('keeps working after a rejected change set', async () => {
        const twice = newDelivery();
        await expect(store.commit({ deliveries: [twice, twice] })).rejects.toThrow();
        const later = newDelivery();
        await store.commit({ deliveries: [later] });
        expect((await store.deliveries.get(later.id))?.status).toBe('pending');
      });

      it('replaces a resource’s state and account on a later commit, keyed by type and id', async () => {
        await store.commit({ resources: [{ type: 'call', id: 'x1', accountId: ACCOUNT, state: { status: 'ringing' }, updatedAt: T0 }] });
        await store.commit({ resources: [{ type: 'message', id: 'x1', accountId: ACCOUNT, state: { status: 'queued' }, updatedAt: T0 }] });
        await store.commit({ resources: [{ type: 'call', id: 'x1', accountId: OTHER_ACCOUNT, state: { status: 'in-progress', legs: [1, 2] }, updatedAt: T0 + 5 }] });

        expect(await store.getResource('call', 'x1')).toEqual({
          type: 'call',
          id: 'x1',
          accountId: OTHER_ACCOUNT,
          state: { status: 'in-progress', legs: [1, 2] },
          updatedAt: T0 + 5,
        });
        expect((await store.getResource('message', 'x1'))?.state).toEqual({ status: 'queued' });
      });

      it('commits the first `count` deliveries of a leased change set in flight under the lease, the rest pending', async () => {
        const [a, b, c] = [newDelivery({ dueAt: T0 }), newDelivery({ dueAt: T0 }), newDelivery({ dueAt: T0 })];
        await store.commit({ deliveries: [a, b, c], lease: { owner: 'owner-a', leaseUntil: WALL, count: 2 } });

        expect((await store.deliveries.get(a.id))?.status).toBe('in-flight');
        expect((await store.deliveries.get(b.id))?.status).toBe('in-flight');
        // Only the one left pending can be claimed.
        expect((await claimAll('owner-b', T0)).map((d) => d.id)).toEqual([c.id]);
        // The lease is real: its owner records the attempt, and an expired one is reclaimed.
        await store.deliveries.recordAttempts([{ attempt: attemptFor({ ...a, attemptCount: 0 }, { outcome: SUCCESS }), next: { status: 'succeeded' } }], 'owner-a');
        expect((await store.deliveries.get(a.id))?.status).toBe('succeeded');
        expect(await store.deliveries.reclaimExpiredLeases(WALL + 1, T0 + 5)).toBe(1);
        expect(await store.deliveries.get(b.id)).toMatchObject({ status: 'pending', dueAt: T0 + 5 });
      });

      it('returns no seqs for an empty change set', async () => {
        expect(await store.commit({})).toEqual({ deliverySeqs: [] });
      });

      it('lists resources of a type newest first by first write, by account and state fields, with the total', async () => {
        const write = (id: string, accountId: string, status: string) =>
          store.commit({ resources: [{ type: 'message', id, accountId, state: { status, direction: 'outbound' }, updatedAt: T0 }] });
        await write('m1', ACCOUNT, 'queued');
        await write('m2', OTHER_ACCOUNT, 'queued');
        await write('m3', ACCOUNT, 'delivered');
        await write('m4', ACCOUNT, 'queued');
        await store.commit({ resources: [{ type: 'call', id: 'c1', accountId: ACCOUNT, state: { status: 'queued' }, updatedAt: T0 }] });
        // Rewriting m1 changes its state but not its place.
        await write('m1', ACCOUNT, 'delivered');

        const ids = async (query: Parameters<Store['listResources']>[0], limit = 10, offset = 0) => {
          const page = await store.listResources(query, { limit, offset });
          return { ids: page.items.map((r) => r.id), total: page.total };
        };
        expect(await ids({ type: 'message' })).toEqual({ ids: ['m4', 'm3', 'm2', 'm1'], total: 4 });
        expect(await ids({ type: 'message', accountId: ACCOUNT })).toEqual({ ids: ['m4', 'm3', 'm1'], total: 3 });
        expect(await ids({ type: 'message', accountId: ACCOUNT, where: { status: 'delivered' } })).toEqual({ ids: ['m3', 'm1'], total: 2 });
        expect(await ids({ type: 'message', accountId: ACCOUNT, where: { status: 'delivered', direction: 'inbound' } })).toEqual({ ids: [], total: 0 });
        expect(await ids({ type: 'message' }, 2, 1)).toEqual({ ids: ['m3', 'm2'], total: 4 });
        expect((await store.listResources({ type: 'message' }, { limit: 1, offset: 0 })).items[0]).toMatchObject({ accountId: ACCOUNT, state: { status: 'queued' } });
      });

      it('lists resources whose state fields start with a prefix, % and _ in it meaning themselves', async () => {
        const write = (id: string, to: string) => store.commit({ resources: [{ type: 'call', id, accountId: ACCOUNT, state: { to, status: 'completed' }, updatedAt: T0 }] });
        await write('c1', '14155550100');
        await write('c2', '14165550100');
        await write('c3', '1415%_0100');
        const ids = async (query: Parameters<Store['listResources']>[0]) => (await store.listResources(query, { limit: 10, offset: 0 })).items.map((r) => r.id);
        expect(await ids({ type: 'call', startsWith: { to: '1415' } })).toEqual(['c3', 'c1']);
        expect(await ids({ type: 'call', startsWith: { to: '1415%' } })).toEqual(['c3']);
        expect(await ids({ type: 'call', where: { status: 'completed' }, startsWith: { to: '14155550100' } })).toEqual(['c1']);
        await expect(store.listResources({ type: 'call', startsWith: { "to') OR 1=1 --": 'x' } }, { limit: 10, offset: 0 })).rejects.toThrow(/state field/);
      });

      it('lists resources whose state fields are set, counting a null or a missing field as not set', async () => {
        const write = (id: string, state: Record<string, unknown>) => store.commit({ resources: [{ type: 'call', id, accountId: ACCOUNT, state, updatedAt: T0 }] });
        await write('ended', { to: '14155550100', endedAt: T0 });
        await write('live', { to: '14155550101', endedAt: null });
        await write('old', { to: '14155550102' });
        const page = await store.listResources({ type: 'call', present: ['endedAt'] }, { limit: 10, offset: 0 });
        expect(page).toMatchObject({ items: [{ id: 'ended' }], total: 1 });
        expect((await store.listResources({ type: 'call', present: ['endedAt'], startsWith: { to: '1415555010' } }, { limit: 10, offset: 0 })).total).toBe(1);
        await expect(store.listResources({ type: 'call', present: ["endedAt') OR 1=1 --"] }, { limit: 10, offset: 0 })).rejects.toThrow(/state field/);
      });

      it('deletes a resource of one type, saying whether it existed', async () => {
        await store.commit({ resources: [{ type: 'number', id: '14155550100', accountId: ACCOUNT, state: {}, updatedAt: T0 }] });
        await store.commit({ resources: [{ type: 'application', id: '14155550100', accountId: ACCOUNT, state: {}, updatedAt: T0 }] });
        expect(await store.deleteResource('number', '14155550100')).toBe(true);
        expect(await store.deleteResource('number', '14155550100')).toBe(false);
        expect(await store.getResource('number', '14155550100')).toBeNull();
        expect(await store.getResource('application', '14155550100')).not.toBeNull();
      });

      it('refuses a state field that is not a plain name, listing nothing', async () => {
        await expect(store.listResources({ type: 'message', where: { "status') OR 1=1 --": 'x' } }, { limit: 10, offset: 0 })).rejects.toThrow(/state field/);
      });

      it('returns null for a resource never written', async () => {
        expect(await store.getResource('call', 'nope')).toBeNull();
      });
    });

    describe('claiming due deliveries', () => {
      it('claims due deliveries oldest due first, in insertion order when due at the same time', async () => {
        const [late, early, middle, earlyToo] = await enqueue({ dueAt: T0 + 30 }, { dueAt: T0 + 10 }, { dueAt: T0 + 20 }, { dueAt: T0 + 10 });

        const claimed = await claimAll();

        expect(claimed.map((d) => d.id)).toEqual([early?.id, earlyToo?.id, middle?.id, late?.id]);
      });

      it('claims at most `limit`, taking the oldest due and leaving the rest for the next claim', async () => {
        const [d1, d2, d3] = await enqueue({ dueAt: T0 + 3 }, { dueAt: T0 + 1 }, { dueAt: T0 + 2 });

        const first = await store.deliveries.claimDue({ now: T0 + 10, limit: 2, owner: 'owner-a', leaseUntil: WALL });
        const second = await store.deliveries.claimDue({ now: T0 + 10, limit: 2, owner: 'owner-a', leaseUntil: WALL });

        expect(first.map((d) => d.id)).toEqual([d2?.id, d3?.id]);
        expect(second.map((d) => d.id)).toEqual([d1?.id]);
      });

      it('claims a delivery due exactly now, and never one due later', async () => {
        const [now, later] = await enqueue({ dueAt: T0 }, { dueAt: T0 + 1 });

        const claimed = await store.deliveries.claimDue({ now: T0, limit: 10, owner: 'owner-a', leaseUntil: WALL });

        expect(claimed.map((d) => d.id)).toEqual([now?.id]);
        expect((await store.deliveries.get(must(later, 'later').id))?.status).toBe('pending');
      });

      it('returns claimed deliveries in flight, with everything the sender needs', async () => {
        const [stored] = await enqueue({ params: { MessageUUID: 'm1', Status: 'delivered' }, method: 'GET', dialect: 'plivo' });

        const [claimed] = await claimAll();

        expect(claimed).toEqual({ ...stored, status: 'in-flight' });
        expect((await store.deliveries.get(must(stored, 'stored').id))?.status).toBe('in-flight');
      });

      it('never claims a delivery already in flight, even once its lease has expired, until the lease is reclaimed', async () => {
        await enqueue({ dueAt: T0 });
        await store.deliveries.claimDue({ now: T0, limit: 10, owner: 'owner-a', leaseUntil: WALL - 1 });

        expect(await store.deliveries.claimDue({ now: T0 + HOUR, limit: 10, owner: 'owner-b', leaseUntil: WALL + 1000 })).toEqual([]);
      });

      it('never claims a finished delivery', async () => {
        const [d] = await enqueue({});
        await attemptOnce(must(d, 'd'), { status: 'succeeded' }, SUCCESS);

        expect(await claimAll('owner-b', T0 + 365 * 24 * HOUR)).toEqual([]);
      });

      it('claims nothing when asked for none', async () => {
        await enqueue({});
        expect(await store.deliveries.claimDue({ now: T0 + HOUR, limit: 0, owner: 'owner-a', leaseUntil: WALL })).toEqual([]);
        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 1 }));
      });
    });

    describe('leases', () => {
      it('returns in-flight deliveries whose lease expired to pending at the given due time, leaving live leases alone', async () => {
        const [expired, live] = await enqueue({ dueAt: T0 }, { dueAt: T0 + 1 });
        await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL + 10 });
        await store.deliveries.claimDue({ now: T0 + 1, limit: 1, owner: 'owner-b', leaseUntil: WALL + 1000 });

        const reclaimed = await store.deliveries.reclaimExpiredLeases(WALL + 500, T0 + 77);

        expect(reclaimed).toBe(1);
        expect(await store.deliveries.get(must(expired, 'expired').id)).toMatchObject({ status: 'pending', dueAt: T0 + 77 });
        expect((await store.deliveries.get(must(live, 'live').id))?.status).toBe('in-flight');
      });

      it('renews the leases an owner holds, so they outlive their first end, and leaves another owner\'s alone', async () => {
        const [mine, theirs] = await enqueue({ dueAt: T0 }, { dueAt: T0 + 1 });
        await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL + 10 });
        await store.deliveries.claimDue({ now: T0 + 1, limit: 1, owner: 'owner-b', leaseUntil: WALL + 10 });
        const ids = [must(mine, 'mine').id, must(theirs, 'theirs').id, 'no-such-delivery'];

        expect(await store.deliveries.renewLeases(ids, 'owner-a', WALL + 1000)).toBe(1);

        expect(await store.deliveries.reclaimExpiredLeases(WALL + 500, T0 + 77)).toBe(1);
        expect((await store.deliveries.get(must(mine, 'mine').id))?.status).toBe('in-flight');
        expect(await store.deliveries.get(must(theirs, 'theirs').id)).toMatchObject({ status: 'pending', dueAt: T0 + 77 });
        expect(await store.deliveries.renewLeases([], 'owner-a', WALL + 2000)).toBe(0);
      });

      it('does not reclaim a lease that expires exactly now', async () => {
        await enqueue({ dueAt: T0 });
        await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL });
        expect(await store.deliveries.reclaimExpiredLeases(WALL, T0)).toBe(0);
      });

      it('lets another owner claim a delivery once its expired lease is reclaimed', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL });
        await store.deliveries.reclaimExpiredLeases(WALL + 1, T0 + 5);

        const claimed = await store.deliveries.claimDue({ now: T0 + 5, limit: 10, owner: 'owner-b', leaseUntil: WALL + 1000 });

        expect(claimed.map((c) => c.id)).toEqual([d?.id]);
      });

      it('releases every in-flight delivery to pending at the given due time, and only those', async () => {
        const [a, b, waiting] = await enqueue({ dueAt: T0 }, { dueAt: T0 + 1 }, { dueAt: T0 + HOUR * 10 });
        await store.deliveries.claimDue({ now: T0 + 1, limit: 10, owner: 'owner-a', leaseUntil: WALL + HOUR });

        expect(await store.deliveries.releaseAllLeases(T0 + 50)).toBe(2);

        for (const d of [a, b]) expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({ status: 'pending', dueAt: T0 + 50 });
        expect(await store.deliveries.get(must(waiting, 'waiting').id)).toMatchObject({ status: 'pending', dueAt: T0 + HOUR * 10 });
        expect(await store.deliveries.releaseAllLeases(T0 + 60)).toBe(0);
      });
    });

    describe('recording attempts', () => {
      it('moves a delivery back to pending at its retry time, counting the attempt', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        const outcome: AttemptOutcome = { kind: 'http-status', status: 500 };

        await attemptOnce(must(d, 'd'), { status: 'pending', dueAt: T0 + 60_000 }, outcome, T0 + 2);

        expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({
          status: 'pending',
          dueAt: T0 + 60_000,
          attemptCount: 1,
          roundAttempts: 1,
          replayCount: 0,
          lastOutcome: outcome,
          updatedAt: T0 + 2,
        });
      });

      it('claims a retried delivery again only once its retry is due', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        await attemptOnce(must(d, 'd'), { status: 'pending', dueAt: T0 + 60_000 }, { kind: 'http-status', status: 503 });

        expect(await store.deliveries.claimDue({ now: T0 + 59_999, limit: 10, owner: 'owner-a', leaseUntil: WALL })).toEqual([]);
        const [again] = await store.deliveries.claimDue({ now: T0 + 60_000, limit: 10, owner: 'owner-a', leaseUntil: WALL });
        expect(again).toMatchObject({ id: d?.id, attemptCount: 1, roundAttempts: 1 });
      });

      it('marks a delivery succeeded after a successful attempt', async () => {
        const [d] = await enqueue({});
        await attemptOnce(must(d, 'd'), { status: 'succeeded' }, SUCCESS, T0 + 9);

        expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({
          status: 'succeeded',
          dueAt: d?.dueAt,
          attemptCount: 1,
          roundAttempts: 1,
          lastOutcome: SUCCESS,
          updatedAt: T0 + 9,
        });
      });

      it('marks a delivery failed after its last attempt fails', async () => {
        const [d] = await enqueue({});
        const outcome: AttemptOutcome = { kind: 'connect-failed', detail: 'ECONNREFUSED 127.0.0.1:9' };
        await attemptOnce(must(d, 'd'), { status: 'failed' }, outcome);

        expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({ status: 'failed', attemptCount: 1, lastOutcome: outcome });
      });

      it('records a whole batch of results for different deliveries in one call', async () => {
        const [a, b, c] = await enqueue({ dueAt: T0 }, { dueAt: T0 }, { dueAt: T0 });
        const claimed = await claimAll();
        const byId = new Map(claimed.map((d) => [d.id, d]));
        const results: AttemptResult[] = [
          { attempt: attemptFor(must(byId.get(must(a, 'a').id), 'a'), { outcome: SUCCESS }), next: { status: 'succeeded' } },
          {
            attempt: attemptFor(must(byId.get(must(b, 'b').id), 'b'), { outcome: { kind: 'http-status', status: 500 }, nextAttemptAt: T0 + 60_000 }),
            next: { status: 'pending', dueAt: T0 + 60_000 },
          },
          { attempt: attemptFor(must(byId.get(must(c, 'c').id), 'c'), { outcome: { kind: 'http-status', status: 404 } }), next: { status: 'failed' } },
        ];

        await store.deliveries.recordAttempts(results, 'owner-a');

        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 1, succeeded: 1, failed: 1 }));
        for (const d of [a, b, c]) expect(await store.deliveries.attempts(must(d, 'd').id)).toHaveLength(1);
      });

      it('stores an attempt exactly as given: request, response, truncation flag, outcome and retry time', async () => {
        const [d] = await enqueue({});
        const [claimed] = await claimAll();
        const attempt: Attempt = {
          ...attemptFor(must(claimed, 'claimed'), { outcome: { kind: 'http-status', status: 503 }, nextAttemptAt: T0 + 60_000 }),
          durationMs: 12.5,
          request: {
            method: 'POST',
            url: 'https://app.example/status?x=1',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-plivo-signature-v3': 'abc=' },
            body: 'MessageUUID=m1&Status=delivered',
          },
          response: { status: 503, headers: { 'retry-after': '120' }, body: 'x'.repeat(100), bodyTruncated: true },
        };

        await store.deliveries.recordAttempts([{ attempt, next: { status: 'pending', dueAt: T0 + 60_000 } }], 'owner-a');

        expect(await store.deliveries.attempts(must(d, 'd').id)).toEqual([attempt]);
      });

      it('stores an attempt that got no response, with a GET request that had no body', async () => {
        const [d] = await enqueue({ method: 'GET' });
        const [claimed] = await claimAll();
        const attempt: Attempt = {
          ...attemptFor(must(claimed, 'claimed'), { outcome: { kind: 'read-timeout', detail: 'no response headers within 5000 ms' } }),
          request: { method: 'GET', url: 'https://app.example/status?Status=delivered', headers: {}, body: null },
          response: null,
        };

        await store.deliveries.recordAttempts([{ attempt, next: { status: 'failed' } }], 'owner-a');

        expect(await store.deliveries.attempts(must(d, 'd').id)).toEqual([attempt]);
      });

      it('lists a delivery’s attempts in order, across retries', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        const steps: Array<[AttemptResult['next'], AttemptOutcome]> = [
          [{ status: 'pending', dueAt: T0 + 60_000 }, { kind: 'http-status', status: 500 }],
          [{ status: 'pending', dueAt: T0 + 180_000 }, { kind: 'http-status', status: 500 }],
          [{ status: 'succeeded' }, SUCCESS],
        ];
        let current = must(d, 'd');
        for (const [i, [next, outcome]] of steps.entries()) {
          await attemptOnce(current, next, outcome, T0 + i);
          current = must(await store.deliveries.get(current.id), 'current');
        }

        const attempts = await store.deliveries.attempts(current.id);

        expect(attempts.map((a) => a.number)).toEqual([1, 2, 3]);
        expect(attempts.map((a) => a.startedAt)).toEqual([T0, T0 + 1, T0 + 2]);
        expect(current).toMatchObject({ status: 'succeeded', attemptCount: 3, roundAttempts: 3 });
      });

      it('still records an attempt whose lease another owner took, without moving the delivery', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        const [claimedByA] = await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL });
        await store.deliveries.reclaimExpiredLeases(WALL + 1, T0 + 1);
        const [claimedByB] = await store.deliveries.claimDue({ now: T0 + 1, limit: 1, owner: 'owner-b', leaseUntil: WALL + 1000 });
        expect(claimedByB?.id).toBe(d?.id);

        const late = attemptFor(must(claimedByA, 'claimedByA'), { outcome: SUCCESS });
        await store.deliveries.recordAttempts([{ attempt: late, next: { status: 'succeeded' } }], 'owner-a');

        expect(await store.deliveries.attempts(must(d, 'd').id)).toEqual([late]);
        expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({ status: 'in-flight', attemptCount: 0 });

        const own = attemptFor(must(claimedByB, 'claimedByB'), { outcome: SUCCESS, startedAt: T0 + 1 });
        await store.deliveries.recordAttempts([{ attempt: own, next: { status: 'succeeded' } }], 'owner-b');
        expect(await store.deliveries.get(must(d, 'd').id)).toMatchObject({ status: 'succeeded', attemptCount: 1 });
        expect(await store.deliveries.attempts(must(d, 'd').id)).toHaveLength(2);
      });

      it('accepts an empty batch', async () => {
        await expect(store.deliveries.recordAttempts([], 'owner-a')).resolves.toBeUndefined();
      });
    });

    describe('a dispatcher turn (recordAndClaim)', () => {
      it('records the results, then claims the due deliveries, then reports when the next pending one is due', async () => {
        const [first] = await enqueue({ dueAt: T0 });
        const [claimed] = await claimAll('owner-a', T0);
        const [due1, due2, later] = await enqueue({ dueAt: T0 + 1 }, { dueAt: T0 + 2 }, { dueAt: T0 + HOUR });
        const result: AttemptResult = {
          attempt: attemptFor(must(claimed, 'claimed'), { outcome: { kind: 'http-status', status: 500 }, nextAttemptAt: T0 + 60_000 }),
          next: { status: 'pending', dueAt: T0 + 60_000 },
        };

        const turn = await store.deliveries.recordAndClaim([result], { now: T0 + 10, limit: 10, owner: 'owner-a', leaseUntil: WALL });

        expect(turn.claimed.map((d) => d.id)).toEqual([due1?.id, due2?.id]);
        expect(turn.claimed.every((d) => d.status === 'in-flight')).toBe(true);
        // The retry the turn just recorded is the earliest pending delivery, before `later`.
        expect(turn.nextDueAt).toBe(T0 + 60_000);
        expect(await store.deliveries.get(must(first, 'first').id)).toMatchObject({ status: 'pending', attemptCount: 1 });
        expect(await store.deliveries.attempts(must(first, 'first').id)).toEqual([result.attempt]);
        expect((await store.deliveries.get(must(later, 'later').id))?.status).toBe('pending');
      });

      it('claims no more than the limit, and a retry recorded in the same turn only once it is due', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        const [claimed] = await claimAll('owner-a', T0);
        await enqueue({ dueAt: T0 }, { dueAt: T0 }, { dueAt: T0 });
        const retryNow: AttemptResult = {
          attempt: attemptFor(must(claimed, 'claimed'), { outcome: { kind: 'read-timeout', detail: 'rt' }, nextAttemptAt: T0 + 5 }),
          next: { status: 'pending', dueAt: T0 + 5 },
        };

        const turn = await store.deliveries.recordAndClaim([retryNow], { now: T0, limit: 2, owner: 'owner-a', leaseUntil: WALL });

        expect(turn.claimed).toHaveLength(2);
        expect(turn.claimed.map((c) => c.id)).not.toContain(d?.id);
        expect(turn.nextDueAt).toBe(T0);
        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 2, 'in-flight': 2 }));
      });

      it('after a full claim reports the earliest row left unclaimed, not one another dispatcher holds', async () => {
        await enqueue({ dueAt: T0 });
        await claimAll('owner-b', T0);
        const [next, left] = await enqueue({ dueAt: T0 + 1 }, { dueAt: T0 + 2 });

        const turn = await store.deliveries.recordAndClaim([], { now: T0 + 10, limit: 1, owner: 'owner-a', leaseUntil: WALL });

        expect(turn.claimed.map((d) => d.id)).toEqual([next?.id]);
        expect(turn.nextDueAt).toBe(left?.dueAt);
      });

      it('with a limit of 0 only records, and with nothing pending reports null', async () => {
        await enqueue({ dueAt: T0 });
        const [claimed] = await claimAll('owner-a', T0);
        const done: AttemptResult = { attempt: attemptFor(must(claimed, 'claimed'), { outcome: SUCCESS }), next: { status: 'succeeded' } };

        const turn = await store.deliveries.recordAndClaim([done], { now: T0, limit: 0, owner: 'owner-a', leaseUntil: WALL });

        expect(turn).toEqual({ claimed: [], nextDueAt: null });
        expect(await store.deliveries.countByStatus()).toEqual(counts({ succeeded: 1 }));
        expect(await store.deliveries.recordAndClaim([], { now: T0 + HOUR, limit: 5, owner: 'owner-a', leaseUntil: WALL })).toEqual({
          claimed: [],
          nextDueAt: null,
        });
      });

      it('stores nothing of a turn whose claim cannot be made: the results are not half-written', async () => {
        const [d] = await enqueue({ dueAt: T0 });
        const [claimed] = await claimAll('owner-a', T0);
        const done: AttemptResult = { attempt: attemptFor(must(claimed, 'claimed'), { outcome: SUCCESS }), next: { status: 'succeeded' } };

        // A lease owner must be text: the claim fails after the results were written in the same transaction.
        const bad = { now: T0, limit: 5, owner: { not: 'text' } as unknown as string, leaseUntil: WALL };
        await enqueue({ dueAt: T0 });
        await expect(store.deliveries.recordAndClaim([done], bad)).rejects.toThrow();

        expect(await store.deliveries.attempts(must(d, 'd').id)).toEqual([]);
        expect((await store.deliveries.get(must(d, 'd').id))?.status).toBe('in-flight');
      });
    });

    describe('finished document fetches (recordFinished)', () => {
      it('stores the delivery and all its attempts at once, counted, with the last outcome', async () => {
        const [before] = await enqueue({});
        const delivery = newDelivery({ kind: 'document', dialect: 'plivo', resource: 'call:c1' });
        const first = attemptFor({ ...delivery, attemptCount: 0 }, { outcome: { kind: 'connect-timeout', detail: 'ct 2000 ms' }, startedAt: T0 + 1, nextAttemptAt: T0 + 1 });
        const second = attemptFor({ ...delivery, attemptCount: 1 }, { outcome: SUCCESS, startedAt: T0 + 2000 });

        await store.deliveries.recordFinished({ delivery, status: 'succeeded', attempts: [first, second] });

        const stored = must(await store.deliveries.get(delivery.id), delivery.id);
        expect(stored).toEqual({
          ...delivery,
          seq: stored.seq,
          status: 'succeeded',
          attemptCount: 2,
          roundAttempts: 2,
          replayCount: 0,
          lastOutcome: SUCCESS,
          updatedAt: T0 + 2000,
        });
        expect(stored.seq).toBeGreaterThan(must(before, 'before').seq);
        expect(await store.deliveries.attempts(delivery.id)).toEqual([first, second]);
      });

      it('stores a failed fetch that is never claimed', async () => {
        const delivery = newDelivery({ kind: 'document' });
        const attempt = attemptFor({ ...delivery, attemptCount: 0 }, { outcome: { kind: 'http-status', status: 404 } });

        await store.deliveries.recordFinished({ delivery, status: 'failed', attempts: [attempt] });

        expect((await store.deliveries.get(delivery.id))?.status).toBe('failed');
        expect(await claimAll()).toEqual([]);
        expect(await store.deliveries.nextDueAt()).toBeNull();
      });

      it('refuses a finished delivery whose id is taken, storing none of its attempts', async () => {
        const [d] = await enqueue({});
        const again = newDelivery({ id: must(d, 'd').id, kind: 'document' });
        const attempt = attemptFor({ ...again, attemptCount: 0 }, { outcome: SUCCESS });

        await expect(store.deliveries.recordFinished({ delivery: again, status: 'succeeded', attempts: [attempt] })).rejects.toThrow();

        expect(await store.deliveries.attempts(again.id)).toEqual([]);
        expect((await store.deliveries.get(again.id))?.status).toBe('pending');
      });
    });

    describe('replay', () => {
      it('makes a finished delivery pending with a fresh retry round, keeping its attempt count', async () => {
        const [d] = await enqueue({});
        await attemptOnce(must(d, 'd'), { status: 'failed' }, { kind: 'http-status', status: 500 });

        const replayed = await store.deliveries.replay(must(d, 'd').id, T0 + HOUR, T0 + HOUR - 5);

        const expected = {
          status: 'pending',
          dueAt: T0 + HOUR,
          attemptCount: 1,
          roundAttempts: 0,
          replayCount: 1,
          lastOutcome: { kind: 'http-status', status: 500 },
          updatedAt: T0 + HOUR - 5,
        };
        expect(replayed).toMatchObject(expected);
        expect(await store.deliveries.get(must(d, 'd').id)).toEqual(replayed);
      });

      it('numbers the attempts of a replayed delivery on from the earlier ones', async () => {
        const [d] = await enqueue({});
        await attemptOnce(must(d, 'd'), { status: 'succeeded' }, SUCCESS);
        const replayed = must(await store.deliveries.replay(must(d, 'd').id, T0 + HOUR, T0 + HOUR), 'replayed');

        await attemptOnce(replayed, { status: 'succeeded' }, SUCCESS, T0 + HOUR);

        expect(await store.deliveries.get(replayed.id)).toMatchObject({ status: 'succeeded', attemptCount: 2, roundAttempts: 1, replayCount: 1 });
        expect((await store.deliveries.attempts(replayed.id)).map((a) => a.number)).toEqual([1, 2]);
      });

      it('counts every replay', async () => {
        const [d] = await enqueue({});
        await attemptOnce(must(d, 'd'), { status: 'succeeded' }, SUCCESS);
        const once = must(await store.deliveries.replay(must(d, 'd').id, T0 + 10, T0 + 10), 'once');
        await attemptOnce(once, { status: 'failed' }, { kind: 'http-status', status: 400 });

        expect(await store.deliveries.replay(once.id, T0 + 20, T0 + 20)).toMatchObject({ replayCount: 2, status: 'pending', attemptCount: 2 });
      });

      it('returns a pending delivery unchanged', async () => {
        const [d] = await enqueue({ dueAt: T0 + 500 });
        expect(await store.deliveries.replay(must(d, 'd').id, T0 + HOUR, T0 + HOUR)).toEqual(d);
        expect(await store.deliveries.get(must(d, 'd').id)).toEqual(d);
      });

      it('returns an in-flight delivery unchanged', async () => {
        await enqueue({});
        const [claimed] = await claimAll();
        expect(await store.deliveries.replay(must(claimed, 'claimed').id, T0 + HOUR, T0 + HOUR)).toEqual(claimed);
        expect((await store.deliveries.get(must(claimed, 'claimed').id))?.status).toBe('in-flight');
      });

      it('returns null for a delivery that does not exist', async () => {
        expect(await store.deliveries.replay(randomUUID(), T0, T0)).toBeNull();
      });
    });

    describe('listing deliveries', () => {
      async function listAll(filter: DeliveryFilter, limit: number): Promise<{ pages: Delivery[][]; cursors: Array<string | null> }> {
        const pages: Delivery[][] = [];
        const cursors: Array<string | null> = [];
        let after: string | undefined;
        do {
          const page = await store.deliveries.list(filter, { after, limit });
          pages.push(page.items);
          cursors.push(page.nextCursor);
          after = page.nextCursor ?? undefined;
        } while (after !== undefined && pages.length < 100);
        return { pages, cursors };
      }

      it('lists newest first', async () => {
        const stored = await enqueue({}, {}, {});
        const { items, nextCursor } = await store.deliveries.list({}, { limit: 10 });
        expect(items).toEqual([...stored].reverse());
        expect(nextCursor).toBeNull();
      });

      it('pages through every delivery once with opaque string cursors, null on the last page', async () => {
        const stored = await enqueue({}, {}, {}, {}, {}, {}, {});

        const { pages, cursors } = await listAll({}, 3);

        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((d) => d.id)).toEqual([...stored].reverse().map((d) => d.id));
        expect(typeof cursors[0]).toBe('string');
        expect(cursors.at(-1)).toBeNull();
      });

      it('does not hand out a cursor to an empty page when the last page is full', async () => {
        await enqueue({}, {}, {}, {});
        const { pages } = await listAll({}, 2);
        expect(pages.map((p) => p.length)).toEqual([2, 2]);
      });

      it('keeps its place when newer deliveries arrive between pages', async () => {
        const stored = await enqueue({}, {}, {}, {});
        const first = await store.deliveries.list({}, { limit: 2 });
        await enqueue({});
        const second = await store.deliveries.list({}, { after: first.nextCursor ?? undefined, limit: 2 });
        expect(second.items.map((d) => d.id)).toEqual([stored[1]?.id, stored[0]?.id]);
      });

      it('filters by account', async () => {
        const [mine] = await enqueue({ accountId: OTHER_ACCOUNT }, {});
        const { items } = await store.deliveries.list({ accountId: OTHER_ACCOUNT }, { limit: 10 });
        expect(items.map((d) => d.id)).toEqual([mine?.id]);
      });

      it('filters by status', async () => {
        const [done] = await enqueue({}, {});
        await attemptOnce(must(done, 'done'), { status: 'succeeded' }, SUCCESS);

        expect((await store.deliveries.list({ status: 'succeeded' }, { limit: 10 })).items.map((d) => d.id)).toEqual([done?.id]);
        expect((await store.deliveries.list({ status: 'pending' }, { limit: 10 })).items).toHaveLength(1);
        expect((await store.deliveries.list({ status: 'in-flight' }, { limit: 10 })).items).toEqual([]);
      });

      it('filters by a substring of the URL', async () => {
        const [hooks] = await enqueue({ url: 'https://a.example/hooks/status' }, { url: 'https://b.example/other' });
        const { items } = await store.deliveries.list({ url: 'hooks/stat' }, { limit: 10 });
        expect(items.map((d) => d.id)).toEqual([hooks?.id]);
      });

      it('treats % and _ in the URL filter as themselves, not wildcards', async () => {
        const [percent, underscore] = await enqueue(
          { url: 'https://a.example/100%25/x' },
          { url: 'https://a.example/a_b' },
          { url: 'https://a.example/100abc/x' },
          { url: 'https://a.example/axb' },
        );
        expect((await store.deliveries.list({ url: '100%' }, { limit: 10 })).items.map((d) => d.id)).toEqual([percent?.id]);
        expect((await store.deliveries.list({ url: 'a_b' }, { limit: 10 })).items.map((d) => d.id)).toEqual([underscore?.id]);
        expect((await store.deliveries.list({ url: '\\' }, { limit: 10 })).items).toEqual([]);
      });

      it('filters by the exact causing resource', async () => {
        const [c1] = await enqueue({ resource: 'call:1' }, { resource: 'call:10' }, { resource: null });
        const { items } = await store.deliveries.list({ resource: 'call:1' }, { limit: 10 });
        expect(items.map((d) => d.id)).toEqual([c1?.id]);
      });

      it('combines filters and pages through the matches', async () => {
        const matching = await enqueue(
          { accountId: OTHER_ACCOUNT, url: 'https://a.example/sms' },
          { accountId: ACCOUNT, url: 'https://a.example/sms' },
          { accountId: OTHER_ACCOUNT, url: 'https://a.example/sms' },
          { accountId: OTHER_ACCOUNT, url: 'https://a.example/voice' },
          { accountId: OTHER_ACCOUNT, url: 'https://a.example/sms' },
        ).then((all) => all.filter((d) => d.accountId === OTHER_ACCOUNT && d.url.endsWith('sms')));

        const { pages } = await listAll({ accountId: OTHER_ACCOUNT, url: '/sms', status: 'pending' }, 2);

        expect(pages.flat().map((d) => d.id)).toEqual(matching.reverse().map((d) => d.id));
        expect(pages.map((p) => p.length)).toEqual([2, 1]);
      });

      it('returns an empty last page when nothing matches', async () => {
        await enqueue({});
        expect(await store.deliveries.list({ accountId: 'MA_NOBODY' }, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      });
    });

    describe('counts and due times', () => {
      it('counts every status, zero included', async () => {
        expect(await store.deliveries.countByStatus()).toEqual(counts({}));
      });

      it('counts deliveries by status', async () => {
        const [ok, bad] = await enqueue({ dueAt: T0 }, { dueAt: T0 + 1 }, { dueAt: T0 + 2 }, { dueAt: T0 + HOUR * 2 }, { dueAt: T0 + HOUR * 3 });
        await attemptOnce(must(ok, 'ok'), { status: 'succeeded' }, SUCCESS);
        await attemptOnce(must(bad, 'bad'), { status: 'failed' }, { kind: 'http-status', status: 410 });
        await store.deliveries.claimDue({ now: T0 + 2, limit: 10, owner: 'owner-a', leaseUntil: WALL });

        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 2, 'in-flight': 1, succeeded: 1, failed: 1 }));
      });

      it('has no next due time when nothing is pending', async () => {
        expect(await store.deliveries.nextDueAt()).toBeNull();
        await enqueue({});
        await claimAll();
        expect(await store.deliveries.nextDueAt()).toBeNull();
      });

      it('gives the earliest due time among pending deliveries only', async () => {
        await enqueue({ dueAt: T0 }, { dueAt: T0 + 500 }, { dueAt: T0 + 200 });
        await store.deliveries.claimDue({ now: T0, limit: 1, owner: 'owner-a', leaseUntil: WALL });
        expect(await store.deliveries.nextDueAt()).toBe(T0 + 200);
      });
    });

    describe('sinks', () => {
      const config = { status: 503, delayMs: 250, body: 'busy', headers: { 'retry-after': '30' } };

      it('has no config for a sink never configured', async () => {
        expect(await store.sinks.config('demo')).toBeNull();
      });

      it('stores a sink’s config and replaces it on the next configure', async () => {
        await store.sinks.configure('demo', config);
        expect(await store.sinks.config('demo')).toEqual(config);
        await store.sinks.configure('demo', { status: 200, delayMs: 0, body: '', headers: {} });
        expect(await store.sinks.config('demo')).toEqual({ status: 200, delayMs: 0, body: '', headers: {} });
      });

      it('records a request and returns it with its seq', async () => {
        const request = sinkRequest('demo', 0);
        const recorded = await store.sinks.record(request);
        expect(recorded).toEqual({ ...request, seq: recorded.seq });
        expect(typeof recorded.seq).toBe('number');
      });

      it('lists a sink’s requests oldest first, and only that sink’s', async () => {
        const a1 = await store.sinks.record(sinkRequest('a', 1));
        await store.sinks.record(sinkRequest('b', 2));
        const a2 = await store.sinks.record(sinkRequest('a', 3));

        expect(await store.sinks.requests('a', { limit: 10 })).toEqual({ items: [a1, a2], nextCursor: null });
      });

      it('pages through a sink’s requests with a cursor', async () => {
        const recorded: Array<SinkRequest & { seq: number }> = [];
        for (let i = 0; i < 5; i++) recorded.push(await store.sinks.record(sinkRequest('demo', i)));

        const first = await store.sinks.requests('demo', { limit: 2 });
        const second = await store.sinks.requests('demo', { after: first.nextCursor ?? undefined, limit: 2 });
        const third = await store.sinks.requests('demo', { after: second.nextCursor ?? undefined, limit: 2 });

        expect([...first.items, ...second.items, ...third.items]).toEqual(recorded);
        expect(third.nextCursor).toBeNull();
      });
    });

    describe('meta and accounts', () => {
      it('keeps named values and overwrites them', async () => {
        expect(await store.meta.get('virtual-clock.now')).toBeNull();
        await store.meta.set('virtual-clock.now', '1700000000000');
        await store.meta.set('virtual-clock.now', '1700000060000');
        expect(await store.meta.get('virtual-clock.now')).toBe('1700000060000');
      });

      it('stores accounts, replacing by id', async () => {
        const main = { id: 'MAXXXXXXXXXXXXXXXXXX', authToken: 'token-1', ...laml(1), parentId: null, name: 'main', createdAt: T0, enabled: true };
        const sub = { id: 'SAYYYYYYYYYYYYYYYYYY', authToken: 'token-2', ...laml(2), parentId: main.id, name: 'sub', createdAt: T0 + 1, enabled: false };
        await store.accounts.put(main);
        await store.accounts.put(sub);
        await store.accounts.put({ ...main, authToken: 'token-rotated' });

        expect(await store.accounts.get(main.id)).toEqual({ ...main, authToken: 'token-rotated' });
        expect(await store.accounts.get(sub.id)).toEqual(sub);
        expect((await store.accounts.list()).sort((x, y) => x.id.localeCompare(y.id))).toEqual([{ ...main, authToken: 'token-rotated' }, sub]);
      });

      it('keeps an account\'s LaML project id and signing key, and a new key replacing the old', async () => {
        const account = { id: 'MAXXXXXXXXXXXXXXXXXX', authToken: 't', ...laml(3), parentId: null, name: 'main', createdAt: T0, enabled: true };
        await store.accounts.put(account);
        await store.accounts.put({ ...account, signingKey: 'PSK_rotatedrotatedrotated0' });

        expect(await store.accounts.get(account.id)).toMatchObject({ lamlProjectId: account.lamlProjectId, signingKey: 'PSK_rotatedrotatedrotated0' });
      });

      it('reads an account stored without `enabled` as enabled', async () => {
        await store.accounts.put({ id: 'MAZZZZZZZZZZZZZZZZZZ', authToken: 't', ...laml(4), parentId: null, name: 'old', createdAt: T0 });
        expect((await store.accounts.get('MAZZZZZZZZZZZZZZZZZZ'))?.enabled).toBe(true);
      });

      it('deletes an account, saying whether it existed', async () => {
        await store.accounts.put({ id: 'SAZZZZZZZZZZZZZZZZZZ', authToken: 't', ...laml(5), parentId: null, name: 'gone', createdAt: T0 });
        expect(await store.accounts.delete('SAZZZZZZZZZZZZZZZZZZ')).toBe(true);
        expect(await store.accounts.delete('SAZZZZZZZZZZZZZZZZZZ')).toBe(false);
        expect(await store.accounts.get('SAZZZZZZZZZZZZZZZZZZ')).toBeNull();
      });

      it('returns null for an unknown account', async () => {
        expect(await store.accounts.get('MA_UNKNOWN')).toBeNull();
        expect(await store.accounts.list()).toEqual([]);
      });
    });

    describe('lifetime', () => {
      it('writes a commit made before close, and refuses one made after', async () => {
        const delivery = newDelivery();
        const committing = store.commit({ deliveries: [delivery] });
        await store.close();

        await expect(committing).resolves.toMatchObject({ deliverySeqs: [expect.any(Number)] });
        await expect(store.commit({ deliveries: [newDelivery()] })).rejects.toThrow('the store is closed');
      });

      it('closes idempotently', async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });

      it.runIf(options.persistent)('keeps deliveries, attempts, resources, accounts, sinks and meta for the next process', async () => {
        const [d] = await enqueue({});
        await store.commit({ resources: [{ type: 'message', id: 'm1', accountId: ACCOUNT, state: { status: 'sent' }, updatedAt: T0 }] });
        const attempt = await attemptOnce(must(d, 'd'), { status: 'succeeded' }, SUCCESS);
        const account = { id: ACCOUNT, authToken: 't', ...laml(6), parentId: null, name: 'dev', createdAt: T0, enabled: true };
        await store.accounts.put(account);
        await store.sinks.configure('demo', { status: 200, delayMs: 0, body: 'ok', headers: {} });
        await store.meta.set('virtual-clock.now', '123');
        const committing = store.commit({ deliveries: [newDelivery({ id: 'queued-before-close' })] });
        await store.close();
        await committing;

        const next = await reopen();

        expect(await next.deliveries.get(must(d, 'd').id)).toMatchObject({ status: 'succeeded', attemptCount: 1, policy: POLICY });
        expect(await next.deliveries.attempts(must(d, 'd').id)).toEqual([attempt]);
        expect((await next.deliveries.get('queued-before-close'))?.status).toBe('pending');
        expect((await next.getResource('message', 'm1'))?.state).toEqual({ status: 'sent' });
        expect(await next.accounts.get(ACCOUNT)).toEqual(account);
        expect((await next.sinks.config('demo'))?.body).toBe('ok');
        expect(await next.meta.get('virtual-clock.now')).toBe('123');
      });

      it.runIf(options.persistent)('reads a policy first stored by another process', async () => {
        const patient: DeliveryPolicy = { ...POLICY, retryDelaysMs: [1000, 2000] };
        const [d] = await enqueue({ policy: patient });
        const next = await reopen();

        expect((await next.deliveries.get(must(d, 'd').id))?.policy).toEqual(patient);
        const later = newDelivery({ policy: { ...patient } });
        await next.commit({ deliveries: [later] });
        expect((await store.deliveries.get(later.id))?.policy).toEqual(patient);
      });
    });

    describe('page cursors', () => {
      // By name and field rather than class: the worker-thread store is tested from dist/, whose class differs.
      it('refuses a page cursor it did not make, as bad input naming the field', async () => {
        const badInput = { name: 'InputError', field: 'after' };
        await expect(store.deliveries.list({}, { after: 'next-please', limit: 10 })).rejects.toMatchObject(badInput);
        await expect(store.sinks.requests('demo', { after: '-1', limit: 10 })).rejects.toMatchObject(badInput);
      });
    });

    describe('retention (prune)', () => {
      it('deletes finished deliveries last changed before the cutoff, with their attempts, and keeps the rest', async () => {
        const cutoff = T0 + HOUR;
        const [oldOk, oldFailed, recent, oldPending, oldInFlight] = await enqueue(
          { dueAt: T0 },
          { dueAt: T0 + 1 },
          { dueAt: T0 + 2 },
          { dueAt: T0 + 100 * HOUR, createdAt: T0 - HOUR },
          { dueAt: T0 + 3 },
        );
        await attemptOnce(must(oldOk, 'oldOk'), { status: 'succeeded' }, SUCCESS, cutoff - 10);
        await attemptOnce(must(oldFailed, 'oldFailed'), { status: 'pending', dueAt: T0 + 1 }, { kind: 'http-status', status: 500 }, T0);
        await attemptOnce(must(await store.deliveries.get(must(oldFailed, 'oldFailed').id), 'oldFailed'), { status: 'failed' }, { kind: 'http-status', status: 500 }, cutoff - 1);
        await attemptOnce(must(recent, 'recent'), { status: 'succeeded' }, SUCCESS, cutoff);
        const [claimed] = await store.deliveries.claimDue({ now: T0 + 3, limit: 1, owner: 'owner-a', leaseUntil: WALL });
        expect(claimed?.id).toBe(oldInFlight?.id);

        const pruned = await store.prune({ finishedBefore: cutoff, sinkRequestsBefore: 0 });

        expect(pruned).toEqual({ deliveries: 2, attempts: 3, sinkRequests: 0 });
        for (const d of [oldOk, oldFailed]) {
          expect(await store.deliveries.get(must(d, 'd').id)).toBeNull();
          expect(await store.deliveries.attempts(must(d, 'd').id)).toEqual([]);
        }
        expect(await store.deliveries.attempts(must(recent, 'recent').id)).toHaveLength(1);
        for (const d of [recent, oldPending, oldInFlight]) expect(await store.deliveries.get(must(d, 'd').id)).not.toBeNull();
        expect(await store.deliveries.countByStatus()).toEqual(counts({ pending: 1, 'in-flight': 1, succeeded: 1 }));
      });

      it('deletes sink requests received before their cutoff', async () => {
        await store.sinks.record(sinkRequest('demo', 0, T0 - 1));
        const kept = await store.sinks.record(sinkRequest('demo', 1, T0));

        const pruned = await store.prune({ finishedBefore: 0, sinkRequestsBefore: T0 });

        expect(pruned).toEqual({ deliveries: 0, attempts: 0, sinkRequests: 1 });
        expect((await store.sinks.requests('demo', { limit: 10 })).items).toEqual([kept]);
      });

      it('deletes everything past retention however large the backlog', async () => {
        // More than one prune chunk of the SQLite store (2000 rows).
        const count = 2500;
        const fresh = Array.from({ length: count }, () => newDelivery({ dueAt: T0 }));
        await store.commit({ deliveries: fresh });
        const claimed = await store.deliveries.claimDue({ now: T0, limit: count, owner: 'owner-a', leaseUntil: WALL });
        await store.deliveries.recordAttempts(
          claimed.map((d) => ({ attempt: attemptFor(d, { outcome: SUCCESS }), next: { status: 'succeeded' } as const })),
          'owner-a',
        );

        const pruned = await store.prune({ finishedBefore: T0 + 1, sinkRequestsBefore: 0 });

        expect(pruned).toEqual({ deliveries: count, attempts: count, sinkRequests: 0 });
        expect(await store.deliveries.countByStatus()).toEqual(counts({}));
      });
    });
  });
}

const T0 = 1_700_000_000_000;
/** Wall time for leases; kept apart from clock time on purpose, as the dispatcher does. */
const WALL = 1_800_000_000_000;
const HOUR = 3_600_000;
const ACCOUNT = 'MAAAAAAAAAAAAAAAAAAA';
const OTHER_ACCOUNT = 'MABBBBBBBBBBBBBBBBBB';
const SUCCESS: AttemptOutcome = { kind: 'success', status: 200 };

const POLICY: DeliveryPolicy = {
  profile: 'plivo-messaging',
  connectTimeoutMs: 8000,
  readTimeoutMs: 8000,
  totalTimeoutMs: 8000,
  retryDelaysMs: [60_000, 120_000, 240_000],
  retryOn: ['5xx', 'ct', 'rt'],
  maxRetryAfterMs: 3_600_000,
  maxRedirects: 0,
  maxResponseBytes: 65_536,
  sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'fragment' },
};

function newDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id: randomUUID(),
    accountId: ACCOUNT,
    dialect: 'standard',
    kind: 'notification',
    url: 'https://app.example/hooks/status',
    method: 'POST',
    params: { Status: 'delivered', To: '+14155550100' },
    policy: POLICY,
    warnings: [],
    resource: null,
    dueAt: T0,
    createdAt: T0,
    ...overrides,
  };
}

function attemptFor(
  delivery: Pick<Delivery, 'id' | 'url' | 'method' | 'attemptCount'>,
  options: { outcome: AttemptOutcome; startedAt?: number; nextAttemptAt?: number | null },
): Attempt {
  const status = 'status' in options.outcome ? options.outcome.status : null;
  return {
    deliveryId: delivery.id,
    number: delivery.attemptCount + 1,
    startedAt: options.startedAt ?? T0,
    durationMs: 42,
    request: { method: delivery.method, url: delivery.url.split('#')[0] ?? delivery.url, headers: { 'x-hookline-attempt': String(delivery.attemptCount + 1) }, body: 'Status=delivered' },
    response: status === null ? null : { status, headers: { 'content-type': 'text/plain' }, body: 'ok', bodyTruncated: false },
    outcome: options.outcome,
    nextAttemptAt: options.nextAttemptAt ?? null,
  };
}

function sinkRequest(sink: string, n: number, receivedAt = T0 + n): SinkRequest {
  return {
    sink,
    method: 'POST',
    path: n % 2 === 0 ? '/' : '/status',
    query: n % 2 === 0 ? '' : `n=${n}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-n': String(n) },
    body: `Status=delivered&N=${n}`,
    receivedAt,
  };
}

function counts(partial: Partial<Record<DeliveryStatus, number>>): Record<DeliveryStatus, number> {
  return { pending: 0, 'in-flight': 0, succeeded: 0, failed: 0, ...partial };
}

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to exist`);
  return value;
}

/** A LaML project id and signing key, distinct per `n`. */
function laml(n: number): { lamlProjectId: string; signingKey: string } {
  return { lamlProjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, signingKey: `PSK_contractkey${String(n).padStart(9, '0')}` };
}
