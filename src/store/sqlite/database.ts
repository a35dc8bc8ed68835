import Database from 'better-sqlite3';
import type { Attempt, Delivery, DeliveryStatus, NewDelivery } from '../../domain/delivery.js';
import { DELIVERY_STATUSES } from '../../domain/delivery.js';
import type { DeliveryPolicy } from '../../domain/policy.js';
import type {
  Account,
  ClaimRequest,
  CommitResult,
  DispatchTurn,
  DeliveryFilter,
  Page,
  ResourceQuery,
  RetentionPolicy,
  SinkConfig,
  SinkRequest,
  StoredResource,
} from '../ports.js';
import { commitError, finishedError } from '../commit-error.js';
import { claimedDelivery, type ColumnChangeSet, type ColumnFinishedDelivery, type DeliveryColumns, type RecordedAttempt } from './columns.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { escapeLike, pageLimit, stateFilters, statePrefixes, statePresent } from '../filters.js';
import { migrate } from './migrations.js';
import { Leases, type Lease } from './leases.js';
import { PolicyTable } from './policies.js';
import * as sql from './queries.js';
import {
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

/** A claim being given up: the delivery's id and its lease. */
type HeldClaim = readonly [string, Pick<Lease, 'seq'>];

export interface SqliteDatabaseOptions {
  /** A file path, or `:memory:` for a throwaway database. */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
  /** WAL size, in pages, past which a commit checkpoints the WAL into the database file. */
  readonly walAutocheckpointPages?: number;
}

/**
 * SQLite's own default (4 MB of WAL), kept for a database used inline, where the checkpoint a commit
 * triggers runs on the event loop. The worker raises it to a backstop and checkpoints from a thread of
 * its own instead (worker.ts; docs/adr/0004-sqlite-store.md has the measurements).
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 1000;

export interface PruneCounts {
  readonly deliveries: number;
  readonly attempts: number;
  readonly sinkRequests: number;
}

/**
 * One write of a group commit (`writeEach`): a change set, or a delivery recorded once finished (a
 * call's document fetch, written with its attempts when it is over).
 */
export type GroupedWrite = { readonly changes: ColumnChangeSet } | { readonly finished: ColumnFinishedDelivery };

/** How one write of a group commit ended: a change set's result, null for a finished delivery. */
export type WriteOutcome = { readonly ok: true; readonly result: CommitResult | null } | { readonly ok: false; readonly error: Error };

/** The connection settings in force, for diagnostics and tests. */
export interface SqliteSettings {
  readonly journalMode: string;
  /** SQLite's number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  readonly synchronous: number;
  readonly busyTimeoutMs: number;
  readonly walAutocheckpointPages: number;
  /** SQLite's number: 0 DEFAULT, 1 FILE, 2 MEMORY. */
  readonly tempStore: number;
}

type Statement<Row = unknown> = Database.Statement<unknown[], Row>;

/** Policy ids of the deliveries about to be written, by policy object. */
type PolicyIds = ReadonlyMap<DeliveryPolicy, number>;

/**
 * The embedded store's synchronous core: one better-sqlite3 connection, its statements prepared once,
 * and every operation the Store ports need as a plain method. Arguments and results are plain data
 * (structured-cloneable), so it runs unchanged on the main thread (`InlineConnection`) or in a worker
 * thread behind a message port (`worker.ts`); `SqliteStore` is the async facade over either.
 *
 * Write transactions are IMMEDIATE: they take the write lock when they begin, so a second process on
 * the same file (the CLI, say) waits out busy_timeout instead of failing on a lock upgrade.
 */
export class SqliteDatabase {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly policies: PolicyTable;
  /** Claimed deliveries: in memory, not in their rows (leases.ts). */
  private readonly leases = new Leases();
  private readonly shapedStatements = new Map<string, Statement<unknown>>();
  private readonly commitTransaction: Database.Transaction<(changes: ColumnChangeSet, policyIds: PolicyIds) => CommitResult>;
  private readonly writeEachTransaction: Database.Transaction<(writes: readonly GroupedWrite[], policyIds: PolicyIds) => WriteOutcome[]>;
  private readonly writeAllTransaction: Database.Transaction<(writes: readonly GroupedWrite[], policyIds: PolicyIds) => WriteOutcome[]>;
  /** One write of a group; called inside the group's transaction it runs as a savepoint. */
  private readonly writeOneTransaction: Database.Transaction<(write: GroupedWrite, policyIds: PolicyIds) => CommitResult | null>;
  private readonly recordAttemptsTransaction: Database.Transaction<(results: readonly RecordedAttempt[], owner: string) => void>;
  private readonly recordAndClaimTransaction: Database.Transaction<(results: readonly RecordedAttempt[], claim: ClaimRequest) => DispatchTurn>;
  private readonly requeueTransaction: Database.Transaction<(claims: readonly HeldClaim[], dueAt: number) => number>;
  private readonly recordFinishedTransaction: Database.Transaction<(finished: ColumnFinishedDelivery, policyIds: PolicyIds) => void>;
  private readonly pruneTransaction: Database.Transaction<(policy: RetentionPolicy, limit: number) => PruneCounts>;

  constructor(options: SqliteDatabaseOptions) {
    this.db = new Database(options.path);
    try {
      configure(this.db, options.busyTimeoutMs ?? 5000, options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES);
      migrate(this.db, options.path);
      this.statements = prepareStatements(this.db);
      this.policies = new PolicyTable(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.commitTransaction = this.db.transaction((changes: ColumnChangeSet, policyIds: PolicyIds) => this.writeChangeSet(changes, policyIds));
    this.writeEachTransaction = this.db.transaction((writes: readonly GroupedWrite[], policyIds: PolicyIds) => this.writeEachOf(writes, policyIds));
    this.writeAllTransaction = this.db.transaction((writes: readonly GroupedWrite[], policyIds: PolicyIds) =>
      writes.map((write): WriteOutcome => ({ ok: true, result: this.writeDirectly(write, policyIds) })),
    );
    this.writeOneTransaction = this.db.transaction((write: GroupedWrite, policyIds: PolicyIds) => this.writeDirectly(write, policyIds));
    this.recordAttemptsTransaction = this.db.transaction((results: readonly RecordedAttempt[], owner: string) =>
      this.writeAttemptResults(results, owner),
    );
    this.recordAndClaimTransaction = this.db.transaction((results: readonly RecordedAttempt[], claim: ClaimRequest) => {
      this.writeAttemptResults(results, claim.owner);
      const { claimed, nextDue } = this.claimRows(claim);
      if (nextDue !== null) return { claimed, nextDueAt: nextDue };
      // Every unclaimed row due by `now` was claimed: the next due one is later, and the claimed rows
      // (all due by then, bar a hand-off or two) need not be read past. No claim at all read nothing.
      return { claimed, nextDueAt: claim.limit >= 1 ? this.nextUnclaimedDueAfter(claim.now) : this.nextDueAt() };
    });
    this.requeueTransaction = this.db.transaction((claims: readonly HeldClaim[], dueAt: number) => this.requeue(claims, dueAt));
    this.recordFinishedTransaction = this.db.transaction((finished: ColumnFinishedDelivery, policyIds: PolicyIds) => this.writeFinished(finished, policyIds));
    this.pruneTransaction = this.db.transaction((policy: RetentionPolicy, limit: number) => this.deleteExpired(policy, limit));
  }

  /**
   * Run `work` inside one transaction: each call's own transaction becomes a savepoint in it, so a
   * failing call rolls back only itself, and the batch pays for one commit instead of one each.
   */
  batch<T>(work: () => T): T {
    return this.leases.within(() => this.db.transaction(work)());
  }

  /**
   * Store the delivery policies a call is about to need, outside any transaction: a policy is stored
   * only outside one (see PolicyTable), so a call that brings a new policy can then run in a batch.
   */
  storePoliciesFor(method: string, args: readonly unknown[]): void {
    const policies: DeliveryPolicy[] = [];
    if (method === 'commit') for (const delivery of (args[0] as ColumnChangeSet).deliveries ?? []) policies.push(delivery.policy);
    if (method === 'writeEach') for (const delivery of groupedDeliveries(args[0] as readonly GroupedWrite[])) policies.push(delivery.policy);
    if (policies.length > 0) this.policies.idsFor(policies);
  }

  settings(): SqliteSettings {
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      busyTimeoutMs: this.db.pragma('busy_timeout', { simple: true }) as number,
      walAutocheckpointPages: this.db.pragma('wal_autocheckpoint', { simple: true }) as number,
      tempStore: this.db.pragma('temp_store', { simple: true }) as number,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // Accounts

  putAccount(account: Account): void {
    this.statements.upsertAccount.run({
      id: account.id,
      authToken: account.authToken,
      lamlProjectId: account.lamlProjectId,
      signingKey: account.signingKey,
      parentId: account.parentId,
      name: account.name,
      createdAt: account.createdAt,
      enabled: account.enabled === false ? 0 : 1,
    });
  }

  deleteAccount(id: string): boolean {
    return this.statements.deleteAccount.run(id).changes > 0;
  }

  getAccount(id: string): Account | null {
    const row = this.statements.selectAccount.get(id);
    return row ? toAccount(row) : null;
  }

  listAccounts(): Account[] {
    return this.statements.selectAccounts.all().map(toAccount);
  }

  // The outbox

  commit(changes: ColumnChangeSet): CommitResult {
    if (!changes.resources?.length && !changes.deliveries?.length) return { deliverySeqs: [] };
    try {
      const policyIds = this.policyIdsOf(changes.deliveries ?? []);
      return this.leases.within(() => this.commitTransaction.immediate(changes, policyIds));
    } catch (error) {
      throw commitError(changes, error);
    }
  }

  /**
   * Group commit: many writes in one transaction (one WAL append instead of one per write), as if each
   * were in its own savepoint: a write that fails is rolled back alone and the others still commit.
   * Each keeps its all-or-nothing guarantee. Throws only if the whole transaction fails, in which case
   * none of them was stored.
   */
  writeEach(writes: readonly GroupedWrite[]): WriteOutcome[] {
    if (writes.length === 0) return [];
    const policyIds = this.policyIdsOf([...groupedDeliveries(writes)]);
    const enclosed = this.db.inTransaction;
    try {
      // Nearly always every write succeeds: then all of them go in one transaction without a savepoint
      // each (the savepoints were about a quarter of what the group's transaction cost the thread).
      return this.leases.within(() => this.writeAllTransaction.immediate(writes, policyIds));
    } catch (error) {
      // One failed and took the group with it: the group again, each write in its own savepoint, so
      // only the failing one is refused. Unless SQLite itself ended the enclosing transaction (disk
      // full, I/O): the writes would then run outside it, so the batch around them reports the error.
      if (enclosed && !this.db.inTransaction) throw error;
      return this.leases.within(() => this.writeEachTransaction.immediate(writes, policyIds));
    }
  }

  getResource(type: string, id: string): StoredResource | null {
    const row = this.statements.selectResource.get(type, id);
    return row ? toResource(row) : null;
  }

  deleteResource(type: string, id: string): boolean {
    return this.statements.deleteResource.run(type, id).changes > 0;
  }

  listResources(query: ResourceQuery, page: { limit: number; offset: number }): { items: StoredResource[]; total: number } {
    const where = stateFilters(query);
    const prefixes = statePrefixes(query);
    const sqlText = sql.listResources({ account: query.accountId !== undefined, fields: where.map(([field]) => field), prefixes: prefixes.map(([field]) => field), present: statePresent(query) });
    const params: Record<string, string | number> = { type: query.type, limit: pageLimit(page.limit), offset: Math.max(0, Math.floor(page.offset)) };
    if (query.accountId !== undefined) params.accountId = query.accountId;
    where.forEach(([, value], i) => (params[`f${i}`] = value));
    prefixes.forEach(([, pattern], i) => (params[`p${i}`] = pattern));
    const rows = this.cachedStatement<ResourceRow>(sqlText.rows).all(params);
    const { limit: _limit, offset: _offset, ...countParams } = params;
    const total = this.cachedStatement<{ total: number }>(sqlText.count).get(countParams)?.total ?? 0;
    return { items: rows.map(toResource), total };
  }

  /** Statements built from a query's shape (its filters), prepared on first use and kept, one per shape. */
  private cachedStatement<Row>(source: string): Statement<Row> {
    let statement = this.shapedStatements.get(source);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(source);
      this.shapedStatements.set(source, statement);
    }
    return statement as Statement<Row>;
  }

  // Deliveries

  claimDue(opts: ClaimRequest): Delivery[] {
    return this.leases.within(() => this.claimRows(opts).claimed);
  }

  recordAttempts(results: readonly RecordedAttempt[], owner: string): void {
    if (results.length === 0) return;
    this.leases.within(() => this.recordAttemptsTransaction.immediate(results, owner));
  }

  recordAndClaim(results: readonly RecordedAttempt[], claim: ClaimRequest): DispatchTurn {
    if (results.length === 0 && !(claim.limit >= 1)) return { claimed: [], nextDueAt: this.nextDueAt() };
    return this.leases.within(() => this.recordAndClaimTransaction.immediate(results, claim));
  }

  /** The earliest due time among the pending deliveries nobody has claimed. */
  nextDueAt(): number | null {
    if (this.leases.size === 0) return this.statements.nextDueAt.get()?.due_at ?? null;
    return this.nextUnclaimedDueAfter(Number.MIN_SAFE_INTEGER);
  }

  reclaimExpiredLeases(wallNow: number, dueAt: number): number {
    const expired = [...this.leases.entries()].filter(([, lease]) => lease.until < wallNow);
    if (expired.length === 0) return 0;
    return this.leases.within(() => this.requeueTransaction.immediate(expired, dueAt));
  }

  /** Claims live in memory only (leases.ts): renewing one touches no row. */
  renewLeases(ids: readonly string[], owner: string, leaseUntil: number): number {
    let renewed = 0;
    for (const id of ids) {
      const lease = this.leases.holder(id);
      if (lease?.owner !== owner) continue;
      this.leases.hold(id, { ...lease, until: leaseUntil });
      renewed++;
    }
    return renewed;
  }

  /** At start: claims a dead run left in the rows (before claims moved to memory) and any in memory. */
  releaseAllLeases(dueAt: number): number {
    const fromRows = this.statements.releaseRowLeases.run({ dueAt }).changes;
    return fromRows + this.leases.within(() => this.requeueTransaction.immediate([...this.leases.entries()], dueAt));
  }

  replay(id: string, dueAt: number, now: number): Delivery | null {
    // Only a finished delivery is replayed, and a finished one is never claimed.
    const replayed = this.statements.replayFinished.get({ id, dueAt, now });
    if (replayed) return this.toDelivery(replayed);
    return this.getDelivery(id);
  }

  getDelivery(id: string): Delivery | null {
    const row = this.statements.selectDelivery.get(id);
    return row ? this.toDelivery(row) : null;
  }

  listDeliveries(filter: DeliveryFilter, page: { after?: string; limit: number }): Page<Delivery> {
    const after = decodeCursor(page.after);
    const limit = pageLimit(page.limit);
    const shape: sql.DeliveryListShape = {
      accountId: filter.accountId !== undefined,
      status: filter.status === undefined ? false : filter.status === 'in-flight' ? 'claimed' : filter.status === 'pending' ? 'unclaimed' : 'plain',
      url: filter.url !== undefined,
      resource: filter.resource !== undefined,
      after: after !== null,
    };
    const params: Record<string, string | number> = { limit: limit + 1 };
    if (filter.accountId !== undefined) params.accountId = filter.accountId;
    if (shape.status === 'plain') params.status = filter.status as string;
    if (shape.status === 'claimed' || shape.status === 'unclaimed') params.claimed = JSON.stringify(this.leases.claimedSeqs());
    if (filter.url !== undefined) params.url = escapeLike(filter.url);
    if (filter.resource !== undefined) params.resource = filter.resource;
    if (after !== null) params.after = after;
    const rows = this.cachedStatement<DeliveryRow>(sql.listDeliveries(shape)).all(params);
    const items = rows.slice(0, limit).map((row) => this.toDelivery(row));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  attempts(deliveryId: string): Attempt[] {
    return this.statements.selectAttempts.all(deliveryId).map(toAttempt);
  }

  countByStatus(): Record<DeliveryStatus, number> {
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
    for (const row of this.statements.countByStatus.all()) counts[row.status as DeliveryStatus] += row.count;
    if (this.leases.size > 0) {
      const claimed = this.statements.countClaimed.get({ seqs: JSON.stringify(this.leases.claimedSeqs()) })?.count ?? 0;
      counts.pending -= claimed;
      counts['in-flight'] += claimed;
    }
    return counts;
  }

  // Sinks

  configureSink(name: string, config: SinkConfig): void {
    this.statements.upsertSink.run({ name, status: config.status, delayMs: config.delayMs, body: config.body, headers: JSON.stringify(config.headers) });
  }

  sinkConfig(name: string): SinkConfig | null {
    const row = this.statements.selectSink.get(name);
    return row ? toSinkConfig(row) : null;
  }

  recordSinkRequest(request: SinkRequest): SinkRequest & { seq: number } {
    const { lastInsertRowid } = this.statements.insertSinkRequest.run({
      sink: request.sink,
      method: request.method,
      path: request.path,
      query: request.query,
      headers: JSON.stringify(request.headers),
      body: request.body,
      receivedAt: request.receivedAt,
    });
    return { ...request, seq: Number(lastInsertRowid) };
  }

  sinkRequests(name: string, page: { after?: string; limit: number }): Page<SinkRequest & { seq: number }> {
    const limit = pageLimit(page.limit);
    const rows = this.statements.selectSinkRequests.all({ sink: name, after: decodeCursor(page.after) ?? 0, limit: limit + 1 });
    const items = rows.slice(0, limit).map(toSinkRequest);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  // Meta

  getMeta(key: string): string | null {
    return this.statements.selectMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.statements.upsertMeta.run(key, value);
  }

  // Retention

  /**
   * Delete at most `limit` expired deliveries (with their attempts) and `limit` sink requests in one
   * transaction. The caller repeats until a chunk comes back short, yielding in between, so a large
   * backlog never holds the write lock (or the event loop) for long.
   */
  pruneChunk(policy: RetentionPolicy, limit: number): PruneCounts {
    return this.leases.within(() => this.pruneTransaction.immediate(policy, limit));
  }

  /** Store the policies not stored yet, outside the transaction that will point at them. */
  private policyIdsOf(deliveries: readonly NewDelivery[]): PolicyIds {
    const policies = deliveries.map((delivery) => delivery.policy);
    const ids = this.policies.idsFor(policies);
    return new Map(policies.map((policy, i) => [policy, ids[i] as number]));
  }

  /** A claimed row reads as in flight: its claim is in memory, the row says pending. */
  private toDelivery(row: DeliveryRow): Delivery {
    if (row.status === 'pending' && this.leases.holds(row.seq)) row.status = 'in-flight';
    return toDelivery(row, this.policies.policy(row.policy_id));
  }

  /**
   * Claims the due deliveries in due order, skipping those already claimed. Row by row this is a read
   * of the claim index and of the rows taken; claiming in the rows was an update of each row and its
   * index entry, the largest single cost of the store's thread (docs/benchmarks.md).
   *
   * `nextDue` is the due time of the first unclaimed row the claim left (due by `now`, so the earliest
   * still pending), read one index entry past the claim; null when none is due by `now`. A full claim
   * used to learn it by reading the claim index again from its start, past every claimed row.
   */
  private claimRows(opts: ClaimRequest): { readonly claimed: Delivery[]; readonly nextDue: number | null } {
    // LIMIT -1 means "no limit" to SQLite; a non-positive limit must claim nothing.
    if (!(opts.limit >= 1)) return { claimed: [], nextDue: null };
    // The claim never reaches SQL, which used to refuse these: refuse them here, before anything is claimed.
    if (typeof opts.owner !== 'string' || !Number.isFinite(opts.leaseUntil)) {
      throw new TypeError(`a claim needs an owner (text) and a lease end (a number), got ${typeof opts.owner} and ${String(opts.leaseUntil)}`);
    }
    const limit = Math.floor(opts.limit);
    const seqs: number[] = [];
    let nextDue: number | null = null;
    // Among `limit + claims + 1` rows at least `limit + 1` are unclaimed, if that many are due.
    for (const [seq, dueAt] of this.statements.dueInOrder.all({ now: opts.now, limit: limit + this.leases.size + 1 })) {
      if (this.leases.holds(seq)) continue;
      if (seqs.length === limit) {
        nextDue = dueAt;
        break;
      }
      seqs.push(seq);
    }
    if (seqs.length === 0) return { claimed: [], nextDue: null };
    // Read as arrays: a row object would be built column by column only to be copied into a delivery.
    const rows = this.statements.deliveriesBySeq.all({ seqs: JSON.stringify(seqs) });
    rows.sort((a, b) => a[12] - b[12] || a[0] - b[0]);
    for (const row of rows) this.leases.hold(row[1], { seq: row[0], owner: opts.owner, until: opts.leaseUntil });
    return { claimed: rows.map((row) => claimedDelivery(row, this.policies.policy(row[8]))), nextDue };
  }

  private nextUnclaimedDueAfter(after: number): number | null {
    // Iterated, not fetched: reading stops at the first row nobody has claimed.
    for (const [seq, dueAt] of this.statements.pendingInDueOrder.iterate({ after }) as IterableIterator<[number, number]>) {
      if (!this.leases.holds(seq)) return dueAt;
    }
    return null;
  }

  /** Claims given up: each row due again at `dueAt`. Counts the rows that were still there. */
  private requeue(claims: readonly HeldClaim[], dueAt: number): number {
    let requeued = 0;
    for (const [id, { seq }] of claims) {
      requeued += this.statements.requeue.run({ seq, dueAt }).changes;
      this.leases.release(id);
    }
    return requeued;
  }

  private writeChangeSet(changes: ColumnChangeSet, policyIds: PolicyIds): CommitResult {
    const { upsertResource, insertDelivery } = this.statements;
    for (const resource of changes.resources ?? []) upsertResource.run(resource);
    const deliverySeqs: number[] = [];
    const leased = changes.lease ? Math.max(0, Math.floor(changes.lease.count)) : 0;
    for (const [i, delivery] of (changes.deliveries ?? []).entries()) {
      const seq = Number(insertDelivery.run(insertValues(delivery, policyIds.get(delivery.policy) as number, 'pending', 0, null, delivery.createdAt)).lastInsertRowid);
      deliverySeqs.push(seq);
      if (changes.lease && i < leased) this.leases.hold(delivery.id, { seq, owner: changes.lease.owner, until: changes.lease.leaseUntil });
    }
    return { deliverySeqs };
  }

  private writeEachOf(writes: readonly GroupedWrite[], policyIds: PolicyIds): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    for (const write of writes) {
      // After some errors (disk full, I/O) SQLite rolls the whole transaction back by itself; what
      // follows would then run in autocommit mode, outside the group, so it is refused instead.
      if (!this.db.inTransaction) {
        outcomes.push({ ok: false, error: writeError(write, new Error('the group commit was rolled back by an earlier failure')) });
        continue;
      }
      try {
        outcomes.push({ ok: true, result: this.leases.within(() => this.writeOneTransaction(write, policyIds)) });
      } catch (error) {
        outcomes.push({ ok: false, error: writeError(write, error) });
      }
    }
    return outcomes;
  }

  /** One write of a group, in whatever transaction or savepoint it is called in. */
  private writeDirectly(write: GroupedWrite, policyIds: PolicyIds): CommitResult | null {
    if ('changes' in write) return this.writeChangeSet(write.changes, policyIds);
    this.writeFinished(write.finished, policyIds);
    return null;
  }

  private writeAttemptResults(results: readonly RecordedAttempt[], owner: string): void {
    const { insertAttempt, finishAttempt } = this.statements;
    for (const [attempt, status, dueAt] of results) {
      insertAttempt.run(attempt);
      // An attempt whose claim ran out (and may have been taken again) is recorded, but moves nothing.
      const deliveryId = attempt[0];
      const lease = this.leases.holder(deliveryId);
      if (lease?.owner !== owner) continue;
      this.leases.release(deliveryId);
      finishAttempt.run(status, status === 'pending' ? dueAt : null, attempt[12], attempt[2], lease.seq);
    }
  }

  private writeFinished({ delivery, status, attempts }: ColumnFinishedDelivery, policyIds: PolicyIds): void {
    const last = attempts.at(-1);
    this.statements.insertDelivery.run(insertValues(delivery, policyIds.get(delivery.policy) as number, status, attempts.length, last ? last[12] : null, last ? last[2] : delivery.createdAt));
    for (const attempt of attempts) this.statements.insertAttempt.run(attempt);
  }

  private deleteExpired(policy: RetentionPolicy, limit: number): PruneCounts {
    const { selectPrunableDeliveries, deleteAttemptsOf, deleteDelivery, deleteOldSinkRequests } = this.statements;
    const doomed = selectPrunableDeliveries.all({ before: policy.finishedBefore, limit });
    let attempts = 0;
    for (const { seq, id } of doomed) {
      attempts += deleteAttemptsOf.run(id).changes;
      deleteDelivery.run(seq);
    }
    const sinkRequests = deleteOldSinkRequests.run({ before: policy.sinkRequestsBefore, limit }).changes;
    return { deliveries: doomed.length, attempts, sinkRequests };
  }

}

/**
 * WAL lets readers (the inspector, `hookline tail`) run beside the writer. `synchronous = NORMAL` in
 * WAL mode syncs at checkpoints rather than at every commit: a committed transaction survives the
 * process crashing (it is in the OS's page cache, in the WAL), which is the failure at-least-once
 * delivery must survive; only a power loss or OS crash can lose the last few commits. FULL would add an
 * fsync to every dispatcher batch for protection against a failure this embedded store does not
 * promise to survive.
 */
function configure(db: Database.Database, busyTimeoutMs: number, walAutocheckpointPages: number): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(walAutocheckpointPages))}`);
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // Each call in a batch runs in a savepoint, and rolling one back needs a statement journal of the
  // pages it changed. On a temp file that was a pwrite per page: measured in the voice figure, more
  // write syscalls than the WAL itself. Nothing here sorts or materialises more than a page of
  // results in a temp table (EXPLAIN QUERY PLAN: only the small accounts list), so memory is cheap.
  db.pragma('temp_store = MEMORY');
}

/**
 * The page cache, in KiB. better-sqlite3 builds SQLite with 16 MB; the pages this store keeps
 * touching are few (the ends of the tables and indexes new rows go to, the head of the claim index),
 * and in the scale benchmark 4 MB claimed and inserted as fast as 16 MB while a million rows were
 * pending, so the memory goes back to the process.
 */
const PAGE_CACHE_KIB = 4096;

function prepareStatements(db: Database.Database) {
  const prepare = <Row = unknown>(source: string): Statement<Row> => db.prepare<unknown[], Row>(source);
  return {
    upsertAccount: prepare(sql.UPSERT_ACCOUNT),
    selectAccount: prepare<AccountRow>(sql.SELECT_ACCOUNT),
    selectAccounts: prepare<AccountRow>(sql.SELECT_ACCOUNTS),
    deleteAccount: prepare(sql.DELETE_ACCOUNT),
    upsertResource: prepare(sql.UPSERT_RESOURCE),
    selectResource: prepare<ResourceRow>(sql.SELECT_RESOURCE),
    deleteResource: prepare(sql.DELETE_RESOURCE),
    insertDelivery: prepare(sql.INSERT_DELIVERY),
    dueInOrder: prepare<[number, number]>(sql.DUE_IN_ORDER).raw(),
    pendingInDueOrder: prepare<[number, number]>(sql.PENDING_IN_DUE_ORDER).raw(),
    deliveriesBySeq: prepare<DeliveryColumns>(sql.DELIVERIES_BY_SEQ).raw(),
    countClaimed: prepare<{ count: number }>(sql.COUNT_CLAIMED),
    requeue: prepare(sql.REQUEUE),
    insertAttempt: prepare(sql.INSERT_ATTEMPT),
    finishAttempt: prepare(sql.FINISH_ATTEMPT),
    nextDueAt: prepare<{ due_at: number | null }>(sql.NEXT_DUE_AT),
    releaseRowLeases: prepare(sql.RELEASE_ROW_LEASES),
    replayFinished: prepare<DeliveryRow>(sql.REPLAY_FINISHED),
    selectDelivery: prepare<DeliveryRow>(sql.SELECT_DELIVERY),
    selectAttempts: prepare<AttemptRow>(sql.SELECT_ATTEMPTS),
    countByStatus: prepare<{ status: string; count: number }>(sql.COUNT_BY_STATUS),
    upsertSink: prepare(sql.UPSERT_SINK),
    selectSink: prepare<SinkRow>(sql.SELECT_SINK),
    insertSinkRequest: prepare(sql.INSERT_SINK_REQUEST),
    selectSinkRequests: prepare<SinkRequestRow>(sql.SELECT_SINK_REQUESTS),
    selectMeta: prepare<{ value: string }>(sql.SELECT_META),
    upsertMeta: prepare(sql.UPSERT_META),
    selectPrunableDeliveries: prepare<{ seq: number; id: string }>(sql.SELECT_PRUNABLE_DELIVERIES),
    deleteAttemptsOf: prepare(sql.DELETE_ATTEMPTS_OF),
    deleteDelivery: prepare(sql.DELETE_DELIVERY),
    deleteOldSinkRequests: prepare(sql.DELETE_OLD_SINK_REQUESTS),
  };
}

/** `INSERT_DELIVERY`'s values, in its order: a fresh outbox entry, or a finished document fetch. */
function insertValues(delivery: NewDelivery, policyId: number, status: DeliveryStatus, attemptCount: number, lastOutcome: string | null, updatedAt: number): unknown[] {
  const d = delivery;
  const params = JSON.stringify(d.params);
  const warnings = JSON.stringify(d.warnings);
  return [d.id, d.accountId, d.dialect, d.kind, d.url, d.method, params, policyId, warnings, d.resource, status, d.dueAt, attemptCount, attemptCount, lastOutcome, null, null, d.createdAt, updatedAt];
}

/** Every delivery a group of writes stores, for their policies. */
function* groupedDeliveries(writes: readonly GroupedWrite[]): Iterable<NewDelivery> {
  for (const write of writes) {
    if ('changes' in write) yield* write.changes.deliveries ?? [];
    else yield write.finished.delivery;
  }
}

function writeError(write: GroupedWrite, cause: unknown): Error {
  return 'changes' in write ? commitError(write.changes, cause) : finishedError(write.finished.delivery, cause);
}
