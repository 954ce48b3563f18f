import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HostContext } from '../context.js';
import { pickupsJson } from '../pickup-json.js';
import { CityParams, Decisions, DecisionsQuery, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const decisionsRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.get(
    '/v1/cities/:city/decisions',
    {
      schema: {
        operationId: 'listDecisions',
        summary: 'Durable decisions after a version, in version order (from the durable log)',
        description:
          'Only decisions recorded in the durable log are listed, so none of them is ever lost. committed_version above durable_version means later decisions are committed but not durable yet.',
        tags: ['dispatch'],
        params: CityParams,
        querystring: DecisionsQuery,
        response: { 200: ref(Decisions, { description: 'durable decisions after `after`, at most `limit`' }) },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const [decisions, durableVersion, fence] = await Promise.all([
        host.stores.decisions.read(city, request.query.after ?? 0, request.query.limit ?? 100),
        host.stores.decisions.lastVersion(city),
        // The durable log answers this route; the state store only adds what is not durable yet.
        host.stores.state.readFence(city).catch(() => null),
      ]);
      return {
        durable_version: durableVersion,
        committed_version: fence ? Math.max(fence.version, durableVersion) : null,
        decisions: decisions.map((d) => ({
          version: d.version,
          token: d.token,
          holder: d.holder,
          committed_at: d.committedAt,
          assignments: d.assignments,
          pickups: pickupsJson(d.assignments, d.version),
        })),
      };
    },
  );
};
