/**
 * The solver suite of `npm run bench` (bench/run.ts): the wasm solver (and javascript-lp-solver,
 * where it can finish) on generated cities S, M, L, XL × max_candidates {0, 64}, each in a child
 * process. Returns the rows it measured; bench/run.ts merges them into bench/results.json.
 */
import { fork } from 'node:child_process';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PRESETS, type PresetName } from '../src/sim/city.js';
import type { Job, JobReply } from './job.js';
import { machineInfo, solverBuild, type BenchRow, type LpMeasurement, type Outcome, type RunStamp, type WasmMeasurement } from './results.js';

const SEED = 1;
const CANDIDATE_LIMITS = [0, 64];
const ITERATIONS: Record<PresetName, number> = { S: 20, M: 10, L: 5, XL: 3 };
const WASM_LIMIT_MS = 30 * 60_000;
const LP_LIMIT_MS = 60_000;
/** Largest dense tableau javascript-lp-solver may allocate: the machine is shared. */
const LP_MEMORY_BUDGET = Math.min(6 * 2 ** 30, totalmem() / 4);

export async function runSolverSuite(sizes: PresetName[], progress: (line: string) => void): Promise<BenchRow[]> {
  // Taken first: the children load the wasm file that is there now.
  const run: RunStamp = { date: new Date().toISOString(), machine: machineInfo(), solver: solverBuild(), seed: SEED };
  const rows: BenchRow[] = [];
  for (const preset of sizes) {
    for (const maxCandidates of CANDIDATE_LIMITS) {
      const job: Job = { kind: 'wasm', preset, maxCandidates, seed: SEED, iterations: ITERATIONS[preset] };
      progress(`${preset} K=${maxCandidates}: wasm…`);
      const wasm = await runInChild<WasmMeasurement>(job, WASM_LIMIT_MS);
      progress(`${preset} K=${maxCandidates}: javascript-lp-solver…`);
      const lp = await runLp(job, wasm);
      rows.push({ preset, couriers: PRESETS[preset].couriers, orders: PRESETS[preset].orders, maxCandidates, run, wasm, lp });
    }
  }
  // The rows share the stamp object: this marks every row of the run.
  run.solver.rebuiltDuringRun = solverBuild().wasmSha256 !== run.solver.wasmSha256;
  if (run.solver.rebuiltDuringRun) progress('warning: build/solver.wasm changed during the run; rows may mix builds');
  return rows;
}

async function runLp(job: Job, wasm: Outcome<WasmMeasurement>): Promise<Outcome<LpMeasurement>> {
  if (wasm.status !== 'done') return { status: 'skipped', reason: 'edge count unknown (wasm run failed)' };
  const bytes = lpTableauBytes(PRESETS[job.preset].orders, PRESETS[job.preset].couriers, wasm.edges);
  if (bytes > LP_MEMORY_BUDGET) {
    return { status: 'skipped', reason: `dense tableau ≈ ${(bytes / 2 ** 30).toFixed(0)} GiB` };
  }
  return runInChild<LpMeasurement>({ ...job, kind: 'lp' }, LP_LIMIT_MS);
}

/**
 * javascript-lp-solver's tableau is a dense Float64Array of (constraints + 1) × (variables + 1):
 * an equality counts as two constraints, each binary adds a bound row x ≤ 1. With one binary
 * per edge, one unassigned variable and one equality per order and a capacity row per courier
 * (at most), that is quadratic in the edges. (Measured on S: 1.3 GB estimated, 1.5 GB peak RSS.)
 */
function lpTableauBytes(orders: number, couriers: number, edges: number): number {
  const rows = 2 * orders + couriers + edges + 1;
  const columns = edges + orders + 1;
  return rows * columns * 8;
}

function runInChild<T>(job: Job, limitMs: number): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./job.js', import.meta.url)), {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let settled = false;
    const settle = (outcome: Outcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ status: 'timeout', limitMs });
    }, limitMs);
    child.on('message', (reply: JobReply<T>) => settle(reply.ok ? { status: 'done', ...reply.value } : { status: 'failed', reason: reply.reason }));
    child.on('exit', (code, signal) => settle({ status: 'failed', reason: `child exited (${signal ?? `code ${code}`}) without an answer` }));
    child.on('error', (error) => settle({ status: 'failed', reason: error.message }));
    child.send(job);
  });
}
