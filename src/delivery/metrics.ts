import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import { DELIVERY_STATUSES } from '../domain/delivery.js';
import type { AttemptResult, Store } from '../store/ports.js';

/**
 * What to watch on a running hookline, in Prometheus's text format (`GET /metrics`): the queue's depth
 * and the age of its oldest due delivery, read from the store at each scrape (so on a shared store they
 * are the whole cluster's), and the attempts and finished deliveries of this process's dispatcher,
 * counted as it records them (rates come from Prometheus: `rate(hookline_attempts_total[1m])`).
 *
 * The dispatcher hands it each recorded batch (`recorded`) rather than the counters listening to the
 * delivery events: a listener there would make every process publish events nobody reads.
 */
export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly attempts: Counter<'result'>;
  private readonly finished: Counter<'status'>;

  constructor(deps: { store: Store; clock: Clock }) {
    const { store, clock } = deps;
    const registers = [this.registry];
    this.attempts = new Counter({
      name: 'hookline_attempts_total',
      help: "Notification callback attempts this process's dispatcher made, by result: success (the receiver accepted it) or failure.",
      labelNames: ['result'],
      registers,
    });
    this.finished = new Counter({
      name: 'hookline_deliveries_finished_total',
      help: "Deliveries this process's dispatcher finished, by final status.",
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
    this.attempts.inc({ result: 'success' }, 0);
    this.attempts.inc({ result: 'failure' }, 0);
    this.finished.inc({ status: 'succeeded' }, 0);
    this.finished.inc({ status: 'failed' }, 0);
  }

  /** A dispatcher turn has recorded these attempts. */
  recorded(results: readonly AttemptResult[]): void {
    for (const { attempt, next } of results) {
      this.attempts.inc({ result: attempt.outcome.kind === 'success' ? 'success' : 'failure' });
      if (next.status !== 'pending') this.finished.inc({ status: next.status });
    }
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
