/**
 * The shape of bench/results.json, shared by the runner, its child jobs and the report. A run
 * of some sizes replaces only their rows: each row says when, where and on which build it was
 * measured.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { packageRoot } from '../src/package-root.js';
import { PRESETS, type PresetName } from '../src/sim/city.js';
import { WASM_PATH } from '../src/solver/wasm-module.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
}

/** Which solver was measured: numbers from a work-in-progress build must be recognisable as such. */
export interface SolverBuild {
  wasmSha256: string;
  gitCommit: string;
  /** Uncommitted changes under assembly/ or src/solver/ when the bench ran. */
  dirty: boolean;
  /** build/solver.wasm changed while the bench ran: rows may come from different builds. */
  rebuiltDuringRun: boolean;
}

/** The wasm solver on one city, timed over several solves (medians). */
export interface WasmMeasurement {
  iterations: number;
  edges: number;
  edgesKept: number;
  rounds: number;
  objective: number;
  assigned: number;
  edgeBuildMs: number;
  matchingMs: number;
  totalMs: number;
  /** Peak resident set of the child process that generated the city and solved it. */
  peakRssBytes: number;
  /** Linear memory of the solver's wasm instance after the solves. */
  wasmMemoryBytes: number;
}

/** javascript-lp-solver on the same city: candidate edges priced by the test oracle, then its MIP. */
export interface LpMeasurement {
  edgeBuildMs: number;
  solveMs: number;
  objective: number;
  peakRssBytes: number;
}

export type Outcome<T> =
  ({ status: 'done' } & T) | { status: 'timeout'; limitMs: number } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string };

/** The run a row comes from. */
export interface RunStamp {
  date: string;
  machine: MachineInfo;
  solver: SolverBuild;
  seed: number;
}

export interface BenchRow {
  preset: PresetName;
  couriers: number;
  orders: number;
  maxCandidates: number;
  run: RunStamp;
  wasm: Outcome<WasmMeasurement>;
  lp: Outcome<LpMeasurement>;
}

export interface BenchResults {
  rows: BenchRow[];
}

/**
 * `previous` with each of `fresh`'s (city, K) rows put in place of the old one (or added), in
 * city-size then K order: a partial run leaves every other row as it was.
 */
export function mergeRows(previous: readonly BenchRow[], fresh: readonly BenchRow[]): BenchRow[] {
  const key = (row: BenchRow) => `${row.preset}/${row.maxCandidates}`;
  const rows = new Map(previous.map((row) => [key(row), row]));
  for (const row of fresh) rows.set(key(row), row);
  const sizes = Object.keys(PRESETS);
  return [...rows.values()].sort((a, b) => sizes.indexOf(a.preset) - sizes.indexOf(b.preset) || a.maxCandidates - b.maxCandidates);
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function solverBuild(): SolverBuild {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8' }).trim();
  return {
    wasmSha256: createHash('sha256').update(readFileSync(WASM_PATH)).digest('hex'),
    gitCommit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain', '--', 'assembly', 'src/solver') !== '',
    rebuiltDuringRun: false,
  };
}
