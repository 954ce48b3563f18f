/**
 * The wasm solver against the independent oracle on random instances of both kinds:
 * the objective must equal the exhaustive optimum (tiny instances) or the MIP optimum
 * (small ones) exactly, and every answer must carry a valid dual certificate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COST, type DispatchParams, type Problem } from '../../src/domain/problem.js';
import { loadSolver } from '../../src/solver/index.js';
import { randomInstance, type RandomInstanceOptions } from '../support/random-instance.js';
import { MAX_PENALTY_S } from '../support/problems.js';
import { bruteForceOptimum, candidateEdges, checkSolution, lpOptimum, type Assignment, type CandidateEdge } from '../support/reference.js';

// Uniform draws mostly, with the special values mixed in on purpose: fast-check's bias towards
// 0 and extremes, and fc.double's spread over the float encodings (most draws are tiny), would
// make most instances empty or all-unassigned.
const between = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
const real = (min: number, max: number) => between(0, 2 ** 30).map((i) => min + ((max - min) * i) / 2 ** 30);

/** Mostly non-empty: the empty cases are few and have their own tests. */
const size = (max: number) => fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: between(1, max), weight: 9 });

const params: fc.Arbitrary<DispatchParams> = fc.record({
  maxPickupS: fc.oneof(fc.constant(600), between(0, 1500), real(0, 1500)),
  maxCandidates: between(0, 4),
  unassignedPenaltyS: fc.oneof({ arbitrary: fc.constantFrom(0, 3600, MAX_PENALTY_S), weight: 1 }, { arbitrary: real(0, 6000), weight: 2 }),
  detourFactor: fc.oneof(fc.constant(1.3), real(1, 2)),
  waitWeight: fc.oneof(fc.constantFrom(0, 0.5), real(0, 3)),
  handoverS: fc.oneof(fc.constantFrom(0, 120), between(0, 300)),
});

function instances(kind: RandomInstanceOptions['kind'], maxCouriers: number, maxOrders: number): fc.Arbitrary<Problem> {
  return fc
    .record({
      seed: fc.integer(),
      couriers: size(maxCouriers),
      orders: size(maxOrders),
      ties: fc.boolean(),
      density: real(0.1, 1),
      maxCost: fc.constantFrom(30, 20_000, 60_000, MAX_COST),
      params,
    })
    .map((options) => randomInstance({ ...options, kind }));
}

const solver = loadSolver();

function expectOptimal(problem: Problem, optimum: (problem: Problem, edges: CandidateEdge[]) => Assignment): void {
  const edges = candidateEdges(problem);
  const solution = solver.solve(problem, { duals: true });
  checkSolution(problem, solution, edges);
  expect(solution.objective).toBe(optimum(problem, edges).objective);
}

describe.each(['positions', 'edges'] as const)('%s snapshots', (kind) => {
  it('match the exhaustive optimum on thousands of tiny instances', () => {
    fc.assert(
      fc.property(instances(kind, 7, 7), (problem) => expectOptimal(problem, bruteForceOptimum)),
      { numRuns: 2500 },
    );
  });

  it('match the MIP optimum on hundreds of small instances', () => {
    fc.assert(
      fc.property(instances(kind, 40, 25), (problem) => expectOptimal(problem, lpOptimum)),
      { numRuns: 300 },
    );
  });
});
