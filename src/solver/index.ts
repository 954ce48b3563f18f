import { WasmSolver } from './wasm-solver.js';

export { WasmSolver, toDeciseconds, type SolveOptions } from './wasm-solver.js';

export type Solver = Pick<WasmSolver, 'solve' | 'memoryBytes'>;

let shared: WasmSolver | undefined;

/** This thread's solver instance, created on first use. */
export function loadSolver(): Solver {
  shared ??= new WasmSolver();
  return shared;
}

/** After a solve that threw (a trap leaves the instance's state undefined): the next loadSolver() makes a fresh instance. */
export function discardSolver(): void {
  shared = undefined;
}
