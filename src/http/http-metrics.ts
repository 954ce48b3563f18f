/**
 * The host's HTTP metrics in its prom-client registry: a request-duration histogram by method,
 * route (the route's pattern, so ids do not multiply the series) and status, and the
 * `dispatchd_build_info` gauge naming the version that runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { packageRoot } from '../package-root.js';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** dispatchd's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function installHttpMetrics(app: FastifyInstance, registry: Registry, version: string): void {
  const duration = new Histogram({
    name: 'dispatchd_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, from arrival to the last byte sent',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const buildInfo = new Gauge({
    name: 'dispatchd_build_info',
    help: 'Always 1; its labels name the dispatchd version and the Node.js version that run',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  });
  buildInfo.set({ version, node_version: process.version }, 1);
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
