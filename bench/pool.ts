/**
 * The worker pool's four benchmarks, run by `npm run bench` (bench/run.ts):
 *
 * 1. overhead: an L city solved through a one-worker pool vs in the main thread;
 * 2. concurrency: 64 M cities through the pool, with 2 workers vs 1;
 * 3. hand-off: an XL city checked, packed and transferred to a worker;
 * 4. responsiveness: main-thread event-loop delay while XL cities solve in the pool.
 *
 * Cities come from src/sim/city.ts. Solves are timed with performance.now(): each figure is
 * seconds long (or, for the hand-off, the median of many runs), far above timer noise.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { packProblem } from '../src/domain/packed-problem.js';
import type { Problem, Solution } from '../src/domain/problem.js';
import { packageRoot } from '../src/package-root.js';
import { generateCity } from '../src/sim/city.js';
import { loadSolver } from '../src/solver/index.js';
import { SolverPool } from '../src/solver/solver-pool.js';
import type { HandoffTask } from './pool-handoff-worker.js';
import { machineInfo, solverBuild, type MachineInfo, type SolverBuild } from './results.js';

const HANDOFF_WORKER_PATH = join(packageRoot(), 'dist', 'bench', 'pool-handoff-worker.js');

const SEED = 1;
/** L with K = 0 now solves in ~0.2 s: 11 solves a side keep the medians seconds long. */
const OVERHEAD_SOLVES = 11;
const CONCURRENT_CITIES = 64;
const CONCURRENCY_ROUNDS = 2;
const HANDOFF_RUNS = 50;
const CLONE_RUNS = 5;
/** XL with K = 64 solves in seconds; with K = 0 its matching alone takes ~17 s. */
const XL_MAX_CANDIDATES = 64;
const XL_SOLVES_PER_THREAD = 2;
const LOOP_RESOLUTION_MS = 1;

export interface OverheadFigures {
  city: string;
  solves: number;
  /** Medians. */
  mainThreadMs: number;
  poolMs: number;
  extraPercent: number;
  targetPercent: number;
  met: boolean;
}

export interface ConcurrencyRound {
  workers: number;
  wallMs: number;
  /**
   * CPU time this process got meanwhile, all threads: cpuMs / wallMs is the number of cores
   * it had, which other work on the machine can hold below the number of workers.
   */
  cpuMs: number;
}

export interface ConcurrencyFigures {
  city: string;
  cities: number;
  /** 1 and 2 workers alternating. */
  rounds: ConcurrencyRound[];
  /** The fastest round of each: the one least disturbed by other work on the machine. */
  oneWorkerMs: number;
  twoWorkersMs: number;
  /** Cores the process had in that fastest round with 2 workers. */
  twoWorkersCores: number;
  /** Throughput with 2 workers over throughput with 1. */
  speedup: number;
  target: number;
  met: boolean;
}

export interface HandoffFigures {
  city: string;
  /** The packed buffer that is transferred. */
  bytes: number;
  runs: number;
  /** Median of checking and packing the problem (packProblem). */
  encodeMs: number;
  /** Median and p99 of packProblem plus the round trip to a worker that makes its views and answers. */
  handoffMs: number;
  handoffP99Ms: number;
  /** For comparison: the median round trip of the same city as snapshot JSON objects (structured clone). */
  jsonCloneMs: number;
  targetMs: number;
  met: boolean;
}

export interface EventLoopFigures {
  city: string;
  threads: number;
  solves: number;
  elapsedMs: number;
  /** monitorEventLoopDelay's sampling interval; its figures include it. */
  resolutionMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  targetMs: number;
  met: boolean;
}

export interface PoolBenchResults {
  machine: MachineInfo;
  /** The machine's 1-minute load average when the benchmarks started: other work skews them. */
  loadAverage: number;
  solver: SolverBuild;
  date: string;
  seed: number;
  overhead: OverheadFigures;
  concurrency: ConcurrencyFigures;
  handoff: HandoffFigures;
  eventLoop: EventLoopFigures;
}

export type Progress = (line: string) => void;

export async function runPoolBenchmarks(progress: Progress): Promise<PoolBenchResults> {
  const solver = solverBuild();
  const loadAverage = loadavg()[0];
  progress(`[1/4] overhead: L through a one-worker pool vs the main thread, ${OVERHEAD_SOLVES} solves each`);
  const overhead = await measureOverhead(progress);
  progress(`[2/4] concurrency: ${CONCURRENT_CITIES} M cities through the pool, 1 worker then 2, ${CONCURRENCY_ROUNDS} rounds`);
  const concurrency = await measureConcurrency(progress);
  progress(`[3/4] hand-off: XL packed and transferred to a worker, ${HANDOFF_RUNS} runs`);
  const handoff = await measureHandoff();
  progress(`[4/4] event loop: main-thread delay while XL cities solve in the pool`);
  const eventLoop = await measureEventLoop();
  solver.rebuiltDuringRun = solverBuild().wasmSha256 !== solver.wasmSha256;
  if (solver.rebuiltDuringRun) progress('warning: build/solver.wasm changed during the run; figures may mix builds');
  const date = new Date().toISOString();
  return { machine: machineInfo(), loadAverage, solver, date, seed: SEED, overhead, concurrency, handoff, eventLoop };
}

async function measureOverhead(progress: Progress): Promise<OverheadFigures> {
  const { problem } = generateCity({ preset: 'L', seed: SEED });
  const mainThread = loadSolver();
  const pool = await SolverPool.start({ threads: 1 });
  try {
    // Warm-up: both wasm instances grow their memory to the city's size.
    const { objective } = mainThread.solve(problem);
    expectObjective(await pool.solve(problem), objective);
    const mainMs: number[] = [];
    const poolMs: number[] = [];
    // Interleaved, so that drift in the machine's load hits both alike.
    for (let i = 0; i < OVERHEAD_SOLVES; i++) {
      mainMs.push(await timed(async () => expectObjective(mainThread.solve(problem), objective)));
      poolMs.push(await timed(async () => expectObjective(await pool.solve(problem), objective)));
      progress(`  ${i + 1}/${OVERHEAD_SOLVES}: main thread ${ms(mainMs[i])}, pool ${ms(poolMs[i])}`);
    }
    const mainThreadMs = median(mainMs);
    const extraPercent = ((median(poolMs) - mainThreadMs) / mainThreadMs) * 100;
    return { city: 'L, K = 0', solves: OVERHEAD_SOLVES, mainThreadMs, poolMs: median(poolMs), extraPercent, targetPercent: 5, met: extraPercent <= 5 };
  } finally {
    await pool.close();
  }
}

async function measureConcurrency(progress: Progress): Promise<ConcurrencyFigures> {
  const problems = Array.from({ length: CONCURRENT_CITIES }, (_, i) => generateCity({ preset: 'M', seed: SEED + i }).problem);
  const rounds: ConcurrencyRound[] = [];
  for (let round = 1; round <= CONCURRENCY_ROUNDS; round++) {
    for (const workers of [1, 2]) {
      rounds.push(await solveAll(problems, workers));
      const { wallMs, cpuMs } = rounds.at(-1)!;
      progress(`  round ${round}, ${workers} worker(s): ${ms(wallMs)} (${(cpuMs / wallMs).toFixed(2)} cores)`);
    }
  }
  const fastest = (workers: number) => rounds.filter((r) => r.workers === workers).reduce((best, r) => (r.wallMs < best.wallMs ? r : best));
  const one = fastest(1);
  const two = fastest(2);
  const speedup = one.wallMs / two.wallMs;
  return {
    city: 'M, K = 0',
    cities: CONCURRENT_CITIES,
    rounds,
    oneWorkerMs: one.wallMs,
    twoWorkersMs: two.wallMs,
    twoWorkersCores: two.cpuMs / two.wallMs,
    speedup,
    target: 1.8,
    met: speedup >= 1.8,
  };
}

async function solveAll(problems: Problem[], workers: number): Promise<ConcurrencyRound> {
  const pool = await SolverPool.start({ threads: workers });
  try {
    // Warm-up, one city per worker: memory grown to an M city's size.
    await Promise.all(problems.slice(0, workers).map((problem) => pool.solve(problem)));
    const cpuBefore = process.cpuUsage();
    const wallMs = await timed(() => Promise.all(problems.map((problem) => pool.solve(problem))));
    const cpu = process.cpuUsage(cpuBefore);
    return { workers, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await pool.close();
  }
}

async function measureHandoff(): Promise<HandoffFigures> {
  const { problem, json } = generateCity({ preset: 'XL', seed: SEED });
  const worker = new Piscina<HandoffTask, number>({ filename: HANDOFF_WORKER_PATH, minThreads: 1, maxThreads: 1, idleTimeout: Infinity });
  try {
    const encode: number[] = [];
    const handoff: number[] = [];
    let bytes = 0;
    // Run 0 is a warm-up (worker start, first-call compilation).
    for (let run = 0; run <= HANDOFF_RUNS; run++) {
      const started = performance.now();
      const packed = packProblem(problem);
      const encoded = performance.now();
      bytes = packed.buffer.byteLength;
      await worker.run({ problem: packed }, { transferList: [packed.buffer] });
      if (run === 0) continue;
      encode.push(encoded - started);
      handoff.push(performance.now() - started);
    }
    const clone: number[] = [];
    for (let run = 0; run < CLONE_RUNS; run++) clone.push(await timed(() => worker.run({ json })));
    const handoffMs = median(handoff);
    return {
      city: 'XL',
      bytes,
      runs: HANDOFF_RUNS,
      encodeMs: median(encode),
      handoffMs,
      handoffP99Ms: percentile(handoff, 99),
      jsonCloneMs: median(clone),
      targetMs: 5,
      met: handoffMs <= 5,
    };
  } finally {
    await worker.destroy();
  }
}

async function measureEventLoop(): Promise<EventLoopFigures> {
  const { problem } = generateCity({ preset: 'XL', seed: SEED, maxCandidates: XL_MAX_CANDIDATES });
  const pool = await SolverPool.start();
  const solves = pool.threads * XL_SOLVES_PER_THREAD;
  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  try {
    delay.enable();
    const elapsedMs = await timed(() => Promise.all(Array.from({ length: solves }, () => pool.solve(problem))));
    delay.disable();
    const p99Ms = delay.percentile(99) / 1e6;
    return {
      city: `XL, K = ${XL_MAX_CANDIDATES}`,
      threads: pool.threads,
      solves,
      elapsedMs,
      resolutionMs: LOOP_RESOLUTION_MS,
      p50Ms: delay.percentile(50) / 1e6,
      p99Ms,
      maxMs: delay.max / 1e6,
      targetMs: 10,
      met: p99Ms <= 10,
    };
  } finally {
    await pool.close();
  }
}

/** One line per figure, for the console. */
export function formatPoolResults(results: PoolBenchResults): string {
  const { overhead: o, concurrency: c, handoff: h, eventLoop: e } = results;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  return [
    `1-minute load average at the start: ${results.loadAverage.toFixed(2)} on ${results.machine.cores} cores`,
    `pool overhead (${o.city}): pool ${ms(o.poolMs)} vs main thread ${ms(o.mainThreadMs)} = ${o.extraPercent.toFixed(2)} % extra (target <= ${o.targetPercent} %: ${verdict(o.met)})`,
    `concurrency (${c.cities} cities ${c.city}, fastest of ${c.rounds.length / 2} rounds): 1 worker ${ms(c.oneWorkerMs)}, 2 workers ${ms(c.twoWorkersMs)} = ${c.speedup.toFixed(2)}x, with ${c.twoWorkersCores.toFixed(2)} cores to use (target >= ${c.target}x: ${verdict(c.met)})`,
    `hand-off (${h.city}, ${(h.bytes / 2 ** 20).toFixed(2)} MiB): ${ms(h.handoffMs)} median, ${ms(h.handoffP99Ms)} p99, of which encoding ${ms(h.encodeMs)}; as JSON objects ${ms(h.jsonCloneMs)} (target <= ${h.targetMs} ms: ${verdict(h.met)})`,
    `event-loop delay (${e.solves} solves ${e.city} on ${e.threads} workers, ${ms(e.elapsedMs)}): p50 ${ms(e.p50Ms)}, p99 ${ms(e.p99Ms)}, max ${ms(e.maxMs)} (target p99 <= ${e.targetMs} ms: ${verdict(e.met)})`,
  ].join('\n');
}

/** The pool's section of bench/RESULTS.md; `chart` is the path of its SVG, relative to RESULTS.md. */
export function renderPoolSection(results: PoolBenchResults, chart: string): string {
  const { machine, solver } = results;
  return [
    '## Worker pool (npm run bench, bench/pool.ts)',
    '',
    `Generated by \`npm run bench\` from bench/pool-results.json, ${results.date}, on ${machine.cpu}, ${machine.cores} cores; solver build ${solver.wasmSha256.slice(0, 12)}…, commit ${solver.gitCommit}${solver.dirty ? ' with uncommitted solver changes' : ''}.`,
    '',
    `![Pool throughput with 1 and 2 workers](${chart})`,
    '',
    ...formatPoolResults(results)
      .split('\n')
      .map((line) => `- ${line}`),
  ].join('\n');
}

function expectObjective(solution: Solution, objective: number): void {
  if (solution.objective !== objective) throw new Error(`objective changed: ${objective} → ${solution.objective}`);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
}
