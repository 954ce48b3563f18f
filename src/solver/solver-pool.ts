/**
 * The solver off the main thread: a fixed set of Piscina workers, each with its own warm
 * wasm instance, solving many cities at once while the main thread stays responsive.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { packProblem, type PackedProblem } from '../domain/packed-problem.js';
import { DEFAULT_PARAMS, type PositionsProblem, type Problem, type Solution } from '../domain/problem.js';
import { packageRoot } from '../package-root.js';
import { SolveError } from './solve-error.js';
import { packWarmStart, unpackSolution, type PackedSolution, type SolveTask } from './solve-task.js';
import type { WarmStart } from './warm-start.js';
import { compileSolverEagerly, SOLVER_MODULE_KEY } from './wasm-module.js';

/** The built worker: workers load plain JavaScript, also when the pool runs from src/ under vitest. */
export const SOLVE_WORKER_PATH = join(packageRoot(), 'dist', 'src', 'solver', 'solve-worker.js');

export interface SolverPoolOptions {
  /** Worker threads, all started at once and kept; default: the machine's available parallelism. */
  threads?: number;
  /** The worker module; default SOLVE_WORKER_PATH (tests substitute one that can be made to die). */
  workerFile?: string;
}

export interface PoolSolveOptions {
  /** Return the dual certificate. */
  duals?: boolean;
  /** Return the kept candidate graph the certificate is checked against. */
  candidates?: boolean;
  /** Check the certificate in the worker: Solution.certificate (src/solver/certified-solve.ts). */
  certify?: boolean;
  /** Start from the previous solve of the city (src/solver/warm-start.ts); it travels with the task as packed columns. */
  warm?: WarmStart;
  /** Return the solve's graph for the next tick's (Solution.warmGraph); a warm start's graph is transferred to the worker. */
  warmGraph?: boolean;
  /** Cancels the solve: a queued one is dropped, a running one has its worker stopped (and replaced). */
  signal?: AbortSignal;
  /** Limit on the time from the call to the solution, queueing included; past it the solve is cancelled. */
  timeoutMs?: number;
}

export interface SolverPoolStats {
  threads: number;
  /** Solves waiting for a free worker. */
  queued: number;
  /** Solves submitted and not settled yet, the queued ones included. */
  pending: number;
  solved: number;
  /** Solves that ended in a SolveError (timeouts and cancellations included). */
  failed: number;
  /** Workers that failed while idle (and were replaced). */
  workerErrors: number;
  /** Time the workers spent on the solves that returned, summed over workers, ms: busy share = busyMs / (threads × elapsed). */
  busyMs: number;
  /** Solves that returned and reused the previous tick's graph (Solution.stats.edgesReused > 0); the pool counts them. */
  reusedGraph?: number;
}

/**
 * The start-up solve of every worker: a city of couriers and orders on a grid, solved with its
 * certificate, so that the first real solve finds the JavaScript around it (the checks and
 * packing here, the unpacking and the certificate in the worker) compiled and its inline caches
 * warm rather than paying for that itself. An empty problem ran none of it; a 16 × 16 grid left
 * the first M solve at 1.14-1.33× a warm one, this one at 1.06-1.09× (docs/solver.md).
 */
function warmUpProblem(): PositionsProblem {
  const side = 48; // couriers on a side × side grid, orders on every fourth point
  const couriers = side * side;
  const orders = couriers / 4;
  const gridLat = (i: number) => 41.38 + 0.002 * Math.floor(i / side);
  const gridLng = (i: number) => 2.16 + 0.002 * (i % side);
  return {
    kind: 'positions',
    params: DEFAULT_PARAMS,
    courierCount: couriers,
    orderCount: orders,
    courierLat: Float64Array.from({ length: couriers }, (_, c) => gridLat(c)),
    courierLng: Float64Array.from({ length: couriers }, (_, c) => gridLng(c)),
    courierSpeedMps: new Float64Array(couriers).fill(5),
    courierFreeInS: Float64Array.from({ length: couriers }, (_, c) => (c % 5) * 60),
    orderPickupLat: Float64Array.from({ length: orders }, (_, o) => gridLat(4 * o)),
    orderPickupLng: Float64Array.from({ length: orders }, (_, o) => gridLng(4 * o)),
    orderDropoffLat: Float64Array.from({ length: orders }, (_, o) => gridLat(4 * o + 2)),
    orderDropoffLng: Float64Array.from({ length: orders }, (_, o) => gridLng(4 * o + 2)),
    orderReadyInS: Float64Array.from({ length: orders }, (_, o) => (o % 7) * 60),
  };
}

export class SolverPool {
  readonly threads: number;
  readonly #piscina: Piscina<SolveTask, PackedSolution>;
  #pending = 0;
  #solved = 0;
  #failed = 0;
  #workerErrors = 0;
  #busyMs = 0;
  #reusedGraph = 0;

  private constructor(piscina: Piscina<SolveTask, PackedSolution>, threads: number) {
    this.#piscina = piscina;
    this.threads = threads;
    // Piscina replaces such a worker; without a listener its 'error' event would throw.
    piscina.on('error', () => this.#workerErrors++);
  }

  /** Starts the workers and resolves once each has loaded its solver. */
  static async start(options: SolverPoolOptions = {}): Promise<SolverPool> {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${threads}`);
    }
    const filename = options.workerFile ?? SOLVE_WORKER_PATH;
    if (!existsSync(filename)) throw new Error(`solver worker not built: ${filename} is missing (run npm run build)`);
    const piscina = new Piscina<SolveTask, PackedSolution>({
      filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      // Compiled once here, optimised up front; every worker instantiates the same module.
      workerData: { [SOLVER_MODULE_KEY]: compileSolverEagerly() },
    });
    const pool = new SolverPool(piscina, threads);
    // One warm-up solve per worker (each takes one task at a time, so each gets one): a
    // worker that cannot load its solver fails start(), not the first real solve.
    try {
      await Promise.all(
        Array.from({ length: threads }, () =>
          piscina.run({ problem: packProblem(warmUpProblem()), duals: true, candidates: false, certify: true, warmGraph: false }),
        ),
      );
    } catch (error) {
      await piscina.destroy(); // no replacement workers left behind
      throw new Error(`solver workers failed to start: ${messageOf(error)}`, { cause: error });
    }
    return pool;
  }

  /**
   * Solves `problem` in a worker. A Problem is checked and packed first (an InputError
   * rejects it before any worker sees it) and stays the caller's. A PackedProblem (from
   * packProblem, so already checked) is handed over as it is: its buffer is transferred
   * without a copy and is unusable here afterwards.
   */
  async solve(problem: Problem | PackedProblem, options: PoolSolveOptions = {}): Promise<Solution> {
    const packed = 'header' in problem ? problem : packProblem(problem);
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const warm = options.warm ? packWarmStart(options.warm) : undefined;
    const task: SolveTask = {
      problem: packed,
      duals: options.duals === true,
      candidates: options.candidates === true,
      certify: options.certify === true,
      warmGraph: options.warmGraph === true,
      warm,
    };
    this.#pending++;
    try {
      const reply = await this.#piscina.run(task, {
        signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
        transferList: [packed.buffer, ...(warm ? [warm.columns, ...(warm.graph ? [warm.graph] : [])] : [])],
      });
      this.#solved++;
      this.#busyMs += reply.busyMs;
      const solution = unpackSolution(reply);
      if (solution.stats.edgesReused > 0) this.#reusedGraph++;
      return solution;
    } catch (error) {
      this.#failed++;
      if (timeout?.aborted) {
        throw new SolveError('timeout', `solve timed out after ${options.timeoutMs} ms`, { cause: error });
      }
      if (options.signal?.aborted) {
        throw new SolveError('aborted', `solve aborted: ${messageOf(options.signal.reason)}`, { cause: error });
      }
      throw new SolveError('failed', `solve failed: ${messageOf(error)}`, { cause: error });
    } finally {
      this.#pending--;
    }
  }

  stats(): SolverPoolStats {
    return {
      threads: this.threads,
      queued: this.#piscina.queueSize,
      pending: this.#pending,
      solved: this.#solved,
      failed: this.#failed,
      workerErrors: this.#workerErrors,
      busyMs: this.#busyMs,
      reusedGraph: this.#reusedGraph,
    };
  }

  /** Waits for the submitted solves, then stops the workers. */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
