/**
 * One measurement, run in a child process forked by bench/solver-suite.ts: a fresh process per city
 * makes the peak RSS that city's own, and lets the parent kill a run past its time limit
 * (javascript-lp-solver cannot be interrupted from inside).
 */
import { Bench } from 'tinybench';
import type { SolveStats } from '../src/domain/problem.js';
import { generateCity, type PresetName } from '../src/sim/city.js';
import { loadSolver } from '../src/solver/index.js';
import { candidateEdges, lpOptimum } from '../test/support/reference.js';
import type { LpMeasurement, WasmMeasurement } from './results.js';

export interface Job {
  kind: 'wasm' | 'lp';
  preset: PresetName;
  maxCandidates: number;
  seed: number;
  /** Timed solves (wasm). */
  iterations: number;
}

export type JobReply<T> = { ok: true; value: T } | { ok: false; reason: string };

async function measureWasm(job: Job): Promise<WasmMeasurement> {
  const { problem } = generateCity(job);
  const solver = loadSolver();
  // Warm-up: grows the wasm memory to size and lets V8 tier up the copying code.
  const first = solver.solve(problem);
  const stats: SolveStats[] = [];
  const bench = new Bench({ iterations: job.iterations, time: 0, warmup: false, throws: true });
  bench.add('solve', () => {
    const solution = solver.solve(problem);
    if (solution.objective !== first.objective) throw new Error(`objective changed: ${first.objective} → ${solution.objective}`);
    stats.push(solution.stats);
  });
  await bench.run();
  const result = bench.tasks[0].result;
  if (!('latency' in result)) throw new Error(`tinybench task ${result.state}`);
  return {
    iterations: stats.length,
    edges: first.stats.edges,
    edgesKept: first.stats.edgesKept,
    rounds: first.stats.rounds,
    objective: first.objective,
    assigned: first.stats.assigned,
    edgeBuildMs: median(stats.map((s) => s.edgeBuildMs)),
    matchingMs: median(stats.map((s) => s.matchingMs)),
    totalMs: result.latency.p50,
    peakRssBytes: peakRssBytes(),
    wasmMemoryBytes: solver.memoryBytes,
  };
}

function measureLp(job: Job): LpMeasurement {
  const { problem } = generateCity(job);
  const started = performance.now();
  const edges = candidateEdges(problem);
  const priced = performance.now();
  const { objective } = lpOptimum(problem, edges);
  return { edgeBuildMs: priced - started, solveMs: performance.now() - priced, objective, peakRssBytes: peakRssBytes() };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

if (process.send) {
  process.once('message', (job: Job) => {
    const measured = job.kind === 'wasm' ? measureWasm(job) : Promise.resolve().then(() => measureLp(job));
    measured
      .then((value): JobReply<unknown> => ({ ok: true, value }))
      .catch((error: unknown): JobReply<unknown> => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }))
      .then((reply) => process.send!(reply, () => process.disconnect()));
  });
}
