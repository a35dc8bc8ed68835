import type pg from 'pg';
import type { Delivery, DeliveryStatus, NewDelivery } from '../../domain/delivery.js';
import { DELIVERY_STATUSES } from '../../domain/delivery.js';
import { commitError, finishedError } from '../commit-error.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { escapeLike, pageLimit, stateFilters, statePrefixes, statePresent } from '../filters.js';
import { PolicyMemo } from '../policy-memo.js';
import type {
  AttemptResult,
  ChangeSet,
  ClaimRequest,
  CommitResult,
  DispatchTurn,
  FinishedDelivery,
  Owned,
  OwnerStore,
  ResourceWrite,
  RetentionPolicy,
  Store,
} from '../ports.js';
import {
  attemptParams,
  deliveryParams,
  resourceStateJson,
  toAccount,
  toAttempt,
  toDelivery,
  toResource,
  toSinkConfig,
  toSinkRequest,
  type AccountRow,
  type AttemptRow,
  type DeliveryRow,
  type ResourceRow,
  type SinkRequestRow,
  type SinkRow,
} from '../rows.js';
import { inTransaction } from './connection.js';
import { GroupCommit } from './group-commit.js';
import * as sql from './queries.js';
import type { WakeChannel } from './wake-channel.js';

/** Expired rows deleted per statement: a chunk holds its row locks for a few milliseconds. */
const PRUNE_CHUNK = 2000;

type Queryable = pg.Pool | pg.PoolClient;

/**
 * The Store ports on PostgreSQL, for several hookline processes on one database. Each port method is
 * one statement or one transaction on a pooled connection; batches (a change set's deliveries, a
 * dispatcher turn's attempts) are one statement each. Dispatchers claim with `FOR UPDATE SKIP LOCKED`
 * under a wall-clock lease, so two never take the same delivery and neither waits for the other.
 */
export class PostgresStore implements Store {
  readonly shared = true;
  readonly accounts: Store['accounts'];
  readonly deliveries: Store['deliveries'];
  readonly sinks: Store['sinks'];
  readonly meta: Store['meta'];
  readonly owners: OwnerStore;
  private readonly policies = new PolicyMemo();
  private readonly groups: GroupCommit;
  private closing: Promise<void> | null = null;
  /** Calls under way, which `close` lets finish before it ends the pool. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly wakes: WakeChannel,
    poolSize: number,
  ) {
    // Half the pool for the outbox's groups, the rest for everything else (a dispatcher's turns, reads).
    this.groups = new GroupCommit((changeSets) => this.commitMany(changeSets), Math.max(1, Math.floor(poolSize / 2)));
    this.accounts = {
      put: async (account) => {
        const { id, authToken, lamlProjectId, signingKey, parentId, name, createdAt } = account;
        await pool.query(sql.UPSERT_ACCOUNT, [id, authToken, lamlProjectId, signingKey, parentId, name, createdAt, account.enabled !== false]);
      },
      get: async (id) => {
        const { rows } = await pool.query<AccountRow>(sql.SELECT_ACCOUNT, [id]);
        return rows[0] ? toAccount(rows[0]) : null;
      },
      list: async () => (await pool.query<AccountRow>(sql.SELECT_ACCOUNTS)).rows.map(toAccount),
      delete: async (id) => ((await pool.query(sql.DELETE_ACCOUNT, [id])).rowCount ?? 0) > 0,
    };
    this.deliveries = {
      claimDue: (claim) => (claim.limit >= 1 ? inTransaction(pool, (client) => this.claim(client, claim)) : Promise.resolve([])),
      recordAttempts: async (results, owner) => {
        if (results.length > 0) await inTransaction(pool, (client) => this.record(client, results, owner));
      },
      recordAndClaim: (results, claim) => this.recordAndClaim(results, claim),
      nextDueAt: () => this.nextDueAt(),
      reclaimExpiredLeases: async (wallNow, dueAt) => this.releaseLeases(await pool.query(sql.RECLAIM_EXPIRED_LEASES, [wallNow, dueAt])),
      renewLeases: async (ids, owner, leaseUntil) => (ids.length === 0 ? 0 : ((await pool.query(sql.RENEW_LEASES, [ids, owner, leaseUntil])).rowCount ?? 0)),
      releaseAllLeases: async (dueAt) => this.releaseLeases(await pool.query(sql.RELEASE_ALL_LEASES, [dueAt])),
      recordFinished: (finished) => this.recordFinished(finished),
      replay: (id, dueAt, now) => this.replay(id, dueAt, now),
      get: (id) => this.getDelivery(id),
      list: async (filter, page) => {
        const after = decodeCursor(page.after);
        const limit = pageLimit(page.limit);
        const query = sql.listDeliveries({ ...filter, url: filter.url === undefined ? undefined : escapeLike(filter.url), after }, limit + 1);
        const { rows } = await pool.query<DeliveryRow>(query.text, query.values);
        const items = await this.toDeliveries(rows.slice(0, limit), pool);
        const last = items.at(-1);
        return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
      },
      attempts: async (deliveryId) => (await pool.query<AttemptRow>(sql.SELECT_ATTEMPTS, [deliveryId])).rows.map(toAttempt),
      countByStatus: async () => {
        const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
        const { rows } = await pool.query<{ status: DeliveryStatus; count: number }>(sql.COUNT_BY_STATUS);
        for (const row of rows) counts[row.status] = row.count;
        return counts;
      },
    };
    this.sinks = {
      configure: async (name, config) => {
        await pool.query(sql.UPSERT_SINK, [name, config.status, config.delayMs, config.body, JSON.stringify(config.headers)]);
      },
      config: async (name) => {
        const { rows } = await pool.query<SinkRow>(sql.SELECT_SINK, [name]);
        return rows[0] ? toSinkConfig(rows[0]) : null;
      },
      record: async (request) => {
        const { rows } = await pool.query<{ seq: number }>(sql.INSERT_SINK_REQUEST, [
          request.sink,
          request.method,
          request.path,
          request.query,
          JSON.stringify(request.headers),
          request.body,
          request.receivedAt,
        ]);
        return { ...request, seq: (rows[0] as { seq: number }).seq };
      },
      requests: async (name, page) => {
        const limit = pageLimit(page.limit);
        const { rows } = await pool.query<SinkRequestRow>(sql.SELECT_SINK_REQUESTS, [name, decodeCursor(page.after) ?? 0, limit + 1]);
        const items = rows.slice(0, limit).map(toSinkRequest);
        const last = items.at(-1);
        return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
      },
    };
    this.meta = {
      get: async (key) => (await pool.query<{ value: string }>(sql.SELECT_META, [key])).rows[0]?.value ?? null,
      set: async (key, value) => {
        await pool.query(sql.UPSERT_META, [key, value]);
      },
    };
    this.owners = {
      renew: async (node) => {
        await pool.query(sql.RENEW_NODE, [node.id, node.url, node.leaseUntil]);
      },
      leave: async (nodeId) => {
        await pool.query(sql.LEAVE_NODE, [nodeId]);
      },
      own: async (uuids, nodeId, kind) => {
        if (uuids.length > 0) await pool.query(sql.OWN, [uuids, nodeId, kind]);
      },
      claim: async (uuids, nodeId, kind) =>
        uuids.length === 0 ? [] : (await pool.query<{ uuid: string }>(sql.CLAIM, [uuids, nodeId, kind])).rows.map((row) => row.uuid),
      disown: async (uuid, nodeId) => {
        await pool.query(sql.DISOWN, [uuid, nodeId]);
      },
      ownerOf: async (uuid, wallNow) => {
        const { rows } = await pool.query<{ node_id: string; url: string; lease_until: number }>(sql.OWNER_OF, [uuid]);
        const row = rows[0];
        return row ? { nodeId: row.node_id, url: row.url, alive: row.lease_until >= wallNow } : null;
      },
      adoptOrphans: async (nodeId, wallNow, limit) => (await pool.query<Owned>(sql.ADOPT_ORPHANS, [nodeId, wallNow, limit])).rows,
    };
    for (const port of [this.accounts, this.deliveries, this.sinks, this.meta, this.owners]) this.guard(port);
    for (const method of ['commit', 'getResource', 'deleteResource', 'listResources'] as const) this.guard(this, method);
  }

  /** The transactional outbox: the change set's resources and deliveries in one transaction. */
  async commit(changes: ChangeSet): Promise<CommitResult> {
    if (!changes.resources?.length && !changes.deliveries?.length) return { deliverySeqs: [] };
    try {
      return await this.groups.commit(changes);
    } catch (error) {
      throw commitError(changes, error);
    }
  }

  /** Change sets in one transaction: every resource in one statement, every delivery in another. */
  private async commitMany(changeSets: readonly ChangeSet[]): Promise<CommitResult[]> {
    const fresh = changeSets.flatMap((changes) => changes.deliveries ?? []);
    // Policies go in first, outside the transaction: a rolled-back change set then leaves at worst an
    // unused policy row, never a delivery pointing at nothing (policies are never deleted).
    const policyIds = await this.policyIds(fresh);
    const rows: Array<Record<string, unknown>> = [];
    for (const changes of changeSets) {
      const leased = changes.lease ? Math.max(0, Math.floor(changes.lease.count)) : 0;
      (changes.deliveries ?? []).forEach((delivery, i) => {
        const lease = i < leased ? changes.lease : undefined;
        rows.push(
          deliveryParams(delivery, policyIds[rows.length] as number, { status: lease ? 'in-flight' : 'pending', attemptCount: 0, lastOutcome: null, updatedAt: delivery.createdAt, lease }),
        );
      });
    }
    const seqs = await inTransaction(this.pool, async (client) => {
      await upsertResources(client, changeSets.flatMap((changes) => changes.resources ?? []));
      return insertDeliveries(client, rows);
    });
    if (changeSets.some((changes) => (changes.deliveries?.length ?? 0) > (changes.lease?.count ?? 0))) this.wakes.notify();
    let offset = 0;
    return changeSets.map((changes) => {
      const count = changes.deliveries?.length ?? 0;
      offset += count;
      return { deliverySeqs: seqs.slice(offset - count, offset) };
    });
  }

  async getResource(type: string, id: string): ReturnType<Store['getResource']> {
    const { rows } = await this.pool.query<ResourceRow>(sql.SELECT_RESOURCE, [type, id]);
    return rows[0] ? toResource(rows[0]) : null;
  }

  async deleteResource(type: string, id: string): Promise<boolean> {
    return ((await this.pool.query(sql.DELETE_RESOURCE, [type, id])).rowCount ?? 0) > 0;
  }

  async listResources(...[query, page]: Parameters<Store['listResources']>): ReturnType<Store['listResources']> {
    const where = stateFilters(query);
    const prefixes = statePrefixes(query);
    const statements = sql.listResources({ account: query.accountId !== undefined, fields: where.map(([field]) => field), prefixes: prefixes.map(([field]) => field), present: statePresent(query) });
    const filters: unknown[] = [query.type];
    if (query.accountId !== undefined) filters.push(query.accountId);
    for (const [, value] of where) filters.push(value);
    for (const [, pattern] of prefixes) filters.push(pattern);
    const [rows, count] = await Promise.all([
      this.pool.query<ResourceRow>(statements.rows, [...filters, pageLimit(page.limit), Math.max(0, Math.floor(page.offset))]),
      this.pool.query<{ total: number }>(statements.count, filters),
    ]);
    return { items: rows.rows.map(toResource), total: count.rows[0]?.total ?? 0 };
  }

  onDeliveriesDue(listener: () => void): () => void {
    return this.wakes.subscribe(listener);
  }

  /** Chunk by chunk, so a large backlog never holds many row locks at once. */
  async prune(policy: RetentionPolicy): ReturnType<Store['prune']> {
    let deliveries = 0;
    let attempts = 0;
    let sinkRequests = 0;
    while (!this.closing) {
      const { rows } = await this.pool.query<{ deliveries: number; attempts: number }>(sql.PRUNE_DELIVERIES, [policy.finishedBefore, PRUNE_CHUNK]);
      const chunk = rows[0] ?? { deliveries: 0, attempts: 0 };
      const sinkChunk = (await this.pool.query(sql.PRUNE_SINK_REQUESTS, [policy.sinkRequestsBefore, PRUNE_CHUNK])).rowCount ?? 0;
      deliveries += chunk.deliveries;
      attempts += chunk.attempts;
      sinkRequests += sinkChunk;
      if (chunk.deliveries < PRUNE_CHUNK && sinkChunk < PRUNE_CHUNK) break;
    }
    return { deliveries, attempts, sinkRequests };
  }

  /** Lets the calls under way finish, then closes every connection; later calls reject. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.wakes.close();
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      await this.pool.end();
    })();
    return this.closing;
  }

  /**
   * Wrap the methods of `target` (or only those named) so that each call is refused once the store is
   * closing and otherwise tracked until it settles.
   */
  private guard<T extends object>(target: T, ...only: Array<keyof T>): void {
    const record = target as Record<PropertyKey, unknown>;
    const names = only.length > 0 ? only : (Object.keys(target) as Array<keyof T>);
    for (const name of names) {
      const method = record[name as PropertyKey];
      if (typeof method !== 'function') continue;
      record[name as PropertyKey] = (...args: unknown[]): Promise<unknown> => {
        if (this.closing) return Promise.reject(new Error('the store is closed'));
        const call = (method as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        this.running.add(call);
        const forget = (): void => void this.running.delete(call);
        call.then(forget, forget);
        return call;
      };
    }
  }

  private async recordAndClaim(results: readonly AttemptResult[], claim: ClaimRequest): Promise<DispatchTurn> {
    if (results.length === 0 && !(claim.limit >= 1)) return { claimed: [], nextDueAt: await this.nextDueAt() };
    return inTransaction(this.pool, async (client) => {
      await this.record(client, results, claim.owner);
      const claimed = claim.limit >= 1 ? await this.claim(client, claim) : [];
      const { rows } = await client.query<{ due_at: number }>({ name: 'next-due-unclaimed', text: sql.NEXT_DUE_AT_UNCLAIMED });
      return { claimed, nextDueAt: rows[0]?.due_at ?? null };
    });
  }

  private async claim(client: pg.PoolClient, claim: ClaimRequest): Promise<Delivery[]> {
    // pg would send any other value as its JSON text and lease the deliveries to that.
    if (typeof claim.owner !== 'string') throw new TypeError(`a lease owner must be text, got ${typeof claim.owner}`);
    const { rows } = await client.query<DeliveryRow>({
      name: 'claim-due',
      text: sql.CLAIM_DUE,
      values: [claim.now, Math.floor(claim.limit), claim.owner, claim.leaseUntil],
    });
    rows.sort((a, b) => a.due_at - b.due_at || a.seq - b.seq);
    return this.toDeliveries(rows, client);
  }

  private async record(client: pg.PoolClient, results: readonly AttemptResult[], owner: string): Promise<void> {
    if (results.length === 0) return;
    const attempts = results.map(({ attempt }) => attemptParams(attempt));
    await client.query({ name: 'insert-attempts', text: sql.INSERT_ATTEMPTS, values: sql.batchValues(sql.ATTEMPT_INSERT, attempts) });
    // One UPDATE cannot move a row twice; the first result for a delivery is the one that would move it
    // (after it, the delivery is no longer in flight under this owner).
    const moves = new Map<string, { next: AttemptResult['next']; outcome: unknown; updatedAt: number }>();
    results.forEach(({ attempt, next }, i) => {
      if (!moves.has(attempt.deliveryId)) moves.set(attempt.deliveryId, { next, outcome: attempts[i]?.outcome, updatedAt: attempt.startedAt });
    });
    const entries = [...moves];
    await client.query({
      name: 'finish-attempts',
      text: sql.FINISH_ATTEMPTS,
      values: [
        entries.map(([id]) => id),
        entries.map(([, m]) => m.next.status),
        entries.map(([, m]) => (m.next.status === 'pending' ? m.next.dueAt : null)),
        entries.map(([, m]) => m.outcome),
        entries.map(([, m]) => m.updatedAt),
        owner,
      ],
    });
  }

  private async recordFinished(finished: FinishedDelivery): Promise<void> {
    const { delivery, status, attempts } = finished;
    try {
      const [policyId] = await this.policyIds([delivery]);
      const last = attempts.at(-1);
      const row = deliveryParams(delivery, policyId as number, {
        status,
        attemptCount: attempts.length,
        lastOutcome: last?.outcome ?? null,
        updatedAt: last?.startedAt ?? delivery.createdAt,
      });
      await inTransaction(this.pool, async (client) => {
        await insertDeliveries(client, [row]);
        if (attempts.length > 0) {
          await client.query({ name: 'insert-attempts', text: sql.INSERT_ATTEMPTS, values: sql.batchValues(sql.ATTEMPT_INSERT, attempts.map(attemptParams)) });
        }
      });
    } catch (error) {
      throw finishedError(delivery, error);
    }
  }

  private async replay(id: string, dueAt: number, now: number): Promise<Delivery | null> {
    const { rows } = await this.pool.query<DeliveryRow>(sql.REPLAY_FINISHED, [id, dueAt, now]);
    if (rows[0]) {
      this.wakes.notify();
      return this.toDelivery(rows[0], this.pool);
    }
    return this.getDelivery(id);
  }

  private async getDelivery(id: string): Promise<Delivery | null> {
    const { rows } = await this.pool.query<DeliveryRow>({ name: 'select-delivery', text: sql.SELECT_DELIVERY, values: [id] });
    return rows[0] ? this.toDelivery(rows[0], this.pool) : null;
  }

  private async nextDueAt(): Promise<number | null> {
    return (await this.pool.query<{ due_at: number | null }>(sql.NEXT_DUE_AT)).rows[0]?.due_at ?? null;
  }

  private releaseLeases(result: pg.QueryResult): number {
    const released = result.rowCount ?? 0;
    if (released > 0) this.wakes.notify();
    return released;
  }

  private policyIds(deliveries: readonly NewDelivery[]): Promise<number[]> {
    return this.policies.idsForAsync(
      deliveries.map((d) => d.policy),
      async (missing) => (await this.pool.query<{ json: string; id: number }>(sql.UPSERT_POLICIES, [missing])).rows.map((row) => [row.json, row.id] as const),
    );
  }

  private async toDeliveries(rows: readonly DeliveryRow[], db: Queryable): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const row of rows) deliveries.push(await this.toDelivery(row, db));
    return deliveries;
  }

  private async toDelivery(row: DeliveryRow, db: Queryable): Promise<Delivery> {
    const known = this.policies.policy(row.policy_id);
    if (known) return toDelivery(row, known);
    const { rows } = await db.query<{ json: string }>(sql.SELECT_POLICY, [row.policy_id]);
    const json = rows[0]?.json;
    if (json === undefined) throw new Error(`delivery policy ${row.policy_id} is missing from the policies table; the database is damaged`);
    return toDelivery(row, this.policies.remember(json, row.policy_id));
  }
}

/** A change set's resources in one statement; a (type, id) written twice keeps its last state. */
async function upsertResources(client: pg.PoolClient, resources: readonly ResourceWrite[]): Promise<void> {
  if (resources.length === 0) return;
  const latest = new Map<string, ResourceWrite>();
  for (const resource of resources) latest.set(`${resource.type}\u0000${resource.id}`, resource);
  const rows = [...latest.values()];
  await client.query({
    name: 'upsert-resources',
    text: sql.UPSERT_RESOURCES,
    values: [
      rows.map((r) => r.type),
      rows.map((r) => r.id),
      rows.map((r) => r.accountId),
      rows.map(resourceStateJson),
      rows.map((r) => r.updatedAt),
    ],
  });
}

/** Inserts deliveries in one statement; answers their seqs in the order given. */
async function insertDeliveries(client: pg.PoolClient, rows: ReadonlyArray<Record<string, unknown>>): Promise<number[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await client.query<{ id: string; seq: number }>({
    name: 'insert-deliveries',
    text: sql.INSERT_DELIVERIES,
    values: sql.batchValues(sql.DELIVERY_INSERT, rows),
  });
  const seqById = new Map(inserted.map((row) => [row.id, row.seq]));
  return rows.map((row) => seqById.get(row.id as string) as number);
}
