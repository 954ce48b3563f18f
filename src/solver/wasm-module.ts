import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/** Exports of assembly/index.ts. */
export interface SolverExports {
  memory: WebAssembly.Memory;
  beginProblem(couriers: number, orders: number, givenEdges: number, excludedPairs: number): void;
  inputColumn(column: number): number;
  setParams(maxPickupS: number, maxCandidates: number, penaltyDeciseconds: number, detourFactor: number, waitWeight: number, handoverS: number): void;
  buildCandidates(fromGivenEdges: boolean): void;
  solveAssignment(): void;
  writeResults(withDuals: boolean): void;
  writeCandidates(): number;
  resultColumn(column: number): number;
  objective(): number;
  rounds(): number;
  bids(): number;
  pricedEdges(): number;
  candidateEdgeCount(): number;
  keptEdgeCount(): number;
}

export const WASM_PATH = join(packageRoot(), 'build', 'solver.wasm');

let compiled: WebAssembly.Module | undefined;

/** The compiled module, compiled once per thread; each instance has its own memory. */
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

/** The host functions the solver imports: the spec's formula uses JavaScript's libm (see assembly/geo.ts). */
const HOST_IMPORTS = { env: { sin: Math.sin, cos: Math.cos, asin: Math.asin } };

export function instantiateSolver(): SolverExports {
  const instance = new WebAssembly.Instance(solverModule(), HOST_IMPORTS);
  const exports = instance.exports as unknown as SolverExports & { _initialize(): void };
  exports._initialize();
  return exports;
}
