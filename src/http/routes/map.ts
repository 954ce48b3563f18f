import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { packageRoot } from '../../package-root.js';
import type { HostContext } from '../context.js';
import { CityMap, CityParams, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';
import { KPI_WINDOW_MS, KpiHistory } from './map-kpis.js';

/** At most this many points of each kind go to the browser. */
const MAX_POINTS = 5_000;

type CourierState = 'free' | 'offered' | 'carrying';

export const mapRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  const publicFile = (name: string) => join(packageRoot(), 'public', name);
  const history = new Map<string, KpiHistory>();

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(await readFile(publicFile('index.html'), 'utf8')),
  );
  // Browsers ask for /favicon.ico whatever the page links; both answer the one SVG icon.
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('image/svg+xml')
        .header('cache-control', 'public, max-age=86400')
        .send(await readFile(publicFile('favicon.svg'))),
    );
  }

  app.get(
    '/v1/cities/:city/map',
    {
      schema: {
        operationId: 'getCityMap',
        summary: 'What the map page draws: couriers by state, orders not yet accepted, the latest offers, moving KPIs',
        tags: ['cities'],
        params: CityParams,
        response: { 200: ref(CityMap, { description: 'what the map draws now' }) },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const [view, fence] = await Promise.all([host.stores.state.readCityView(city), host.stores.state.readFence(city)]);
      const counts: Record<CourierState, number> = { free: 0, offered: 0, carrying: 0 };
      const couriers: { id: string; lat: number; lng: number; state: CourierState }[] = [];
      for (const c of view.couriers) {
        if (c.status === 'offline') continue;
        const state: CourierState = c.status === 'busy' ? 'carrying' : c.offered ? 'offered' : 'free';
        counts[state]++;
        if (couriers.length < MAX_POINTS) couriers.push({ id: c.id, lat: c.lat, lng: c.lng, state });
      }
      const orders: { id: string; lat: number; lng: number; state: 'waiting' | 'offered' }[] = [];
      let pending = 0;
      let waitedMs = 0;
      let waiting = 0;
      for (const o of view.orders) {
        if (o.status === 'pending') {
          if (!o.offered) pending++;
          if (orders.length < MAX_POINTS) orders.push({ id: o.id, lat: o.pickupLat, lng: o.pickupLng, state: o.offered ? 'offered' : 'waiting' });
        }
        // Food that is ready and still at the restaurant.
        if ((o.status === 'pending' || o.status === 'assigned') && o.readyAt <= view.takenAt) {
          waitedMs += view.takenAt - o.readyAt;
          waiting++;
        }
      }
      const kpis = history.get(city) ?? new KpiHistory();
      history.set(city, kpis);
      kpis.record({ at: view.takenAt, delivered: await deliveries(host, city), waitS: waiting === 0 ? null : waitedMs / waiting / 1000 });
      const series = kpis.series();
      const latest = host.loop.latest(city);
      const committed = host.loop.latestCommitted(city);
      return {
        city,
        couriers,
        orders,
        lines: (committed?.assignments ?? []).slice(0, MAX_POINTS).map((a) => ({
          courier: { lat: a.courierLat, lng: a.courierLng },
          pickup: { lat: a.pickupLat, lng: a.pickupLng },
        })),
        kpis: {
          pending_orders: pending,
          couriers: counts,
          mean_wait_s: series.mean_wait_s.at(-1) ?? null,
          deliveries_per_min: series.deliveries_per_min.at(-1) ?? null,
          window_s: KPI_WINDOW_MS / 1000,
          last_solve_ms: latest ? latest.timings.solve_ms : null,
          version: fence?.version ?? 0,
          last_assigned: committed?.assignments.length ?? 0,
        },
        series,
      };
    },
  );
};

/** Deliveries of the city reported to this host so far (dispatchd_order_events_total). */
async function deliveries(host: HostContext, city: string): Promise<number> {
  const metric = await host.metrics.orderEvents.get();
  let total = 0;
  for (const v of metric.values) if (v.labels.city === city && v.labels.event === 'delivered' && v.labels.result === 'ok') total += v.value;
  return total;
}
