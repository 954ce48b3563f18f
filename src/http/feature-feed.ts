/**
 * The host's own events into the feature engine (docs/features.md, "Events"): orders it creates,
 * what happens to them, and courier updates, so a city fed only through the core routes has its
 * features too. Ids are derived from what they record (an order is created once, each of its
 * steps happens once), so a retried request is not counted twice; positions get fresh ids.
 */
import { randomUUID } from 'node:crypto';
import { MAX_EVENTS_PER_BATCH, type FeatureEvent } from '../features/events.js';
import type { CourierUpdate, NewOrder } from '../state/city-state-store.js';
import type { HostContext } from './context.js';

/** A kitchen the caller does not name is its pickup point (orders of one restaurant share it). */
export function pickupPointKey(lat: number, lng: number): string {
  return `${lat.toFixed(5)},${lng.toFixed(5)}`;
}

export function createdEvents(orders: readonly (NewOrder & { restaurant?: string; zone?: string })[], now: number): FeatureEvent[] {
  return orders.map((o) => ({
    id: `order:${o.id}:created`,
    type: 'order_created',
    order: o.id,
    restaurant: o.restaurant ?? pickupPointKey(o.pickupLat, o.pickupLng),
    ...(o.zone === undefined ? {} : { zone: o.zone }),
    // The quote is the caller's ready_at; without one the order is ready now (no quote to be late against).
    ...(o.readyAt === undefined ? {} : { quotedPrepS: Math.max(0, (o.readyAt - now) / 1000) }),
  }));
}

const STEP_EVENT = { picked_up: 'order_picked_up', delivered: 'order_delivered', cancel: 'order_cancelled' } as const;

export function stepEvents(orders: readonly string[], step: keyof typeof STEP_EVENT): FeatureEvent[] {
  return orders.map((order) => ({ id: `order:${order}:${step}`, type: STEP_EVENT[step], order }));
}

export function courierEvents(couriers: readonly CourierUpdate[]): FeatureEvent[] {
  return couriers.flatMap((c): FeatureEvent[] =>
    c.status === 'offline'
      ? [{ id: randomUUID(), type: 'courier_status', courier: c.id, status: 'offline' }]
      : [{ id: randomUUID(), type: 'courier_position', courier: c.id, lat: c.lat, lng: c.lng }],
  );
}

export async function feedFeatures(host: HostContext, city: string, events: readonly FeatureEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BATCH) {
    await host.stores.state.ingestFeatureEvents(city, events.slice(i, i + MAX_EVENTS_PER_BATCH));
  }
}
