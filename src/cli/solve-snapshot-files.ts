/**
 * Several snapshot files solved concurrently in a SolverPool, one result file each.
 *
 * Every file is read and checked before anything is solved or written: a bad snapshot
 * stops the command with its InputError (exit 2), naming the file. Results are written
 * as they come; a solve that fails does not stop the others, and the first failure (in
 * argument order) is reported once all have settled.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { InputError } from '../domain/errors.js';
import { formatResult } from '../domain/result.js';
import { writeFileAtomic } from './files.js';
import { readSnapshotFile, type ReadSnapshot } from './solve-snapshot-file.js';

export interface SolveFilesOptions {
  /** Worker threads; default the number of cores, never more than there are files. */
  threads?: number;
  duals?: boolean;
}

export async function solveSnapshotFiles(paths: string[], outDir: string, options: SolveFilesOptions = {}): Promise<void> {
  const outputs = resultPaths(paths, outDir);
  const inputs: ReadSnapshot[] = [];
  for (const path of paths) inputs.push(await readNamedSnapshotFile(path));
  await mkdir(outDir, { recursive: true });

  // Loaded only once every input is valid, as in solveSnapshotFile.
  const { SolverPool } = await import('../solver/solver-pool.js');
  const pool = await SolverPool.start({ threads: Math.min(options.threads ?? availableParallelism(), paths.length) });
  let settled: PromiseSettledResult<void>[];
  try {
    settled = await Promise.allSettled(
      inputs.map(async ({ snapshot, parseMs }, i) => {
        const solution = await pool.solve(snapshot.problem, { duals: options.duals });
        const result = formatResult(snapshot, solution, { duals: options.duals, parseMs });
        await writeFileAtomic(outputs[i], `${JSON.stringify(result)}\n`);
      }),
    );
  } finally {
    await pool.close();
  }
  const failures = settled.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ path: paths[i], error: outcome.reason }] : []));
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

/** A snapshot file read and checked; its InputError names the file before the field. */
async function readNamedSnapshotFile(path: string): Promise<ReadSnapshot> {
  try {
    return await readSnapshotFile(path);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${path}: ${error.field}`, error.reason);
    throw error;
  }
}
