/** `dispatchd solve <snapshot.json> [--out result.json] [--duals]` */
import type { Command } from 'commander';
import { writeFileAtomic } from './files.js';
import { solveSnapshotFile } from './solve-snapshot-file.js';

interface SolveOptions {
  out?: string;
  duals?: boolean;
}

export function registerSolveCommand(program: Command): void {
  program
    .command('solve')
    .description('solve a snapshot and write the result JSON')
    .argument('<snapshot>', 'snapshot JSON file')
    .option('--out <file>', 'write the result to this file (atomically) instead of stdout')
    .option('--duals', 'include the dual certificate')
    .action(async (snapshotPath: string, options: SolveOptions) => {
      const result = await solveSnapshotFile(snapshotPath, { duals: options.duals });
      const json = `${JSON.stringify(result)}\n`;
      if (options.out === undefined) process.stdout.write(json);
      else await writeFileAtomic(options.out, json);
    });
}
