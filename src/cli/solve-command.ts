/**
 * `dispatchd solve <snapshot...> [--out FILE | --out-dir DIR] [--threads N] [--duals]`
 *
 * One snapshot without --out-dir is solved in this thread, its result written to stdout
 * or --out, as it always was. With --out-dir, the snapshots are solved concurrently in a
 * pool of worker threads and each NAME.json gets DIR/NAME.result.json. The snapshot parser and
 * the solver are imported only when a solve runs, the pool only with --out-dir.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { writeFileAtomic } from './files.js';

interface SolveOptions {
  out?: string;
  outDir?: string;
  threads?: number;
  duals?: boolean;
}

export function registerSolveCommand(program: Command): void {
  program
    .command('solve')
    .description('solve snapshots and write their result JSON')
    .argument('<snapshot...>', 'snapshot JSON files (several need --out-dir)')
    .option('--out <file>', 'with one snapshot: write the result to this file (atomically) instead of stdout')
    .option('--out-dir <dir>', 'write each result to DIR/NAME.result.json (atomically), solving in worker threads')
    .option('--threads <n>', 'worker threads with --out-dir (default: the number of cores)', parseThreads)
    .option('--duals', 'include the dual certificate')
    .action(async (snapshotPaths: string[], options: SolveOptions, command: Command) => {
      if (options.outDir !== undefined) {
        if (options.out !== undefined) command.error('--out and --out-dir cannot be used together');
        const { solveSnapshotFiles } = await import('./solve-snapshot-files.js');
        await solveSnapshotFiles(snapshotPaths, options.outDir, { threads: options.threads, duals: options.duals });
        return;
      }
      if (snapshotPaths.length > 1) command.error('too many arguments: several snapshots need --out-dir');
      const { solveSnapshotFile } = await import('./solve-snapshot-file.js');
      const result = await solveSnapshotFile(snapshotPaths[0], { duals: options.duals });
      const json = `${JSON.stringify(result)}\n`;
      if (options.out === undefined) process.stdout.write(json);
      else await writeFileAtomic(options.out, json);
    });
}

function parseThreads(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError('must be a positive integer');
  return threads;
}
