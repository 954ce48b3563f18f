/**
 * The Piscina worker: solves one packed problem per task. Piscina loads this module when
 * it starts the worker, so the wasm instance below exists before the first task; it is
 * reused by every task after (its memory grows to the largest city seen, then stays).
 */
import { performance } from 'node:perf_hooks';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { unpackProblem } from '../domain/packed-problem.js';
import type { Solution } from '../domain/problem.js';
import { packSolution, unpackWarmStart, type SolveTask } from './solve-task.js';
import { solveCertified } from './certified-solve.js';
import { WasmSolver } from './wasm-solver.js';

let solver = new WasmSolver();

export default function solveTask(task: SolveTask) {
  const started = performance.now();
  const problem = unpackProblem(task.problem);
  let solution: Solution;
  try {
    const warm = task.warm ? unpackWarmStart(task.warm, problem.orderCount, problem.courierCount) : undefined;
    solution = solveCertified(solver, problem, { duals: task.duals, candidates: task.candidates, certify: task.certify, warm, warmGraph: task.warmGraph });
  } catch (error) {
    // A trap stops the solver mid-solve, its state undefined: later tasks get a fresh
    // instance (of the module already compiled). The message keeps the trap's kind, which
    // the structured clone of the error back to the pool would drop.
    solver = new WasmSolver();
    throw new Error(`the wasm solver failed: ${String(error)}`);
  }
  const packed = packSolution(solution, performance.now() - started);
  const transfers = [packed.buffer, ...(packed.candidates ? [packed.candidates] : []), ...(packed.warmGraph ? [packed.warmGraph] : [])];
  return move({ [transferableSymbol]: transfers, [valueSymbol]: packed });
}
