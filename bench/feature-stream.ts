/**
 * A generated XL city's business events for the feature benchmarks (bench/features.ts): the lives
 * of ORDERS orders — created (restaurant, zone, quote), ready, picked up, delivered, interleaved
 * as a day interleaves them, each step some orders behind the creations — and POSITIONS_PER_COURIER
 * rounds of positions of every courier, spread among them. A share of the orders is still open at
 * the end (not ready, not picked up), so the waiting gauge and the open-order estimates have work.
 */
import type { FeatureEvent } from '../src/features/events.js';
import { Rng } from '../src/sim/rng.js';

export const XL_STREAM = { orders: 12_000, restaurants: 2_000, zones: 100, couriers: 40_000, positionsPerCourier: 3 } as const;
export type StreamShape = { [K in keyof typeof XL_STREAM]: number };

/** How many creations behind each later step of an order comes: the tail that has not got there is still open. */
const LAG = { ready: 600, pickedUp: 900, delivered: 1_400 } as const;
/** A few kitchens quote a second: open and past their quote at once, so the overdue features are computed on real samples. */
const SHORT_QUOTE_SHARE = 0.05;
/** Barcelona, roughly: where the couriers ride (the speeds are not what is measured). */
const CENTRE = { lat: 41.39, lng: 2.17 };

export function featureStream(seed: number, shape: StreamShape = XL_STREAM): FeatureEvent[] {
  const rng = new Rng(seed);
  const events: FeatureEvent[] = [];
  let n = 0;
  const id = () => `e${++n}`;
  const step = (type: 'order_ready' | 'order_picked_up' | 'order_delivered', i: number) => {
    if (i >= 0) events.push({ id: id(), type, order: `o${i}` });
  };
  const positions = shape.couriers * shape.positionsPerCourier;
  let courier = 0;
  for (let i = 0; i < shape.orders; i++) {
    events.push({
      id: id(),
      type: 'order_created',
      order: `o${i}`,
      restaurant: `r${rng.int(0, shape.restaurants - 1)}`,
      zone: `z${rng.int(0, shape.zones - 1)}`,
      quotedPrepS: rng.chance(SHORT_QUOTE_SHARE) ? 1 : rng.int(300, 1_500),
    });
    step('order_ready', i - LAG.ready);
    step('order_picked_up', i - LAG.pickedUp);
    step('order_delivered', i - LAG.delivered);
    // Positions come in rounds over the whole fleet, as many per order as there are overall.
    for (const end = Math.round(((i + 1) * positions) / shape.orders); courier < end; courier++) {
      events.push({
        id: id(),
        type: 'courier_position',
        courier: `c${courier % shape.couriers}`,
        lat: CENTRE.lat + rng.uniform(-0.1, 0.1),
        lng: CENTRE.lng + rng.uniform(-0.1, 0.1),
      });
    }
  }
  return events;
}

/** The stream cut into batches of `size`, in order. */
export function batches(events: readonly FeatureEvent[], size: number): FeatureEvent[][] {
  const out: FeatureEvent[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}
