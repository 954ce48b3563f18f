/**
 * Several snapshot files solved concurrently, one result file each.
 *
 * Each worker thread reads, checks and solves whole files (file-pool.ts, solve-file-worker.ts):
 * the main thread only hands out paths and writes results, so little but the process's start runs
 * serially. The workers share one compilation of the solver by the baseline compiler: an eager
 * optimising compile (compileSolverEagerly, as the host's pool does) costs the main thread more
 * before the first solve than it saves over the solves (docs/solver.md, "Performance"). No result
 * is written until every file has been read and checked: a bad snapshot stops the command with its
 * InputError (exit 2), naming the file, and leaves --out-dir as it was. A solve that fails does
 * not stop the others, and the first failure (in argument order) is reported once the other
 * results are written.
 */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../domain/errors.js';
import { defaultThreads, filePool } from './file-pool.js';
import { writeFileAtomic } from './files.js';

export interface SolveFilesOptions {
  /** Worker threads; default the number of cores, never more than there are files. */
  threads?: number;
  duals?: boolean;
}

export async function solveSnapshotFiles(paths: string[], outDir: string, options: SolveFilesOptions = {}): Promise<void> {
  const outputs = resultPaths(paths, outDir);
  const pool = filePool(Math.min(options.threads ?? defaultThreads(), paths.length));
  const outcomes = await pool.run(paths.map((path) => ({ path, duals: options.duals === true })));
  // The workers stop while the results are written.
  const stopped = pool.close();
  let written: PromiseSettledResult<void>[];
  try {
    const badInput = outcomes.find((outcome) => 'badInput' in outcome);
    if (badInput !== undefined) {
      const { field, reason } = badInput.badInput;
      throw new InputError(`${paths[outcomes.indexOf(badInput)]}: ${field}`, reason);
    }
    await mkdir(outDir, { recursive: true });
    written = await Promise.allSettled(
      outcomes.map(async (outcome, i) => {
        if ('failure' in outcome) throw new Error(outcome.failure);
        await writeFileAtomic(outputs[i], (outcome as { resultJson: string }).resultJson);
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
