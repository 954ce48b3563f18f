/**
 * Tiny random instances for property tests: a few couriers and orders around one spot,
 * either with positions or with caller-given edges (duplicates and unsorted listing
 * included), optionally drawn from a handful of values so that equal costs are common.
 */
import { DEFAULT_PARAMS, type DispatchParams, type EdgesProblem, type PositionsProblem, type Problem } from '../../src/domain/problem.js';
import { BARCELONA } from '../../src/sim/city.js';
import { Rng } from '../../src/sim/rng.js';

export interface RandomInstanceOptions {
  seed: number;
  kind: 'positions' | 'edges';
  couriers: number;
  orders: number;
  params?: Partial<DispatchParams>;
  /** Draw positions, speeds and times (or edge costs) from a few values: ties everywhere. */
  ties?: boolean;
  /** edges: probability that a pair is listed. */
  density?: number;
  /** edges: costs are drawn from 0..maxCost deciseconds. */
  maxCost?: number;
}

/** Half-side of the square the points are drawn from, in degrees (≈ 3 km): some pairs are out of reach. */
const SPREAD_DEG = 0.027;

export function randomInstance(options: RandomInstanceOptions): Problem {
  const rng = new Rng(options.seed);
  const params = { ...DEFAULT_PARAMS, ...options.params };
  return options.kind === 'positions' ? randomPositions(rng, options, params) : randomEdges(rng, options, params);
}

function randomPositions(rng: Rng, options: RandomInstanceOptions, params: DispatchParams): PositionsProblem {
  const ties = options.ties ?? false;
  const spots = [0, 1, 2].map(() => offset(rng));
  const point = () => (ties ? rng.pick(spots) : offset(rng));
  const couriers = Array.from({ length: options.couriers }, () => ({
    at: point(),
    speed: ties ? rng.pick([4, 6]) : rng.uniform(2.5, 10),
    free: ties ? rng.pick([0, 300]) : rng.chance(0.3) ? rng.uniform(0, 900) : 0,
  }));
  const orders = Array.from({ length: options.orders }, () => ({
    pickup: point(),
    dropoff: point(),
    ready: ties ? rng.pick([-100, 0, 200]) : rng.uniform(-300, 900),
  }));
  return {
    kind: 'positions',
    params,
    courierCount: couriers.length,
    orderCount: orders.length,
    courierLat: Float64Array.from(couriers, (c) => c.at.lat),
    courierLng: Float64Array.from(couriers, (c) => c.at.lng),
    courierSpeedMps: Float64Array.from(couriers, (c) => c.speed),
    courierFreeInS: Float64Array.from(couriers, (c) => c.free),
    orderPickupLat: Float64Array.from(orders, (o) => o.pickup.lat),
    orderPickupLng: Float64Array.from(orders, (o) => o.pickup.lng),
    orderDropoffLat: Float64Array.from(orders, (o) => o.dropoff.lat),
    orderDropoffLng: Float64Array.from(orders, (o) => o.dropoff.lng),
    orderReadyInS: Float64Array.from(orders, (o) => o.ready),
  };
}

function randomEdges(rng: Rng, options: RandomInstanceOptions, params: DispatchParams): EdgesProblem {
  const density = options.density ?? 0.6;
  const maxCost = options.maxCost ?? 20_000;
  const tiedCosts = [0, Math.floor(maxCost / 2), maxCost];
  const cost = () => (options.ties ? rng.pick(tiedCosts) : rng.int(0, maxCost));
  const edges: Array<[number, number, number]> = [];
  for (let o = 0; o < options.orders; o++) {
    for (let c = 0; c < options.couriers; c++) {
      if (!rng.chance(density)) continue;
      edges.push([o, c, cost()]);
      if (rng.chance(0.2)) edges.push([o, c, cost()]); // the same pair listed again
    }
  }
  // Callers list edges in any order.
  for (let i = edges.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [edges[i], edges[j]] = [edges[j], edges[i]];
  }
  return {
    kind: 'edges',
    params,
    courierCount: options.couriers,
    orderCount: options.orders,
    edgeOrder: Int32Array.from(edges, (e) => e[0]),
    edgeCourier: Int32Array.from(edges, (e) => e[1]),
    edgeCost: Int32Array.from(edges, (e) => e[2]),
  };
}

function offset(rng: Rng): { lat: number; lng: number } {
  return { lat: BARCELONA.lat + rng.uniform(-SPREAD_DEG, SPREAD_DEG), lng: BARCELONA.lng + rng.uniform(-SPREAD_DEG, SPREAD_DEG) };
}
