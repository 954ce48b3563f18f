/**
 * `dispatchd bench`: the worker pool's benchmarks (bench/pool.ts), a progress line per
 * step on stderr, the figures on stdout and in bench/pool-results.json.
 */
import type { Command } from 'commander';
import { writeFileAtomic } from './files.js';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the worker-pool benchmarks and write bench/pool-results.json (about a minute)')
    .action(async () => {
      // The benchmarks and their city generator load only for this command.
      const { POOL_RESULTS_PATH, formatPoolResults, runPoolBenchmarks } = await import('../../bench/pool.js');
      const results = await runPoolBenchmarks((line) => process.stderr.write(`${line}\n`));
      await writeFileAtomic(POOL_RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(`${formatPoolResults(results)}\n`);
      process.stderr.write(`wrote ${POOL_RESULTS_PATH}\n`);
    });
}
