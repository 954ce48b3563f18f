/**
 * The oracle checked on its own (no solver needed): hand-computed prices, the candidate
 * rule, the two exact optima against each other, and a checker that does reject bad answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Solution } from '../../src/domain/problem.js';
import { randomInstance } from '../support/random-instance.js';
import { EARTH_RADIUS_M, bruteForceOptimum, candidateEdges, checkSolution, distanceM, lpOptimum, pairCost, penaltyOf } from '../support/reference.js';
import { edgesProblem, positionsProblem } from '../support/problems.js';

describe('pricing', () => {
  it('measures a degree of latitude or of equator as R·π/180', () => {
    const degree = (EARTH_RADIUS_M * Math.PI) / 180; // 111195.08 m
    expect(distanceM(41, 2, 42, 2)).toBeCloseTo(degree, 6);
    expect(distanceM(0, 10, 0, 11)).toBeCloseTo(degree, 6);
    expect(distanceM(41.39, 2.17, 41.39, 2.17)).toBe(0);
    // Barcelona → Madrid, about 505 km.
    expect(distanceM(41.3874, 2.1686, 40.4168, -3.7038) / 1000).toBeCloseTo(505.3, 0);
  });

  it('prices a pair by hand: courier waits at the restaurant', () => {
    // Courier on the pickup, free now, 5 m/s; order ready in 100 s, dropoff 0.01° north (1111.95 m).
    const p = positionsProblem([{ at: [41.39, 2.17], speed: 5 }], [{ pickup: [41.39, 2.17], dropoff: [41.4, 2.17], ready: 100 }]);
    // arrive 0, pickup_at 100, deliver 100 + 1111.95·1.3/5 + 120 = 509.107, idle 100 → 559.107 s.
    expect(pairCost(p, 0, 0)).toBe(5591);
  });

  it('prices a pair by hand: order already waiting, courier busy', () => {
    // Free in 60 s, 0.005° (555.98 m) from the pickup at 4 m/s → arrive 60 + 180.69 = 240.69;
    // ready −300 → no idle; deliver 240.69 + 0 + 120 (dropoff = pickup) = 360.69 s.
    const p = positionsProblem([{ at: [41.385, 2.17], speed: 4, free: 60 }], [{ pickup: [41.39, 2.17], ready: -300 }]);
    expect(pairCost(p, 0, 0)).toBe(3607);
  });

  it('makes a courier arriving exactly at max_pickup_s eligible, and one a little later not', () => {
    const at = (free: number) => positionsProblem([{ at: [41.39, 2.17], free }], [{ pickup: [41.39, 2.17] }]);
    expect(pairCost(at(600), 0, 0)).toBe(7200);
    expect(pairCost(at(600.001), 0, 0)).toBeUndefined();
  });

  it('rounds the penalty to deciseconds half up', () => {
    expect(penaltyOf({ ...DEFAULT_PARAMS })).toBe(36000);
    expect(penaltyOf({ ...DEFAULT_PARAMS, unassignedPenaltyS: 12.34 })).toBe(123);
    expect(penaltyOf({ ...DEFAULT_PARAMS, unassignedPenaltyS: 12.35 })).toBe(124);
    expect(penaltyOf({ ...DEFAULT_PARAMS, unassignedPenaltyS: 0 })).toBe(0);
  });
});

describe('candidate edges', () => {
  it('keeps the lower cost of a pair listed twice', () => {
    const p = edgesProblem(1, 2, [
      [0, 1, 900],
      [0, 0, 500],
      [0, 1, 300],
      [0, 1, 700],
    ]);
    expect(candidateEdges(p)).toEqual([
      { order: 0, courier: 0, cost: 500 },
      { order: 0, courier: 1, cost: 300 },
    ]);
  });

  it('keeps the K cheapest per order, ties going to the courier listed first', () => {
    const p = edgesProblem(
      2,
      4,
      [
        [0, 3, 5],
        [0, 2, 7],
        [0, 1, 7],
        [0, 0, 9],
        [1, 2, 1],
        [1, 0, 1],
      ],
      { maxCandidates: 2 },
    );
    expect(candidateEdges(p)).toEqual([
      { order: 0, courier: 1, cost: 7 },
      { order: 0, courier: 3, cost: 5 },
      { order: 1, courier: 0, cost: 1 },
      { order: 1, courier: 2, cost: 1 },
    ]);
  });

  it('rejects edges the spec does not allow', () => {
    expect(() => candidateEdges(edgesProblem(1, 1, [[0, 1, 5]]))).toThrow(/out of range/);
    expect(() => candidateEdges(edgesProblem(1, 1, [[0, 0, -1]]))).toThrow(/bad cost/);
  });
});

describe('exact optima', () => {
  it('finds the optimum a greedy choice misses', () => {
    // Greedy takes (0,0)=1 and is left with (1,1)=100; the optimum crosses for 2 + 2.
    const p = edgesProblem(2, 2, [
      [0, 0, 1],
      [0, 1, 2],
      [1, 0, 2],
      [1, 1, 100],
    ]);
    expect(bruteForceOptimum(p)).toEqual({ objective: 4, orderCourier: Int32Array.of(1, 0) });
    expect(lpOptimum(p).objective).toBe(4);
  });

  it('leaves an order unassigned when the penalty is cheaper', () => {
    const p = edgesProblem(
      2,
      1,
      [
        [0, 0, 50],
        [1, 0, 80],
      ],
      { unassignedPenaltyS: 6 },
    ); // penalty 60
    expect(bruteForceOptimum(p)).toEqual({ objective: 110, orderCourier: Int32Array.of(0, -1) });
    expect(lpOptimum(p).objective).toBe(110);
  });

  it('agree with each other on random tiny instances of both kinds', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          kind: fc.constantFrom('positions' as const, 'edges' as const),
          couriers: fc.integer({ min: 0, max: 5 }),
          orders: fc.integer({ min: 0, max: 5 }),
          ties: fc.boolean(),
          maxCandidates: fc.integer({ min: 0, max: 3 }),
          unassignedPenaltyS: fc.double({ min: 0, max: 5000, noNaN: true }),
        }),
        ({ maxCandidates, unassignedPenaltyS, ...shape }) => {
          const problem = randomInstance({ ...shape, params: { maxCandidates, unassignedPenaltyS } });
          const edges = candidateEdges(problem);
          expect(lpOptimum(problem, edges).objective).toBe(bruteForceOptimum(problem, edges).objective);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('checkSolution', () => {
  // Optimum 4: order 0 → courier 1, order 1 → courier 0. Duals u = (2, 3), v = (−1, 0) certify it:
  // reduced costs (0,0) 1−2+1 = 0, (0,1) 2−2 = 0, (1,0) 2−3+1 = 0, (1,1) 100−3 = 97; sum 2+3−1 = 4.
  const problem = edgesProblem(2, 2, [
    [0, 0, 1],
    [0, 1, 2],
    [1, 0, 2],
    [1, 1, 100],
  ]);
  const solution = (patch: Partial<Solution> = {}): Solution => ({
    objective: 4,
    orderCourier: Int32Array.of(1, 0),
    orderCost: Int32Array.of(2, 2),
    orderDual: Float64Array.of(2, 3),
    courierDual: Float64Array.of(-1, 0),
    stats: {
      couriers: 2,
      orders: 2,
      edges: 4,
      edgesKept: 4,
      edgesPriced: 4,
      pairsPriced: 4,
      rounds: 1,
      bids: 2,
      assigned: 2,
      unassigned: 0,
      warmStart: false,
      rowsToPlace: 2,
      edgesReused: 0,
      edgeBuildMs: 0,
      matchingMs: 0,
      solveMs: 0,
    },
    ...patch,
  });

  it('accepts an optimal solution with a valid certificate, or without duals', () => {
    expect(() => checkSolution(problem, solution())).not.toThrow();
    expect(() => checkSolution(problem, solution({ orderDual: undefined, courierDual: undefined }))).not.toThrow();
  });

  it.each<[string, Partial<Solution>, RegExp]>([
    ['a wrong objective', { objective: 5 }, /objective 5/],
    ['a courier used twice', { orderCourier: Int32Array.of(0, 0), orderCost: Int32Array.of(1, 2), objective: 3 }, /courier 0 takes/],
    ['a misreported cost', { orderCost: Int32Array.of(2, 3), objective: 5 }, /reports cost 3/],
    ['a courier out of range', { orderCourier: Int32Array.of(1, 7) }, /out of range/],
    [
      'a cost for an unassigned order',
      { orderCourier: Int32Array.of(1, -1), orderCost: Int32Array.of(2, 2), objective: 36002 },
      /unassigned order 1 reports cost 2/,
    ],
    ['wrong stats', { stats: { ...solution().stats, unassigned: 1 } }, /stats.unassigned = 1/],
    [
      'a non-optimal assignment with tight duals',
      {
        orderCourier: Int32Array.of(0, 1),
        orderCost: Int32Array.of(1, 100),
        objective: 101,
        orderDual: Float64Array.of(1, 100),
        courierDual: Float64Array.of(0, 0),
      },
      /negative reduced cost/,
    ],
    ['duals infeasible by a tenth', { orderDual: Float64Array.of(2.1, 2.9) }, /\(0, 0\).*negative reduced cost/],
    ['a positive courier dual', { orderDual: Float64Array.of(1, 1), courierDual: Float64Array.of(1, 1) }, /courierDual\[0\] = 1 > 0/],
    // (0, 1) costs 2 − 2 − 0.5 < 0, but costing no less than u[0] it is the courier's dual that is wrong.
    ["a positive dual of a courier whose edges cost at least their orders' duals", { courierDual: Float64Array.of(-1, 0.5) }, /courierDual\[1\] = 0.5 > 0/],
    ['an order dual above the penalty', { orderDual: Float64Array.of(36001, 3), courierDual: Float64Array.of(-36000, 0) }, /orderDual\[0\] = 36001 > penalty/],
    ['feasible duals short of the objective', { orderDual: Float64Array.of(2, 2) }, /duals sum to 3/],
    ['duals a tenth away from complementary slackness', { orderDual: Float64Array.of(2, 2.9) }, /order 1 \(courier 0\) is not tight/],
    ['only one side of the duals', { courierDual: undefined }, /orderDual without courierDual/],
  ])('rejects %s', (_name, patch, message) => {
    expect(() => checkSolution(problem, solution(patch))).toThrow(message);
  });

  it('rejects a pair that is not a candidate edge', () => {
    const sparse = edgesProblem(1, 2, [[0, 0, 5]]);
    const answer = solution({ objective: 5, orderCourier: Int32Array.of(1), orderCost: Int32Array.of(5), orderDual: undefined, courierDual: undefined });
    expect(() => checkSolution(sparse, answer)).toThrow(/not a candidate edge/);
  });

  it('rejects a dual that is not the penalty on an unassigned order', () => {
    // Penalty 60 beats the only edge (80): the optimum leaves the order unassigned, u = 60, v = 0.
    const p = edgesProblem(1, 1, [[0, 0, 80]], { unassignedPenaltyS: 6 });
    const stats = { ...solution().stats, couriers: 1, orders: 1, edges: 1, assigned: 0, unassigned: 1 };
    const unassigned = (u: number): Solution => ({
      objective: 60,
      orderCourier: Int32Array.of(-1),
      orderCost: Int32Array.of(0),
      orderDual: Float64Array.of(u),
      courierDual: Float64Array.of(0),
      stats,
    });
    expect(() => checkSolution(p, unassigned(60))).not.toThrow();
    expect(() => checkSolution(p, unassigned(59.9))).toThrow(/order 0 \(courier -1\) is not tight/);
  });
});
