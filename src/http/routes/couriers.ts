import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CourierEventFeed, feedFeatures } from '../feature-feed.js';
import { Type } from '@sinclair/typebox';
import type { CourierUpdate } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { CourierParams, CouriersBody, CityParams, ref, Upserted } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const couriersRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  const courierFeed = new CourierEventFeed();
  app.put(
    '/v1/cities/:city/couriers',
    {
      schema: {
        operationId: 'putCouriers',
        summary: 'Create or update couriers in bulk (positions, speeds, shifts); a courier carrying an order stays busy',
        tags: ['couriers'],
        params: CityParams,
        body: ref(CouriersBody),
        response: { 200: ref(Upserted, { description: 'how many couriers were created or updated' }) },
        errors: ['unknown_city', 'too_many_items', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      // Free from now on the store's clock: this host's own clock may be skewed.
      const couriers: CourierUpdate[] = request.body.couriers.map((c) => ({
        id: c.id,
        lat: c.lat,
        lng: c.lng,
        speedMps: c.speed_mps,
        status: c.status === 'on_shift' ? 'free' : 'offline',
      }));
      await host.stores.state.updateCouriers(city, couriers);
      host.metrics.ingested.inc({ city, kind: 'courier' }, couriers.length);
      await feedFeatures(host, city, courierFeed.events(city, couriers));
      return { upserted: couriers.length };
    },
  );

  app.delete(
    '/v1/cities/:city/couriers/:id',
    {
      schema: {
        operationId: 'deleteCourier',
        summary: 'Remove a courier; its outstanding offer is withdrawn',
        tags: ['couriers'],
        params: CourierParams,
        response: { 204: Type.Null({ description: 'removed' }) },
        errors: ['unknown_city', 'unknown_courier', 'store_unavailable'],
      },
    },
    async (request, reply) => {
      const { city, id } = request.params;
      await knownCity(host, city);
      if (!(await host.stores.state.removeCourier(city, id))) throw new HttpError('unknown_courier', `unknown courier ${id}`);
      return reply.code(204).send(null);
    },
  );
};
