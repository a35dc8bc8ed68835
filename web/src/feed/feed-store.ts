import type { Attempt, Delivery, DeliveryEvent, DeliveryStatus } from '../api/types.js';

/** One line of the feed: a delivery and what its latest attempt did. */
export interface FeedRow {
  delivery: Delivery;
  lastAttempt: Attempt | null;
}

export interface FeedFilter {
  accountId: string;
  dialect: Delivery['dialect'] | '';
  status: DeliveryStatus | '';
  /** Part of the URL. */
  url: string;
  /** A message (or call) id: the resource that caused the delivery, or its *UUID / *Sid parameter. */
  resourceId: string;
  /** Part of a delivery id, a resource or an id parameter. */
  search: string;
}

export const NO_FILTER: FeedFilter = { accountId: '', dialect: '', status: '', url: '', resourceId: '', search: '' };

/** Beyond this many deliveries the oldest leave the page (the control API still has them). */
export const MAX_ROWS = 20_000;

function idParams(delivery: Delivery): string[] {
  return Object.entries(delivery.params)
    .filter(([name]) => /(uuid|sid|id)$/i.test(name))
    .map(([, value]) => value);
}

function resourceIdOf(resource: string | null): string | null {
  if (resource === null) return null;
  const colon = resource.indexOf(':');
  return colon === -1 ? resource : resource.slice(colon + 1);
}

export function matches(delivery: Delivery, filter: FeedFilter): boolean {
  if (filter.accountId && delivery.accountId !== filter.accountId.trim()) return false;
  if (filter.dialect && delivery.dialect !== filter.dialect) return false;
  if (filter.status && delivery.status !== filter.status) return false;
  if (filter.url && !delivery.url.includes(filter.url.trim())) return false;
  if (filter.resourceId) {
    const wanted = filter.resourceId.trim();
    if (resourceIdOf(delivery.resource) !== wanted && !idParams(delivery).includes(wanted)) return false;
  }
  if (filter.search) {
    const needle = filter.search.trim().toLowerCase();
    const haystack = [delivery.id, delivery.resource ?? '', ...idParams(delivery)];
    if (!haystack.some((value) => value.toLowerCase().includes(needle))) return false;
  }
  return true;
}

function newestFirst(a: FeedRow, b: FeedRow): number {
  return b.delivery.seq - a.delivery.seq;
}

/**
 * The feed's state, outside any component: events are applied in batches (one per animation frame) and
 * the filtered list is patched rather than rebuilt when it can be, so a fast stream costs work in
 * proportion to what changed, not to what is held.
 */
export class FeedStore {
  private readonly rows = new Map<string, FeedRow>();
  /** Newest first by seq. */
  private ordered: FeedRow[] = [];
  private shown: FeedRow[] = [];
  private filter: FeedFilter = NO_FILTER;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every change, so views can tell a new state from an old one cheaply. */
  version = 0;

  get total(): number {
    return this.rows.size;
  }

  row(id: string): FeedRow | undefined {
    return this.rows.get(id);
  }

  get visible(): readonly FeedRow[] {
    return this.shown;
  }

  get currentFilter(): FeedFilter {
    return this.filter;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setFilter(filter: FeedFilter): void {
    this.filter = filter;
    this.shown = this.ordered.filter((row) => matches(row.delivery, filter));
    this.changed();
  }

  apply(events: readonly DeliveryEvent[]): void {
    if (events.length === 0) return;
    const added: FeedRow[] = [];
    let updated = false;
    for (const event of events) {
      if (event.type === 'delivery') {
        const row = this.rows.get(event.delivery.id);
        if (row) {
          // Events can arrive out of order across a reconnect; keep the most recent state.
          if (event.delivery.updatedAt >= row.delivery.updatedAt) row.delivery = event.delivery;
          updated = true;
        } else {
          const fresh: FeedRow = { delivery: event.delivery, lastAttempt: null };
          this.rows.set(event.delivery.id, fresh);
          added.push(fresh);
        }
      } else {
        const row = this.rows.get(event.attempt.deliveryId);
        if (row && (row.lastAttempt === null || event.attempt.number >= row.lastAttempt.number)) {
          row.lastAttempt = event.attempt;
          updated = true;
        }
      }
    }
    this.insert(added, updated);
    this.trim();
    this.changed();
  }

  private insert(added: FeedRow[], updated: boolean): void {
    added.sort(newestFirst);
    const first = this.ordered[0];
    const last = added[added.length - 1];
    // The usual case: everything new is newer than everything held, so it goes on top.
    const onTop = first === undefined || last === undefined || last.delivery.seq > first.delivery.seq;
    this.ordered = onTop ? added.concat(this.ordered) : this.ordered.concat(added).sort(newestFirst);
    // Updates change rows in place; only a status change can move a row in or out of the filter.
    if (!onTop || (updated && this.filter.status !== '')) {
      this.shown = this.ordered.filter((row) => matches(row.delivery, this.filter));
    } else if (added.length > 0) {
      this.shown = added.filter((row) => matches(row.delivery, this.filter)).concat(this.shown);
    }
  }

  private trim(): void {
    if (this.ordered.length <= MAX_ROWS) return;
    for (const row of this.ordered.slice(MAX_ROWS)) this.rows.delete(row.delivery.id);
    this.ordered = this.ordered.slice(0, MAX_ROWS);
    this.shown = this.shown.filter((row) => this.rows.has(row.delivery.id));
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
