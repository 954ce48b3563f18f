/**
 * Fleets of interchangeable couriers (assembly/courier-classes.ts): couriers with bit-identical
 * inputs are priced once per class and each order's row is written class by class. Classes of
 * several sizes, some of their members busy (another free-in: another class) or excluded from some
 * orders (a declined offer: the class is partly offered), ties between classes (orders ready long
 * after anyone arrives, idling free or not), members listed out of order, K = 0 and K > 0 (the K
 * cheapest members across classes, ties at the K-th cost by index): the same candidate edges as the
 * oracle, its candidate count, and its optimum, certified.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PositionsProblem } from '../../src/domain/problem.js';
import { COURIERS_PER_STACK, crowdedAtRestaurants, shapedCity } from '../../src/sim/city-shapes.js';
import { WasmSolver } from '../../src/solver/index.js';
import { expectSameCandidates } from '../support/candidates.js';
import { positionsProblem, type CourierSpec, type OrderSpec } from '../support/problems.js';
import { bruteForceOptimum, candidateEdges, checkSolution, lpOptimum, type Assignment, type CandidateEdge } from '../support/reference.js';

const solver = new WasmSolver();
const CENTRE: [number, number] = [41.39, 2.17];

interface ClassSpec {
  /** Which of the stack points its members stand on. */
  point: number;
  size: number;
  speed: number;
  /** Members free only later (busy): a class of their own. */
  busy: number;
}

interface FleetSpec {
  points: [number, number][];
  classes: ClassSpec[];
  orders: OrderSpec[];
  /** Member order: couriers are listed shuffled by this seed, so a class's members are not adjacent. */
  shuffle: number;
  /** Every excluded-th (order, courier) pair is excluded, from `excludedFrom` on (0: none). */
  excluded: number;
  excludedFrom: number;
  maxCandidates: number;
  unassignedPenaltyS: number;
  /** 0: classes of one point and speed tie exactly for orders ready after everyone arrives. */
  waitWeight: number;
}

const near = fc.tuple(fc.double({ min: -0.006, max: 0.006, noNaN: true }), fc.double({ min: -0.006, max: 0.006, noNaN: true }));
const place = near.map(([dLat, dLng]): [number, number] => [CENTRE[0] + dLat, CENTRE[1] + dLng]);

function fleets(minClassSize: number, maxClassSize: number, maxClasses: number, maxOrders: number): fc.Arbitrary<FleetSpec> {
  return fc.record({
    points: fc.array(place, { minLength: 1, maxLength: 3 }),
    classes: fc.array(
      fc.record({ point: fc.nat(2), size: fc.integer({ min: minClassSize, max: maxClassSize }), speed: fc.constantFrom(4, 5), busy: fc.nat(2) }),
      { minLength: 1, maxLength: maxClasses },
    ),
    orders: fc.array(
      // Ready at 3,000 s: every courier arrives before it, so classes tie (the idle term aside).
      fc.record({ pickup: place, dropoff: place, ready: fc.constantFrom(0, 120, 3000) }),
      { minLength: 1, maxLength: maxOrders },
    ),
    shuffle: fc.integer(),
    excluded: fc.constantFrom(0, 0, 3, 7),
    excludedFrom: fc.nat(6),
    maxCandidates: fc.constantFrom(0, 0, 1, 2, 3, 5, 16),
    unassignedPenaltyS: fc.constantFrom(300, 900, 3600),
    waitWeight: fc.constantFrom(0, 0.5),
  });
}

function fleetProblem(spec: FleetSpec): PositionsProblem {
  const couriers: CourierSpec[] = spec.classes.flatMap(({ point, size, speed, busy }) =>
    Array.from({ length: size }, (_, m) => ({ at: spec.points[point % spec.points.length], speed, free: m < busy ? 90 : 0 })),
  );
  // Fisher–Yates with a small LCG: deterministic per seed.
  let state = spec.shuffle >>> 0;
  for (let i = couriers.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [couriers[i], couriers[j]] = [couriers[j], couriers[i]];
  }
  const problem = positionsProblem(couriers, spec.orders, {
    maxCandidates: spec.maxCandidates,
    unassignedPenaltyS: spec.unassignedPenaltyS,
    waitWeight: spec.waitWeight,
    maxPickupS: 600,
  });
  if (spec.excluded === 0) return problem;
  const pairs = candidateEdges({ ...problem, params: { ...problem.params, maxCandidates: 0 } }).filter(
    (_, i) => i >= spec.excludedFrom && i % spec.excluded === 0,
  );
  return { ...problem, excluded: { order: Int32Array.from(pairs, (e) => e.order), courier: Int32Array.from(pairs, (e) => e.courier) } };
}

/**
 * Asserts the optimum; returns whether the build priced by class (fewer pairs priced than
 * eligible) and whether the matching was solved by class (assembly/class-assignment.ts: no auction bid).
 */
function expectOptimal(
  problem: PositionsProblem,
  optimum: (problem: PositionsProblem, edges: CandidateEdge[]) => Assignment,
): { pricedByClass: boolean; solvedByClass: boolean } {
  const edges = candidateEdges(problem);
  expectSameCandidates(solver, problem);
  const solution = solver.solve(problem, { duals: true });
  // The candidate count (stats.edges) is checked here too, excluded pairs and pairs above the penalty included.
  checkSolution(problem, solution, edges);
  expect(solution.objective).toBe(optimum(problem, edges).objective);
  return { pricedByClass: solution.stats.pairsPriced < solution.stats.edges, solvedByClass: solution.stats.bids === 0 };
}

/**
 * Runs the property and asserts that at least a tenth of its fleets were priced by class; with
 * `solvedByClass` (fleets with K = 0 and nothing excluded), that each of those was solved by class too.
 */
function assertByClass(
  problems: fc.Arbitrary<PositionsProblem>,
  optimum: (problem: PositionsProblem, edges: CandidateEdge[]) => Assignment,
  numRuns: number,
  solvedByClass = false,
): void {
  let byClass = 0;
  fc.assert(
    fc.property(problems, (problem) => {
      const result = expectOptimal(problem, optimum);
      if (result.pricedByClass) byClass++;
      if (solvedByClass) expect(result.solvedByClass).toBe(result.pricedByClass);
    }),
    { numRuns },
  );
  expect(byClass).toBeGreaterThan(numRuns / 10);
}

/** The fleet with K = 0 and nothing excluded: every row holds every member of each class it meets. */
const wholeClasses = (spec: FleetSpec): FleetSpec => ({ ...spec, maxCandidates: 0, excluded: 0 });

describe('couriers in classes', () => {
  it('match the exhaustive optimum on tiny fleets, certificate and candidate edges included', () => {
    assertByClass(
      fleets(2, 6, 3, 5)
        .map(fleetProblem)
        .filter((p) => p.courierCount <= 12),
      bruteForceOptimum,
      400,
    );
  });

  it('match the MIP optimum on small fleets', () => {
    assertByClass(fleets(1, 12, 6, 20).map(fleetProblem), lpOptimum, 60);
  });

  it('are solved by class with K = 0 and nothing excluded: the exhaustive and MIP optima, with no auction bid', () => {
    assertByClass(
      fleets(2, 6, 3, 5)
        .map((spec) => fleetProblem(wholeClasses(spec)))
        .filter((p) => p.courierCount <= 12),
      bruteForceOptimum,
      300,
      true,
    );
    assertByClass(
      fleets(1, 12, 6, 20).map((spec) => fleetProblem(wholeClasses(spec))),
      lpOptimum,
      40,
      true,
    );
  });

  it('price one courier per class, and keep the K cheapest members by index when K > 0', () => {
    const spec: FleetSpec = {
      points: [CENTRE, [41.395, 2.175]],
      classes: [
        { point: 0, size: 8, speed: 4, busy: 2 },
        { point: 1, size: 5, speed: 5, busy: 0 },
        { point: 0, size: 3, speed: 5, busy: 0 },
      ],
      orders: Array.from({ length: 6 }, (_, o) => ({ pickup: [41.391 + 0.001 * o, 2.171] as [number, number], dropoff: CENTRE, ready: o % 2 ? 3000 : 0 })),
      shuffle: 7,
      excluded: 3,
      excludedFrom: 1,
      maxCandidates: 0,
      unassignedPenaltyS: 3600,
      waitWeight: 0.5,
    };
    const problem = fleetProblem(spec);
    expect(expectOptimal(problem, lpOptimum).pricedByClass).toBe(true);
    // Four classes (the busy members are one): 4 pairs priced per order, all 16 couriers candidates less the excluded.
    const { stats } = solver.solve(problem);
    expect(stats.pairsPriced).toBe(4 * spec.orders.length);
    expect(stats.edges).toBe(16 * spec.orders.length - problem.excluded!.order.length);
    // Idling free, the two classes of speed 5 tie for the orders ready at 3,000 s: their 8 members
    // interleave by index at the K-th cost for K = 3 to 8.
    for (const waitWeight of [0, 0.5]) {
      for (const maxCandidates of [1, 2, 3, 5, 8, 13, 16, 64]) {
        const bounded = fleetProblem({ ...spec, maxCandidates, waitWeight });
        expectOptimal(bounded, lpOptimum);
        expect(solver.solve(bounded).stats.pairsPriced).toBe(4 * spec.orders.length);
      }
    }
  });

  it('price every courier when a pair costs more than a key holds (an order ready in 16 years)', () => {
    // The oracle's costs are i32 and cannot price the far order: it is checked against the near one alone.
    const couriers = Array.from({ length: 8 }, (_, c): CourierSpec => ({ at: c % 2 ? CENTRE : [41.392, 2.171] }));
    const near: OrderSpec = { pickup: CENTRE, dropoff: [41.393, 2.172] };
    const params = { unassignedPenaltyS: 3600 };
    const alone = positionsProblem(couriers, [near], params);
    const { stats, objective, orderCourier } = solver.solve(positionsProblem(couriers, [near, { pickup: CENTRE, ready: 5e8 }], params));
    expect(stats.pairsPriced).toBeGreaterThanOrEqual(16);
    expect(stats.edges).toBe(16);
    expect(stats.edgesKept).toBe(8);
    expect(orderCourier[1]).toBe(-1);
    expect(objective).toBe(bruteForceOptimum(alone).objective + 36_000);
  });

  it('degenerate M city: the oracle edges, one pair priced per stack and order, a certified optimum', () => {
    const problem = shapedCity('degenerate', 'M', 23);
    const edges = candidateEdges(problem);
    expectSameCandidates(solver, problem);
    const solution = solver.solve(problem, { duals: true });
    checkSolution(problem, solution, edges);
    // A stack's couriers are one class: the build priced a pair per stack (some then ineligible).
    expect(solution.stats.pairsPriced * COURIERS_PER_STACK).toBeGreaterThanOrEqual(solution.stats.edges);
    expect(solution.stats.pairsPriced).toBeLessThan(solution.stats.edges / 10);
    // Nothing excluded: the matching was solved by class, the auction made no bid.
    expect(solution.stats.bids).toBe(0);
  });

  it('stacks crowded by orders at a few restaurants: full classes on long augmenting paths, a certified optimum', () => {
    // 100 stacks of 30 and every order at one of 10 restaurants: the stacks near a restaurant fill up.
    const problem = crowdedAtRestaurants(shapedCity('degenerate', 'M', 5), 10);
    const solution = solver.solve(problem, { duals: true });
    checkSolution(problem, solution);
    expect(solution.stats.bids).toBe(0);
    expect(solution.stats.unassigned).toBeGreaterThan(0);
  });
});
