import type { Attempt, Delivery, DeliveryStatus, NewDelivery } from '../domain/delivery.js';

/**
 * The storage ports. Every storage call in hookline goes through these, so the embedded SQLite store
 * and the PostgreSQL store are interchangeable and pinned by one contract suite
 * (test/store/contract.ts). All methods are async because the PostgreSQL one is.
 */

export interface Account {
  /** Plivo auth id (`MA…`/`SA…`), or a UUID given with `--account`; the Basic-auth user name. */
  readonly id: string;
  /** Basic-auth password; also the signing key for Plivo V2/V3 and Standard Webhooks. */
  readonly authToken: string;
  /**
   * The account as a LaML project: its Project ID (a UUID), SignalWire's `AccountSid` in paths,
   * Basic auth and webhooks (laml.md §1.1). The id itself when that is a UUID given without one.
   */
  readonly lamlProjectId: string;
  /** The project's Signing Key (`PSK_…`) that LaML webhooks are signed with; not the API token (laml.md §7.1). */
  readonly signingKey: string;
  /** The main account of a sub-account, else null. Its token signs the `-Ma-` headers. */
  readonly parentId: string | null;
  readonly name: string;
  readonly createdAt: number;
  /** A disabled account cannot authenticate. Absent means enabled. */
  readonly enabled?: boolean;
}

export interface AccountStore {
  /** Insert or replace by id. */
  put(account: Account): Promise<void>;
  get(id: string): Promise<Account | null>;
  list(): Promise<Account[]>;
  /** True if it existed. What the account caused (deliveries, resources) stays until retention. */
  delete(id: string): Promise<boolean>;
}

/** A state change a producer commits together with the callbacks it causes (see `Store.commit`). */
export interface ResourceWrite {
  /** `message`, `call`, `verify-session`… */
  readonly type: string;
  readonly id: string;
  readonly accountId: string;
  /** JSON-serialisable state; replaces what was stored under (type, id). */
  readonly state: unknown;
  readonly updatedAt: number;
}

export interface StoredResource {
  readonly type: string;
  readonly id: string;
  readonly accountId: string;
  readonly state: unknown;
  readonly updatedAt: number;
}

export interface ResourceQuery {
  readonly type: string;
  readonly accountId?: string;
  /** Top-level state fields (names of letters, digits and `_`) that must equal these strings. */
  readonly where?: Readonly<Record<string, string>>;
  /** Top-level state fields, named as in `where`, that must start with these strings. */
  readonly startsWith?: Readonly<Record<string, string>>;
  /** Top-level state fields, named as in `where`, that must be set (present and not null). */
  readonly present?: readonly string[];
}

export interface ChangeSet {
  readonly resources?: readonly ResourceWrite[];
  readonly deliveries?: readonly NewDelivery[];
  /**
   * The first `count` deliveries are committed already claimed, in flight under this lease, as if
   * `claimDue` had taken them: a dispatcher with free slots sends fresh callbacks straight after the
   * commit instead of claiming them back from the store.
   */
  readonly lease?: CommitLease;
}

export interface CommitLease {
  readonly owner: string;
  /** Wall time (ms) at which the lease expires. */
  readonly leaseUntil: number;
  readonly count: number;
}

export interface CommitResult {
  /** The `seq` the store gave each delivery of the change set, in the same order. */
  readonly deliverySeqs: readonly number[];
}

/** The result of one attempt, as the dispatcher reports it. */
export interface AttemptResult {
  readonly attempt: Attempt;
  /** What happens to the delivery next. */
  readonly next: { readonly status: 'pending'; readonly dueAt: number } | { readonly status: 'succeeded' | 'failed' };
}

/** Which due deliveries to claim, for whom and until when. */
export interface ClaimRequest {
  /** Clock time: deliveries due at or before it are due. */
  readonly now: number;
  readonly limit: number;
  /** Names the dispatcher holding the lease. */
  readonly owner: string;
  /** Wall time (ms) at which the lease expires. */
  readonly leaseUntil: number;
}

/** What `recordAndClaim` answers. */
export interface DispatchTurn {
  /** Oldest due first. */
  readonly claimed: Delivery[];
  /** Clock time of the earliest delivery still pending after the claim, or null if none is. */
  readonly nextDueAt: number | null;
}

/** A finished document fetch: the delivery and all its attempts, written at once. */
export interface FinishedDelivery {
  readonly delivery: NewDelivery;
  readonly status: 'succeeded' | 'failed';
  readonly attempts: readonly Attempt[];
}

export interface DeliveryFilter {
  readonly accountId?: string;
  readonly status?: DeliveryStatus;
  /** Matches deliveries whose URL contains this text. */
  readonly url?: string;
  /** Exact `type:id` of the causing resource. */
  readonly resource?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back as `after` for the next (older) page. Null on the last page. */
  readonly nextCursor: string | null;
}

export interface DeliveryStore {
  /**
   * Claim up to `limit` pending deliveries due at or before `now` (clock time), oldest due first,
   * marking them in-flight under a lease that expires at `leaseUntil` (wall time, ms).
   * Uses an index on due time: the cost does not grow with deliveries due later.
   */
  claimDue(opts: ClaimRequest): Promise<Delivery[]>;
  /**
   * Record attempts and move their deliveries on, all in one transaction. An attempt whose delivery is
   * no longer in flight under `owner` (its lease expired and someone else took it) is still recorded.
   */
  recordAttempts(results: readonly AttemptResult[], owner: string): Promise<void>;
  /**
   * A dispatcher's whole turn in one transaction: record `results` (as `recordAttempts`, under
   * `claim.owner`), then claim up to `claim.limit` due deliveries (as `claimDue`; a limit of 0 claims
   * nothing), then say when the earliest delivery still pending is due. One round trip and one commit
   * where three calls would cost three, and the rows the claim and the record touch are written once.
   */
  recordAndClaim(results: readonly AttemptResult[], claim: ClaimRequest): Promise<DispatchTurn>;
  /** Clock time of the earliest pending delivery, or null if none is pending. */
  nextDueAt(): Promise<number | null>;
  /** Return in-flight deliveries whose lease expired before `wallNow` to pending, due at `dueAt`. */
  reclaimExpiredLeases(wallNow: number, dueAt: number): Promise<number>;
  /**
   * Extend to `leaseUntil` (wall ms) the leases `owner` still holds on these deliveries, for attempts
   * that outlast a lease. Counts the leases extended; one held by another owner, or gone, is left.
   */
  renewLeases(ids: readonly string[], owner: string, leaseUntil: number): Promise<number>;
  /**
   * Return every in-flight delivery to pending, due at `dueAt`. The embedded store calls this at start:
   * it is the only process on its data directory, so any lease left over belongs to a dead process.
   */
  releaseAllLeases(dueAt: number): Promise<number>;
  /** Write a finished document fetch (delivery and attempts) in one transaction. */
  recordFinished(finished: FinishedDelivery): Promise<void>;
  /**
   * Make a finished delivery pending again, due at `dueAt`, with a fresh retry round. Returns null if
   * the delivery does not exist; an in-flight or pending delivery is returned unchanged.
   */
  replay(id: string, dueAt: number, now: number): Promise<Delivery | null>;
  get(id: string): Promise<Delivery | null>;
  /** Newest first. */
  list(filter: DeliveryFilter, page: { after?: string; limit: number }): Promise<Page<Delivery>>;
  attempts(deliveryId: string): Promise<Attempt[]>;
  /** Counts by status, for health and metrics. */
  countByStatus(): Promise<Record<DeliveryStatus, number>>;
}

/** How a sink answers, so failures can be rehearsed. */
export interface SinkConfig {
  readonly status: number;
  readonly delayMs: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SinkRequest {
  readonly seq?: number;
  readonly sink: string;
  readonly method: string;
  /** Path below `/sink/{name}`, starting with `/` (just `/` for the sink itself). */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Clock time. */
  readonly receivedAt: number;
}

export interface SinkStore {
  configure(name: string, config: SinkConfig): Promise<void>;
  config(name: string): Promise<SinkConfig | null>;
  record(request: SinkRequest): Promise<SinkRequest & { seq: number }>;
  /** Oldest first, so a test reads requests in arrival order. */
  requests(name: string, page: { after?: string; limit: number }): Promise<Page<SinkRequest & { seq: number }>>;
}

/** Small named values that must survive a restart: the virtual clock's time, the dev account id. */
export interface MetaStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

export interface RetentionPolicy {
  /** Finished deliveries (and their attempts) older than this clock time are deleted. */
  readonly finishedBefore: number;
  /** Sink requests older than this clock time are deleted. */
  readonly sinkRequestsBefore: number;
}

/** A process that runs calls on a shared store: alive while it renews its lease. */
export interface NodeLease {
  readonly id: string;
  /** Where other nodes forward requests for the calls it runs. */
  readonly url: string;
  /** Wall time (ms) at which the node counts as dead unless it renews. */
  readonly leaseUntil: number;
}

/** Who runs a call or drives a message, as `OwnerStore.ownerOf` answers. */
export interface Owner {
  readonly nodeId: string;
  readonly url: string;
  /** The owner's lease had not run out at the time asked about. */
  readonly alive: boolean;
}

/**
 * What a node owns: a live call (an A leg or a Dial's B leg), which lives in its memory, or a message
 * whose far end (queued, sent, the delivery report) it plays on its clock.
 */
export type OwnedKind = 'call' | 'message';

export interface Owned {
  readonly uuid: string;
  readonly kind: OwnedKind;
}

/**
 * Which node runs each live call and drives each message still on its way, on a store several
 * processes share. A call lives in the memory of the process running it, and a message's next step
 * waits on that process's timer; this is how the others find that process, and how they learn it died.
 */
export interface OwnerStore {
  /** Record the node or push its lease on. */
  renew(node: NodeLease): Promise<void>;
  /** The node stops: its lease ends now. */
  leave(nodeId: string): Promise<void>;
  /** `nodeId` runs these calls (or drives these messages) from now on. */
  own(uuids: readonly string[], nodeId: string, kind: OwnedKind): Promise<void>;
  /** Of these uuids, those no node owns become `nodeId`'s; answers them. Two nodes asking at once never both get one. */
  claim(uuids: readonly string[], nodeId: string, kind: OwnedKind): Promise<string[]>;
  /** The call has ended (the message has no step left); forgotten unless another node has taken it over meanwhile. */
  disown(uuid: string, nodeId: string): Promise<void>;
  ownerOf(uuid: string, wallNow: number): Promise<Owner | null>;
  /**
   * What nodes whose lease ran out before `wallNow` owned becomes `nodeId`'s, at most `limit` rows;
   * answers what was taken. Two nodes asking at once never both get the same call or message.
   */
  adoptOrphans(nodeId: string, wallNow: number, limit: number): Promise<Owned[]>;
}

export interface Store {
  /**
   * Other processes may use this store at the same time (PostgreSQL). A store that is not shared
   * belongs to one process, so at start any lease it finds was left by a dead run of that process.
   */
  readonly shared: boolean;
  readonly accounts: AccountStore;
  readonly deliveries: DeliveryStore;
  readonly sinks: SinkStore;
  readonly meta: MetaStore;
  /** Ownership across nodes: only on a shared store, where calls and messages may run in other processes. */
  readonly owners?: OwnerStore;
  /**
   * The transactional outbox: resource state changes and the deliveries they cause commit together or
   * not at all. A crash can never keep one without the other.
   */
  commit(changes: ChangeSet): Promise<CommitResult>;
  getResource(type: string, id: string): Promise<StoredResource | null>;
  /**
   * Resources of one type, newest first (by first write), optionally of one account and with top-level
   * state fields equal to the given strings; `total` counts every match.
   */
  /** True if it existed. The deliveries it caused stay. */
  deleteResource(type: string, id: string): Promise<boolean>;
  listResources(query: ResourceQuery, page: { limit: number; offset: number }): Promise<{ items: StoredResource[]; total: number }>;
  /**
   * Call `listener` when another process sharing the store may have made deliveries due (committed,
   * replayed or released them), and now and then in case such news was lost; returns a function that
   * stops it. A store no other process writes never calls it.
   */
  onDeliveriesDue(listener: () => void): () => void;
  /** Delete what retention allows; returns how many rows went. */
  prune(policy: RetentionPolicy): Promise<{ deliveries: number; attempts: number; sinkRequests: number }>;
  close(): Promise<void>;
}
