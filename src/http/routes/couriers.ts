import type { FastifyPluginAsync } from 'fastify';
import type { CourierUpdate } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { notFound } from '../errors.js';
import { CourierParams, CouriersBody, CityParams, errors, Upserted } from '../schemas.js';
import { knownCity } from './city-guard.js';

export const couriersRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.put<{ Params: { city: string }; Body: CouriersBody }>(
    '/v1/cities/:city/couriers',
    {
      schema: {
        summary: 'Create or update couriers in bulk (positions, speeds, shifts); a courier carrying an order stays busy',
        tags: ['couriers'],
        params: CityParams,
        body: CouriersBody,
        response: { 200: Upserted, ...errors(400, 401, 404, 413) },
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
      return { upserted: couriers.length };
    },
  );

  app.delete<{ Params: { city: string; id: string } }>(
    '/v1/cities/:city/couriers/:id',
    {
      schema: {
        summary: 'Remove a courier; its outstanding offer is withdrawn',
        tags: ['couriers'],
        params: CourierParams,
        response: { 204: { type: 'null' }, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { city, id } = request.params;
      await knownCity(host, city);
      if (!(await host.stores.state.removeCourier(city, id))) throw notFound(`unknown courier ${id}`);
      return reply.code(204).send();
    },
  );
};
