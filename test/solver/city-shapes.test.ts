/**
 * Generated hotspot and degenerate cities (src/sim/city-shapes.ts) against the oracle: orders
 * crowded on few restaurants, couriers stacked on few points at one speed and all free, and both
 * at once, so that costs tie everywhere, at the K-th cheapest included. Tiny cities are checked
 * against the exhaustive optimum, small ones against the MIP, generated S and M cities by the dual
 * certificate over the oracle's own edges; the candidate edges are compared edge by edge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DispatchParams, PositionsProblem, Problem } from '../../src/domain/problem.js';
import { generateCity, type PresetName } from '../../src/sim/city.js';
import { COURIERS_PER_STACK, crowdedAtRestaurants, shapedCity, stackedCouriers, type CityShape } from '../../src/sim/city-shapes.js';
import { WasmSolver } from '../../src/solver/index.js';
import { expectSameCandidates } from '../support/candidates.js';
import { positionsProblem } from '../support/problems.js';
import { bruteForceOptimum, candidateEdges, checkSolution, lpOptimum, type Assignment, type CandidateEdge } from '../support/reference.js';

const solver = new WasmSolver();

/** Tied shapes: orders on few restaurants, couriers on few stacks, or both. */
const TIED_SHAPES = ['hotspot', 'degenerate', 'both'] as const;
type TiedShape = (typeof TIED_SHAPES)[number];

interface SmallCity {
  shape: TiedShape;
  seed: number;
  couriers: number;
  orders: number;
  /** Restaurants (hotspot) and courier stacks (degenerate). */
  points: number;
  params: Partial<DispatchParams>;
}

/** A generated city of a few couriers and orders (2 km across), in one of the tied shapes. */
function smallCity({ shape, seed, couriers, orders, points, params }: SmallCity): PositionsProblem {
  const { problem } = generateCity({ preset: { couriers, orders, radiusM: 1_000, hotspots: 2 }, seed, params });
  const crowded = shape === 'degenerate' ? problem : crowdedAtRestaurants(problem, points);
  return shape === 'hotspot' ? crowded : stackedCouriers(crowded, points);
}

const between = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));

function smallCities(maxCouriers: number, maxOrders: number): fc.Arbitrary<PositionsProblem> {
  return fc
    .record({
      shape: fc.constantFrom(...TIED_SHAPES),
      seed: fc.integer(),
      couriers: between(1, maxCouriers),
      orders: between(1, maxOrders),
      points: between(1, 3),
      params: fc.record({
        // K ≤ 4: the ring bound; K > 4: the arrival buckets (assembly/positions.ts).
        maxCandidates: between(0, 8),
        // Some orders are left when the penalty is low; most pairs are within the default reach.
        unassignedPenaltyS: fc.constantFrom(300, 600, 3600),
        maxPickupS: fc.constantFrom(300, 600),
      }),
    })
    .map(smallCity);
}

function expectOptimal(problem: Problem, optimum: (problem: Problem, edges: CandidateEdge[]) => Assignment): void {
  const edges = candidateEdges(problem);
  const solution = solver.solve(problem, { duals: true });
  checkSolution(problem, solution, edges);
  expect(solution.objective).toBe(optimum(problem, edges).objective);
}

describe('hotspot and degenerate cities', () => {
  it('match the exhaustive optimum on tiny ones, certificate included', () => {
    fc.assert(
      fc.property(smallCities(8, 8), (problem) => expectOptimal(problem, bruteForceOptimum)),
      { numRuns: 1500 },
    );
  });

  it('match the MIP optimum on small ones', () => {
    fc.assert(
      fc.property(smallCities(40, 25), (problem) => expectOptimal(problem, lpOptimum)),
      { numRuns: 100 },
    );
  });

  it('keep the K cheapest couriers, ties at the K-th cost going to the courier listed first', () => {
    fc.assert(
      fc.property(smallCities(60, 12), (problem) => {
        expectSameCandidates(solver, problem);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[CityShape, PresetName, number]>(
    (['hotspot', 'degenerate'] as const).flatMap((shape) => [
      [shape, 'S', 0],
      [shape, 'S', 64],
      [shape, 'M', 0],
      [shape, 'M', 64],
    ]),
  )('%s %s city with max_candidates %i: the oracle edges and a certified optimum', (shape, preset, maxCandidates) => {
    const problem = shapedCity(shape, preset, 21, { maxCandidates });
    const edges = candidateEdges(problem);
    expect(expectSameCandidates(solver, problem)).toBeGreaterThan(problem.orderCount);
    const solution = solver.solve(problem, { duals: true });
    checkSolution(problem, solution, edges);
    expect(solution.stats.assigned).toBeGreaterThan(problem.orderCount / 2);
  });
});

describe('the K bound', () => {
  it('keeps the couriers listed first when every price ties, the farthest of them included', () => {
    // One speed, all free, every order ready long after anyone arrives, idling free (wait_weight 0): every pair of an order
    // costs the same (ready + delivery + handover), which is also the bound of every cell and band.
    const here: [number, number] = [41.39, 2.17];
    const far: [number, number] = [41.408, 2.17]; // 2 km north: a few rings out
    const couriers = Array.from({ length: 30 }, (_, c) => ({ at: c % 10 === 0 ? far : here, speed: 5 }));
    const orders = Array.from({ length: 6 }, (_, o) => ({ pickup: here, dropoff: [41.39 + 0.001 * o, 2.18] as [number, number], ready: 3000 }));
    for (const maxCandidates of [1, 2, 4, 5, 12]) {
      const problem = positionsProblem(couriers, orders, { maxCandidates, unassignedPenaltyS: 6000, waitWeight: 0 });
      expectSameCandidates(solver, problem);
      const graph = solver.candidates(problem);
      for (let o = 0; o < orders.length; o++) {
        const chosen = Array.from(graph.courier.filter((_, i) => graph.order[i] === o)).sort((a, b) => a - b);
        expect(chosen).toEqual(Array.from({ length: maxCandidates }, (_, c) => c));
      }
    }
  });

  it('keeps the slower couriers listed first when their price ties the faster ones at the K-th cost', () => {
    // Points of one order each (K > 4: passes over cells by decreasing speed): 100 couriers at 5 m/s, then 100 at
    // 5.0001 m/s, within 20 m (a micro-degree apart: not one class). Ready long after anyone arrives and idling free, an order costs
    // ready + delivery / speed + handover: the speeds' delivery times differ by a few milliseconds, mostly the same decisecond.
    // The first pass takes the fast couriers first; the slow ones, listed first, tie with its K-th, and only a bound that
    // lets ties through finds them.
    const couriers = Array.from({ length: 200 }, (_, c) => ({ at: [41.39 + 1e-6 * c, 2.17] as [number, number], speed: c < 100 ? 5 : 5.0001 }));
    const orders = Array.from({ length: 12 }, (_, o) => ({
      pickup: [41.39 + 1e-5 * o, 2.17] as [number, number],
      dropoff: [41.395 + 0.0007 * o, 2.172] as [number, number],
      ready: 3000,
    }));
    let tied = 0;
    for (const maxCandidates of [5, 12, 16, 64]) {
      const problem = positionsProblem(couriers, orders, { maxCandidates, unassignedPenaltyS: 6000, waitWeight: 0 });
      expectSameCandidates(solver, problem);
      const graph = solver.candidates(problem);
      for (let o = 0; o < orders.length; o++) tied += Number(graph.courier.some((c, i) => graph.order[i] === o && c < 100));
    }
    expect(tied).toBeGreaterThan(24);
  });

  it.each([
    // K ≤ 4: the ring bound; K > 4: the arrival buckets where orders share a pickup point, passes over
    // cells by decreasing speed where they do not; a degenerate city's stacks: one pair priced per stack and
    // order, for every K (courier-classes.ts).
    ['normal', [0.75, 0.75, 0.4, 0.75, 1.01]],
    ['hotspot', [0.75, 0.75, 0.25, 0.4, 0.75]],
    ['degenerate', [0.1, 0.1, 0.1, 0.1, 0.1]],
  ] as const)('%s M city, max_candidates 1, 4, 16, 64 and 200: the pairs priced, exactly the K cheapest', (shape, shares) => {
    const problem = shapedCity(shape, 'M', 22);
    const { edges: eligible, pairsPriced } = solver.solve(problem).stats;
    // With K = 0 every eligible pair is priced; a degenerate city's stack once for all its couriers (courier-classes.ts).
    expect(pairsPriced * (shape === 'degenerate' ? COURIERS_PER_STACK : 1)).toBeGreaterThanOrEqual(eligible);
    [1, 4, 16, 64, 200].forEach((maxCandidates, i) => {
      const bounded = { ...problem, params: { ...problem.params, maxCandidates } };
      expect(solver.solve(bounded).stats.pairsPriced).toBeLessThan(shares[i] * eligible);
      expectSameCandidates(solver, bounded);
    });
  });

  it.each(['normal', 'hotspot', 'degenerate', 'both'] as const)('%s S cities: the same edges as the unpruned build for every K', (shape) => {
    for (const seed of [1, 2, 3]) {
      const problem = shape === 'both' ? crowdedAtRestaurants(shapedCity('degenerate', 'S', seed), 12) : shapedCity(shape, 'S', seed);
      const all = solver.candidates(problem);
      for (const maxCandidates of [1, 4, 5, 16, 64, 200]) {
        const bounded = { ...problem, params: { ...problem.params, maxCandidates } };
        expectSameCandidates(solver, bounded);
        // The unpruned build's K cheapest per order, ties by courier index.
        const want = new Set<number>();
        const byOrder = new Map<number, [number, number][]>();
        for (let i = 0; i < all.order.length; i++) {
          byOrder.set(all.order[i], [...(byOrder.get(all.order[i]) ?? []), [all.cost[i], all.courier[i]]]);
        }
        for (const [o, edges] of byOrder) {
          edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (const [, c] of edges.slice(0, maxCandidates)) want.add(o * 100_000 + c);
        }
        const got = solver.candidates(bounded);
        expect(new Set(Array.from(got.order, (o, i) => o * 100_000 + got.courier[i]))).toEqual(want);
      }
    }
  });
});
