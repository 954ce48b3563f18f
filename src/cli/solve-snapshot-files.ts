/**
 * Several snapshot files solved concurrently, one result file each.
 *
 * Each worker thread reads, checks and solves whole files (solve-file-worker.ts): the main
 * thread only hands out paths and writes results, so nothing but the process's start runs
 * serially. The workers share one compilation of the solver, made here by the baseline
 * compiler: an eager optimising compile (compileSolverEagerly, as the host's pool does) costs the
 * main thread more before the first solve than it saves over the solves (docs/solver.md,
 * "Performance"). No result is written until every file has been read and checked: a bad snapshot stops the command with its InputError (exit 2), naming the file, and
 * leaves --out-dir as it was. A solve that fails does not stop the others, and the first failure
 * (in argument order) is reported once the other results are written.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { InputError } from '../domain/errors.js';
import { packageRoot } from '../package-root.js';
import { writeFileAtomic } from './files.js';
import type { FileOutcome, FileTask } from './solve-file-worker.js';

/** The built worker, also when this module runs from src/ under vitest. */
const FILE_WORKER_PATH = join(packageRoot(), 'dist', 'src', 'cli', 'solve-file-worker.js');

export interface SolveFilesOptions {
  /** Worker threads; default the number of cores, never more than there are files. */
  threads?: number;
  duals?: boolean;
}

export async function solveSnapshotFiles(paths: string[], outDir: string, options: SolveFilesOptions = {}): Promise<void> {
  const outputs = resultPaths(paths, outDir);
  const [{ Piscina }, { solverModule, SOLVER_MODULE_KEY }] = await Promise.all([import('piscina'), import('../solver/wasm-module.js')]);
  const threads = Math.min(options.threads ?? availableParallelism(), paths.length);
  const piscina = new Piscina<FileTask, FileOutcome>({
    filename: FILE_WORKER_PATH,
    minThreads: threads,
    maxThreads: threads,
    workerData: { [SOLVER_MODULE_KEY]: solverModule() },
  });
  const settled = await Promise.allSettled(paths.map((path) => piscina.run({ path, duals: options.duals === true })));
  // The workers stop while the results are written.
  const stopped = piscina.destroy();
  let written: PromiseSettledResult<void>[];
  try {
    const badInput = settled.findIndex((outcome) => outcome.status === 'fulfilled' && 'badInput' in outcome.value);
    if (badInput >= 0) {
      const { field, reason } = (settled[badInput] as PromiseFulfilledResult<{ badInput: { field: string; reason: string } }>).value.badInput;
      throw new InputError(`${paths[badInput]}: ${field}`, reason);
    }
    await mkdir(outDir, { recursive: true });
    // Every fulfilled outcome is a result now.
    written = await Promise.allSettled(
      settled.map(async (outcome, i) => {
        if (outcome.status === 'rejected') throw outcome.reason;
        await writeFileAtomic(outputs[i], (outcome.value as { resultJson: string }).resultJson);
      }),
    );
  } finally {
    await stopped;
  }
  const failures = written.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ path: paths[i], error: outcome.reason }] : []));
  if (failures.length > 0) {
    const { path, error } = failures[0];
    const others = failures.length > 1 ? ` (${failures.length} of ${paths.length} snapshots failed)` : '';
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}${others}`);
  }
}

/** DIR/NAME.result.json for each NAME.json; two inputs that would share an output are refused. */
function resultPaths(paths: string[], outDir: string): string[] {
  const inputOf = new Map<string, string>();
  return paths.map((path) => {
    const name = `${basename(path, extname(path))}.result.json`;
    const earlier = inputOf.get(name);
    if (earlier !== undefined) {
      throw new InputError(path, `its result would overwrite that of ${earlier} (both ${join(outDir, name)})`);
    }
    inputOf.set(name, path);
    return join(outDir, name);
  });
}
