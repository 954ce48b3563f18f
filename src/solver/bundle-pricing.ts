/**
 * The price of a bundle for a courier in the positions model: the spec's pair price
 * (docs/problem.md, "The price of a pair") generalised to several dropoffs made in sequence.
 *
 *     arrive    = c.free_in_s + travel(c, restaurant, c.speed)     eligible iff arrive ≤ max_pickup_s
 *     ready     = max over the bundle's orders of ready_in_s
 *     pickup_at = max(arrive, ready)
 *     deliver_1 = pickup_at   + travel(restaurant, dropoff_1, c.speed) + handover_s
 *     deliver_k = deliver_k−1 + travel(dropoff_k−1, dropoff_k, c.speed) + handover_s
 *     idle      = max(0, ready − arrive)
 *     cost      = floor((Σ_k deliver_k + wait_weight · idle) · 10 + 0.5)   integer deciseconds
 *
 * Each order counts its own delivery time from now; the courier idles once. For one order this
 * is the spec's formula term by term, in the same order of operations (Σ of one term is that
 * term, 0 + x = x exactly), so a one-order bundle costs exactly what the engine charges the pair.
 * A pair the caller excluded (Problem.excluded) makes the courier ineligible for any bundle
 * holding that order, as it is for the order alone.
 */
import type { DispatchParams, ExcludedPairs, PositionsProblem } from '../domain/problem.js';
import type { Bundle } from './bundle-sequence.js';
import { EARTH_RADIUS_M, haversineM, haversineRadiansM, toRadians } from './spec-geometry.js';

/** One priced (bundle, courier) option, cost in integer deciseconds. */
export interface BundleEdge {
  bundle: number;
  courier: number;
  cost: number;
}

/**
 * The bundles' courier-independent parts, in flat arrays (the batch pricing reads them for
 * every courier): each bundle's restaurant and latest ready time, and its legs as
 * dist · detour_factor, the spec's travel before the division by the courier's speed.
 */
interface Routes {
  bundles: readonly Bundle[];
  /** Per restaurant (distinct pickup position): latitude and longitude in radians, cos φ. */
  phi: Float64Array;
  lambda: Float64Array;
  cosPhi: Float64Array;
  /** Per bundle. */
  restaurant: Int32Array;
  readyS: Float64Array;
  /** Bundle b's legs are legsM[legStart[b] .. legStart[b + 1]): restaurant → first dropoff, then dropoff → dropoff. */
  legStart: Int32Array;
  legsM: Float64Array;
}

/** The bundle's price for the courier in integer deciseconds, or undefined if the courier is not eligible. */
export function priceBundle(problem: PositionsProblem, courier: number, bundle: Bundle): number | undefined {
  if (!(Number.isInteger(courier) && courier >= 0 && courier < problem.courierCount)) throw new RangeError(`courier ${courier} out of range`);
  const routes = routesOf(problem, [bundle]);
  const excluded = excludedOrdersOf(problem, courier);
  if (excluded !== undefined && holdsAny(bundle, excluded)) return undefined;
  const phi = toRadians(problem.courierLat[courier]);
  const approachM =
    haversineRadiansM(phi, toRadians(problem.courierLng[courier]), Math.cos(phi), routes.phi[0], routes.lambda[0], routes.cosPhi[0]) *
    problem.params.detourFactor;
  const cost = priceRoute(problem.params, routes, 0, problem.courierFreeInS[courier], approachM, problem.courierSpeedMps[courier]);
  return cost === INELIGIBLE ? undefined : cost;
}

/**
 * Every eligible (bundle, courier) pair, priced. Each courier's distance to a restaurant is
 * computed once for all its bundles; a chord test first skips couriers that cannot reach the
 * restaurant by max_pickup_s (chord ≤ arc, so a courier whose chord is beyond its reach is beyond
 * it by road too; the slack covers rounding, as the core's reachChordSquared does).
 * O(couriers × restaurants) chord tests plus O(eligible pairs × bundle size) pricing.
 */
export function bundleEdgesFromPositions(problem: PositionsProblem, bundles: readonly Bundle[]): BundleEdge[] {
  const { params, courierCount } = problem;
  const routes = routesOf(problem, bundles);
  const restaurantCount = routes.phi.length;
  const rx = new Float64Array(restaurantCount);
  const ry = new Float64Array(restaurantCount);
  const rz = new Float64Array(restaurantCount);
  for (let r = 0; r < restaurantCount; r++) {
    rx[r] = routes.cosPhi[r] * Math.cos(routes.lambda[r]);
    ry[r] = routes.cosPhi[r] * Math.sin(routes.lambda[r]);
    rz[r] = Math.sin(routes.phi[r]);
  }
  // Bundles by restaurant (counting sort): restaurant r's are byRestaurant[start[r] .. start[r + 1]).
  const start = new Int32Array(restaurantCount + 1);
  for (let b = 0; b < bundles.length; b++) start[routes.restaurant[b] + 1]++;
  for (let r = 0; r < restaurantCount; r++) start[r + 1] += start[r];
  const byRestaurant = new Int32Array(bundles.length);
  const fill = start.slice(0, restaurantCount);
  for (let b = 0; b < bundles.length; b++) byRestaurant[fill[routes.restaurant[b]]++] = b;

  const edges: BundleEdge[] = [];
  for (let c = 0; c < courierCount; c++) {
    const freeIn = problem.courierFreeInS[c];
    const speed = problem.courierSpeedMps[c];
    const slackS = params.maxPickupS - freeIn;
    if (!(slackS >= 0)) continue; // busy past max_pickup_s: eligible for nothing
    const reachChord = (((slackS * speed) / params.detourFactor) * (1 + 1e-9) + 1e-6) / EARTH_RADIUS_M;
    const reachChordSquared = reachChord * reachChord;
    const phi = toRadians(problem.courierLat[c]);
    const lambda = toRadians(problem.courierLng[c]);
    const cosPhi = Math.cos(phi);
    const x = cosPhi * Math.cos(lambda);
    const y = cosPhi * Math.sin(lambda);
    const z = Math.sin(phi);
    const excluded = excludedOrdersOf(problem, c);
    for (let r = 0; r < restaurantCount; r++) {
      const dx = rx[r] - x;
      const dy = ry[r] - y;
      const dz = rz[r] - z;
      if (dx * dx + dy * dy + dz * dz > reachChordSquared) continue;
      const approachM = haversineRadiansM(phi, lambda, cosPhi, routes.phi[r], routes.lambda[r], routes.cosPhi[r]) * params.detourFactor;
      for (let at = start[r]; at < start[r + 1]; at++) {
        const b = byRestaurant[at];
        if (excluded !== undefined && holdsAny(bundles[b], excluded)) continue;
        const cost = priceRoute(params, routes, b, freeIn, approachM, speed);
        if (cost !== INELIGIBLE) edges.push({ bundle: b, courier: c, cost });
      }
    }
  }
  return edges;
}

/** Ineligible, from priceRoute: a number, not undefined, so that the hot loop's return stays an integer. */
const INELIGIBLE = -1;

/** The formula of the header for bundle b, from the courier's dist · detour_factor to the restaurant. */
function priceRoute(params: DispatchParams, routes: Routes, b: number, freeInS: number, approachM: number, speedMps: number): number {
  const arrive = freeInS + approachM / speedMps;
  if (!(arrive <= params.maxPickupS)) return INELIGIBLE;
  const ready = routes.readyS[b];
  const pickupAt = Math.max(arrive, ready);
  let deliver = pickupAt;
  let deliverSum = 0;
  for (let leg = routes.legStart[b]; leg < routes.legStart[b + 1]; leg++) {
    deliver = deliver + routes.legsM[leg] / speedMps + params.handoverS;
    deliverSum += deliver;
  }
  const idle = Math.max(0, ready - arrive);
  return Math.floor((deliverSum + params.waitWeight * idle) * 10 + 0.5);
}

/** The bundles' routes, after checking that each is non-empty, of one restaurant, each order once. */
function routesOf(problem: PositionsProblem, bundles: readonly Bundle[]): Routes {
  const detour = problem.params.detourFactor;
  const phi: number[] = [];
  const lambda: number[] = [];
  const cosPhi: number[] = [];
  // Restaurants by exact position; Map keys compare as SameValueZero, so 0 and −0 are one place as with ===.
  const ids = new Map<number, Map<number, number>>();
  const restaurant = new Int32Array(bundles.length);
  const readyS = new Float64Array(bundles.length);
  const legStart = new Int32Array(bundles.length + 1);
  for (let b = 0; b < bundles.length; b++) legStart[b + 1] = legStart[b] + bundles[b].orders.length;
  const legsM = new Float64Array(legStart[bundles.length]);
  const seenIn = new Int32Array(problem.orderCount).fill(-1);
  const dropoffDistanceM = (o: number, p: number) =>
    haversineM(problem.orderDropoffLat[o], problem.orderDropoffLng[o], problem.orderDropoffLat[p], problem.orderDropoffLng[p]);

  bundles.forEach(({ orders }, b) => {
    const describe = () => `bundle [${orders.join(', ')}]`;
    if (orders.length === 0) throw new RangeError('a bundle has at least one order');
    const lat = problem.orderPickupLat[orders[0]];
    const lng = problem.orderPickupLng[orders[0]];
    for (const o of orders) {
      if (!(Number.isInteger(o) && o >= 0 && o < problem.orderCount)) throw new RangeError(`${describe()}: order ${o} out of range`);
      if (seenIn[o] === b) throw new RangeError(`${describe()} lists order ${o} twice`);
      seenIn[o] = b;
      if (problem.orderPickupLat[o] !== lat || problem.orderPickupLng[o] !== lng) throw new RangeError(`${describe()} has more than one pickup position`);
    }
    const byLng = ids.get(lat) ?? ids.set(lat, new Map()).get(lat)!;
    let r = byLng.get(lng);
    if (r === undefined) {
      r = phi.push(toRadians(lat)) - 1;
      lambda.push(toRadians(lng));
      cosPhi.push(Math.cos(phi[r]));
      byLng.set(lng, r);
    }
    restaurant[b] = r;
    let ready = problem.orderReadyInS[orders[0]];
    for (const o of orders) ready = Math.max(ready, problem.orderReadyInS[o]);
    readyS[b] = ready;
    const first = legStart[b];
    legsM[first] = haversineM(lat, lng, problem.orderDropoffLat[orders[0]], problem.orderDropoffLng[orders[0]]) * detour;
    for (let k = 1; k < orders.length; k++) legsM[first + k] = dropoffDistanceM(orders[k - 1], orders[k]) * detour;
  });
  return {
    bundles,
    phi: Float64Array.from(phi),
    lambda: Float64Array.from(lambda),
    cosPhi: Float64Array.from(cosPhi),
    restaurant,
    readyS,
    legStart,
    legsM,
  };
}

/** Excluded pairs by courier, built once per problem.excluded (whose arrays are not changed in place). */
const excludedByCourier = new WeakMap<ExcludedPairs, Map<number, Set<number>>>();

/** The orders the courier may not take (Problem.excluded), or undefined if none. */
function excludedOrdersOf(problem: PositionsProblem, courier: number): Set<number> | undefined {
  const excluded = problem.excluded;
  if (excluded === undefined || excluded.order.length === 0) return undefined;
  let byCourier = excludedByCourier.get(excluded);
  if (byCourier === undefined) {
    byCourier = new Map();
    for (let i = 0; i < excluded.order.length; i++) {
      const orders = byCourier.get(excluded.courier[i]) ?? new Set<number>();
      orders.add(excluded.order[i]);
      byCourier.set(excluded.courier[i], orders);
    }
    excludedByCourier.set(excluded, byCourier);
  }
  return byCourier.get(courier);
}

function holdsAny(bundle: Bundle, orders: ReadonlySet<number>): boolean {
  return bundle.orders.some((o) => orders.has(o));
}
