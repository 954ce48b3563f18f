import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { HostContext } from '../context.js';

export const metricsRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        tags: ['health'],
        produces: ['text/plain'],
        response: {
          200: Type.String({
            description: 'the Prometheus text format',
            examples: ['# TYPE dispatchd_commits_total counter\ndispatchd_commits_total{city="bcn"} 42\n'],
          }),
        },
      },
    },
    async (_request, reply) => {
      const registry = host.metrics.registry;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
