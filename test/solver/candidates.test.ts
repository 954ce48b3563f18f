import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInstance } from '../support/random-instance.js';
import type { PositionsProblem, Problem } from '../../src/domain/problem.js';
import { generateCity } from '../../src/sim/city.js';
import { Rng } from '../../src/sim/rng.js';
import { WasmSolver } from '../../src/solver/index.js';
import { SolverPool } from '../../src/solver/solver-pool.js';
import { expectSameCandidates as expectSameWasmCandidates } from '../support/candidates.js';
import { candidateEdges, pairArrivalS, pairCost, pairCostSeconds } from '../support/reference.js';
import { positionsProblem } from '../support/problems.js';

// The solver prices most pairs from a cheap chord distance and falls back to the exact
// haversine only where rounding could matter; these tests compare every candidate edge
// it keeps with the oracle's, so a wrong fallback cannot hide behind an optimal objective.

const solver = new WasmSolver();

const expectSameCandidates = (problem: Problem) => expectSameWasmCandidates(solver, problem);

describe('candidate edges match the oracle edge by edge', () => {
  it.each([0, 64])('generated M city, max_candidates %i', (k) => {
    const { problem } = generateCity({ preset: 'M', seed: 3, maxCandidates: k });
    expect(expectSameCandidates(problem)).toBeGreaterThan(50_000);
  });

  it('hundreds of random instances, both kinds, ties included', () => {
    for (let seed = 1; seed <= 300; seed++) {
      for (const kind of ['positions', 'edges'] as const) {
        expectSameCandidates(
          randomInstance({
            seed,
            kind,
            couriers: 1 + (seed % 23),
            orders: 1 + (seed % 17),
            ties: seed % 3 === 0,
            params: { maxCandidates: seed % 9, unassignedPenaltyS: seed % 7 === 0 ? 900 : 3600 },
          }),
        );
      }
    }
  });

  it('orders sharing pickup points (restaurant crowds), with declined pairs and far points, match edge by edge', () => {
    // Orders of one point share the couriers it reaches (one grid scan per point); each order
    // still has its own dropoff, ready time and declined couriers.
    const { problem: city } = generateCity({ preset: 'M', seed: 5 });
    const restaurants = 37;
    const crowded: PositionsProblem = {
      ...city,
      orderPickupLat: city.orderPickupLat.map((_, o) => city.orderPickupLat[(o * 7) % restaurants]),
      orderPickupLng: city.orderPickupLng.map((_, o) => city.orderPickupLng[(o * 7) % restaurants]),
      excluded: {
        order: Int32Array.from({ length: 200 }, (_, i) => (i * 13) % city.orderCount),
        courier: Int32Array.from({ length: 200 }, (_, i) => (i * 17) % city.courierCount),
      },
    };
    expect(expectSameCandidates(crowded)).toBeGreaterThan(50_000);
    // A point at the far side of the globe among them: chords too long for the fast series.
    const spots = [
      [41.39, 2.17],
      [-41.39, -177.83],
      [41.39, 2.17],
      [41.391, 2.171],
    ];
    const couriers = spots.map((at, i) => ({ at: at as [number, number], speed: 4 + i, free: 0 }));
    const orders = Array.from({ length: 12 }, (_, i) => ({
      pickup: spots[i % spots.length] as [number, number],
      dropoff: spots[(i + 1) % spots.length] as [number, number],
      ready: 60 * i,
    }));
    expect(expectSameCandidates(positionsProblem(couriers, orders, { maxPickupS: 5e6, unassignedPenaltyS: 2e8 }))).toBeGreaterThan(20);
  });

  it('points all over the globe: poles, the antimeridian, long distances', () => {
    const spots = [
      [89.99, 10],
      [-89.99, -170],
      [0, 179.999],
      [0, -179.999],
      [41.39, 2.17],
      [41.4, 2.18],
      [-33.9, 151.2],
      [60, -0.001],
      [60, 0.001],
    ];
    const at = (i: number) => spots[i % spots.length] as [number, number];
    const couriers = spots.map((_, i) => ({ at: at(i), speed: 3 + i, free: i * 10 }));
    const orders = spots.map((_, i) => ({ pickup: at(i), dropoff: at(i + 1), ready: 100 * i - 300 }));
    const problem = positionsProblem(couriers, orders, { maxPickupS: 5e6, unassignedPenaltyS: 2e8 });
    expect(expectSameCandidates(problem)).toBeGreaterThan(40);
  });

  it('couriers of very different reach, crowded in one cell and spread over a continent', () => {
    // The grid lists each cell's couriers by decreasing reach and stops at the first that
    // cannot reach the cell; a spread-out fleet gets coarser cells. Both must find every pair.
    const rng = new Rng(11);
    const crowd: [number, number] = [48.85, 2.35];
    const spread = [0, 0.3, 20]; // degrees: one crowd, a region, a continent
    const place = (i: number): [number, number] => {
      const d = spread[i % 3]!;
      return [crowd[0] + rng.uniform(-d, d), crowd[1] + rng.uniform(-d, d)];
    };
    const couriers = Array.from({ length: 1500 }, (_, i) => ({ at: place(i), speed: rng.uniform(1, 40), free: rng.uniform(0, 4000) }));
    const orders = Array.from({ length: 300 }, (_, i) => ({ pickup: place(i), dropoff: place(i + 1), ready: rng.uniform(-600, 600) }));
    const problem = positionsProblem(couriers, orders, { maxPickupS: 3600, unassignedPenaltyS: 1e6 });
    expect(expectSameCandidates(problem)).toBeGreaterThan(10_000);
    expect(expectSameCandidates({ ...problem, params: { ...problem.params, maxCandidates: 7 } })).toBeGreaterThan(400);
  });

  it('arrivals exactly at max_pickup_s and costs exactly on a rounding boundary', () => {
    // The cheap distance agrees with the haversine to the last bit or two, so only many
    // boundary cases make sure the fallback decides the ones where it does not.
    const { problem: city } = generateCity({ preset: 'S', seed: 5, params: { maxPickupS: 1200 } });
    const pairs = candidateEdges(city)
      .filter((_, i) => i % 37 === 0)
      .slice(0, 150);
    expect(pairs.length).toBe(150);
    const withParams = (params: Partial<PositionsProblem['params']>) => ({ ...city, params: { ...city.params, ...params } });
    for (const { order, courier } of pairs) {
      // max_pickup_s on the pair's exact arrival, and one ulp below it.
      const arrival = pairArrivalS(city, order, courier);
      const onLimit = withParams({ maxPickupS: arrival });
      const justBelow = withParams({ maxPickupS: nextDown(arrival) });
      expect(pairCost(onLimit, order, courier)).toBeDefined();
      expect(pairCost(justBelow, order, courier)).toBeUndefined();
      expectSameCandidates(onLimit);
      expectSameCandidates(justBelow);
      // handover_s shifted so that the pair's cost·10 + 0.5 lands on an integer, up to the last bit.
      const seconds = pairCostSeconds(city, order, courier)!;
      const boundary = (Math.floor(seconds * 10 + 0.5) + 0.5) / 10;
      expectSameCandidates(withParams({ handoverS: city.params.handoverS + (boundary - seconds) }));
    }
  });
});

/** The largest double below x (x > 0). */
function nextDown(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] -= 1n;
  return new Float64Array(bits.buffer)[0];
}

describe('a solve asked for its candidate graph or its certificate', () => {
  let pool: SolverPool;
  beforeAll(async () => {
    pool = await SolverPool.start({ threads: 1 });
  });
  afterAll(() => pool.close());

  // Sorted rows, so that graphs whose rows the assignment reordered compare equal.
  const rows = (g: { order: Int32Array; courier: Int32Array; cost: Int32Array }) =>
    Array.from(g.order, (o, i) => [o, g.courier[i], g.cost[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  it.each([0, 16])('returns the graph candidates() builds, after the solve and through the pool (M city, K %i)', async (k) => {
    const { problem } = generateCity({ preset: 'M', seed: 5, maxCandidates: k });
    const built = rows(solver.candidates(problem));
    const solved = solver.solve(problem, { duals: true, candidates: true });
    expect(rows(solved.candidates!)).toEqual(built);
    const pooled = await pool.solve(problem, { duals: true, candidates: true });
    expect(rows(pooled.candidates!)).toEqual(built);
    expect(pooled.orderDual).toEqual(solved.orderDual);
    expect((await pool.solve(problem)).candidates).toBeUndefined();
  });

  it('checks its certificate in the worker when asked, returning only the verdict', async () => {
    const { problem } = generateCity({ preset: 'M', seed: 5 });
    const certified = await pool.solve(problem, { certify: true });
    expect(certified.certificate).toEqual({ certificate: 'checked' });
    expect([certified.candidates, certified.orderDual]).toEqual([undefined, undefined]);
    expect(Array.from(certified.orderCourier)).toEqual(Array.from(solver.solve(problem).orderCourier));
    expect((await pool.solve(problem, { certify: true, duals: true })).orderDual).toBeDefined();
  });
});
