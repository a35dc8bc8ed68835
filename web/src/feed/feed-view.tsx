import { useEffect, useRef, useState } from 'preact/hooks';
import { DELIVERY_STATUSES, DIALECTS, type DeliveryStatus } from '../api/types.js';
import { useSubscription } from '../components/use-subscription.js';
import { InputField } from '../components/field.js';
import { VirtualList } from '../components/virtual-list.js';
import { STATUS_LABELS } from '../format.js';
import { FeedRowView } from './feed-row.js';
import { NO_FILTER, type FeedFilter } from './feed-store.js';
import type { LiveFeed, StreamState } from './live-feed.js';

const ROW_HEIGHT = 36;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

const STREAM_LABELS: Readonly<Record<StreamState, string>> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
};

function FeedFilters({ filter, onChange }: { filter: FeedFilter; onChange: (filter: FeedFilter) => void }) {
  const set = (patch: Partial<FeedFilter>): void => onChange({ ...filter, ...patch });
  return (
    <form class="filters" role="search" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
      <InputField type="search" id="filter-search" label="Search id" value={filter.search} onInput={(search) => set({ search })} placeholder="delivery, message or call id" />
      <InputField type="search" id="filter-account" label="Account" value={filter.accountId} onInput={(accountId) => set({ accountId })} placeholder="MA…" />
      <div class="field">
        <label for="filter-dialect">Dialect</label>
        <select id="filter-dialect" value={filter.dialect} onChange={(e) => set({ dialect: e.currentTarget.value as FeedFilter['dialect'] })}>
          <option value="">any</option>
          {DIALECTS.map((dialect) => (
            <option key={dialect} value={dialect}>
              {dialect}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value={filter.status} onChange={(e) => set({ status: e.currentTarget.value as DeliveryStatus | '' })}>
          <option value="">any</option>
          {DELIVERY_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </div>
      <InputField type="search" id="filter-url" label="URL contains" value={filter.url} onInput={(url) => set({ url })} />
      <InputField type="search" id="filter-resource" label="Message or call id" value={filter.resourceId} onInput={(resourceId) => set({ resourceId })} />
      {filter !== NO_FILTER && (
        <button type="button" class="link-button" onClick={() => onChange(NO_FILTER)}>
          Clear filters
        </button>
      )}
    </form>
  );
}

/** The live feed: every delivery as it changes, newest first. */
export function FeedView({ feed }: { feed: LiveFeed }) {
  useSubscription(feed);
  useSubscription(feed.store);
  const { store } = feed;
  // Rows added on top since the previous render, so a reader scrolled down keeps their place.
  const [shownBefore, setShownBefore] = useState(store.visible.length);
  const lastFilter = useRef(store.currentFilter);
  const count = store.visible.length;
  const insertedAbove = lastFilter.current === store.currentFilter ? Math.max(0, count - shownBefore) : 0;
  useEffect(() => {
    lastFilter.current = store.currentFilter;
    setShownBefore(count);
  }, [count, store.currentFilter]);

  return (
    <section class="feed" aria-labelledby="feed-title">
      <div class="feed-header">
        <h1 id="feed-title">Live feed</h1>
        <p class="feed-status" aria-live="polite">
          <span class={`stream stream-${feed.state}`}>{STREAM_LABELS[feed.state]}</span>
          {' · '}
          <span data-testid="feed-count">
            {count === store.total ? plural(store.total, 'delivery', 'deliveries') : `${count} of ${plural(store.total, 'delivery', 'deliveries')}`}
          </span>
          {feed.isPaused && <span> · paused, {feed.held} events held</span>}
        </p>
        <button type="button" aria-pressed={feed.isPaused} onClick={() => (feed.isPaused ? feed.resume() : feed.pause())}>
          {feed.isPaused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {feed.loadError && (
        <p class="error" role="alert">
          Could not read deliveries: {feed.loadError}
        </p>
      )}
      <FeedFilters filter={store.currentFilter} onChange={(filter) => store.setFilter(filter)} />
      <div class="feed-columns" aria-hidden="true">
        <span class="col-status">status</span>
        <span class="col-time">updated</span>
        <span class="col-method">method</span>
        <span class="col-url">URL</span>
        <span class="col-code">response</span>
        <span class="col-duration">duration</span>
        <span class="col-attempt">attempt</span>
      </div>
      {count === 0 ? (
        <p class="empty">
          {store.total === 0 ? 'No deliveries yet. Queue a callback (POST /hookline/v1/callbacks) or send a message, and it appears here.' : 'No delivery matches these filters.'}
        </p>
      ) : (
        <VirtualList
          count={count}
          rowHeight={ROW_HEIGHT}
          insertedAbove={insertedAbove}
          label="Deliveries, newest first"
          renderRow={(index) => {
            const row = store.visible[index];
            return row ? <FeedRowView row={row} /> : null;
          }}
        />
      )}
      {feed.olderCursor !== null && (
        <p class="older">
          <button type="button" onClick={() => void feed.loadOlder()}>
            Load older deliveries
          </button>
        </p>
      )}
    </section>
  );
}
