/**
 * The worker thread of `dispatchd solve FILE... --out-dir` (file-pool.ts): reads, checks and
 * solves one snapshot file per message and answers with its result JSON, so that reading and
 * parsing run in the workers beside the solves rather than on the main thread before them. A bad
 * snapshot comes back as its field and reason, a failed solve as its message (an Error would lose
 * its class in the structured clone to the main thread).
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../domain/errors.js';
import { discardSolver } from '../solver/index.js';
import { solveSnapshotFile } from './solve-snapshot-file.js';

export interface FileTask {
  path: string;
  duals: boolean;
}

export type FileOutcome = { resultJson: string } | { badInput: { field: string; reason: string } } | { failure: string };

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
port.on('message', (task: FileTask) => void solveFileTask(task).then((outcome) => port.postMessage(outcome)));
