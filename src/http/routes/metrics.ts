import type { FastifyPluginAsync } from 'fastify';
import type { HostContext } from '../context.js';

export const metricsRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['health'], produces: ['text/plain'], response: { 200: { type: 'string' } } } },
    async (_request, reply) => {
      const registry = host.metrics.registry;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
