import type { FastifyPluginAsync } from 'fastify';
import type { HostContext } from '../context.js';
import { CityParams, Decisions, DecisionsQuery, errors } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const decisionsRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.get<{ Params: { city: string }; Querystring: { after?: number; limit?: number } }>(
    '/v1/cities/:city/decisions',
    {
      schema: {
        summary: 'Committed decisions after a version, in version order (from the durable log)',
        tags: ['dispatch'],
        params: CityParams,
        querystring: DecisionsQuery,
        response: { 200: Decisions, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const decisions = await host.stores.decisions.read(city, request.query.after ?? 0, request.query.limit ?? 100);
      return {
        decisions: decisions.map((d) => ({
          version: d.version,
          token: d.token,
          holder: d.holder,
          committed_at: d.committedAt,
          assignments: d.assignments,
        })),
      };
    },
  );
};
