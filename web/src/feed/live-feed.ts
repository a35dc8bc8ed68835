import { api, eventStreamUrl, query } from '../api/client.js';
import type { CallStreamEvent, DeliveryEvent, DeliveryPage } from '../api/types.js';
import { FeedStore } from './feed-store.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** Deliveries read at start and after each reconnect: the stream itself carries no history. */
const CATCH_UP_PAGE = 500;
/**
 * The first load reads a screenful and a margin first, then the rest of the page: with 500 rows the
 * first answer is ~0.5 MB, which a loaded machine takes hundreds of ms to send and parse.
 */
const FIRST_SCREEN = 100;

/**
 * The event stream feeding a FeedStore. Events are parsed as they come but applied once per animation
 * frame, so a burst of a thousand costs one re-render; while paused they are held, not dropped.
 */
export class LiveFeed {
  readonly store = new FeedStore();
  private source: EventSource | null = null;
  private queue: DeliveryEvent[] = [];
  private frame: number | null = null;
  private paused = false;
  private readonly listeners = new Set<() => void>();
  private readonly callListeners = new Set<(event: CallStreamEvent) => void>();
  state: StreamState = 'closed';
  /** Every event received since the page opened, applied or held. */
  received = 0;
  loadError: string | null = null;
  /** Where the next older page of stored deliveries starts; null once there is none. */
  olderCursor: string | null = null;
  private loadedOnce = false;

  get held(): number {
    return this.paused ? this.queue.length : 0;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Steps of calls, as they happen, for the call views. They ride the feed's one connection rather
   * than a stream of their own; each listener batches its own work.
   */
  onCallEvent(listener: (event: CallStreamEvent) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  start(): void {
    if (this.source) return;
    this.setState('connecting');
    const source = new EventSource(eventStreamUrl());
    this.source = source;
    const take = (event: MessageEvent<string>): void => this.enqueue(event.data);
    source.addEventListener('delivery', take);
    source.addEventListener('attempt', take);
    source.addEventListener('call', (event: MessageEvent<string>) => this.callEvent(event.data));
    source.addEventListener('open', () => {
      this.setState('live');
      void this.catchUp();
    });
    source.addEventListener('error', () => {
      // CLOSED means the browser gave up (a 401, say): the shell's health check asks for a token.
      if (source.readyState === EventSource.CLOSED) this.stop();
      else this.setState('reconnecting');
    });
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.setState('closed');
  }

  /** Reconnects, e.g. once a token has been entered. */
  restart(): void {
    this.stop();
    this.start();
  }

  pause(): void {
    this.paused = true;
    this.notify();
  }

  resume(): void {
    this.paused = false;
    this.schedule();
    this.notify();
  }

  private async catchUp(): Promise<void> {
    try {
      if (this.loadedOnce) {
        // Later catch-ups only fill a gap at the top; the way down stays where the first one left it.
        this.take(await api<DeliveryPage>('GET', `/deliveries${query({ limit: CATCH_UP_PAGE })}`));
        this.loadError = null;
        return;
      }
      const first = await api<DeliveryPage>('GET', `/deliveries${query({ limit: FIRST_SCREEN })}`);
      this.loadedOnce = true;
      this.loadError = null;
      this.olderCursor = first.nextCursor;
      this.take(first);
      if (first.nextCursor !== null) await this.loadOlder(CATCH_UP_PAGE - FIRST_SCREEN);
    } catch (error) {
      this.failedToLoad(error);
    }
  }

  /** The next page of stored deliveries, older than any shown. */
  async loadOlder(limit = CATCH_UP_PAGE): Promise<void> {
    if (this.olderCursor === null) return;
    try {
      const page = await api<DeliveryPage>('GET', `/deliveries${query({ limit, after: this.olderCursor })}`);
      this.loadError = null;
      this.olderCursor = page.nextCursor;
      this.take(page);
    } catch (error) {
      this.failedToLoad(error);
    }
  }

  /** Through the queue like live events, so a paused feed stays as it was. */
  private take(page: DeliveryPage): void {
    for (const delivery of page.deliveries) this.queue.push({ type: 'delivery', delivery });
    if (this.paused) this.notifySoon();
    else this.schedule();
  }

  private failedToLoad(error: unknown): void {
    this.loadError = error instanceof Error ? error.message : String(error);
    this.notify();
  }

  private enqueue(data: string): void {
    let event: DeliveryEvent;
    try {
      event = JSON.parse(data) as DeliveryEvent;
    } catch {
      return; // Not an event this page understands; the next catch-up corrects anything missed.
    }
    this.received += 1;
    this.queue.push(event);
    if (this.paused) this.notifySoon();
    else this.schedule();
  }

  private callEvent(data: string): void {
    let event: CallStreamEvent;
    try {
      event = JSON.parse(data) as CallStreamEvent;
    } catch {
      return; // The call views also re-read on a timer, so a step missed here still shows.
    }
    for (const listener of this.callListeners) listener(event);
  }

  private schedule(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      if (this.paused) return;
      const batch = this.queue;
      this.queue = [];
      this.store.apply(batch);
      this.notify();
    });
  }

  /** While paused only the held count changes: told at most once a frame too. */
  private notifySoon(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.notify();
    });
  }

  private setState(state: StreamState): void {
    this.state = state;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
