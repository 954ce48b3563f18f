import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PairEstimate } from '../../state/estimates.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { CityParams, EstimatesAccepted, EstimatesBody, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const estimatesRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.put(
    '/v1/cities/:city/estimates',
    {
      schema: {
        operationId: 'putEstimates',
        summary: "Replace the city's live estimates: ready times of orders, travel times or whole costs of courier × order pairs",
        description:
          "A model outside dispatchd prices the city's dispatch with them until they lapse (ttl_s on the state store's clock) or the next PUT " +
          'replaces them; every pair without an estimate keeps the geographic price, as caller-given `edges` do in the CLI (docs/host.md, "Estimates"). ' +
          'Ids the city does not dispatch (unknown, offered, delivered) are taken and not used, so a model a tick behind never fails its batch.',
        tags: ['estimates'],
        params: CityParams,
        body: ref(EstimatesBody),
        response: { 200: ref(EstimatesAccepted, { description: 'the estimates taken, and when they lapse' }) },
        errors: ['unknown_city', 'too_many_items', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const { ready = [], pairs = [], ttl_s } = request.body;
      const estimates = {
        ready: ready.map((r) => ({ order: r.order, readyAt: r.ready_at })),
        pairs: pairs.map((p, i): PairEstimate => {
          if ((p.travel_s === undefined) === (p.cost_s === undefined)) {
            throw new HttpError('invalid_field', `pairs[${i}]: give exactly one of travel_s and cost_s`, { field: `pairs[${i}]` });
          }
          return p.travel_s !== undefined
            ? { order: p.order, courier: p.courier, travelS: p.travel_s }
            : { order: p.order, courier: p.courier, costS: p.cost_s! };
        }),
      };
      const { expiresAt } = await host.stores.state.putEstimates(city, estimates, ttl_s * 1000);
      host.metrics.ingested.inc({ city, kind: 'estimate' }, ready.length + pairs.length);
      return { ready: ready.length, pairs: pairs.length, expires_at: expiresAt };
    },
  );
};
