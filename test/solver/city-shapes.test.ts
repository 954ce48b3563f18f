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
import { crowdedAtRestaurants, shapedCity, stackedCouriers, type CityShape } from '../../src/sim/city-shapes.js';
import { WasmSolver } from '../../src/solver/index.js';
import { expectSameCandidates } from '../support/candidates.js';
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
        maxCandidates: between(0, 4),
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
