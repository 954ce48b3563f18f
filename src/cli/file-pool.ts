/**
 * The worker threads of `dispatchd solve FILE... --out-dir`, each solving whole files
 * (solve-file-worker.ts), all sharing one compilation of the solver made here.
 *
 * cli.ts starts them before it imports Commander (startFilePoolEarly, sized by early-threads.ts
 * from a look at the raw command line), so that each worker's own start (Node's, then its
 * imports) runs beside the main thread's imports and parse instead of after them; the parsed
 * options then size the pool (filePool). A plain pool rather than Piscina, whose import alone
 * kept the main thread ~15-30 ms longer from starting any worker.
 *
 * An idle worker is unref'd: a pool started for a command line that then fails (bad usage,
 * --help) does not keep the process alive.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../package-root.js';
import { SOLVER_MODULE_KEY, solverModule } from '../solver/wasm-module.js';
import type { FileOutcome, FileTask } from './solve-file-worker.js';

/** The built worker, also when this module runs from src/ under vitest. */
const FILE_WORKER_PATH = join(packageRoot(), 'dist', 'src', 'cli', 'solve-file-worker.js');

interface PoolWorker {
  thread: Worker;
  /** The message of the error that stopped the thread, if one did. */
  crash?: string;
}

export class FilePool {
  private readonly workers: PoolWorker[] = [];

  constructor(threads: number) {
    this.resize(threads);
  }

  resize(threads: number): void {
    while (this.workers.length < threads) this.workers.push(startWorker());
    for (const surplus of this.workers.splice(threads)) void surplus.thread.terminate();
  }

  /**
   * Every task's outcome, in the tasks' order, each also handed to `settled` as it comes; each
   * worker takes the next task when it has answered one. A worker that dies fails its task and
   * is replaced. Once per pool.
   */
  run(tasks: FileTask[], settled: (index: number, outcome: FileOutcome) => void = () => {}): Promise<FileOutcome[]> {
    const outcomes = new Array<FileOutcome>(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise((resolve) => {
      const settle = (index: number, outcome: FileOutcome) => {
        outcomes[index] = outcome;
        settled(index, outcome);
        if (++done === tasks.length) resolve(outcomes);
      };
      const serve = (worker: PoolWorker) => {
        let current: number | undefined;
        const take = () => {
          current = next < tasks.length ? next++ : undefined;
          if (current === undefined) return void worker.thread.unref();
          worker.thread.ref();
          worker.thread.postMessage(tasks[current]);
        };
        worker.thread.on('message', (outcome: FileOutcome) => {
          settle(current!, outcome);
          take();
        });
        worker.thread.on('exit', (code) => {
          if (current === undefined) return;
          settle(current, { failure: worker.crash ?? `the worker thread stopped (exit code ${code})` });
          const replacement = startWorker();
          this.workers[this.workers.indexOf(worker)] = replacement;
          serve(replacement);
        });
        take();
      };
      if (tasks.length === 0) resolve(outcomes);
      else this.workers.forEach(serve);
    });
  }

  close(): Promise<void> {
    return Promise.all(this.workers.splice(0).map(({ thread }) => thread.terminate())).then(() => {});
  }
}

let early: FilePool | undefined;

/** Starts the pool early (cli.ts, from earlyThreads); a failure is left to the regular path to report. */
export function startFilePoolEarly(threads: number): void {
  try {
    early = new FilePool(threads);
  } catch {
    early = undefined;
  }
}

/** A pool of `threads` workers: the one started early, resized, or a new one. */
export function filePool(threads: number): FilePool {
  const pool = early ?? new FilePool(threads);
  early = undefined;
  pool.resize(threads);
  return pool;
}

function startWorker(): PoolWorker {
  const worker: PoolWorker = {
    thread: new Worker(FILE_WORKER_PATH, { workerData: { [SOLVER_MODULE_KEY]: solverModule() } }),
  };
  worker.thread.on('error', (error) => (worker.crash = error.message));
  worker.thread.unref();
  return worker;
}
