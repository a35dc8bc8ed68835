import type { FastifyInstance } from 'fastify';
import type { DeliveryMetrics } from '../delivery/metrics.js';

/** `GET /metrics` in Prometheus's text format, on `serve` and `worker` alike. */
export function registerMetricsRoute(server: FastifyInstance, metrics: DeliveryMetrics): void {
  server.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
