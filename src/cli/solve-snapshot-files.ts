/**
 * Several snapshot files solved concurrently, one result file each.
 *
 * Each worker thread reads, checks and solves whole files (file-pool.ts, solve-file-worker.ts):
 * the main thread only hands out paths and writes results, so little but the process's start runs
 * serially. The workers share one compilation of the solver by the baseline compiler: an eager
 * optimising compile (compileSolverEagerly, as the host's pool does) costs the main thread more
 * before the first solve than it saves over the solves (docs/solver.md, "Performance"). No result
 * is put in place until every file has been read and checked: a bad snapshot stops the command
 * with its InputError (exit 2), naming the file, and leaves --out-dir as it was (the temporary
 * files and any folder this run made removed). A solve that fails does not stop the others, and
 * the first failure (in argument order) is reported once the other results are written.
 */
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../domain/errors.js';
import { defaultThreads } from './early-threads.js';
import { filePool } from './file-pool.js';
import { moveOver, writeBeside } from './files.js';

export interface SolveFilesOptions {
  /** Worker threads; default the number of cores, never more than there are files. */
  threads?: number;
  duals?: boolean;
}

export async function solveSnapshotFiles(paths: string[], outDir: string, options: SolveFilesOptions = {}): Promise<void> {
  const outputs = resultPaths(paths, outDir);
  const pool = filePool(Math.min(options.threads ?? defaultThreads(), paths.length));
  // Each result goes to a temporary file beside its output as soon as it is solved, so that the
  // writes' flushes run beside the other solves rather than after the last one; the temporary
  // files are renamed into place once every file has been checked.
  const folder = mkdir(outDir, { recursive: true }).then(
    (made) => ({ made }),
    (error: unknown) => ({ error }),
  );
  const staging: (Promise<string | undefined> | undefined)[] = paths.map(() => undefined);
  const outcomes = await pool.run(
    paths.map((path) => ({ path, duals: options.duals === true })),
    (i, outcome) => {
      if ('resultJson' in outcome) staging[i] = folder.then((made) => ('error' in made ? undefined : writeBeside(outputs[i], outcome.resultJson)));
    },
  );
  // The workers stop while the results are written.
  const stopped = pool.close();
  let written: PromiseSettledResult<void>[];
  try {
    const staged = await Promise.allSettled(staging);
    const folderMade = await folder;
    const badInput = outcomes.findIndex((outcome) => 'badInput' in outcome);
    if (badInput >= 0) {
      await Promise.all(staged.map((file) => (file.status === 'fulfilled' && file.value !== undefined ? rm(file.value, { force: true }) : undefined)));
      if ('made' in folderMade) await removeFolders(outDir, folderMade.made);
      const { field, reason } = (outcomes[badInput] as { badInput: { field: string; reason: string } }).badInput;
      throw new InputError(`${paths[badInput]}: ${field}`, reason);
    }
    if ('error' in folderMade) throw folderMade.error;
    written = await Promise.allSettled(
      outcomes.map(async (outcome, i) => {
        if ('failure' in outcome) throw new Error(outcome.failure);
        const file = staged[i];
        if (file.status === 'rejected') throw file.reason;
        await moveOver(file.value!, outputs[i]);
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

/** Removes the (now empty) folders mkdir made for `dir`: `dir` and its parents up to `made`, the first it made. */
async function removeFolders(dir: string, made: string | undefined): Promise<void> {
  if (made === undefined) return;
  for (let folder = resolve(dir); ; folder = dirname(folder)) {
    await rmdir(folder);
    if (folder === made) return;
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
