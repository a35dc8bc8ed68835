import type { ResourceQuery, Store, StoredResource } from '../store/ports.js';

const PAGE = 500;

/**
 * Every resource matching `query`, read page by page and returned together: callers that act on them
 * (re-arming timers at start) may change them, which must not shift the pages still to be read.
 */
export async function allResources(store: Store, query: ResourceQuery): Promise<StoredResource[]> {
  const all: StoredResource[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await store.listResources(query, { limit: PAGE, offset });
    all.push(...items);
    if (items.length < PAGE) return all;
  }
}
