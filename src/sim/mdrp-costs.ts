/**
 * The MDRP travel model as caller-given costs (PickupCosts): the simulator prices every courier ×
 * pickup pair the way the fleet it simulates would move — ceil(euclidean / metres per minute),
 * service times split around the pickup and dropoff moments — and hands the engine edges, as
 * any fleet with its own travel model would.
 *
 * The price is what the MDRP metrics reward: the minutes from now to each order's dropoff,
 * summed over the pickup's orders, plus a fraction of the courier's wait at the restaurant
 * (a courier idling for food is a courier the next orders cannot have). A pair is ineligible when
 * the pickup would come after the courier's off time.
 *
 * Leaving an order for a later tick costs a base penalty plus a share of the minutes it has already
 * waited (up to a cap): a low base lets the engine wait for a better placed courier instead of
 * sending a far one, and the growth keeps an order that is dear to serve from waiting for ever
 * while cheaper ones keep arriving (with one penalty for all, such orders starved in busy hours).
 */
import type { PickupCosts } from '../dispatch/dispatch-city.js';
import type { Bundle, BundleEdge } from '../solver/bundles.js';
import type { CitySnapshot } from '../state/city-state-store.js';
import type { MdrpInstance, MdrpOrder, MdrpRestaurant } from './mdrp/instance.js';
import { dropoffMomentMin, leaveCustomerMin, leaveRestaurantMin, pickupMomentMin, travelMin } from './mdrp/rules.js';
import { MDRP_PLANE } from './planar.js';

/** Deciseconds per minute: the engine's costs are integer deciseconds. */
const DS_PER_MIN = 600;

/** Where a courier is and when it can leave from there. */
export interface CourierPosition {
  x: number;
  y: number;
  /** The courier may leave from (x, y) at this minute, or now if earlier. */
  freeMin: number;
  offMin: number;
}

export interface PickupPlan {
  arrivalMin: number;
  pickupMin: number;
  /** When the courier leaves the restaurant. */
  departureMin: number;
  /** Per order of the pickup, in sequence: its dropoff moment and when the courier leaves that customer. */
  dropoffMin: number[];
  leaveMin: number[];
  /** When the courier leaves the last customer, free again. */
  freeMin: number;
}

/** What a courier does with a pickup leaving at `startMin` from (x, y): the MDRP rules, once. */
export function planPickup(instance: MdrpInstance, from: { x: number; y: number }, startMin: number, orders: readonly MdrpOrder[]): PickupPlan {
  const p = instance.parameters;
  const restaurant = instance.restaurants.get(orders[0].restaurant)!;
  const arrivalMin = startMin + travelMin(p, from.x, from.y, restaurant.x, restaurant.y);
  const pickupMin = pickupMomentMin(arrivalMin, Math.max(...orders.map((o) => o.readyMin)), p);
  const departureMin = leaveRestaurantMin(pickupMin, p);
  let leave = departureMin;
  let at: { x: number; y: number } = restaurant;
  const dropoffMin: number[] = [];
  const leaveMin: number[] = [];
  for (const o of orders) {
    const arrive = leave + travelMin(p, at.x, at.y, o.x, o.y);
    dropoffMin.push(dropoffMomentMin(arrive, p));
    leave = leaveCustomerMin(arrive, p);
    leaveMin.push(leave);
    at = o;
  }
  return { arrivalMin, pickupMin, departureMin, dropoffMin, leaveMin, freeMin: leave };
}

export interface MdrpCostOptions {
  /** Weight of a minute the courier waits at the restaurant against a minute of delivery. */
  waitWeight: number;
  /** What leaving a just-placed order for a later tick costs, in minutes of delivery. */
  penaltyMin: number;
  /** Minutes added to that penalty per minute the order has waited since its placement… */
  ageWeight: number;
  /** …counting at most this many minutes of waiting. */
  ageCapMin: number;
}

/**
 * Costs of the snapshot's couriers × pickups at minute `nowMin`; `courier` says where each of
 * the snapshot's couriers is (the simulator's fleet, by id).
 */
export function mdrpPickupCosts(instance: MdrpInstance, nowMin: number, courier: (id: string) => CourierPosition, options: MdrpCostOptions): PickupCosts {
  const orderById = new Map(instance.orders.map((o) => [o.id, o]));
  const p = instance.parameters;
  return {
    travelS(fromLat, fromLng, toLat, toLng) {
      const a = MDRP_PLANE.toPlanar(fromLat, fromLng);
      const b = MDRP_PLANE.toPlanar(toLat, toLng);
      return travelMin(p, a.x, a.y, b.x, b.y) * 60;
    },
    edges(snapshot: CitySnapshot, pickups: readonly Bundle[]): BundleEdge[] {
      const couriers = snapshot.courierIds.map(courier);
      const edges: BundleEdge[] = [];
      pickups.forEach((pickup, b) => {
        // Priced on the ready time the engine holds (the kitchen's quote, or a better estimate), as
        // a fleet's model would: the fleet itself waits for the food whenever it is really ready.
        const orders = pickup.orders.map((i) => ({ ...orderById.get(snapshot.orderIds[i])!, readyMin: nowMin + snapshot.problem.orderReadyInS[i] / 60 }));
        const restaurant: MdrpRestaurant = instance.restaurants.get(orders[0].restaurant)!;
        couriers.forEach((c, ci) => {
          const start = Math.max(nowMin, c.freeMin);
          // The first leg decides eligibility: skip planning pairs that cannot pick up in time.
          if (start + travelMin(p, c.x, c.y, restaurant.x, restaurant.y) > c.offMin) return;
          const plan = planPickup(instance, c, start, orders);
          if (plan.pickupMin > c.offMin) return;
          let minutes = 0;
          for (const d of plan.dropoffMin) minutes += d - nowMin;
          const idle = Math.max(0, plan.pickupMin - plan.arrivalMin);
          edges.push({ bundle: b, courier: ci, cost: Math.round((minutes + options.waitWeight * idle) * DS_PER_MIN) });
        });
      });
      return edges;
    },
    penaltiesDs(snapshot: CitySnapshot): Int32Array {
      return Int32Array.from(snapshot.orderIds, (id) => {
        const waitedMin = Math.min(options.ageCapMin, nowMin - orderById.get(id)!.placementMin);
        return Math.round((options.penaltyMin + options.ageWeight * waitedMin) * DS_PER_MIN);
      });
    },
  };
}
