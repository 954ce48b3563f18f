/**
 * Shapes of one generated city (city.ts) that stress the solver differently, for the benchmarks
 * that compare them side by side (bench/solver-peers.ts, bench/edges.ts, bench/warm-start.ts) and the exactness
 * and warm-start tests (test/solver/city-shapes.test.ts, warm-start.test.ts):
 *
 *  - normal: the city as generated;
 *  - hotspot: every order at one of orders / 10 restaurants (many orders per pickup point);
 *  - degenerate: couriers stacked 30 to a point, all at one speed and free now, so the couriers
 *    of a stack cost every order the same: ties everywhere.
 */
import type { DispatchParams, PositionsProblem } from '../domain/problem.js';
import { generateCity, type CityPreset, type PresetName } from './city.js';

export const CITY_SHAPES = ['normal', 'hotspot', 'degenerate'] as const;
export type CityShape = (typeof CITY_SHAPES)[number];

const ORDERS_PER_RESTAURANT = 10;
export const COURIERS_PER_STACK = 30;
/** A bicycle's mean speed in the generator's fleet. */
const STACKED_SPEED_MPS = 4;

export function shapedCity(shape: CityShape, preset: PresetName | CityPreset, seed: number, params: Partial<DispatchParams> = {}): PositionsProblem {
  const { problem } = generateCity({ preset, seed, params });
  if (shape === 'hotspot') return crowdedAtRestaurants(problem, Math.ceil(problem.orderCount / ORDERS_PER_RESTAURANT));
  if (shape === 'degenerate') return stackedCouriers(problem, Math.ceil(problem.courierCount / COURIERS_PER_STACK));
  return problem;
}

/** Every order picked up where one of the first `restaurants` orders is. */
export function crowdedAtRestaurants(problem: PositionsProblem, restaurants: number): PositionsProblem {
  return {
    ...problem,
    orderPickupLat: problem.orderPickupLat.map((_, o) => problem.orderPickupLat[o % restaurants]),
    orderPickupLng: problem.orderPickupLng.map((_, o) => problem.orderPickupLng[o % restaurants]),
  };
}

/** Every courier where one of the first `stacks` couriers is, at one speed, free now. */
export function stackedCouriers(problem: PositionsProblem, stacks: number): PositionsProblem {
  return {
    ...problem,
    courierLat: problem.courierLat.map((_, c) => problem.courierLat[c % stacks]),
    courierLng: problem.courierLng.map((_, c) => problem.courierLng[c % stacks]),
    courierSpeedMps: problem.courierSpeedMps.map(() => STACKED_SPEED_MPS),
    courierFreeInS: problem.courierFreeInS.map(() => 0),
  };
}
