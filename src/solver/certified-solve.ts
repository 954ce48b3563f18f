/**
 * A solve with its certificate checked where it was solved (the pool's worker, or the calling
 * thread for the InThreadSolver): the candidate graph the duals certify is millions of edges on
 * a large city, so it is read where it was written and only the verdict crosses to the caller,
 * whose event loop never runs the check. The check is src/domain/certificate.ts, which shares
 * nothing with the wasm core.
 */
import { checkCertificate, type CertifiedEdges } from '../domain/certificate.js';
import type { Problem, Solution } from '../domain/problem.js';
import type { WarmStart } from './warm-start.js';
import { toDeciseconds, type WasmSolver } from './wasm-solver.js';

/** The verdict on a solve's dual certificate. */
export interface CheckedCertificate {
  certificate: 'checked' | 'failed';
  /** With 'failed': the first violation found. */
  certificateError?: string;
}

export interface CertifiedSolveOptions {
  /** Return the dual certificate (orderDual, courierDual). */
  duals?: boolean;
  /** Return a copy of the kept candidate graph (the check itself reads it in place). */
  candidates?: boolean;
  /** Check the solve's certificate (asking for duals and the graph as needed): Solution.certificate. */
  certify?: boolean;
  /** Start from the previous solve (src/solver/warm-start.ts). */
  warm?: WarmStart;
  /** Return the solve's graph for the next tick's (Solution.warmGraph). */
  warmGraph?: boolean;
}

export function solveCertified(solver: Pick<WasmSolver, 'solve' | 'keptGraph'>, problem: Problem, options: CertifiedSolveOptions = {}): Solution {
  if (options.certify !== true) return solver.solve(problem, options);
  const solution = solver.solve(problem, { duals: true, candidates: options.candidates, warm: options.warm, warmGraph: options.warmGraph });
  // Read in place before anything else runs on the solver.
  solution.certificate = certificateOf(solution, toDeciseconds(problem.params.unassignedPenaltyS), solver.keptGraph());
  if (options.duals !== true) {
    solution.orderDual = undefined;
    solution.courierDual = undefined;
  }
  return solution;
}

/**
 * The check of the solution's certificate over the candidate graph the solver kept: a valid
 * assignment whose duals prove no assignment over those edges is cheaper.
 */
export function certificateOf(solution: Solution, penalty: number, graph: CertifiedEdges): CheckedCertificate {
  const { stats } = solution;
  if (solution.orderDual === undefined) return { certificate: 'failed', certificateError: 'the solver returned no duals' };
  try {
    checkCertificate({ orderCount: stats.orders, courierCount: stats.couriers, penalty }, solution, graph);
    return { certificate: 'checked' };
  } catch (error) {
    return { certificate: 'failed', certificateError: error instanceof Error ? error.message : String(error) };
  }
}
