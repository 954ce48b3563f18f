/**
 * The worker thread of `dispatchd solve FILE... --out-dir` (file-pool.ts): takes the batch's
 * files one at a time from its shared counter, reads, checks and solves each and answers with its
 * result JSON, so that reading and parsing run in the workers beside the solves rather than on
 * the main thread before them. A bad snapshot comes back as its field and reason, a failed solve
 * as its message (an Error would lose its class in the structured clone to the main thread).
 */
import { parentPort, threadId } from 'node:worker_threads';
import { InputError } from '../domain/errors.js';
import { discardSolver } from '../solver/index.js';
import { solveSnapshotFile } from './solve-snapshot-file.js';

export interface FileTask {
  path: string;
  duals: boolean;
}

export type FileOutcome = { resultJson: string } | { badInput: { field: string; reason: string } } | { failure: string };

export interface FileBatch {
  tasks: FileTask[];
  /** Shared: [0] the next task to take; [1 + i] the threadId of the worker that took task i. */
  claims: Int32Array;
}

export interface FileAnswer {
  index: number;
  outcome: FileOutcome;
}

async function solveFileTask({ path, duals }: FileTask): Promise<FileOutcome> {
  try {
    return { resultJson: `${JSON.stringify(await solveSnapshotFile(path, { duals }))}\n` };
  } catch (error) {
    if (error instanceof InputError) return { badInput: { field: error.field, reason: error.reason } };
    // A trap leaves the instance's state undefined: the next file gets a fresh one.
    discardSolver();
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port === null) throw new Error('solve-file-worker.js runs in a worker thread');
port.on('message', async ({ tasks, claims }: FileBatch) => {
  for (let index = Atomics.add(claims, 0, 1); index < tasks.length; index = Atomics.add(claims, 0, 1)) {
    Atomics.store(claims, 1 + index, threadId);
    const answer: FileAnswer = { index, outcome: await solveFileTask(tasks[index]) };
    port.postMessage(answer);
  }
});
