import type { FastifyPluginAsync } from 'fastify';
import type { NewOrder, OrderEvent } from '../../state/city-state-store.js';
import type { HostContext } from '../context.js';
import { conflict, HttpError, notFound } from '../errors.js';
import { CityParams, Created, errors, OfferAnswerBody, OfferParams, OrderEventReply, OrderParams, OrdersBody } from '../schemas.js';
import { knownCity } from './city-guard.js';

const EVENT_STATUS: Record<OrderEvent['kind'], string> = {
  accept: 'assigned',
  decline: 'pending',
  picked_up: 'picked_up',
  delivered: 'delivered',
  cancel: 'cancelled',
};

export const ordersRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.post<{ Params: { city: string }; Body: OrdersBody }>(
    '/v1/cities/:city/orders',
    {
      schema: {
        summary: 'Create orders in bulk; they are pending until a dispatch offers them',
        tags: ['orders'],
        params: CityParams,
        body: OrdersBody,
        response: { 201: Created, ...errors(400, 401, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const { city } = request.params;
      await knownCity(host, city);
      const seen = new Set<string>();
      for (const [i, o] of request.body.orders.entries()) {
        if (seen.has(o.id)) throw new HttpError(400, `orders[${i}].id: duplicate id ${o.id}`, { field: `orders[${i}].id`, code: 'invalid_field' });
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
      if (!created.ok) throw conflict(`order ${created.id} already exists; no order of the batch was created`, { code: 'order_exists' });
      host.metrics.ingested.inc({ city, kind: 'order' }, orders.length);
      return reply.code(201).send({ created: orders.length });
    },
  );

  const event = (path: string, summary: string, params: typeof OrderParams | typeof OfferParams, make: (body: { courier?: string } | null) => OrderEvent) => {
    app.post<{ Params: { city: string; id?: string; order?: string }; Body: { courier?: string } | null }>(
      path,
      {
        schema: {
          summary,
          tags: ['offers'],
          params,
          ...(path.includes('/offers/') ? { body: OfferAnswerBody } : {}),
          response: { 200: OrderEventReply, ...errors(400, 401, 404, 409) },
        },
      },
      async (request) => {
        const { city } = request.params;
        const orderId = (request.params.order ?? request.params.id)!;
        await knownCity(host, city);
        const e = make(request.body ?? null);
        const result = await host.stores.state.applyOrderEvent(city, orderId, e);
        host.metrics.orderEvents.inc({ city, event: e.kind, result: result.ok ? 'ok' : result.reason });
        if (result.ok) {
          const pickup = result.pickup ? { pickup_id: result.pickup.id, pickup_orders: result.pickup.orders } : {};
          return { order: orderId, status: EVENT_STATUS[e.kind], courier: result.courier, ...pickup };
        }
        switch (result.reason) {
          case 'unknown_order':
            throw notFound(`unknown order ${orderId}`);
          case 'no_offer':
            throw conflict(`order ${orderId} has no outstanding offer${'courier' in e && e.courier ? ` to courier ${e.courier}` : ''}`, { code: 'no_offer' });
          case 'wrong_state':
            throw conflict(`order ${orderId} is ${result.state}`, { code: 'wrong_state' });
        }
      },
    );
  };

  event('/v1/cities/:city/offers/:order/accept', "The courier accepts the order's offer", OfferParams, (b) => ({
    kind: 'accept',
    ...(b?.courier ? { courier: b.courier } : {}),
  }));
  event('/v1/cities/:city/offers/:order/decline', "The courier declines the order's offer: both are free again, the pair cools down", OfferParams, (b) => ({
    kind: 'decline',
    cooldownMs: host.config.declineCooldownMs,
    ...(b?.courier ? { courier: b.courier } : {}),
  }));
  event('/v1/cities/:city/orders/:id/picked-up', 'The courier has picked the order up', OrderParams, () => ({ kind: 'picked_up' }));
  event('/v1/cities/:city/orders/:id/delivered', 'Delivered: the order leaves, the courier is free at the dropoff', OrderParams, () => ({ kind: 'delivered' }));
  event('/v1/cities/:city/orders/:id/cancel', 'Cancel an order; a courier carrying it is freed', OrderParams, () => ({ kind: 'cancel' }));
};
