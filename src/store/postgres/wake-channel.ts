import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Backoff } from '../../domain/backoff.js';

/** The subset of a pino logger the store writes to. */
export interface StoreLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WakeChannelOptions {
  /** For the pool's notifies and the listener's own connection. */
  readonly pool: pg.Pool;
  readonly clientConfig: pg.ClientConfig;
  readonly logger: StoreLogger;
  /** Listeners are also called this often, for work whose notify was lost (a dropped connection). */
  readonly pollIntervalMs: number;
}

/** The NOTIFY channel of every hookline on the database. */
export const WAKE_CHANNEL = 'hookline_deliveries_due';

const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * Tells the dispatchers of other processes sharing the database that deliveries have become due
 * (LISTEN/NOTIFY), so a worker claims a callback an API node committed without waiting for a poll.
 *
 * A notify is sent after the commit that made the work due, not inside it: NOTIFY takes a database-wide
 * lock at commit, which would serialise every outbox commit. Notifies asked for in one turn of the event
 * loop go as one. Losing one (a crash between commit and notify, a listener reconnecting) costs at most
 * one poll interval, since listeners are also called on a timer and after every reconnect.
 */
export class WakeChannel {
  /** Identifies this process's notifies, so it does not wake itself: its own dispatcher already knows. */
  private readonly source = randomUUID();
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private listener: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly reconnects = new Backoff(500, MAX_RECONNECT_DELAY_MS);
  private poll: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: WakeChannelOptions) {}

  /** Ask the other processes to look for due work. */
  notify(): void {
    if (this.closed || this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      if (this.closed) return;
      this.options.pool.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, this.source]).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'could not notify other processes of due deliveries; they will find them on their next poll');
      });
    });
  }

  /** Call `listener` when another process may have made deliveries due; returns a function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    if (this.closed) return;
    this.poll = setInterval(() => this.emit(), this.options.pollIntervalMs);
    this.poll.unref();
    void this.listen();
  }

  private stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.listener;
    this.listener = null;
    client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.options.clientConfig);
    this.listener = client;
    client.on('notification', (message) => {
      if (message.payload !== this.source) this.emit();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    this.reconnects.reset();
    // Whatever was notified while not listening.
    this.emit();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.listener !== client || this.closed || this.listeners.size === 0) return;
    this.listener = null;
    client.end().catch(() => undefined);
    const retryInMs = this.reconnects.next();
    this.options.logger.warn({ err: error, retryInMs }, 'lost the PostgreSQL connection that listens for due deliveries; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, retryInMs);
    this.reconnectTimer.unref();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
