import type { FastifyPluginAsync } from 'fastify';
import { holderName } from '../../coordination/holder.js';
import { NotLeasedError } from '../../dispatch/dispatch-loop.js';
import type { DispatchOutcome } from '../../dispatch/dispatch-city.js';
import type { HostContext } from '../context.js';
import { conflict } from '../errors.js';
import { pickupsJson } from '../pickup-json.js';
import { CityParams, DispatchReply, errors } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const dispatchRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.post<{ Params: { city: string } }>(
    '/v1/cities/:city/dispatch',
    {
      schema: {
        summary: 'Run one dispatch of the city now and return the committed decision',
        description: 'Answers 409 naming the holder when another host holds the city lease.',
        tags: ['dispatch'],
        params: CityParams,
        response: { 200: DispatchReply, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { city } = request.params;
      const config = await knownCity(host, city);
      try {
        return outcomeJson(await host.loop.dispatchNow(city));
      } catch (error) {
        if (!(error instanceof NotLeasedError)) throw error;
        if (!config.enabled) throw conflict(`city ${city} is disabled`, { holder: null });
        const census = await host.stores.leases.census(host.config.leaseTtlMs);
        const holder = census.leases.find((l) => l.city === city)?.holder ?? null;
        const name = holder && holderName(holder);
        throw conflict(
          name ? `city ${city} is leased by ${name}` : `no host holds the lease of city ${city} yet; retry shortly`,
          { holder: name },
        );
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
    assignments: o.assignments.map(({ order, courier, cost, pickup }) => ({ order, courier, cost, pickup_id: pickup === '' ? null : pickup })),
    pickups: pickupsJson(o.assignments, o.committed ? o.version : null),
    unassigned: o.unassigned,
    objective: o.objective,
    couriers: o.couriers,
    orders: o.orders,
    cooled_down: o.cooledDown,
    timings: o.timings,
  };
}
