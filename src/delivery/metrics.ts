import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import { DELIVERY_STATUSES } from '../domain/delivery.js';
import type { Store } from '../store/ports.js';
import type { DeliveryEvents } from './events.js';

/**
 * What to watch on a running hookline, in Prometheus's text format (`GET /metrics`): the queue's depth
 * and the age of its oldest due delivery, read from the store at each scrape (so on a shared store they
 * are the whole cluster's), and this process's attempts and finished deliveries, counted as they happen
 * (rates come from Prometheus: `rate(hookline_attempts_total[1m])`).
 */
export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;

  constructor(deps: { store: Store; clock: Clock; events: DeliveryEvents }) {
    const { store, clock, events } = deps;
    const registers = [this.registry];
    const attempts = new Counter({
      name: 'hookline_attempts_total',
      help: 'Callback attempts this process made, by result: success (the receiver accepted it) or failure.',
      labelNames: ['result'],
      registers,
    });
    const finished = new Counter({
      name: 'hookline_deliveries_finished_total',
      help: 'Deliveries this process finished, by final status.',
      labelNames: ['status'],
      registers,
    });
    new Gauge({
      name: 'hookline_deliveries',
      help: 'Deliveries in the store by status; pending is the queue depth.',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = await store.deliveries.countByStatus();
        for (const status of DELIVERY_STATUSES) this.set({ status }, counts[status]);
      },
    });
    new Gauge({
      name: 'hookline_oldest_due_delivery_age_seconds',
      help: 'How long the earliest pending delivery has been due (0 when none is due): how far the dispatchers are behind.',
      registers,
      async collect() {
        const next = await store.deliveries.nextDueAt();
        this.set(next === null ? 0 : Math.max(0, clock.now() - next) / 1000);
      },
    });
    // Both counters start at zero for every label, so a rate exists before the first failure.
    attempts.inc({ result: 'success' }, 0);
    attempts.inc({ result: 'failure' }, 0);
    finished.inc({ status: 'succeeded' }, 0);
    finished.inc({ status: 'failed' }, 0);
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === 'attempt') attempts.inc({ result: event.attempt.outcome.kind === 'success' ? 'success' : 'failure' });
      else if (event.type === 'delivery' && (event.delivery.status === 'succeeded' || event.delivery.status === 'failed')) finished.inc({ status: event.delivery.status });
    });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.unsubscribe();
  }
}
