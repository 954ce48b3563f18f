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
import type { FileAnswer, FileBatch, FileOutcome, FileTask } from './solve-file-worker.js';

/** The built worker, also when this module runs from src/ under vitest. */
const FILE_WORKER_PATH = join(packageRoot(), 'dist', 'src', 'cli', 'solve-file-worker.js');

interface PoolWorker {
  thread: Worker;
  /** Its thread's id, kept: a stopped Worker's threadId reads -1. */
  id: number;
  /** The message of the error that stopped the thread, if one did. */
  crash?: string;
}

export class FilePool {
  private readonly workers: PoolWorker[] = [];

  /** `workerPath`: another worker speaking solve-file-worker.ts's messages (tests). */
  constructor(
    threads: number,
    private readonly workerPath = FILE_WORKER_PATH,
  ) {
    this.resize(threads);
  }

  resize(threads: number): void {
    while (this.workers.length < threads) this.workers.push(this.startWorker());
    for (const surplus of this.workers.splice(threads)) void surplus.thread.terminate();
  }

  /**
   * Every task's outcome, in the tasks' order, each also handed to `settled` as it comes. The
   * workers take the tasks themselves from a shared counter (solve-file-worker.ts), so none waits
   * for the main thread between two files. A worker that dies fails the task it held and is
   * replaced (see the exit handler). Once per pool.
   */
  run(tasks: FileTask[], settled: (index: number, outcome: FileOutcome) => void = () => {}): Promise<FileOutcome[]> {
    const claims = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + tasks.length)));
    const batch: FileBatch = { tasks, claims };
    const outcomes: (FileOutcome | undefined)[] = tasks.map(() => undefined);
    let done = 0;
    return new Promise((resolve) => {
      const settle = (index: number, outcome: FileOutcome) => {
        outcomes[index] = outcome;
        settled(index, outcome);
        if (++done < tasks.length) return;
        for (const { thread } of this.workers) thread.unref();
        resolve(outcomes as FileOutcome[]);
      };
      const serve = (worker: PoolWorker) => {
        worker.thread.on('message', ({ index, outcome }: FileAnswer) => settle(index, outcome));
        worker.thread.on('exit', (code) => {
          if (done === tasks.length) return;
          const failure: FileOutcome = { failure: worker.crash ?? `the worker thread stopped (exit code ${code})` };
          const held = outcomes.flatMap((outcome, i) => (outcome === undefined && Atomics.load(claims, 1 + i) === worker.id ? [i] : []));
          for (const i of held) settle(i, failure);
          if (done === tasks.length) return;
          // One that died on a file is replaced; one that died before taking any (it could not
          // start) is not, and with none left the files nobody took fail with its error.
          const at = this.workers.indexOf(worker);
          if (held.length > 0) {
            this.workers[at] = this.startWorker();
            serve(this.workers[at]);
          } else {
            this.workers.splice(at, 1);
            if (this.workers.length === 0) outcomes.forEach((outcome, i) => outcome === undefined && settle(i, failure));
          }
        });
        worker.thread.ref();
        worker.thread.postMessage(batch);
      };
      if (tasks.length === 0) resolve([]);
      else this.workers.forEach(serve);
    });
  }

  close(): Promise<void> {
    return Promise.all(this.workers.splice(0).map(({ thread }) => thread.terminate())).then(() => {});
  }

  private startWorker(): PoolWorker {
    const thread = new Worker(this.workerPath, { workerData: { [SOLVER_MODULE_KEY]: solverModule() } });
    const worker: PoolWorker = { thread, id: thread.threadId };
    worker.thread.on('error', (error) => (worker.crash = error.message));
    worker.thread.unref();
    return worker;
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
