import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { holderName } from '../../coordination/holder.js';
import { NotLeasedError } from '../../dispatch/dispatch-loop.js';
import type { DispatchOutcome } from '../../dispatch/dispatch-city.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { pickupsJson } from '../pickup-json.js';
import { CityParams, DispatchReply, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const dispatchRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.post(
    '/v1/cities/:city/dispatch',
    {
      schema: {
        operationId: 'dispatchCity',
        summary: 'Run one dispatch of the city now and return the committed decision',
        description:
          'Only the host holding the city lease dispatches it: elsewhere the answer is 409 `leased_elsewhere` naming the holder ' +
          '(send it there), `not_leased_yet` while no host holds it, `city_disabled` for a disabled city.',
        tags: ['dispatch'],
        params: CityParams,
        response: { 200: ref(DispatchReply, { description: 'the outcome: committed, or why not (`reason`)' }) },
        errors: ['unknown_city', 'city_disabled', 'leased_elsewhere', 'not_leased_yet', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      const config = await knownCity(host, city);
      try {
        return outcomeJson(await host.loop.dispatchNow(city));
      } catch (error) {
        if (!(error instanceof NotLeasedError)) throw error;
        if (!config.enabled) throw new HttpError('city_disabled', `city ${city} is disabled`);
        const census = await host.stores.leases.census(host.config.leaseTtlMs);
        const holder = census.leases.find((l) => l.city === city)?.holder;
        if (!holder) throw new HttpError('not_leased_yet', `no host holds the lease of city ${city} yet; retry shortly`);
        const name = holderName(holder);
        throw new HttpError('leased_elsewhere', `city ${city} is leased by ${name}`, { holder: name });
      }
    },
  );
};

export function outcomeJson(o: DispatchOutcome) {
  return {
    city: o.city,
    committed: o.committed,
    durable: o.durable,
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    version: o.version,
    token: o.token,
    assignments: o.assignments.map(({ order, courier, cost, estimated, readySource, pickup }) => ({
      order,
      courier,
      cost,
      estimated,
      ready_source: readySource,
      pickup_id: pickup === '' ? null : pickup,
    })),
    pickups: pickupsJson(o.assignments, o.committed ? o.version : null),
    unassigned: o.unassigned,
    dropped: o.dropped,
    objective: o.objective,
    certificate: o.certificate,
    couriers: o.couriers,
    orders: o.orders,
    cooled_down: o.cooledDown,
    estimated: { ready: o.estimated.ready, pairs: o.estimated.pairs, model: o.estimated.model, ready_events: o.estimated.readyEvents },
    timings: o.timings,
  };
}
