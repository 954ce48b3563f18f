/** The solver's kept candidate graph compared with the oracle's, edge by edge. */
import { expect } from 'vitest';
import type { Problem } from '../../src/domain/problem.js';
import type { WasmSolver } from '../../src/solver/index.js';
import { candidateEdges, penaltyOf } from './reference.js';

/**
 * Asserts that `solver` keeps exactly the oracle's candidate edges costing at most the penalty,
 * each at the oracle's cost, so a wrong price cannot hide behind an optimal objective. Returns
 * how many there are.
 */
export function expectSameCandidates(solver: WasmSolver, problem: Problem): number {
  const got = solver.candidates(problem);
  const penalty = penaltyOf(problem.params);
  const want = candidateEdges(problem).filter((e) => e.cost <= penalty);
  const key = (o: number, c: number) => o * 1_000_003 + c;
  const wanted = new Map(want.map((e) => [key(e.order, e.courier), e.cost]));
  expect(got.order.length).toBe(want.length);
  for (let i = 0; i < got.order.length; i++) {
    const expected = wanted.get(key(got.order[i], got.courier[i]));
    if (expected !== got.cost[i]) {
      throw new Error(`edge order ${got.order[i]} courier ${got.courier[i]}: cost ${got.cost[i]}, oracle ${expected}`);
    }
  }
  return want.length;
}
