import type { Offer, OrderStatus, PickupView } from './city-state-store.js';

/**
 * A pickup as both stores hold it from its commit until it ends: the courier, the decision that
 * made it, the offer's expiry and the orders not yet delivered or cancelled, in delivery sequence.
 */
export interface PickupRecord {
  id: string;
  courier: string;
  version: number;
  expiresAt: number;
  orders: string[];
}

/** The pickup's offer as seen from one of its orders (a courier sees it from its first), until it lapses. */
export function offerView(p: PickupRecord, order: string, now: number): Offer | null {
  if (p.expiresAt <= now) return null;
  return { order, courier: p.courier, version: p.version, expiresAt: p.expiresAt, pickup: p.id, orders: [...p.orders] };
}

/**
 * Where a pickup is in its life, from its orders' statuses (one per order of `p.orders`, undefined
 * for an order no longer in the hot set; they move together, so the first one present speaks for
 * all): `pending` while offered, then `assigned`, `picked_up`. Undefined once it has ended
 * without being removed yet: lapsed unanswered, or none of its orders left.
 */
export function pickupState(p: PickupRecord, statuses: readonly (OrderStatus | undefined)[], now: number): OrderStatus | undefined {
  return pickupStateOf(
    p,
    statuses.find((s) => s !== undefined),
    now,
  );
}

/** pickupState from the status of its first order present (undefined: none is). */
export function pickupStateOf(p: PickupRecord, first: OrderStatus | undefined, now: number): OrderStatus | undefined {
  if (first === 'pending' && p.expiresAt <= now) return undefined;
  return first;
}

export function pickupView(p: PickupRecord, statuses: readonly (OrderStatus | undefined)[], now: number): PickupView | undefined {
  const state = pickupState(p, statuses, now);
  if (state !== 'pending' && state !== 'assigned' && state !== 'picked_up') return undefined;
  return {
    id: p.id,
    courier: p.courier,
    version: p.version,
    orders: [...p.orders],
    status: state === 'pending' ? 'offered' : state,
    expiresAt: p.expiresAt,
  };
}
