import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NewOrder, OrderEvent } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { CityParams, Created, NoBody, OfferAnswerBody, OrderEventReply, OrderParams, OrdersBody, ref } from '../schemas.js';
import { createdEvents, feedFeatures, stepEvents } from '../feature-feed.js';
import { knownCity } from './city-guard.js';

const EVENT_STATUS: Record<OrderEvent['kind'], string> = {
  accept: 'assigned',
  decline: 'pending',
  picked_up: 'picked_up',
  delivered: 'delivered',
  cancel: 'cancelled',
};

export const ordersRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.post(
    '/v1/cities/:city/orders',
    {
      schema: {
        operationId: 'createOrders',
        summary: 'Create orders in bulk; they are pending until a dispatch offers them',
        description: 'All or nothing: when an id exists already (409 `order_exists`), no order of the batch is created.',
        tags: ['orders'],
        params: CityParams,
        body: ref(OrdersBody),
        response: { 201: ref(Created, { description: 'how many orders were created' }) },
        errors: ['unknown_city', 'order_exists', 'too_many_items', 'store_unavailable'],
      },
    },
    async (request, reply) => {
      const { city } = request.params;
      await knownCity(host, city);
      const seen = new Set<string>();
      for (const [i, o] of request.body.orders.entries()) {
        if (seen.has(o.id)) throw new HttpError('invalid_field', `orders[${i}].id: duplicate id ${o.id}`, { field: `orders[${i}].id` });
        seen.add(o.id);
      }
      const orders: NewOrder[] = request.body.orders.map((o) => ({
        id: o.id,
        pickupLat: o.pickup.lat,
        pickupLng: o.pickup.lng,
        dropoffLat: o.dropoff.lat,
        dropoffLng: o.dropoff.lng,
        ...(o.ready_at === undefined ? {} : { readyAt: o.ready_at }),
      }));
      // All or nothing in one atomic step of the store: a concurrent creation of the same id loses.
      const created = await host.stores.state.createOrders(city, orders);
      if (!created.ok) throw new HttpError('order_exists', `order ${created.id} already exists; no order of the batch was created`);
      host.metrics.ingested.inc({ city, kind: 'order' }, orders.length);
      const places = request.body.orders.map((o, i) => ({ ...orders[i], restaurant: o.restaurant, zone: o.zone }));
      await feedFeatures(host, city, createdEvents(places, Date.now()));
      return reply.code(201).send({ created: orders.length });
    },
  );

  /** Applies one event to the order and answers it, or refuses it with the store's reason. */
  const applyEvent = async (city: string, orderId: string, e: OrderEvent) => {
    await knownCity(host, city);
    const result = await host.stores.state.applyOrderEvent(city, orderId, e);
    host.metrics.orderEvents.inc({ city, event: e.kind, result: result.ok ? 'ok' : result.reason });
    if (result.ok && (e.kind === 'picked_up' || e.kind === 'delivered' || e.kind === 'cancel')) {
      // A picked-up pickup takes all its orders along (OrderEvent).
      const orders = e.kind === 'picked_up' && result.pickup ? result.pickup.orders : [orderId];
      await feedFeatures(host, city, stepEvents(orders, e.kind));
    }
    if (result.ok) {
      const pickup = result.pickup ? { pickup_id: result.pickup.id, pickup_orders: result.pickup.orders } : {};
      return { order: orderId, status: EVENT_STATUS[e.kind], courier: result.courier, ...pickup };
    }
    switch (result.reason) {
      case 'unknown_order':
        throw new HttpError('unknown_order', `unknown order ${orderId}`);
      case 'no_offer':
        throw new HttpError('no_offer', `order ${orderId} has no outstanding offer${'courier' in e && e.courier ? ` to courier ${e.courier}` : ''}`);
      case 'wrong_state':
        throw new HttpError('wrong_state', `order ${orderId} is ${result.state}`);
    }
  };
  const reply = (description: string) => ({ 200: ref(OrderEventReply, { description }) });

  /** accept and decline: the courier's answer to the order's offer. */
  const answer = (kind: 'accept' | 'decline', operationId: string, summary: string, make: (courier: string | undefined) => OrderEvent) =>
    app.post(
      `/v1/cities/:city/offers/:order/${kind}`,
      {
        schema: {
          operationId,
          summary,
          tags: ['offers'],
          params: OrderParams,
          body: ref(OfferAnswerBody),
          response: reply(`the order is ${EVENT_STATUS[kind]}`),
          errors: ['unknown_city', 'unknown_order', 'no_offer', 'wrong_state', 'store_unavailable'],
        },
      },
      async (request) => applyEvent(request.params.city, request.params.order, make(request.body?.courier)),
    );
  /** picked-up, delivered and cancel: what happened to the order. */
  const event = (path: string, kind: 'picked_up' | 'delivered' | 'cancel', operationId: string, summary: string) =>
    app.post(
      `/v1/cities/:city/orders/:order/${path}`,
      {
        schema: {
          operationId,
          summary,
          tags: ['orders'],
          params: OrderParams,
          body: NoBody,
          response: reply(`the order is ${EVENT_STATUS[kind]}`),
          errors: ['unknown_city', 'unknown_order', 'wrong_state', 'store_unavailable'],
        },
      },
      async (request) => applyEvent(request.params.city, request.params.order, { kind }),
    );

  answer('accept', 'acceptOffer', "The courier accepts the order's offer", (courier) => ({ kind: 'accept', ...(courier ? { courier } : {}) }));
  answer('decline', 'declineOffer', "The courier declines the order's offer: both are free again, the pair cools down", (courier) => ({
    kind: 'decline',
    cooldownMs: host.config.declineCooldownMs,
    ...(courier ? { courier } : {}),
  }));
  event('picked-up', 'picked_up', 'orderPickedUp', 'The courier has picked the order up');
  event('delivered', 'delivered', 'orderDelivered', 'Delivered: the order leaves, the courier is free at the dropoff');
  event('cancel', 'cancel', 'cancelOrder', 'Cancel an order; a courier carrying it is freed');
};
