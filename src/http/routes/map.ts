import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { packageRoot } from '../../package-root.js';
import type { HostContext } from '../context.js';
import { CityMap, CityParams, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

/** At most this many points of each kind go to the browser. */
const MAX_POINTS = 5_000;

export const mapRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  const page = join(packageRoot(), 'public', 'index.html');

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(await readFile(page, 'utf8')),
  );

  app.get(
    '/v1/cities/:city/map',
    {
      schema: {
        operationId: 'getCityMap',
        summary: "What the map page draws: free couriers, pending orders, the latest assignments, KPIs",
        tags: ['cities'],
        params: CityParams,
        response: { 200: ref(CityMap, { description: 'what the map draws now' }) },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      const config = await knownCity(host, city);
      const snapshot = await host.stores.state.readSnapshot(city, config.params);
      const p = snapshot.problem;
      const couriers: [string, number, number][] = [];
      for (let c = 0; c < Math.min(p.courierCount, MAX_POINTS); c++) couriers.push([snapshot.courierIds[c], p.courierLat[c], p.courierLng[c]]);
      const orders: [string, number, number][] = [];
      let waited = 0;
      for (let o = 0; o < p.orderCount; o++) {
        waited += Math.max(0, -p.orderReadyInS[o]);
        if (o < MAX_POINTS) orders.push([snapshot.orderIds[o], p.orderPickupLat[o], p.orderPickupLng[o]]);
      }
      const latest = host.loop.latest(city);
      const committed = host.loop.latestCommitted(city);
      const lines = (committed?.assignments ?? [])
        .slice(0, MAX_POINTS)
        .map((a) => [a.courierLat, a.courierLng, a.pickupLat, a.pickupLng] as [number, number, number, number]);
      return {
        city,
        couriers,
        orders,
        lines,
        kpis: {
          pending_orders: p.orderCount,
          free_couriers: p.courierCount,
          mean_wait_s: p.orderCount === 0 ? 0 : Math.round((waited / p.orderCount) * 10) / 10,
          last_solve_ms: latest ? latest.timings.solve_ms : null,
          version: snapshot.version,
          last_assigned: committed?.assignments.length ?? 0,
        },
      };
    },
  );
};
