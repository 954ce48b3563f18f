import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { feedFeatures, stepEvents } from '../feature-feed.js';
import type { PickupEvent } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { NoBody, OfferAnswerBody, Pickup, PickupEventReply, PickupParams, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

/** The status of a pickup's orders after each event. */
const EVENT_STATUS: Record<PickupEvent['kind'], string> = { accept: 'assigned', decline: 'pending', picked_up: 'picked_up' };

const unknownPickup = (id: string) => new HttpError('unknown_pickup', `unknown pickup ${id} (never committed, or ended)`);

/**
 * Pickups: the orders a decision gave one courier at one restaurant, answered and picked up as
 * one (docs/host.md). Delivered and cancel stay per order (routes/orders.ts).
 */
export const pickupsRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.get(
    '/v1/cities/:city/pickups/:pickup',
    {
      schema: {
        operationId: 'getPickup',
        summary: 'A pickup: its courier, its orders not yet delivered or cancelled, its status and when its offer lapses',
        tags: ['pickups'],
        params: PickupParams,
        response: { 200: ref(Pickup, { description: 'the pickup' }) },
        errors: ['unknown_city', 'unknown_pickup', 'store_unavailable'],
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

  /** Applies one event to the pickup and answers it, or refuses it with the store's reason. */
  const applyEvent = async (city: string, pickup: string, e: PickupEvent) => {
    await knownCity(host, city);
    const result = await host.stores.state.applyPickupEvent(city, pickup, e);
    host.metrics.orderEvents.inc({ city, event: `pickup_${e.kind}`, result: result.ok ? 'ok' : result.reason });
    if (result.ok && e.kind === 'picked_up') await feedFeatures(host, city, stepEvents(result.orders, 'picked_up'));
    if (result.ok) return { pickup_id: pickup, status: EVENT_STATUS[e.kind], courier: result.courier, orders: result.orders };
    switch (result.reason) {
      case 'unknown_pickup':
        throw unknownPickup(pickup);
      case 'no_offer':
        throw new HttpError('no_offer', `pickup ${pickup} is not offered to courier ${'courier' in e ? e.courier : ''}`);
      case 'wrong_state':
        throw new HttpError('wrong_state', `pickup ${pickup}'s orders are ${result.state}`);
    }
  };
  const schema = (operationId: string, summary: string, kind: PickupEvent['kind']) => ({
    operationId,
    summary,
    tags: ['pickups'],
    params: PickupParams,
    response: { 200: ref(PickupEventReply, { description: `the pickup's orders are ${EVENT_STATUS[kind]}` }) },
    errors: ['unknown_city', 'unknown_pickup', 'no_offer', 'wrong_state', 'store_unavailable'] as const,
  });

  /** accept and decline: the courier's answer to the pickup's offer. */
  const answer = (kind: 'accept' | 'decline', operationId: string, summary: string, make: (courier: string | undefined) => PickupEvent) =>
    app.post(`/v1/cities/:city/pickups/:pickup/${kind}`, { schema: { ...schema(operationId, summary, kind), body: ref(OfferAnswerBody) } }, async (request) =>
      applyEvent(request.params.city, request.params.pickup, make(request.body?.courier)),
    );

  answer('accept', 'acceptPickup', 'The courier accepts the pickup: all its orders are assigned, the courier busy', (courier) => ({
    kind: 'accept',
    ...(courier ? { courier } : {}),
  }));
  answer('decline', 'declinePickup', 'The courier declines the pickup: all are free again, every (order, courier) pair cools down', (courier) => ({
    kind: 'decline',
    cooldownMs: host.config.declineCooldownMs,
    ...(courier ? { courier } : {}),
  }));
  app.post(
    '/v1/cities/:city/pickups/:pickup/picked-up',
    { schema: { ...schema('pickupPickedUp', 'The courier has picked up all the orders of the pickup', 'picked_up'), body: NoBody } },
    async (request) => applyEvent(request.params.city, request.params.pickup, { kind: 'picked_up' }),
  );
};
