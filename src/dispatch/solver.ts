/**
 * What the dispatch loop needs from a solver: an asynchronous solve that does not block the
 * event loop. The SolverPool (worker threads) is the production one; InThreadSolver runs the
 * wasm solver on the calling thread, for tools and tests that want no workers.
 */
import { performance } from 'node:perf_hooks';
import type { Problem, Solution } from '../domain/problem.js';
import { solveCertified } from '../solver/certified-solve.js';
import { WasmSolver } from '../solver/wasm-solver.js';
import type { PoolSolveOptions, SolverPoolStats } from '../solver/solver-pool.js';

export interface DispatchSolver {
  solve(problem: Problem, options?: PoolSolveOptions): Promise<Solution>;
  stats(): SolverPoolStats;
  close(): Promise<void>;
}

export class InThreadSolver implements DispatchSolver {
  readonly #solver: Pick<WasmSolver, 'solve' | 'keptGraph'>;
  #solved = 0;
  #failed = 0;
  #busyMs = 0;

  /** `solver`: the wasm solver by default; tests substitute one whose answers they spoil. */
  constructor(solver: Pick<WasmSolver, 'solve' | 'keptGraph'> = new WasmSolver()) {
    this.#solver = solver;
  }

  async solve(problem: Problem, options: PoolSolveOptions = {}): Promise<Solution> {
    const started = performance.now();
    try {
      const solution = solveCertified(this.#solver, problem, options);
      this.#solved++;
      this.#busyMs += performance.now() - started;
      return solution;
    } catch (error) {
      this.#failed++;
      throw error;
    }
  }

  stats(): SolverPoolStats {
    return { threads: 0, queued: 0, pending: 0, solved: this.#solved, failed: this.#failed, workerErrors: 0, busyMs: this.#busyMs };
  }

  async close(): Promise<void> {}
}
