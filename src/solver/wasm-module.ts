import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { isMainThread, workerData } from 'node:worker_threads';
import { packageRoot } from '../package-root.js';

/** Exports of assembly/index.ts. */
export interface SolverExports {
  memory: WebAssembly.Memory;
  beginProblem(couriers: number, orders: number, givenEdges: number, excludedPairs: number): void;
  beginWarmStart(): void;
  beginWarmGraph(bytes: number, previousCouriers: number): number;
  writeWarmGraph(): number;
  inputColumn(column: number): number;
  setParams(maxPickupS: number, maxCandidates: number, penaltyDeciseconds: number, detourFactor: number, waitWeight: number, handoverS: number): void;
  buildCandidates(fromGivenEdges: boolean): void;
  solveAssignment(): void;
  writeResults(withDuals: boolean): void;
  writeCandidates(): number;
  candidateRowStarts(): number;
  candidateRowEnds(): number;
  candidateKeys(): number;
  resultColumn(column: number): number;
  objective(): number;
  rounds(): number;
  bids(): number;
  pricedEdges(): number;
  rowsToPlace(): number;
  warmStarted(): number;
  candidateEdgeCount(): number;
  keptEdgeCount(): number;
  pricedPairCount(): number;
  reusedEdgeCount(): number;
}

export const WASM_PATH = join(packageRoot(), 'build', 'solver.wasm');

/** Where a SolverPool puts the module it compiled for its workers (workerData). */
export const SOLVER_MODULE_KEY = 'dispatchdSolverModule';

let compiled: WebAssembly.Module | undefined =
  !isMainThread && workerData !== null && typeof workerData === 'object' && workerData[SOLVER_MODULE_KEY] instanceof WebAssembly.Module
    ? workerData[SOLVER_MODULE_KEY]
    : undefined;

/**
 * The compiled module, compiled once per thread (or handed over by the pool that started this
 * worker, so its workers share one compilation); each instance has its own memory.
 */
export function solverModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_PATH);
    } catch {
      throw new Error(`solver not built: ${WASM_PATH} is missing (run npm run build:wasm)`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}

/**
 * The module compiled by the optimising compiler up front, for processes that solve many times
 * (the host's pool). V8 otherwise compiles with its baseline compiler (Liftoff) and lazily, and
 * tiers hot functions up during the first solves: the first solve of an M city then took 2.3-3.6×
 * a warm one. The flags are process-wide; set before the first compilation, they make it eager
 * (~30 ms once, shared by the pool's workers) and the first solve ~1.1-1.2× a warm one. A
 * one-shot CLI solve keeps the cheap baseline compile.
 */
export function compileSolverEagerly(): WebAssembly.Module {
  if (!compiled) {
    setFlagsFromString('--no-liftoff');
    setFlagsFromString('--no-wasm-lazy-compilation');
  }
  return solverModule();
}

/** The host functions the solver imports: the spec's formula uses JavaScript's libm (see assembly/geo.ts). */
const HOST_IMPORTS = { env: { sin: Math.sin, cos: Math.cos, asin: Math.asin } };

export function instantiateSolver(): SolverExports {
  const instance = new WebAssembly.Instance(solverModule(), HOST_IMPORTS);
  const exports = instance.exports as unknown as SolverExports & { _initialize(): void };
  exports._initialize();
  return exports;
}
