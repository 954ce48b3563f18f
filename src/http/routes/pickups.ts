import type { FastifyPluginAsync } from 'fastify';
import type { PickupEvent } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { conflict, HttpError } from '../errors.js';
import { errors, OfferAnswerBody, Pickup, PickupEventReply, PickupParams } from '../schemas.js';
import { knownCity } from './city-guard.js';

/** The status of a pickup's orders after each event. */
const EVENT_STATUS: Record<PickupEvent['kind'], string> = { accept: 'assigned', decline: 'pending', picked_up: 'picked_up' };

const unknownPickup = (id: string) => new HttpError(404, `unknown pickup ${id} (never committed, or ended)`, { code: 'unknown_pickup' });

/**
 * Pickups: the orders a decision gave one courier at one restaurant, answered and picked up as
 * one (docs/host.md). Delivered and cancel stay per order (routes/orders.ts).
 */
export const pickupsRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.get<{ Params: { city: string; pickup: string } }>(
    '/v1/cities/:city/pickups/:pickup',
    {
      schema: {
        summary: 'A pickup: its courier, its orders not yet delivered or cancelled, its status and when its offer lapses',
        tags: ['pickups'],
        params: PickupParams,
        response: { 200: Pickup, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { city, pickup } = request.params;
      await knownCity(host, city);
      const view = await host.stores.state.readPickup(city, pickup);
      if (!view) throw unknownPickup(pickup);
      return { pickup_id: view.id, courier: view.courier, orders: view.orders, status: view.status, expires_at: view.expiresAt };
    },
  );

  const event = (action: string, summary: string, make: (body: { courier?: string } | null) => PickupEvent) => {
    app.post<{ Params: { city: string; pickup: string }; Body: { courier?: string } | null }>(
      `/v1/cities/:city/pickups/:pickup/${action}`,
      {
        schema: {
          summary,
          tags: ['pickups'],
          params: PickupParams,
          ...(action === 'picked-up' ? {} : { body: OfferAnswerBody }),
          response: { 200: PickupEventReply, ...errors(400, 401, 404, 409) },
        },
      },
      async (request) => {
        const { city, pickup } = request.params;
        await knownCity(host, city);
        const e = make(request.body ?? null);
        const result = await host.stores.state.applyPickupEvent(city, pickup, e);
        host.metrics.orderEvents.inc({ city, event: `pickup_${e.kind}`, result: result.ok ? 'ok' : result.reason });
        if (result.ok) return { pickup_id: pickup, status: EVENT_STATUS[e.kind], courier: result.courier, orders: result.orders };
        switch (result.reason) {
          case 'unknown_pickup':
            throw unknownPickup(pickup);
          case 'no_offer':
            throw conflict(`pickup ${pickup} is not offered to courier ${'courier' in e ? e.courier : ''}`, { code: 'no_offer' });
          case 'wrong_state':
            throw conflict(`pickup ${pickup}'s orders are ${result.state}`, { code: 'wrong_state' });
        }
      },
    );
  };

  const answer = (b: { courier?: string } | null) => (b?.courier ? { courier: b.courier } : {});
  event('accept', 'The courier accepts the pickup: all its orders are assigned, the courier busy', (b) => ({ kind: 'accept', ...answer(b) }));
  event('decline', 'The courier declines the pickup: all are free again, every (order, courier) pair cools down', (b) => ({
    kind: 'decline',
    cooldownMs: host.config.declineCooldownMs,
    ...answer(b),
  }));
  event('picked-up', 'The courier has picked up all the orders of the pickup', () => ({ kind: 'picked_up' }));
};
