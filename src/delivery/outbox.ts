import type { Clock } from '../domain/clock.js';
import { DIALECTS, type Dialect } from '../domain/callback.js';
import { deliveryIn, type Delivery, type NewDelivery } from '../domain/delivery.js';
import { InputError } from '../domain/errors.js';
import { resolveCallbackUrl, type PolicySettings } from '../domain/fragment-policy.js';
import { newDeliveryId } from '../domain/ids.js';
import type { PolicyProfile, ResolvedCallbackUrl } from '../domain/policy.js';
import type { CommitResult, ResourceWrite, Store } from '../store/ports.js';
import type { AccountDirectory } from './account-directory.js';
import type { CallbackService, EnqueueRequest } from './callback-service.js';
import type { HandOff } from './dispatcher.js';
import type { DeliveryEvents } from './events.js';
import type { SsrfGuard } from './ssrf-guard.js';

/** The status-callback profile each dialect uses when the producer names none. */
const DEFAULT_PROFILE: Readonly<Record<Dialect, PolicyProfile>> = {
  plivo: 'plivo-messaging',
  laml: 'laml-status',
  standard: 'standard',
};

export interface OutboxDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly accounts: AccountDirectory;
  readonly events: DeliveryEvents;
  readonly ssrf: SsrfGuard;
  readonly policySettings: PolicySettings;
  /** Used when a request names no account. */
  readonly defaultAccountId: string;
  /** Tells the dispatcher that work may be due. */
  readonly wake: () => void;
  /** The dispatcher's hand-off of fresh deliveries (absent when this process does not dispatch). */
  readonly handOff?: HandOffPort;
}

/** What the outbox needs of the dispatcher to hand it fresh deliveries (see `Dispatcher.reserve`). */
export interface HandOffPort {
  reserve(count: number): HandOff | null;
  take(handOff: HandOff, deliveries: readonly Delivery[]): void;
  release(handOff: HandOff): void;
}

/**
 * The producer side of the transactional outbox: turns enqueue requests into deliveries, commits them
 * in one transaction and wakes the dispatcher. Bad input is refused whole, before anything is stored.
 */
export class Outbox implements CallbackService {
  /**
   * A producer sends most callbacks of a kind to one URL, so each (profile, URL) is resolved and
   * checked once. Besides the parsing saved, the deliveries then share one policy object, which the
   * store serialises once per batch rather than once per delivery.
   */
  private readonly resolvedUrls = new Map<string, { resolved: ResolvedCallbackUrl; refusal: string | null }>();

  constructor(private readonly deps: OutboxDeps) {}

  async enqueue(request: EnqueueRequest): Promise<Delivery> {
    const [delivery] = await this.enqueueMany([request]);
    return delivery as Delivery;
  }

  async enqueueMany(requests: readonly EnqueueRequest[]): Promise<Delivery[]> {
    return this.commitChange({ callbacks: requests });
  }

  /**
   * A producer's state change and the callbacks it causes, in one transaction: both are stored or
   * neither is. Every callback is checked before anything is written.
   */
  async commitChange(change: { readonly resources?: readonly ResourceWrite[]; readonly callbacks: readonly EnqueueRequest[] }): Promise<Delivery[]> {
    const now = this.deps.clock.now();
    const fresh = change.callbacks.map((request) => this.toNewDelivery(request, now));
    const resources = change.resources ?? [];
    const { handOff: port } = this.deps;
    // Fresh deliveries the dispatcher has room for are committed already claimed and sent straight
    // away: a round trip through the store saved on every callback's way out.
    const handOff = fresh.length > 0 ? (port?.reserve(fresh.length) ?? null) : null;
    let seqs: CommitResult;
    try {
      seqs = await this.deps.store.commit(handOff ? { resources, deliveries: fresh, lease: handOff } : { resources, deliveries: fresh });
    } catch (error) {
      if (handOff) port?.release(handOff);
      throw error;
    }
    const taken = handOff?.count ?? 0;
    const deliveries = fresh.map((d, i) => newlyCommitted(d, seqs.deliverySeqs[i] ?? 0, i < taken ? 'in-flight' : 'pending'));
    if (handOff) port?.take(handOff, deliveries);
    if (taken < fresh.length) this.deps.wake();
    if (this.deps.events.listenerCount > 0) {
      for (const delivery of deliveries) this.deps.events.publish({ type: 'delivery', delivery });
    }
    return deliveries;
  }

  async replay(id: string): Promise<Delivery | null> {
    const now = this.deps.clock.now();
    const delivery = await this.deps.store.deliveries.replay(id, now, now);
    if (delivery) {
      this.deps.wake();
      this.deps.events.publish({ type: 'delivery', delivery });
    }
    return delivery;
  }

  /** The URL's wire form and policy, and why the SSRF guard refuses it (null if it does not). Throws InputError for a bad URL. */
  private resolve(url: string, profile: PolicyProfile): { resolved: ResolvedCallbackUrl; refusal: string | null } {
    const key = `${profile} ${url}`;
    let entry = this.resolvedUrls.get(key);
    if (!entry) {
      const resolved = resolveCallbackUrl(url, profile, this.deps.policySettings);
      entry = { resolved, refusal: this.deps.ssrf.checkUrl(new URL(resolved.wireUrl)) };
      if (this.resolvedUrls.size >= MAX_RESOLVED_URLS) this.resolvedUrls.clear();
      this.resolvedUrls.set(key, entry);
    }
    return entry;
  }

  /** Everything a delivery needs, checked before anything is written. */
  toNewDelivery(request: EnqueueRequest, now: number): NewDelivery {
    if (!DIALECTS.includes(request.dialect)) {
      throw new InputError(`unknown dialect "${String(request.dialect)}"`, 'dialect', `use one of ${DIALECTS.join(', ')}`);
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      throw new InputError(`unsupported method "${String(request.method)}"`, 'method', 'use GET or POST');
    }
    const accountId = request.accountId ?? this.deps.defaultAccountId;
    if (!this.deps.accounts.get(accountId)) {
      throw new InputError(`unknown account "${accountId}"`, 'accountId', 'name an account hookline was started with, or leave it out for the dev account');
    }
    for (const name in request.params) {
      const value: unknown = request.params[name];
      if (typeof value !== 'string') {
        throw new InputError(`param "${name}" is a ${typeof value}`, `params.${name}`, 'send every param value as a string, as carriers do');
      }
    }
    const { resolved, refusal } = this.resolve(request.url, request.profile ?? DEFAULT_PROFILE[request.dialect]);
    if (refusal) throw new InputError(refusal, 'url', 'use a public address, or run hookline with --ssrf dev for local receivers');
    return {
      id: newDeliveryId(now),
      accountId,
      dialect: request.dialect,
      kind: 'notification',
      url: resolved.url,
      method: request.method,
      params: this.deps.accounts.dialectParams(request.dialect, accountId, request.params),
      policy: resolved.policy,
      warnings: resolved.warnings,
      resource: request.resource ?? null,
      dueAt: now,
      createdAt: now,
    };
  }
}

/** Distinct (profile, URL) pairs remembered; past this the memo starts again. */
const MAX_RESOLVED_URLS = 1000;

function newlyCommitted(d: NewDelivery, seq: number, status: 'pending' | 'in-flight'): Delivery {
  return deliveryIn(d, { seq, status, dueAt: d.dueAt, attemptCount: 0, roundAttempts: 0, replayCount: 0, lastOutcome: null, updatedAt: d.createdAt });
}
