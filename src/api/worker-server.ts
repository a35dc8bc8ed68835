import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DeliveryMetrics } from '../delivery/metrics.js';
import type { Store } from '../store/ports.js';
import { registerMetricsRoute } from './metrics-route.js';

export interface WorkerServerDeps {
  readonly store: Store;
  readonly metrics: DeliveryMetrics;
  readonly logger: Logger;
  readonly version: string;
}

/**
 * The only HTTP a `hookline worker` serves: `GET /health` for a supervisor or load balancer (503 when
 * the store does not answer, so a worker cut off from its database is seen as unwell) and
 * `GET /metrics` for Prometheus.
 */
export async function buildWorkerServer(deps: WorkerServerDeps): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: deps.logger.child({ component: 'worker-http' }) as FastifyBaseLogger,
    // A probe every few seconds is not worth a log line.
    logController: new LogController({ disableRequestLogging: true }),
  });
  server.get('/health', async (_request, reply) => {
    try {
      const deliveries = await deps.store.deliveries.countByStatus();
      return { status: 'ok', role: 'worker', version: deps.version, deliveries };
    } catch (error) {
      deps.logger.warn({ err: error }, 'health check: the store does not answer');
      return reply.code(503).send({ status: 'unavailable', role: 'worker', version: deps.version, error: (error as Error).message });
    }
  });
  registerMetricsRoute(server, deps.metrics);
  return server;
}
