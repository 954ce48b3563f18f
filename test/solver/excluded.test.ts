import { describe, expect, it } from 'vitest';
import { randomInstance } from '../support/random-instance.js';
import { InputError } from '../../src/domain/errors.js';
import { packProblem, unpackProblem } from '../../src/domain/packed-problem.js';
import type { Problem } from '../../src/domain/problem.js';
import { WasmSolver } from '../../src/solver/index.js';
import { bruteForceOptimum, candidateEdges, checkSolution } from '../support/reference.js';

// Excluded pairs (a declined offer in its cooldown) are not eligible: they are neither
// candidates nor in any optimum, while every other pair keeps its price and its K rank.

const solver = new WasmSolver();

/** The instance with about a third of its eligible pairs excluded (every third, by seed). */
function withExclusions(problem: Problem, seed: number): Problem {
  const pairs = candidateEdges({ ...problem, params: { ...problem.params, maxCandidates: 0 } }).filter((_, i) => (i + seed) % 3 === 0);
  return { ...problem, excluded: { order: Int32Array.from(pairs, (e) => e.order), courier: Int32Array.from(pairs, (e) => e.courier) } };
}

describe('excluded pairs', () => {
  it('are never candidates nor assigned; the optimum and the certificate hold without them', () => {
    let excludedSomething = 0;
    for (let seed = 1; seed <= 400; seed++) {
      for (const kind of ['positions', 'edges'] as const) {
        const base = randomInstance({
          seed,
          kind,
          couriers: 1 + (seed % 6),
          orders: 1 + (seed % 5),
          ties: seed % 4 === 0,
          params: { maxCandidates: seed % 3 },
        });
        const problem = withExclusions(base, seed);
        excludedSomething += problem.excluded!.order.length > 0 ? 1 : 0;
        const edges = candidateEdges(problem);
        const solution = solver.solve(problem, { duals: true });
        expect(solution.objective).toBe(bruteForceOptimum(problem, edges).objective);
        checkSolution(problem, solution, edges);
        const got = solver.candidates(problem);
        const excluded = new Set(Array.from(problem.excluded!.order, (o, i) => `${o},${problem.excluded!.courier[i]}`));
        for (let i = 0; i < got.order.length; i++) expect(excluded.has(`${got.order[i]},${got.courier[i]}`)).toBe(false);
      }
    }
    expect(excludedSomething).toBeGreaterThan(500);
  });

  it('cross the thread boundary with the problem', () => {
    const problem = withExclusions(randomInstance({ seed: 7, kind: 'positions', couriers: 9, orders: 6 }), 7);
    expect(problem.excluded!.order.length).toBeGreaterThan(3);
    const unpacked = unpackProblem(packProblem(problem));
    expect(Array.from(unpacked.excluded!.order)).toEqual(Array.from(problem.excluded!.order));
    expect(Array.from(unpacked.excluded!.courier)).toEqual(Array.from(problem.excluded!.courier));
    expect(solver.solve(unpacked).objective).toBe(solver.solve(problem).objective);
  });

  it('are checked like edges: indices in range, columns of one length', () => {
    const problem = randomInstance({ seed: 3, kind: 'positions', couriers: 4, orders: 2 });
    const bad = (order: number[], courier: number[]) => () =>
      packProblem({ ...problem, excluded: { order: Int32Array.from(order), courier: Int32Array.from(courier) } });
    expect(bad([0, 2], [1, 1])).toThrow(new InputError('excluded[1][0]', 'order index 2 out of range [0, 2)'));
    expect(bad([0], [4])).toThrow(new InputError('excluded[0][1]', 'courier index 4 out of range [0, 4)'));
    expect(bad([0, 1], [1])).toThrow(new InputError('excluded', 'columns differ in length (order 2, courier 1)'));
  });
});
